#include "interface.hpp"

#include <sstream>

namespace semantic {

namespace {

const char* const kMessages = "load, mode, info, bypass, target, latent, map, teach, learn or forget";

std::string number_text(double v) {
    std::ostringstream s;
    s << v;
    return s.str();
}

bool is_flag(const Atom& a) { return !a.is_number && !a.symbol.empty() && a.symbol[0] == '@'; }

// target NAME V [NAME V ...] / latent I V [I V ...]
void pairs(Semantic& s, const std::string& selector, const Atoms& args, Reply& r) {
    bool target = selector == "target";
    if (args.empty() || args.size() % 2) {
        r.errors.push_back(selector + " expects " + (target ? "<descriptor> <value>" : "<index> <value>") +
                           " pairs, got " + std::to_string(args.size()) + " atom(s)");
        return;
    }
    for (std::size_t i = 0; i < args.size(); i += 2) {
        const Atom &key = args[i], &value = args[i + 1];
        if (!value.is_number || key.is_number == target) {
            r.errors.push_back(selector + " expects " + (target ? "a descriptor name then a number" : "an index then a number") +
                               ", got '" + key.text() + " " + value.text() + "'");
            return;
        }
        std::string err = target ? s.set_target(key.symbol, float(value.number))
                                 : s.set_latent(int(key.number), float(value.number));
        if (!err.empty()) r.errors.push_back(err);
    }
}

}  // namespace

std::string Atom::text() const { return is_number ? number_text(number) : symbol; }

Creation parse_arguments(const Atoms& args, const Resolve& resolve) {
    Creation c;
    if (args.empty() || args[0].is_number) {
        c.error = "expected a bundle folder (a symbol) as first argument, got " + (args.empty() ? "nothing" : args[0].text());
        return c;
    }
    c.bundle = resolve(args[0].symbol);
    for (std::size_t i = 1; i < args.size(); ++i) {
        const std::string key = args[i].text();
        const Atom* value = i + 1 < args.size() ? &args[i + 1] : nullptr;
        auto missing = [&](const char* what) {
            c.error = key + " needs " + what;
            return c;
        };
        if (key == "@descriptors") {
            while (i + 1 < args.size() && !args[i + 1].is_number && !is_flag(args[i + 1]))
                c.config.descriptors.push_back(args[++i].symbol);
        } else if (key == "@buffer") {
            if (!value) return missing("a number of samples");
            if (!value->is_number || value->number < 1 || value->number > kMaxBuffer) {
                c.error = "@buffer expects a number of samples in 1.." + std::to_string(kMaxBuffer) + ", got " + value->text();
                return c;
            }
            c.config.buffer = int(value->number);
            ++i;
        } else if (key == "@units") {
            if (!value) return missing("raw or normalised");
            if (value->text() != "raw" && value->text() != "normalised") {
                c.error = "@units expects raw or normalised, got " + value->text();
                return c;
            }
            c.config.raw_units = value->text() == "raw";
            ++i;
        } else if (key == "@thread") {
            if (!value) return missing("0 or 1");
            if (!value->is_number) {
                c.error = "@thread expects 0 or 1, got " + value->text();
                return c;
            }
            c.config.threaded = value->number != 0;
            ++i;
        } else if (key == "@python") {
            if (!value) return missing("the path of a python executable");
            c.config.python = value->text();
            ++i;
        } else {
            c.error = "unknown argument '" + key + "'; expected @descriptors, @buffer, @units, @thread or @python";
            return c;
        }
    }
    return c;
}

Reply handle(Semantic& s, const std::string& selector, const Atoms& args, const Resolve& resolve) {
    Reply r;
    if (selector == "load") {
        if (args.size() != 1 || args[0].is_number)
            r.errors.push_back("load expects a bundle folder");
        else
            s.load(resolve(args[0].symbol), false);
    } else if (selector == "mode") {
        std::string m = args.size() == 1 ? args[0].text() : "";
        auto it = std::find_if(std::begin(kModes), std::end(kModes), [&](Mode k) { return m == mode_name(k); });
        if (it == std::end(kModes))
            r.errors.push_back("mode expects control, latent or map, got '" + (args.empty() ? std::string() : args[0].text()) + "'");
        else if (auto err = s.set_mode(*it); !err.empty())
            r.errors.push_back(err);
    } else if (selector == "map") {
        if (args.size() != 2 || !args[0].is_number || !args[1].is_number)
            r.errors.push_back("map expects two numbers, x and y in 0..1, got " + std::to_string(args.size()) + " atom(s)");
        else if (auto err = s.set_map(float(args[0].number), float(args[1].number)); !err.empty())
            r.errors.push_back(err);
    } else if (selector == "bypass") {
        if (args.size() > 1 || (args.size() == 1 && !args[0].is_number))
            r.errors.push_back("bypass expects 0 or 1 (nothing means 1)");
        else
            s.set_bypass(args.empty() || args[0].number != 0);
    } else if (selector == "info") {
        std::string text, error;
        if (args.size() > 1 || (args.size() == 1 && args[0].is_number))
            error = "info expects nothing, or a descriptor name";
        else
            text = args.empty() ? s.info() : s.info(args[0].symbol, error);
        if (!error.empty()) {
            r.errors.push_back(error);
        } else {
            r.posts.push_back(text);
            r.outputs.push_back({"info", {Atom::of(text)}});
        }
    } else if (selector == "target" || selector == "latent") {
        pairs(s, selector, args, r);
    } else if (selector == "teach") {
        if (args.size() != 2 || args[0].is_number)
            r.errors.push_back("teach expects a label name and a value (a number, or a word for a yes/no label)");
        else if (auto err = s.teach(args[0].symbol, args[1].number, args[1].is_number ? "" : args[1].symbol);
                 !err.empty())
            r.errors.push_back(err);
    } else if (selector == "learn" || selector == "forget") {
        if (args.size() != 1 || args[0].is_number)
            r.errors.push_back(selector + " expects a label name");
        else if (auto err = selector == "learn" ? s.learn(args[0].symbol) : s.forget(args[0].symbol); !err.empty())
            r.errors.push_back(err);
    } else {
        r.errors.push_back("unknown message '" + selector + "'; expected " + kMessages);
    }
    return r;
}

Reply inlet_value(Semantic& s, int inlet, double value) {
    Reply r;
    if (inlet < 0 || inlet >= s.inlets()) {
        r.errors.push_back("no inlet " + std::to_string(inlet));
        return r;
    }
    std::string err;
    if (s.mode() == Mode::control)
        err = s.set_target(s.descriptors()[inlet], float(value));
    else if (s.mode() == Mode::latent)
        err = s.set_latent(inlet, float(value));
    else if (inlet < 2)
        err = s.set_map(inlet == 0 ? std::optional<float>(float(value)) : std::nullopt,
                        inlet == 1 ? std::optional<float>(float(value)) : std::nullopt);
    else
        err = "in map mode only the first two inlets play (map x, map y)";
    if (!err.empty()) r.errors.push_back(err);
    return r;
}

Reply said(const std::string& text) {
    Reply r;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        if (line.rfind("error: ", 0) == 0)
            r.errors.push_back(line.substr(7));
        else if (!line.empty())
            r.posts.push_back(line);
    }
    return r;
}

