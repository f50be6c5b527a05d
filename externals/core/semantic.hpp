// [semantic~], host-agnostic: everything the object does lives here; the Max and Pd
// front ends only translate their calls (DESIGN §4.4, §5).
//
// Threads: the host's message thread calls the setters, `load` and `prepare`; the
// audio thread calls only `perform` (copies into and out of preallocated blocks);
// one persistent worker per object runs the surrogate and the generator through
// libtorch; a loader thread runs Python when a bundle is (re)loaded and publishes the
// result atomically.
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "handoff.hpp"
#include "models.hpp"

namespace semantic {

constexpr int kMaxDescriptors = 64;
constexpr int kMaxLatent = 256;

enum class Mode { control, latent };

struct Config {
    std::vector<std::string> descriptors;  // exposed, one inlet each, fixed at creation
    int buffer = 4096;                     // model buffer in samples (rounded up to the hop)
    bool raw_units = false;                // inlets and `target` in raw units, not normalised
    std::string python;                    // empty: $SEMANTIC_PYTHON or the build default
    bool threaded = true;                  // false: compute in the audio callback (offline only)
};

// Anything the core has to say; the host prints it on its console / message outlet.
using Post = std::function<void(const std::string&)>;

// A model computation for one block: inputs [inlets][frames] -> outputs [outlets][frames].
// The default runs the bundle's TorchScript; tests substitute a slow or failing one.
using Compute = std::function<void(const Models&, const Block&, Block&, std::size_t frames)>;

class Semantic {
public:
    Semantic(Config config, Post post);
    ~Semantic();
    Semantic(const Semantic&) = delete;
    Semantic& operator=(const Semantic&) = delete;

    // --- message thread -------------------------------------------------------------
    // Loads a bundle; `wait` blocks until done (creation), otherwise a loader thread
    // does it and the worker takes the new models at its next block. Errors are
    // posted; the previous bundle keeps playing.
    bool load(const std::string& bundle, bool wait);
    // Publishes loaded models (what `load` does once Python is done; also for tests).
    void adopt(ModelsPtr models, bool host_thread = true);
    void set_mode(Mode mode) { mode_.store(mode); }
    Mode mode() const { return mode_.load(); }
    void set_bypass(bool on) { bypass_.store(on); }
    // `target name value`: returns an error message, empty when fine.
    std::string set_target(const std::string& name, float value);
    // `latent i value`: sets latent i (latent mode) or the anchor (control mode).
    std::string set_latent(int index, float value);
    std::string info() const;
    // Allocates the blocks for the host's rate and vector size and (re)starts the worker.
    void prepare(double host_sr);
    // Stops the loader and the worker, waiting for a model call in flight (idempotent).
    void shutdown();
    // Replaces the model computation (tests).
    void set_compute(Compute compute);

    // Shape, fixed by the first bundle (a patch keeps its cords when bundles change).
    int inlets() const { return int(config_.descriptors.size()); }
    int audio_outlets() const { return channels_; }
    int latent_outlets() const { return latent_; }
    int descriptor_outlets() const { return inlets(); }
    int outlets() const { return audio_outlets() + latent_outlets() + descriptor_outlets(); }
    bool loaded() const { return std::atomic_load(&models_) != nullptr; }
    // Bundles adopted so far (creation's, then one per finished `load`).
    long loads() const { return loads_.load(); }
    long underruns() const { return handoff_ ? handoff_->underruns() : 0; }
    // Threaded, one buffer fills while the previous one is computed: two buffers from
    // in to out; unthreaded (offline), one.
    int latency() const { return handoff_ ? (config_.threaded ? 2 : 1) * int(handoff_->frames()) : 0; }
    int buffer() const { return handoff_ ? int(handoff_->frames()) : 0; }
    // What the worker and loader threads had to say since the last call, one message
    // per line, errors starting with "error:" (NaN from a model, a failed load, ...).
    std::string take_messages();
    // The exposed descriptors, one inlet each (the bundle's, when none were asked for).
    const std::vector<std::string>& descriptors() const { return config_.descriptors; }
    ModelsPtr models() const { return std::atomic_load(&models_); }

    // --- audio thread ---------------------------------------------------------------
    // T is the host's sample type (float in Pd, double in Max).
    template <typename T>
    void perform(const T* const* in, T* const* out, int n) {
        if (!handoff_) {
            for (int c = 0; c < outlets(); ++c) std::fill(out[c], out[c] + n, T(0));
            return;
        }
        handoff_->perform(in, out, std::size_t(n));
    }

private:
    void worker_loop();
    void stop_worker();
    void run_block(Block& block);
    void compute_torch(const Models& m, const Block& in, Block& out, std::size_t frames);
    // Posts on the host's thread; from any other thread, queues for take_messages().
    void say(const std::string& text, bool host_thread);
    ModelsPtr load_now(const std::string& bundle);

    Config config_;
    Post post_;
    Compute compute_;
    ModelsPtr models_;  // read/written with std::atomic_load/store
    int channels_ = 1, latent_ = 0;
    std::unique_ptr<Handoff> handoff_;
    std::thread worker_, loader_;
    std::atomic<bool> running_{false};
    std::atomic<long> loads_{0};
    std::atomic<Mode> mode_{Mode::control};
    std::atomic<bool> bypass_{false};
    std::array<std::atomic<float>, kMaxDescriptors> targets_{};
    std::array<std::atomic<bool>, kMaxDescriptors> target_set_{};
    std::array<std::atomic<float>, kMaxLatent> latents_{};
    std::array<std::atomic<bool>, kMaxLatent> latent_set_{};
    std::mutex pending_mutex_;
    std::string pending_;
    double host_sr_ = 0;
};

}  // namespace semantic
