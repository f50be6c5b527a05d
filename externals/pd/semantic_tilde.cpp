// [semantic~] for Pure Data: translates Pd's calls to externals/core (nothing else).
//
//   [semantic~ BUNDLE @descriptors brightness roughness @buffer 4096 @units raw @thread 1 @python PATH]
//
// @thread 0 computes in the audio callback: for offline rendering (pd -batch), never live.
//
// inlets: one signal per exposed descriptor (default: all of the bundle's);
// outlets: audio channels, latent dimensions, exposed descriptor predictions (signals),
// then messages (status, info, underruns).
#include <cstring>
#include <memory>
#include <string>
#include <vector>

extern "C" {
#include <m_pd.h>
}

#include "../core/semantic.hpp"

namespace {

t_class* semantic_class = nullptr;

struct t_semantic {
    t_object obj;
    t_float f;  // the main signal inlet's scalar
    semantic::Semantic* core;
    std::vector<t_sample*>* vectors;  // dsp: inlets then outlets
    t_outlet* messages;
    t_clock* poll;
    long reported_underruns;
};

void post_to(t_semantic* x, const std::string& text) {
    if (text.rfind("error:", 0) == 0)
        pd_error(x, "semantic~: %s", text.c_str() + 7);
    else
        post("semantic~: %s", text.c_str());
}

std::string atom_text(const t_atom& a) {
    char buf[MAXPDSTRING];
    atom_string(const_cast<t_atom*>(&a), buf, MAXPDSTRING);
    return buf;
}

// Worker and loader report through the core; Pd is not thread-safe, so a clock on the
// main thread collects their messages.
void semantic_poll(t_semantic* x) {
    std::string errors = x->core->take_worker_error();
    size_t start = 0;
    while (start < errors.size()) {
        size_t end = errors.find('\n', start);
        post_to(x, errors.substr(start, end - start));
        start = end == std::string::npos ? errors.size() : end + 1;
    }
    long u = x->core->underruns();
    if (u != x->reported_underruns) {
        x->reported_underruns = u;
        t_atom a;
        SETFLOAT(&a, t_float(u));
        outlet_anything(x->messages, gensym("underruns"), 1, &a);
    }
    clock_delay(x->poll, 250);
}

std::string resolve(const std::string& path) {
    if (path.empty() || path[0] == '/') return path;
    t_canvas* canvas = canvas_getcurrent();
    if (!canvas) return path;
    return std::string(canvas_getdir(canvas)->s_name) + "/" + path;
}

void* semantic_new(t_symbol*, int argc, t_atom* argv) {
    if (argc < 1 || argv[0].a_type != A_SYMBOL) {
        pd_error(nullptr, "semantic~: expected a bundle folder (a symbol) as first argument, got %s",
                 argc < 1 ? "nothing" : atom_text(argv[0]).c_str());
        return nullptr;
    }
    semantic::Config config;
    std::string bundle = resolve(atom_getsymbol(argv)->s_name);
    for (int i = 1; i < argc; ++i) {
        std::string key = atom_text(argv[i]);
        auto needs_value = [&](const char* what) {
            if (i + 1 >= argc) {
                pd_error(nullptr, "semantic~: %s needs %s", key.c_str(), what);
                return false;
            }
            return true;
        };
        if (key == "@descriptors") {
            while (i + 1 < argc && argv[i + 1].a_type == A_SYMBOL && atom_text(argv[i + 1])[0] != '@')
                config.descriptors.push_back(atom_getsymbol(argv + ++i)->s_name);
        } else if (key == "@buffer") {
            if (!needs_value("a number of samples")) return nullptr;
            if (argv[i + 1].a_type != A_FLOAT || atom_getfloat(argv + i + 1) < 1) {
                pd_error(nullptr, "semantic~: @buffer expects a positive number of samples, got %s",
                         atom_text(argv[i + 1]).c_str());
                return nullptr;
            }
            config.buffer = int(atom_getfloat(argv + ++i));
        } else if (key == "@units") {
            if (!needs_value("raw or normalised")) return nullptr;
            std::string u = atom_text(argv[++i]);
            if (u != "raw" && u != "normalised") {
                pd_error(nullptr, "semantic~: @units expects raw or normalised, got %s", u.c_str());
                return nullptr;
            }
            config.raw_units = u == "raw";
        } else if (key == "@thread") {
            if (!needs_value("0 or 1")) return nullptr;
            if (argv[i + 1].a_type != A_FLOAT) {
                pd_error(nullptr, "semantic~: @thread expects 0 or 1, got %s", atom_text(argv[i + 1]).c_str());
                return nullptr;
            }
            config.threaded = atom_getfloat(argv + ++i) != 0;
        } else if (key == "@python") {
            if (!needs_value("the path of a python executable")) return nullptr;
            config.python = atom_text(argv[++i]);
        } else {
            pd_error(nullptr, "semantic~: unknown argument '%s'; expected @descriptors, @buffer, @units, @thread or @python",
                     key.c_str());
            return nullptr;
        }
    }
    auto x = reinterpret_cast<t_semantic*>(pd_new(semantic_class));
    x->vectors = new std::vector<t_sample*>();
    x->poll = nullptr;
    x->reported_underruns = 0;
    x->f = 0;
    x->core = new semantic::Semantic(config, [x](const std::string& text) { post_to(x, text); });
    if (!x->core->load(bundle, true)) {
        pd_free(&x->obj.ob_pd);
        return nullptr;
    }
    for (int i = 1; i < x->core->inlets(); ++i) inlet_new(&x->obj, &x->obj.ob_pd, &s_signal, &s_signal);
    for (int i = 0; i < x->core->outlets(); ++i) outlet_new(&x->obj, &s_signal);
    x->messages = outlet_new(&x->obj, nullptr);
    x->poll = clock_new(x, reinterpret_cast<t_method>(semantic_poll));
    clock_delay(x->poll, 250);
    return x;
}

void semantic_free(t_semantic* x) {
    if (x->poll) clock_free(x->poll);
    delete x->core;  // waits for a model call in flight
    delete x->vectors;
}

t_int* semantic_perform(t_int* w) {
    auto x = reinterpret_cast<t_semantic*>(w[1]);
    int n = int(w[2]);
    auto& v = *x->vectors;
    int in = x->core->inlets();
    x->core->perform(v.data(), v.data() + in, n);
    return w + 3;
}

void semantic_dsp(t_semantic* x, t_signal** sp) {
    int in = x->core->inlets(), out = x->core->outlets();
    x->vectors->clear();
    for (int i = 0; i < in + out; ++i) x->vectors->push_back(sp[i]->s_vec);
    x->core->prepare(sp[0]->s_sr);
    dsp_add(semantic_perform, 2, x, sp[0]->s_n);
}

void semantic_load(t_semantic* x, t_symbol* path) { x->core->load(resolve(path->s_name), false); }

void semantic_mode(t_semantic* x, t_symbol* mode) {
    std::string m = mode->s_name;
    if (m == "control")
        x->core->set_mode(semantic::Mode::control);
    else if (m == "latent")
        x->core->set_mode(semantic::Mode::latent);
    else
        pd_error(x, "semantic~: mode expects control or latent, got '%s'", m.c_str());
}

void semantic_bypass(t_semantic* x, t_floatarg on) { x->core->set_bypass(on != 0); }

void semantic_info(t_semantic* x) {
    std::string text = x->core->info();
    post("semantic~: %s", text.c_str());
    t_atom a;
    SETSYMBOL(&a, gensym(text.c_str()));
    outlet_anything(x->messages, gensym("info"), 1, &a);
}

// target name value [name value ...] / latent index value [index value ...]
void semantic_pairs(t_semantic* x, t_symbol* s, int argc, t_atom* argv) {
    bool target = s == gensym("target");
    if (argc == 0 || argc % 2) {
        pd_error(x, "semantic~: %s expects %s pairs, got %d atom(s)", s->s_name,
                 target ? "<descriptor> <value>" : "<index> <value>", argc);
        return;
    }
    for (int i = 0; i < argc; i += 2) {
        if (argv[i + 1].a_type != A_FLOAT || (target ? argv[i].a_type != A_SYMBOL : argv[i].a_type != A_FLOAT)) {
            pd_error(x, "semantic~: %s expects %s, got '%s %s'", s->s_name,
                     target ? "a descriptor name then a number" : "an index then a number",
                     atom_text(argv[i]).c_str(), atom_text(argv[i + 1]).c_str());
            return;
        }
        std::string err = target ? x->core->set_target(atom_getsymbol(argv + i)->s_name, atom_getfloat(argv + i + 1))
                                 : x->core->set_latent(int(atom_getfloat(argv + i)), atom_getfloat(argv + i + 1));
        if (!err.empty()) pd_error(x, "semantic~: %s", err.c_str());
    }
}

void semantic_anything(t_semantic* x, t_symbol* s, int, t_atom*) {
    pd_error(x, "semantic~: unknown message '%s'; expected load, mode, info, bypass, target or latent", s->s_name);
}

}  // namespace

