// Surrogate cost per latent frame, from C++ through the core's loaded modules:
//   build/bench_surrogate BUNDLE [frames]
// Times `control` (targets -> latent) and `describe` at batch 1, one frame per call
// (the worker's worst case) and two frames per call, and the generator's decode.
#include <chrono>
#include <iostream>

#include <ATen/Parallel.h>
#include <torch/script.h>

#include "python_host.hpp"

using Clock = std::chrono::steady_clock;

static double time_us(torch::jit::Module& m, const char* method, const torch::Tensor& x, int repeats) {
    c10::InferenceMode guard;
    for (int i = 0; i < 20; ++i) m.get_method(method)({x});
    auto t0 = Clock::now();
    for (int i = 0; i < repeats; ++i) m.get_method(method)({x});
    return std::chrono::duration<double, std::micro>(Clock::now() - t0).count() / repeats;
}

int main(int argc, char** argv) {
    if (argc < 2) {
        std::cerr << "usage: bench_surrogate BUNDLE\n";
        return 2;
    }
    at::set_num_threads(1);
    auto m = semantic::load_models(argv[1], semantic::choose_python(""));
    auto surrogate = m->surrogate;
    const int D = int(m->names.size()), L = m->latent;
    for (int frames : {1, 2}) {
        auto x = torch::rand({1, 2 * D + L, frames});
        auto z = torch::randn({1, L, frames});
        double c = time_us(surrogate, "control", x, 2000), d = time_us(surrogate, "describe", z, 2000);
        std::cout << "frames per call " << frames << ": control " << c / frames << " us/frame, describe "
                  << d / frames << " us/frame\n";
    }
    // the generator on one 4096-sample buffer, for the cost of the whole chain
    auto generator = m->generator;
    const int frames = 4096 / m->hop;
    auto z = torch::randn({1, L, frames});
    double g = time_us(generator, "decode", z, 200);
    std::cout << "generator decode, 4096 samples per call: " << g << " us = " << g * 1e-6 * m->sr / 4096
              << " CPU s per audio s\n";
    return 0;
}
