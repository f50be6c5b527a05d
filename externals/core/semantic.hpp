// [semantic~], host-agnostic: everything the object does lives here; the Max and Pd
// front ends only translate their calls (docs/architecture.md).
//
// Threads: the host's message thread calls the setters, `open`, `load` and `prepare`;
// the audio thread calls only `perform` (copies into and out of preallocated blocks);
// one persistent worker per object runs the surrogate and the generator through
// libtorch, converting between the host's rate and the generator's (Stream); one
// persistent loader per object runs Python when a bundle is (re)loaded and publishes
// the result atomically. In Pd the message and audio threads are one: nothing on it
// waits for Python or a TorchScript load, except offline (@thread 0).
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "handoff.hpp"
#include "manifest.hpp"
#include "models.hpp"
#include "python_host.hpp"
#include "stream.hpp"

namespace semantic {

constexpr int kMaxBuffer = 1 << 18;

enum class Mode { control, latent, map };
constexpr Mode kModes[] = {Mode::control, Mode::latent, Mode::map};
// The name the `mode` message and `info` use.
inline const char* mode_name(Mode m) { return m == Mode::control ? "control" : m == Mode::latent ? "latent" : "map"; }

struct Config {
    std::vector<std::string> descriptors;  // exposed, one inlet each, fixed at creation
    int buffer = 4096;                     // model buffer in host samples (rounded up, see prepare)
    bool raw_units = false;                // inlets and `target` in raw units, not normalised
    std::string python;                    // empty: $SEMANTIC_PYTHON or the build default
    bool threaded = true;                  // false: load and compute in the host's callbacks (offline only)
};

// Anything the core has to say; the host prints it on its console / message outlet.
using Post = std::function<void(const std::string&)>;

// A model computation on whole hops at the generator's rate: in [inlets][frames] ->
// out [outlets][frames], channel-major. The default runs the bundle's TorchScript;
// tests substitute a slow or failing one.
using Compute = std::function<void(const Models&, const float* in, float* out, std::size_t frames)>;

class Semantic {
public:
    Semantic(Config config, Post post);
    ~Semantic();
    Semantic(const Semantic&) = delete;
    Semantic& operator=(const Semantic&) = delete;

    // --- message thread -------------------------------------------------------------
    // Creation: reads the bundle's manifest (no Python), fixes the inlets and outlets
    // from it, then loads it (in the background when threaded: silence until ready).
    // False, with the reason posted, when the manifest is missing, corrupt or absurd.
    bool open(const std::string& bundle);
    // Loads a bundle; `wait` blocks until done (offline, tests); otherwise the request
    // goes to the loader thread and returns at once (the latest request wins). Errors
    // are posted; the previous bundle keeps playing.
    bool load(const std::string& bundle, bool wait);
    // Publishes loaded models: maps their descriptors to this object's by name (what
    // `load` does once Python is done; also for tests).
    void adopt(std::shared_ptr<Models> models, bool host_thread = true);
    // An error message when the loaded bundle cannot play `mode` (map needs a sound map).
    std::string set_mode(Mode mode);
    Mode mode() const { return mode_.load(); }
    void set_bypass(bool on) { bypass_.store(on); }
    // `target name value`: returns an error message, empty when fine.
    std::string set_target(const std::string& name, float value);
    // `latent i value`: sets latent i (latent mode) or the anchor (control mode).
    std::string set_latent(int index, float value);
    // `map x y`: the point of the sound map played in map mode, each in 0..1; an axis
    // not given keeps its value (a number at one inlet).
    std::string set_map(std::optional<float> x, std::optional<float> y);
    // Where the sound playing lies on the map (the latest frame, through `locate`);
    // false until a bundle with a map has played.
    bool located(float& x, float& y) const;
    // Whether a signal drives inlet i: told by the host when it builds its DSP graph
    // (connections), never guessed from the values.
    void set_connected(int inlet, bool connected);
    std::string info() const;
    // `info NAME`: the descriptor's unit and what it measures, one line; `error` says why not
    std::string info(const std::string& name, std::string& error) const;
    // Labels taught from the host (docs/labels.md). `teach`: the latent playing now becomes
    // an example of NAME, valued by a number or a word. `learn`: the loader thread refits
    // the bundle with NAME (embedded Python) and adopts it with no gap, posting progress.
    // `forget`: drops NAME's pending examples and, when the bundle has learned NAME,
    // refits it without. Each returns an error message, empty when fine.
    std::string teach(const std::string& name, double number, const std::string& word);
    std::string learn(const std::string& name);
    std::string forget(const std::string& name);
    // The host's rate and vector size: allocates the blocks and (re)starts the worker,
    // or does nothing when neither changed. Safe while `perform` runs on another thread.
    void prepare(double host_sr, int vector_size);
    // Stops the loader and the worker, waiting for a model call in flight (idempotent).
    void shutdown();
    // Replaces the model computation (tests).
    void set_compute(Compute compute);

