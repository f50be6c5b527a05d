#include "manifest.hpp"

#include <cmath>
#include <fstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace semantic {

namespace {

int integer(const nlohmann::json& m, const char* key, int lo, int hi, const std::string& where) {
    auto it = m.find(key);
    if (it == m.end()) throw std::runtime_error(where + " is incomplete: missing \"" + key + "\"");
    if (!it->is_number() || !std::isfinite(it->get<double>()) || it->get<double>() != std::floor(it->get<double>()) ||
        it->get<double>() < lo || it->get<double>() > hi)
        throw std::runtime_error(where + ": \"" + key + "\" must be a whole number in " + std::to_string(lo) + ".." +
                                 std::to_string(hi) + ", found " + it->dump());
    return int(it->get<double>());
}

void bounded(int value, const char* what, int lo, int hi, const std::string& where) {
    if (value < lo || value > hi)
        throw std::runtime_error(where + ": " + what + " must be in " + std::to_string(lo) + ".." + std::to_string(hi) +
                                 ", found " + std::to_string(value));
}

}  // namespace

void check_shape(const Shape& s, const std::string& where) {
    bounded(s.latent, "latent_size", 1, kMaxLatent, where);
    bounded(s.hop, "hop", 1, kMaxHop, where);
    bounded(s.sr, "sr", kMinRate, kMaxRate, where);
    bounded(s.channels, "channels", 1, kMaxChannels, where);
    bounded(int(s.names.size()), "the number of descriptors", 1, kMaxDescriptors, where);
}

// A descriptor's text field for `info NAME`: one line, at most kMaxText characters, ""
// when absent or not a string (a manifest is not trusted to be short or to be text).
static std::string text(const nlohmann::json& entry, const char* key) {
    constexpr std::size_t kMaxText = 300;
    auto it = entry.find(key);
    if (it == entry.end() || !it->is_string()) return "";
    std::string t = it->get<std::string>().substr(0, kMaxText);
    for (char& c : t)
        if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    return t;
}

Shape read_shape(const std::string& bundle) {
    const std::string file = bundle + "/manifest.json";
    std::ifstream in(file, std::ios::binary);
    if (!in) throw std::runtime_error(bundle + " is not a semantic~ bundle: expected manifest.json inside, found none");
    nlohmann::json m;
    try {
        m = nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception& e) {
        throw std::runtime_error(file + " is corrupt: expected JSON, " + e.what());
    }
    if (!m.is_object()) throw std::runtime_error(file + " is corrupt: expected a JSON object");
    Shape s;
    s.latent = integer(m, "latent_size", 1, kMaxLatent, file);
    s.hop = integer(m, "hop", 1, kMaxHop, file);
    s.sr = integer(m, "sr", kMinRate, kMaxRate, file);
    s.channels = integer(m, "channels", 1, kMaxChannels, file);
    auto d = m.find("descriptors");
    if (d == m.end() || !d->is_array() || d->empty())
        throw std::runtime_error(file + ": expected \"descriptors\", a non-empty list");
    for (const auto& entry : *d) {
        auto name = entry.is_object() ? entry.find("name") : entry.end();
        if (name == entry.end() || !name->is_string() || name->get<std::string>().empty())
            throw std::runtime_error(file + ": every descriptor needs a \"name\", found " + entry.dump());
        s.names.push_back(name->get<std::string>());
        s.units.push_back(text(entry, "unit"));
        s.meanings.push_back(text(entry, "meaning"));
        auto controllable = entry.find("controllable");
        if (controllable != entry.end() && controllable->is_boolean() && !controllable->get<bool>())
            s.uncontrollable.push_back(s.names.back());
    }
    check_shape(s, file);
    return s;
}

}  // namespace semantic
