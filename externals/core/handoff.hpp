// Double-buffered handoff between the audio thread and one persistent worker.
//
// The audio thread fills an input block and plays an output block; when its input
// block is full it swaps blocks with the worker if the worker is done, else it counts
// an underrun and plays silence for that block. It never blocks, locks or allocates:
// blocks are allocated once, ownership moves through atomics only. The worker sleeps on
// a semaphore that the audio thread posts (a post never blocks).
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <functional>
#include <vector>

#include "semaphore.hpp"

namespace semantic {

struct Block {
    std::vector<float> in;   // [in_channels * frames], channel-major
    std::vector<float> out;  // [out_channels * frames]
};

class Handoff {
public:
    Handoff(std::size_t in_channels, std::size_t out_channels, std::size_t frames)
        : in_channels_(in_channels), out_channels_(out_channels), frames_(frames) {
        for (auto& b : blocks_) {
            b.in.assign(in_channels * frames, 0.f);
            b.out.assign(out_channels * frames, 0.f);
        }
    }

    std::size_t frames() const { return frames_; }
    std::size_t in_channels() const { return in_channels_; }
    std::size_t out_channels() const { return out_channels_; }

    // --- audio thread -------------------------------------------------------------
    // Copies n samples per channel in and out, converting from and to the host's
    // sample type T.
    template <typename T>
    void perform(const T* const* in, T* const* out, std::size_t n) {
        std::size_t done = 0;
        while (done < n) {
            std::size_t k = std::min(n - done, frames_ - head_);
            Block& a = blocks_[audio_];
            for (std::size_t c = 0; c < in_channels_; ++c)
                for (std::size_t i = 0; i < k; ++i) a.in[c * frames_ + head_ + i] = in[c] ? float(in[c][done + i]) : 0.f;
            for (std::size_t c = 0; c < out_channels_; ++c)
                for (std::size_t i = 0; i < k; ++i)
                    out[c][done + i] = playing_ ? T(a.out[c * frames_ + head_ + i]) : T(0);
            head_ += k;
            done += k;
            if (head_ == frames_) swap();
        }
    }

    long underruns() const { return underruns_.load(std::memory_order_relaxed); }

    // Offline rendering (a host running faster than real time, e.g. Pd -batch): the
    // audio thread computes each full block itself, so nothing is ever late.
    void set_inline(std::function<void(Block&)> compute) { inline_ = std::move(compute); }

    // --- worker thread ------------------------------------------------------------
    // Waits for a full block; returns it, or nullptr once stopped.
    Block* wait_for_work() {
        work_.wait();
        if (stop_.load()) return nullptr;
        return &blocks_[1 - audio_.load(std::memory_order_acquire)];
    }
    void finish_work() {
        result_ready_.store(true, std::memory_order_release);
    }

    void stop() {
        stop_.store(true);
        work_.post();
    }

private:
    void swap() {
        head_ = 0;
        if (inline_) {
            inline_(blocks_[0]);
            playing_ = true;
            return;
        }
        if (!result_ready_.load(std::memory_order_acquire) && first_done_) {
            underruns_.fetch_add(1, std::memory_order_relaxed);
            playing_ = false;  // the block we would play is not there: silence, no stall
            return;            // keep filling the same input block
        }
        first_done_ = true;
        result_ready_.store(false, std::memory_order_relaxed);
        audio_.store(1 - audio_.load(std::memory_order_relaxed), std::memory_order_release);
        playing_ = started_;
        started_ = true;
        work_.post();
    }

    std::size_t in_channels_, out_channels_, frames_;
    Block blocks_[2];
    std::atomic<int> audio_{0};  // which block the audio thread owns
    std::size_t head_ = 0;
    bool playing_ = false, started_ = false, first_done_ = false;
    std::atomic<bool> result_ready_{false}, stop_{false};
    std::atomic<long> underruns_{0};
    std::function<void(Block&)> inline_;
    Semaphore work_;
};

}  // namespace semantic