extern "C" void semantic_tilde_setup(void) {
    semantic_class = class_new(gensym("semantic~"), reinterpret_cast<t_newmethod>(semantic_new),
                               reinterpret_cast<t_method>(semantic_free), sizeof(t_semantic), CLASS_DEFAULT, A_GIMME, A_NULL);
    CLASS_MAINSIGNALIN(semantic_class, t_semantic, f);
    class_addmethod(semantic_class, reinterpret_cast<t_method>(semantic_dsp), gensym("dsp"), A_CANT, A_NULL);
    class_addmethod(semantic_class, reinterpret_cast<t_method>(semantic_load), gensym("load"), A_SYMBOL, A_NULL);
    class_addmethod(semantic_class, reinterpret_cast<t_method>(semantic_mode), gensym("mode"), A_SYMBOL, A_NULL);
    class_addmethod(semantic_class, reinterpret_cast<t_method>(semantic_bypass), gensym("bypass"), A_DEFFLOAT, A_NULL);
    class_addmethod(semantic_class, reinterpret_cast<t_method>(semantic_info), gensym("info"), A_NULL);
    class_addmethod(semantic_class, reinterpret_cast<t_method>(semantic_pairs), gensym("target"), A_GIMME, A_NULL);
    class_addmethod(semantic_class, reinterpret_cast<t_method>(semantic_pairs), gensym("latent"), A_GIMME, A_NULL);
    class_addanything(semantic_class, reinterpret_cast<t_method>(semantic_anything));
    post("semantic~ 0.1: play neural audio generators by perceptual descriptors");
}
