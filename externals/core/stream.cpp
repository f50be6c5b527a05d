#include "stream.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>
#include <stdexcept>

namespace semantic {

Stream::Stream(int in_channels, int out_channels, int hop, double model_sr, double host_sr, std::size_t block)
    : in_ch_(in_channels), out_ch_(out_channels), hop_(hop), block_(block) {
    const double up = model_sr / host_sr;  // generator frames per host frame
    if (model_sr != host_sr) {
        to_model_ = std::make_unique<Resampler>(in_ch_, host_sr, model_sr);
        to_host_ = std::make_unique<Resampler>(out_ch_, model_sr, host_sr);
    }
    // generous bounds: a converter may hold back and then release a few hundred frames
    in_cap_ = std::size_t(hop_) + 2 * std::size_t(std::ceil(block_ * up)) + 4096;
    max_frames_ = in_cap_ / hop_ * hop_;
    latency_ = to_model_ ? measure_latency(model_sr, host_sr) : std::size_t(hop_) - std::gcd(block_, std::size_t(hop_));
    out_cap_ = latency_ + 2 * block_ + std::size_t(std::ceil(max_frames_ / up)) + 4096;
    in_fifo_.assign(std::size_t(in_ch_) * in_cap_, 0.f);
    out_fifo_.assign(std::size_t(out_ch_) * out_cap_, 0.f);
    model_in_.assign(std::size_t(in_ch_) * max_frames_, 0.f);
    model_out_.assign(std::size_t(out_ch_) * max_frames_, 0.f);
    reset();
}

void Stream::reset() {
    if (to_model_) to_model_->reset(), to_host_->reset();
    in_len_ = 0;
    out_len_ = latency_;  // the silence ahead
    for (int c = 0; c < out_ch_; ++c) std::fill_n(out_fifo_.data() + std::size_t(c) * out_cap_, out_len_, 0.f);
}

// The largest shortfall of the output queue over the first seconds of a stream without
// priming: what the converters hold back plus what waits for a whole hop. Counts alone
// matter, so one channel of silence stands for all.
std::size_t Stream::measure_latency(double model_sr, double host_sr) {
    Resampler to_model(1, host_sr, model_sr), to_host(1, model_sr, host_sr);
    std::vector<float> in(block_, 0.f), mid(in_cap_, 0.f), out(4 * block_ + 4 * in_cap_ + 4096, 0.f);
    long queued = 0, worst = 0;
    std::size_t waiting = 0;
    const std::size_t blocks = std::max<std::size_t>(32, std::size_t(2 * host_sr / block_) + 1);
    for (std::size_t b = 0; b < blocks; ++b) {
        waiting += to_model.process(in.data(), block_, block_, mid.data(), in_cap_, in_cap_ - waiting);
        std::size_t frames = waiting / hop_ * hop_;
        waiting -= frames;
        queued += long(to_host.process(mid.data(), frames, frames, out.data(), out.size(), out.size()));
        queued -= long(block_);
        worst = std::min(worst, queued);
    }
    return std::size_t(-worst) + 1;
}

std::size_t Stream::push(Resampler* rs, const float* in, std::size_t stride, std::size_t frames, std::vector<float>& fifo,
                         std::size_t cap, std::size_t& len, int channels) {
    std::size_t added;
    if (rs) {
        added = rs->process(in, stride, frames, fifo.data() + len, cap, cap - len);
    } else {
        if (len + frames > cap) throw std::logic_error("stream queue overflow");
        for (int c = 0; c < channels; ++c)
            std::copy_n(in + std::size_t(c) * stride, frames, fifo.data() + std::size_t(c) * cap + len);
        added = frames;
    }
    len += added;
    return added;
}

void Stream::drop(std::vector<float>& fifo, std::size_t cap, std::size_t& len, std::size_t frames, int channels) {
    for (int c = 0; c < channels; ++c) {
        float* row = fifo.data() + std::size_t(c) * cap;
        std::memmove(row, row + frames, (len - frames) * sizeof(float));
    }
    len -= frames;
}

void Stream::process(const float* in, float* out, const Model& model) {
    push(to_model_.get(), in, block_, block_, in_fifo_, in_cap_, in_len_, in_ch_);
    std::size_t frames = std::min(in_len_ / hop_ * hop_, max_frames_);
    if (frames) {
        for (int c = 0; c < in_ch_; ++c)
            std::copy_n(in_fifo_.data() + std::size_t(c) * in_cap_, frames, model_in_.data() + std::size_t(c) * frames);
        drop(in_fifo_, in_cap_, in_len_, frames, in_ch_);
        model(model_in_.data(), model_out_.data(), frames);
        push(to_host_.get(), model_out_.data(), frames, frames, out_fifo_, out_cap_, out_len_, out_ch_);
    }
    if (out_len_ < block_) {  // ran dry: silence ahead of what there is, from now on one more
        std::size_t missing = block_ - out_len_;
        for (int c = 0; c < out_ch_; ++c) {
            float* row = out_fifo_.data() + std::size_t(c) * out_cap_;
            std::memmove(row + missing, row, out_len_ * sizeof(float));
            std::fill_n(row, missing, 0.f);
        }
        out_len_ = block_;
        latency_ += missing;
    }
    for (int c = 0; c < out_ch_; ++c)
        std::copy_n(out_fifo_.data() + std::size_t(c) * out_cap_, block_, out + std::size_t(c) * block_);
    drop(out_fifo_, out_cap_, out_len_, block_, out_ch_);
}

}  // namespace semantic
