// A loaded bundle: the TorchScript handles and what the object needs to know of them.
// Immutable once built; the worker takes it through a shared_ptr so a swap is atomic.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <torch/script.h>

namespace semantic {

struct Normalisation {
    bool log = false;
    double lo = 0, hi = 1;
    float to_normalised(float raw) const;
};

struct Models {
    torch::jit::Module surrogate, generator;
    std::vector<std::string> names;      // the bundle's descriptors, in its order
    std::vector<std::string> uncontrollable;  // the build found their range within the noise floor
    std::vector<std::string> units, meanings;  // per descriptor, from the manifest ("" if it has none)
    std::vector<int> exposed;            // bundle index of each exposed descriptor (inlet), -1: lacks it
    std::vector<int> slot;               // the object's target slot of each bundle descriptor
    std::vector<Normalisation> norm;     // per bundle descriptor
    std::vector<float> latent_mean;
    int latent = 0, hop = 0, sr = 0, channels = 0;
    bool has_map = false;                // surrogate.ts has `map` and `locate` (bundles built since maps)
    std::string path, generator_name;
};

using ModelsPtr = std::shared_ptr<const Models>;

}  // namespace semantic