Reply poll(Semantic& s, Reported& reported) {
    Reply r = said(s.take_messages());
    auto m = s.models();
    if (m && s.loads() != reported.loads) {
        reported.loads = s.loads();
        r.outputs.push_back({"loaded", {Atom::of(m->path)}});
    }
    float x, y;
    if (s.located(x, y) && (x != reported.map_x || y != reported.map_y)) {
        reported.map_x = x, reported.map_y = y;
        r.outputs.push_back({"map", {Atom::of(x), Atom::of(y)}});
    }
    long u = s.underruns();
    if (u != reported.underruns) {
        reported.underruns = u;
        r.outputs.push_back({"underruns", {Atom::of(double(u))}});
    }
    return r;
}

std::string inlet_assist(const Semantic& s, int index) {
    const auto& names = s.descriptors();
    if (index < 0 || index >= int(names.size())) return "";
    std::string what = "(signal) " + names[index] + " target (control mode) / latent " + std::to_string(index) +
                       " (latent mode)" + (index < 2 ? std::string(" / map ") + "xy"[index] + " (map mode)" : "");
    return index == 0 ? what + "; messages: " + kMessages : what;
}

std::string outlet_assist(const Semantic& s, int index) {
    int audio = s.audio_outlets(), latent = s.latent_outlets(), described = s.descriptor_outlets();
    if (index < audio) return "(signal) audio channel " + std::to_string(index + 1);
    index -= audio;
    if (index < latent) return "(signal) latent " + std::to_string(index) + " (to other nn~ objects)";
    index -= latent;
    if (index < described) return "(signal) " + s.descriptors()[index] + ", predicted for what plays";
    return index == described ? "messages: loaded, info, underruns" : "";
}

}  // namespace semantic
