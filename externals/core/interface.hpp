// What [semantic~] understands, declared once for every host (docs/architecture.md §2.4): creation
// arguments, messages, what the message outlet says, and assist strings. A front end
// converts its atoms to `Atom`, calls these, and converts the replies back.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "semantic.hpp"

namespace semantic {

struct Atom {
    bool is_number = false;
    double number = 0;
    std::string symbol;

    static Atom of(double v) { return Atom{true, v, {}}; }
    static Atom of(std::string s) { return Atom{false, 0, std::move(s)}; }
    std::string text() const;
};
using Atoms = std::vector<Atom>;

// Makes a relative bundle path absolute the host's way (next to the patch).
using Resolve = std::function<std::string(const std::string&)>;

// BUNDLE [@descriptors NAME ...] [@buffer N] [@units raw|normalised] [@thread 0|1] [@python PATH]
struct Creation {
    std::string bundle;
    Config config;
    std::string error;  // non-empty: refuse to create the object, and say this
};
Creation parse_arguments(const Atoms& args, const Resolve& resolve);

// One message out of the object's message outlet: `selector atoms...`.
struct Output {
    std::string selector;
    Atoms atoms;
};

// What a message produced, for the host to deliver on its main thread.
struct Reply {
    std::vector<std::string> errors;  // each one line, without the object's name
    std::vector<std::string> posts;
    std::vector<Output> outputs;      // for the message outlet, in order
};

// load BUNDLE · mode control|latent|map · info [NAME] · bypass [0|1] · target NAME V [NAME V ...] ·
// latent I V [I V ...] · map X Y · teach LABEL V · learn LABEL · forget LABEL; anything
// else is an error that lists these.
Reply handle(Semantic& s, const std::string& selector, const Atoms& args, const Resolve& resolve);

// A number at signal inlet `inlet` (hosts whose signal inlets take numbers, as Max's
// do): that descriptor's target in control mode, that latent dimension in latent mode.
Reply inlet_value(Semantic& s, int inlet, double value);

// What a host's message outlet has already said, so poll() says only what changed.
struct Reported {
    long loads = 0;
    long underruns = 0;
    float map_x = -1, map_y = -1;
};

// What the core said (one message per line, errors start with "error: "), sorted into
// errors and posts; for the host's Post callback and for poll().
Reply said(const std::string& text);

// How often hosts call poll(), in ms: often enough for the map cursor to follow the sound.
constexpr double kPollMs = 50;

// Collects what the worker and loader left (errors, notes) and outputs `loaded PATH`
// after every (re)load, `underruns N` when the count changed and `map X Y` when the
// sound playing moved on the bundle's sound map (a cursor for [semantic.heatmap]); hosts
// call it from a timer on their main thread.
Reply poll(Semantic& s, Reported& reported);

// Assist strings: inlets and outlets named by the descriptors and channels they carry.
std::string inlet_assist(const Semantic& s, int index);
std::string outlet_assist(const Semantic& s, int index);

}  // namespace semantic
