// Between the host's fixed blocks at its rate and the generator's whole hops at its own
// rate (docs/architecture.md, "Stream"). Runs on the worker thread (or, offline, in the
// audio callback): it may allocate when built, never in `process`.
//
// Inputs are converted to the generator's rate and queued; every whole hop queued is
// decoded in one model call; its output is converted back to the host's rate and
// queued; each block takes `block` frames from that queue. The queue starts with
// `latency()` frames of silence: enough that it never runs dry, whatever the rates,
// the hop and the block (measured once on silence when built). Should it run dry
// anyway, the missing frames are played as silence ahead of the rest and the latency
// grows by as many, so nothing is ever dropped or reordered.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <vector>

#include "resampler.hpp"

namespace semantic {

class Stream {
public:
    // in [in_channels][frames] -> out [out_channels][frames], channel-major, frames a
    // multiple of the hop, at the generator's rate.
    using Model = std::function<void(const float* in, float* out, std::size_t frames)>;

    Stream(int in_channels, int out_channels, int hop, double model_sr, double host_sr, std::size_t block);

    // One host block: in [in_channels][block] -> out [out_channels][block].
    void process(const float* in, float* out, const Model& model);
    // Host samples between a block's input and its output, beyond the block handoff.
    int latency() const { return int(latency_); }
    bool converts() const { return bool(to_model_); }
    // Back to the state it was built in (after a bypass or a silent stretch).
    void reset();

private:
    // Queues `frames` frames of `in` (stride `stride`) into `fifo` (stride `cap`), through `rs` if any.
    static std::size_t push(Resampler* rs, const float* in, std::size_t stride, std::size_t frames,
                            std::vector<float>& fifo, std::size_t cap, std::size_t& len, int channels);
    static void drop(std::vector<float>& fifo, std::size_t cap, std::size_t& len, std::size_t frames, int channels);
    std::size_t measure_latency(double model_sr, double host_sr);

    int in_ch_, out_ch_, hop_;
    std::size_t block_, in_cap_, out_cap_, max_frames_;
    std::unique_ptr<Resampler> to_model_, to_host_;
    std::vector<float> in_fifo_, out_fifo_, model_in_, model_out_;
    std::size_t in_len_ = 0, out_len_ = 0, latency_ = 0;
};

}  // namespace semantic