    // Shape, fixed at creation by the first bundle's manifest (a patch keeps its cords
    // when bundles change).
    int inlets() const { return int(config_.descriptors.size()); }
    int audio_outlets() const { return channels_; }
    int latent_outlets() const { return latent_; }
    int descriptor_outlets() const { return inlets(); }
    int outlets() const { return audio_outlets() + latent_outlets() + descriptor_outlets(); }
    bool loaded() const { return std::atomic_load(&models_) != nullptr; }
    // Bundles adopted so far (creation's, then one per finished `load`).
    long loads() const { return loads_.load(); }
    long underruns() const;
    // Host samples from in to out: threaded, one buffer fills while the previous one is
    // computed (two buffers); unthreaded (offline), one; plus what the stream holds.
    int latency() const;
    int buffer() const { return frames_.load(); }
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
        performing_.fetch_add(1, std::memory_order_acq_rel);
        Handoff* h = handoff_.load(std::memory_order_acquire);
        if (h)
            h->perform(in, out, std::size_t(n));
        else
            for (int c = 0; c < outlets(); ++c) std::fill(out[c], out[c] + n, T(0));
        performing_.fetch_sub(1, std::memory_order_release);
    }

private:
    bool load_here(const std::string& bundle, bool host_thread);
    void start_loader();  // with load_mutex_ held
    // Runs `job` on the loader thread (now, when unthreaded), after any queued before it.
    void on_loader(std::function<void(bool host_thread)> job);
    void relabel(const std::string& name, bool forget, bool host_thread);
    void worker_loop(Handoff* handoff);
    void stop_worker();
    void run_block(Block& block, std::size_t frames);
    void compute_torch(const Models& m, const float* in, float* out, std::size_t frames);
    // Posts on the host's thread; from any other thread, queues for take_messages().
    void say(const std::string& text, bool host_thread);
    std::shared_ptr<Models> load_now(const std::string& bundle);
    void warm_up(const Models& m);
    int slot_of(const std::string& name);
    void fix_shape(const Shape& shape);

    Config config_;
    Post post_;
    Compute compute_;
    ModelsPtr models_;  // read/written with std::atomic_load/store
    int channels_ = 1, latent_ = 0;
    bool shaped_ = false;  // inlets and outlets fixed (by `open`, or the first `adopt`)
    Shape shape_;          // the first bundle's: messages before it has loaded refer to it
    int requested_buffer_;

    // the block handoff: replaced by prepare while perform may run (Max); the old one is
    // freed once no perform is inside it
    std::unique_ptr<Handoff> handoff_owner_;
    std::atomic<Handoff*> handoff_{nullptr};
    std::atomic<int> performing_{0};
    std::atomic<int> frames_{0};
    int vector_ = 0;
    std::atomic<double> host_sr_{0};
    std::thread worker_;
    std::atomic<bool> running_{false};

    // the worker's stream, rebuilt when the bundle or the host's rate changes
    std::unique_ptr<Stream> stream_;
    ModelsPtr stream_models_;
    std::atomic<int> stream_latency_{0};

    std::thread loader_;
    std::mutex load_mutex_;
    std::condition_variable load_wake_;
    std::string load_request_;
    bool load_pending_ = false, loader_stop_ = false;
    std::vector<std::function<void(bool)>> jobs_;  // before the next load request

    // the last frame's latent the worker computed (what `teach` takes)
    std::array<std::atomic<float>, kMaxLatent> playing_{};
    std::atomic<int> playing_size_{0};
    std::array<std::atomic<float>, 2> map_{}, located_{};
    std::atomic<bool> has_located_{false};
    struct Taught {
        std::string bundle;  // the examples hold latents of this bundle's generator
        LabelExample example;
    };
    std::mutex taught_mutex_;
    std::map<std::string, std::vector<Taught>> taught_;  // examples not learned yet, by label

    std::atomic<long> loads_{0};
    std::atomic<Mode> mode_{Mode::control};
    std::atomic<bool> bypass_{false};
    // targets by descriptor name: slot k is slot_names_[k] in every bundle, so a swap to a
    // bundle with its descriptors in another order keeps each target on its descriptor
    std::mutex slot_mutex_;
    std::vector<std::string> slot_names_;
    std::array<std::atomic<float>, kMaxDescriptors> targets_{};
    std::array<std::atomic<bool>, kMaxDescriptors> target_set_{};
    std::array<std::atomic<bool>, kMaxDescriptors> connected_{};
    std::array<std::atomic<float>, kMaxLatent> latents_{};
    std::array<std::atomic<bool>, kMaxLatent> latent_set_{};
    std::mutex pending_mutex_;
    std::string pending_;
};

}  // namespace semantic
