// [semantic~] for Max: translates Max's calls to externals/core (nothing else). The C Max
// API of max-sdk-base, see docs/max.md for why.
//
//   [semantic~ BUNDLE @descriptors brightness roughness @buffer 4096 @units raw @python PATH]
//
// inlets: one signal per exposed descriptor, driving it while a signal is connected
// (dsp64's connection counts); a float sets that descriptor's target, or that latent
// dimension in latent mode; outlets: audio channels, latent dimensions,
// exposed descriptor predictions (signals), then messages (info, underruns).
//
// Threads: Max calls `new`, messages and assist on its main or scheduler thread and
// perform64 on the audio thread. The core's worker runs the models; what it and the
// loader have to say is collected by a clock and delivered by a qelem on the main thread.
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#if !defined(_WIN32)
#include <dlfcn.h>
#include <sys/stat.h>
#endif

// the core (libtorch, pybind11) before Max's headers, which bring in windows.h on Windows
#include "../core/interface.hpp"

#include "ext.h"
#include "ext_obex.h"
#include "z_dsp.h"

namespace {

t_class* semantic_class = nullptr;

// Max takes every method as `method` and calls it with the arguments it was registered
// with; casting through void(*)() says so (and keeps -Wcast-function-type quiet).
template <typename F>
method as_method(F f) {
    return reinterpret_cast<method>(reinterpret_cast<void (*)()>(f));
}

struct t_semantic {
    t_pxobject ob;
    semantic::Semantic* core;
    void* messages;  // the rightmost outlet
    t_clock* clock;  // scheduler thread: wakes the qelem
    t_qelem* qelem;  // main thread: delivers the core's messages
    std::string* folder;  // the patcher's folder, for relative bundle paths
    semantic::Reported* reported;  // what the message outlet has said
    bool dsp_ready;
};

std::string native_path(const char* max_path) {
    char out[MAX_PATH_CHARS];
    if (path_nameconform(max_path, out, PATH_STYLE_NATIVE, PATH_TYPE_ABSOLUTE) != 0) return max_path;
    return out;
}

bool is_absolute(const std::string& p) {
    return !p.empty() && (p[0] == '/' || p[0] == '\\' || p.find(":/") != std::string::npos ||
                          p.find(":\\") != std::string::npos);
}

semantic::Resolve resolver(t_semantic* x) {
    return [x](const std::string& p) {
        if (is_absolute(p) || x->folder->empty()) return native_path(p.c_str());
        return native_path((*x->folder + "/" + p).c_str());
    };
}

std::string patcher_folder(t_semantic* x) {
    t_object* patcher = nullptr;
    if (object_obex_lookup(x, gensym("#P"), &patcher) != MAX_ERR_NONE || !patcher) return "";
    t_symbol* file = object_attr_getsym(patcher, gensym("filepath"));
    if (!file || !*file->s_name) return "";  // an unsaved patcher
    std::string path = file->s_name;
    std::size_t slash = path.find_last_of('/');
    return slash == std::string::npos ? "" : path.substr(0, slash);
}

// The package's own Python environment, <package>/python (docs/max.md): what the external
// runs when neither @python nor $SEMANTIC_PYTHON names another.
std::string package_python() {
#if defined(_WIN32)
    HMODULE self = nullptr;
    GetModuleHandleExA(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                       reinterpret_cast<LPCSTR>(&package_python), &self);
    char file[MAX_PATH] = {0};
    GetModuleFileNameA(self, file, MAX_PATH);  // <package>\externals\semantic~.mxe64
    std::string path = file;
    std::size_t at = path.rfind("\\externals\\");
    if (at == std::string::npos) return "";
    std::string python = path.substr(0, at) + "\\python\\Scripts\\python.exe";
    return GetFileAttributesA(python.c_str()) != INVALID_FILE_ATTRIBUTES ? python : "";
#else
    Dl_info info;
    if (!dladdr(reinterpret_cast<void*>(&package_python), &info) || !info.dli_fname) return "";
    std::string path = info.dli_fname;  // <package>/externals/semantic~.mxo/Contents/MacOS/semantic~
    std::size_t at = path.rfind("/externals/");
    if (at == std::string::npos) return "";
    std::string python = path.substr(0, at) + "/python/bin/python3";
    struct stat st;
    return stat(python.c_str(), &st) == 0 ? python : "";
#endif
}

semantic::Atoms from_max(long argc, const t_atom* argv) {
    semantic::Atoms out;
    for (long i = 0; i < argc; ++i) {
        switch (atom_gettype(argv + i)) {
            case A_LONG:
            case A_FLOAT:
                out.push_back(semantic::Atom::of(atom_getfloat(argv + i)));
                break;
            case A_SYM:
                out.push_back(semantic::Atom::of(std::string(atom_getsym(argv + i)->s_name)));
                break;
            default:
                out.push_back(semantic::Atom::of(std::string("?")));
        }
    }
    return out;
}

void deliver(t_semantic* x, const semantic::Reply& r) {
    for (const auto& e : r.errors) object_error(reinterpret_cast<t_object*>(x), "%s", e.c_str());
    for (const auto& p : r.posts) object_post(reinterpret_cast<t_object*>(x), "%s", p.c_str());
    for (const auto& o : r.outputs) {
        std::vector<t_atom> atoms(o.atoms.size());
        for (std::size_t i = 0; i < atoms.size(); ++i) {
            if (o.atoms[i].is_number)
                atom_setfloat(&atoms[i], o.atoms[i].number);
            else
                atom_setsym(&atoms[i], gensym(o.atoms[i].symbol.c_str()));
        }
        outlet_anything(x->messages, gensym(o.selector.c_str()), short(atoms.size()), atoms.data());
    }
}

void semantic_tick(t_semantic* x) {
    qelem_set(x->qelem);
    clock_fdelay(x->clock, semantic::kPollMs);
}

void semantic_deliver_pending(t_semantic* x) { deliver(x, semantic::poll(*x->core, *x->reported)); }

void semantic_free(t_semantic* x);

void* semantic_new(t_symbol*, long argc, t_atom* argv) {
    auto x = static_cast<t_semantic*>(object_alloc(semantic_class));
    if (!x) return nullptr;
    x->core = nullptr;
    x->clock = nullptr;
    x->qelem = nullptr;
    x->dsp_ready = false;
    x->reported = new semantic::Reported();
    x->folder = new std::string(patcher_folder(x));
    semantic::Creation c = semantic::parse_arguments(from_max(argc, argv), resolver(x));
    if (!c.error.empty()) {
        object_error(reinterpret_cast<t_object*>(x), "%s", c.error.c_str());
        object_free(x);
        return nullptr;
    }
    if (c.config.python.empty() && !std::getenv("SEMANTIC_PYTHON")) c.config.python = package_python();
    x->core = new semantic::Semantic(c.config, [x](const std::string& text) { deliver(x, semantic::said(text)); });
    if (!x->core->open(c.bundle)) {  // the manifest alone: the bundle loads in the background
        object_free(x);
        return nullptr;
    }
    dsp_setup(reinterpret_cast<t_pxobject*>(x), x->core->inlets());
    x->dsp_ready = true;
    x->ob.z_misc |= Z_NO_INPLACE;  // the handoff reads every inlet before writing outlets
    // Max creates outlets right to left: messages first, then the signals.
    x->messages = outlet_new(x, nullptr);
    for (int i = 0; i < x->core->outlets(); ++i) outlet_new(x, "signal");
    x->qelem = qelem_new(x, as_method(semantic_deliver_pending));
    x->clock = clock_new(x, as_method(semantic_tick));
    clock_fdelay(x->clock, semantic::kPollMs);
    return x;
}

void semantic_free(t_semantic* x) {
    if (x->dsp_ready) dsp_free(reinterpret_cast<t_pxobject*>(x));
    if (x->clock) {
        clock_unset(x->clock);
        object_free(x->clock);
    }
    if (x->qelem) qelem_free(x->qelem);
    delete x->core;  // waits for a model call in flight
    delete x->folder;
    delete x->reported;
}

void semantic_perform64(t_semantic* x, t_object*, double** ins, long, double** outs, long, long frames, long, void*) {
    x->core->perform<double>(ins, outs, int(frames));
}

// Max may still run the previous chain's perform64 while this runs: the core swaps its
// buffers safely, and keeps them when neither the rate nor the vector size changed.
void semantic_dsp64(t_semantic* x, t_object* dsp64, short* count, double samplerate, long vector_size, long) {
    for (int i = 0; i < x->core->inlets(); ++i) x->core->set_connected(i, count[i] > 0);
    x->core->prepare(samplerate, int(vector_size));
    object_method(dsp64, gensym("dsp_add64"), x, semantic_perform64, 0, nullptr);
}

// Resolving a path is a file operation: on the main thread, never the scheduler's.
void semantic_load_deferred(t_semantic* x, t_symbol* s, long argc, t_atom* argv) {
    deliver(x, semantic::handle(*x->core, s->s_name, from_max(argc, argv), resolver(x)));
}

void semantic_anything(t_semantic* x, t_symbol* s, long argc, t_atom* argv) {
    if (s == gensym("load")) {
        defer_low(x, as_method(semantic_load_deferred), s, short(argc), argv);
        return;
    }
    deliver(x, semantic::handle(*x->core, s->s_name, from_max(argc, argv), resolver(x)));
}

void semantic_float(t_semantic* x, double v) {
    deliver(x, semantic::inlet_value(*x->core, int(proxy_getinlet(reinterpret_cast<t_object*>(x))), v));
}

void semantic_int(t_semantic* x, t_atom_long v) { semantic_float(x, double(v)); }

void semantic_assist(t_semantic* x, void*, long io, long index, char* s) {
    std::string text = io == ASSIST_INLET ? semantic::inlet_assist(*x->core, int(index))
                                          : semantic::outlet_assist(*x->core, int(index));
    strncpy_zero(s, text.c_str(), 512);
}

}  // namespace

void ext_main(void*) {
    t_class* c = class_new("semantic~", as_method(semantic_new), as_method(semantic_free),
                           long(sizeof(t_semantic)), nullptr, A_GIMME, 0);
    class_addmethod(c, as_method(semantic_dsp64), "dsp64", A_CANT, 0);
    class_addmethod(c, as_method(semantic_assist), "assist", A_CANT, 0);
    class_addmethod(c, as_method(semantic_float), "float", A_FLOAT, 0);
    class_addmethod(c, as_method(semantic_int), "int", A_LONG, 0);
    class_addmethod(c, as_method(semantic_anything), "anything", A_GIMME, 0);
    class_dspinit(c);
    class_register(CLASS_BOX, c);
    semantic_class = c;
    post("semantic~ 0.1: play neural audio generators by perceptual descriptors");
}
