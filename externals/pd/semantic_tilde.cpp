// [semantic~] for Pure Data: translates Pd's calls to externals/core (nothing else).
//
//   [semantic~ BUNDLE @descriptors brightness roughness @buffer 4096 @units raw @thread 1 @python PATH]
//
// @thread 0 loads and computes in Pd's own thread: for offline rendering (pd -batch), never live.
//
// inlets: one signal per exposed descriptor (default: all of the bundle's); an inlet
// drives its descriptor while a signal cord is connected to it (read from the patch
// when DSP starts, the way Max counts connections); numbers go through `target`;
// outlets: audio channels, latent dimensions, exposed descriptor predictions (signals),
// then messages (status, info, underruns).
#include <cstring>
#include <memory>
#include <string>
#include <vector>

extern "C" {
#include <m_pd.h>
#include <g_canvas.h>
#include <m_imp.h>
}

#include "../core/interface.hpp"

namespace {

t_class* semantic_class = nullptr;

struct t_semantic {
    t_object obj;
    t_float f;  // the main signal inlet's scalar
    semantic::Semantic* core;
    std::vector<t_sample*>* vectors;  // dsp: inlets then outlets
    t_outlet* messages;
    t_clock* poll;
    t_canvas* canvas;  // for bundle paths relative to the patch
    semantic::Reported* reported;  // what the message outlet has said
};

semantic::Atoms from_pd(int argc, const t_atom* argv) {
    semantic::Atoms out;
    for (int i = 0; i < argc; ++i) {
        if (argv[i].a_type == A_FLOAT) {
            out.push_back(semantic::Atom::of(double(argv[i].a_w.w_float)));
        } else if (argv[i].a_type == A_SYMBOL) {  // as typed: a folder name may hold spaces, ';' or '$'
            out.push_back(semantic::Atom::of(std::string(argv[i].a_w.w_symbol->s_name)));
        } else {
            char buf[MAXPDSTRING];
            atom_string(const_cast<t_atom*>(argv + i), buf, MAXPDSTRING);
            out.push_back(semantic::Atom::of(std::string(buf)));
        }
    }
    return out;
}

semantic::Resolve resolver(t_canvas* canvas) {
    return [canvas](const std::string& path) {
        if (path.empty() || path[0] == '/' || !canvas) return path;
        return std::string(canvas_getdir(canvas)->s_name) + "/" + path;
    };
}

void deliver(t_semantic* x, const semantic::Reply& r) {
    for (const auto& e : r.errors) pd_error(x, "semantic~: %s", e.c_str());
    for (const auto& p : r.posts) post("semantic~: %s", p.c_str());
    for (const auto& o : r.outputs) {
        std::vector<t_atom> atoms(o.atoms.size());
        for (std::size_t i = 0; i < atoms.size(); ++i) {
            if (o.atoms[i].is_number)
                SETFLOAT(&atoms[i], t_float(o.atoms[i].number));
            else
                SETSYMBOL(&atoms[i], gensym(o.atoms[i].symbol.c_str()));
        }
        outlet_anything(x->messages, gensym(o.selector.c_str()), int(atoms.size()), atoms.data());
    }
}

// Pd is not thread-safe: a clock on the main thread delivers what the worker and the
// loader had to say.
void semantic_poll(t_semantic* x) {
    deliver(x, semantic::poll(*x->core, *x->reported));
    clock_delay(x->poll, semantic::kPollMs);
}

void* semantic_new(t_symbol*, int argc, t_atom* argv) {
    t_canvas* canvas = canvas_getcurrent();
    semantic::Creation c = semantic::parse_arguments(from_pd(argc, argv), resolver(canvas));
    if (!c.error.empty()) {
        pd_error(nullptr, "semantic~: %s", c.error.c_str());
        return nullptr;
    }
    auto x = reinterpret_cast<t_semantic*>(pd_new(semantic_class));
    x->vectors = new std::vector<t_sample*>();
    x->poll = nullptr;
    x->canvas = canvas;
    x->reported = new semantic::Reported();
    x->f = 0;
    x->core = new semantic::Semantic(c.config, [x](const std::string& text) { deliver(x, semantic::said(text)); });
    if (!x->core->open(c.bundle)) {  // the manifest alone: the bundle loads in the background
        pd_free(&x->obj.ob_pd);
        return nullptr;
    }
    for (int i = 1; i < x->core->inlets(); ++i) inlet_new(&x->obj, &x->obj.ob_pd, &s_signal, &s_signal);
    for (int i = 0; i < x->core->outlets(); ++i) outlet_new(&x->obj, &s_signal);
    x->messages = outlet_new(&x->obj, nullptr);
    x->poll = clock_new(x, reinterpret_cast<t_method>(semantic_poll));
    clock_delay(x->poll, semantic::kPollMs);
    return x;
}

void semantic_free(t_semantic* x) {
    if (x->poll) clock_free(x->poll);
    delete x->core;  // waits for a model call in flight
    delete x->vectors;
    delete x->reported;
}

t_int* semantic_perform(t_int* w) {
    auto x = reinterpret_cast<t_semantic*>(w[1]);
    int n = int(w[2]);
    auto& v = *x->vectors;
    int in = x->core->inlets();
    x->core->perform<t_sample>(v.data(), v.data() + in, n);
    return w + 3;
}

// Which inlets a signal cord reaches, from the patch's connections.
std::vector<bool> connected_inlets(t_semantic* x) {
    std::vector<bool> connected(std::size_t(x->core->inlets()), false);
    t_linetraverser t;
    linetraverser_start(&t, x->canvas);
    while (linetraverser_next(&t))
        if (t.tr_ob2 == &x->obj && t.tr_inno < int(connected.size()) && obj_issignaloutlet(t.tr_ob, t.tr_outno))
            connected[std::size_t(t.tr_inno)] = true;
    return connected;
}

void semantic_dsp(t_semantic* x, t_signal** sp) {
    int in = x->core->inlets(), out = x->core->outlets();
    x->vectors->clear();
    for (int i = 0; i < in + out; ++i) x->vectors->push_back(sp[i]->s_vec);
    auto connected = connected_inlets(x);
    for (int i = 0; i < in; ++i) x->core->set_connected(i, connected[std::size_t(i)]);
    x->core->prepare(sp[0]->s_sr, sp[0]->s_n);
    dsp_add(semantic_perform, 2, x, sp[0]->s_n);
}

// Every message goes to the core, which knows them all (and says what it expected).
void semantic_message(t_semantic* x, t_symbol* s, int argc, t_atom* argv) {
    deliver(x, semantic::handle(*x->core, s->s_name, from_pd(argc, argv), resolver(x->canvas)));
}

}  // namespace

extern "C" void semantic_tilde_setup(void) {
    semantic_class = class_new(gensym("semantic~"), reinterpret_cast<t_newmethod>(semantic_new),
                               reinterpret_cast<t_method>(semantic_free), sizeof(t_semantic), CLASS_DEFAULT, A_GIMME, A_NULL);
    CLASS_MAINSIGNALIN(semantic_class, t_semantic, f);
    class_addmethod(semantic_class, reinterpret_cast<t_method>(semantic_dsp), gensym("dsp"), A_CANT, A_NULL);
    class_addanything(semantic_class, reinterpret_cast<t_method>(semantic_message));
    post("semantic~ 0.1: play neural audio generators by perceptual descriptors");
}
