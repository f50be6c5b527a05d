// Streaming sample-rate conversion of planar float channels between the host's rate
// and a generator's, by a well-kept library (docs/architecture.md says which, and
// docs/benchmarks.md what it measured: passband, stopband, cost).
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

namespace semantic {

class Resampler {
public:
    Resampler(int channels, double in_rate, double out_rate);
    ~Resampler();
    Resampler(const Resampler&) = delete;
    Resampler& operator=(const Resampler&) = delete;

    // Consumes all `frames` input frames (channel c at in[c * in_stride]) and writes
    // the output they complete (channel c at out[c * out_stride]), at most `room`
    // frames; returns how many it wrote.
    std::size_t process(const float* in, std::size_t in_stride, std::size_t frames, float* out,
                        std::size_t out_stride, std::size_t room);
    // Back to the state of a new converter (silence before the next input).
    void reset();
    // Output frames per input frame.
    double ratio() const { return ratio_; }

private:
    struct State;
    std::unique_ptr<State> state_;
    int channels_;
    double ratio_;
};

}  // namespace semantic
