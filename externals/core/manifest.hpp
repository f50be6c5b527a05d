// What [semantic~] needs of a bundle before any Python runs: its shape, read from
// manifest.json in C++ so an object can fix its inlets and outlets at once (creation
// never waits for the interpreter or a TorchScript load) and so no number from a file
// reaches an allocation or a division before it is checked (docs/architecture.md).
#pragma once

#include <string>
#include <vector>

namespace semantic {

constexpr int kMaxDescriptors = 64;
constexpr int kMaxLatent = 256;
constexpr int kMaxChannels = 64;
constexpr int kMaxHop = 1 << 16;
constexpr int kMinRate = 1000, kMaxRate = 768000;

struct Shape {
    std::vector<std::string> names;  // the bundle's descriptors, in its order
    int latent = 0, hop = 0, sr = 0, channels = 0;
    std::vector<std::string> uncontrollable;  // marked by the build: range within its noise floor
    // per descriptor, in `names`' order: its unit and what it measures in plain words
    // ("" where an older bundle's manifest says nothing)
    std::vector<std::string> units, meanings;
};

// Throws std::runtime_error saying what was expected and what was found.
Shape read_shape(const std::string& bundle);

// The same bounds for numbers that come from anywhere else (Python's view of a bundle).
void check_shape(const Shape& shape, const std::string& where);

}  // namespace semantic
