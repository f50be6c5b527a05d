#include "resampler.hpp"

#include <stdexcept>
#include <string>

#include <soxr.h>

namespace semantic {

// soxr's HQ recipe: flat to 0.007 dB at 0.45 x the lower rate, 133 dB or more of stopband,
// about 30 us per channel and 4096 frames; libsamplerate needs its best converter (100
// times the cost) to be as flat (bench/cpp/resampler_bench.cpp, docs/benchmarks.md).
struct Resampler::State {
    soxr_t soxr = nullptr;
    std::vector<const float*> in;
    std::vector<float*> out;
    ~State() {
        if (soxr) soxr_delete(soxr);
    }
};

Resampler::Resampler(int channels, double in_rate, double out_rate)
    : state_(std::make_unique<State>()), channels_(channels), ratio_(out_rate / in_rate) {
    soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_S, SOXR_FLOAT32_S);  // planar, as the stream keeps them
    soxr_quality_spec_t quality = soxr_quality_spec(SOXR_HQ, 0);
    soxr_runtime_spec_t runtime = soxr_runtime_spec(1);  // the worker is this object's one thread
    soxr_error_t error = nullptr;
    state_->soxr = soxr_create(in_rate, out_rate, unsigned(channels), &error, &io, &quality, &runtime);
    if (error) throw std::runtime_error(std::string("cannot start a sample-rate converter: ") + error);
    state_->in.resize(std::size_t(channels));
    state_->out.resize(std::size_t(channels));
}

Resampler::~Resampler() = default;

void Resampler::reset() { soxr_clear(state_->soxr); }

std::size_t Resampler::process(const float* in, std::size_t in_stride, std::size_t frames, float* out,
                               std::size_t out_stride, std::size_t room) {
    for (int c = 0; c < channels_; ++c) {
        state_->in[std::size_t(c)] = in + std::size_t(c) * in_stride;
        state_->out[std::size_t(c)] = out + std::size_t(c) * out_stride;
    }
    std::size_t used = 0, made = 0;
    soxr_error_t error =
        soxr_process(state_->soxr, state_->in.data(), frames, &used, state_->out.data(), room, &made);
    if (error) throw std::runtime_error(std::string("sample-rate conversion: ") + error);
    if (used != frames) throw std::logic_error("sample-rate conversion: output queue full");
    return made;
}

}  // namespace semantic
