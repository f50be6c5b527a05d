#include "semantic.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <set>
#include <sstream>

#include <ATen/Parallel.h>

#include "python_host.hpp"

namespace semantic {

namespace {

// Objects still alive at process exit (a host quitting without freeing them): their
// workers are stopped before libtorch's static destructors run under a model call.
std::mutex live_mutex;
std::set<Semantic*>* live = nullptr;

void stop_all_at_exit() {
    std::lock_guard<std::mutex> lock(live_mutex);
    if (!live) return;
    for (Semantic* s : *live) s->shutdown();  // joins its threads; the objects are the host's to free
}

void register_live(Semantic* s) {
    std::lock_guard<std::mutex> lock(live_mutex);
    if (!live) {
        live = new std::set<Semantic*>();
        std::atexit(stop_all_at_exit);
    }
    live->insert(s);
}

void unregister_live(Semantic* s) {
    std::lock_guard<std::mutex> lock(live_mutex);
    if (live) live->erase(s);
}

}  // namespace

Semantic::Semantic(Config config, Post post) : config_(std::move(config)), post_(std::move(post)) {
    if (int(config_.descriptors.size()) > kMaxDescriptors)
        config_.descriptors.resize(kMaxDescriptors);
    compute_ = [this](const Models& m, const Block& in, Block& out, std::size_t frames) {
        compute_torch(m, in, out, frames);
    };
    register_live(this);
}

Semantic::~Semantic() {
    unregister_live(this);
    shutdown();
}

void Semantic::shutdown() {
    set_bypass(true);
    if (loader_.joinable()) loader_.join();
    stop_worker();
}

ModelsPtr Semantic::load_now(const std::string& bundle) {
    auto m = std::const_pointer_cast<Models>(load_models(bundle, config_.descriptors, choose_python(config_.python)));
    if (config_.descriptors.empty() && !loaded()) {  // no @descriptors: expose all of the first bundle's
        for (int j = 0; j < int(m->names.size()); ++j) m->exposed.push_back(j);
    }
    if (m->latent > kMaxLatent) throw std::runtime_error("latent size above " + std::to_string(kMaxLatent));
    return m;
}

void Semantic::adopt(ModelsPtr m, bool host_thread) {
    auto old = std::atomic_load(&models_);
    if (old && (m->channels != channels_ || m->latent != latent_))
        say("note: " + m->path + " has " + std::to_string(m->channels) + " channel(s) and latent " +
                std::to_string(m->latent) + "; this object's outlets were made for " + std::to_string(channels_) +
                " and " + std::to_string(latent_) + " (extra ones are dropped, missing ones silent)",
            host_thread);
    if (!old) {
        channels_ = m->channels;
        latent_ = std::min(m->latent, kMaxLatent);
        if (config_.descriptors.empty()) config_.descriptors = m->names;
    }
    std::atomic_store(&models_, m);
    loads_.fetch_add(1);
}

void Semantic::say(const std::string& text, bool host_thread) {
    if (host_thread) {
        post_(text);
        return;
    }
    std::lock_guard<std::mutex> lock(pending_mutex_);
    pending_ += text + "\n";
}

bool Semantic::load(const std::string& bundle, bool wait) {
    // Creation waits on the host's thread and may post; a loader thread only queues
    // (hosts are not thread-safe) for the host's poll to deliver.
    auto run = [this, bundle](bool host_thread) {
        try {
            auto m = load_now(bundle);
            adopt(m, host_thread);
            say("loaded " + m->path + " (" + m->generator_name + ")", host_thread);
            return true;
        } catch (const std::exception& e) {
            say(std::string("error: cannot load ") + bundle + ": " + e.what(), host_thread);
            return false;
        }
    };
    if (wait) return run(true);
    if (loader_.joinable()) loader_.join();
    loader_ = std::thread([run] { run(false); });
    return true;
}

std::string Semantic::set_target(const std::string& name, float value) {
    auto m = std::atomic_load(&models_);
    if (!m) return "no bundle loaded";
    for (int j = 0; j < int(m->names.size()) && j < kMaxDescriptors; ++j) {
        if (m->names[j] != name) continue;
        if (!std::isfinite(value)) return "target " + name + " must be a finite number";
        targets_[j].store(config_.raw_units ? m->norm[j].to_normalised(value) : value);
        target_set_[j].store(true);
        return "";
    }
    std::string known;
    for (const auto& n : m->names) known += " " + n;
    return "unknown descriptor '" + name + "'; this bundle has:" + known;
}

std::string Semantic::set_latent(int index, float value) {
    auto m = std::atomic_load(&models_);
    if (!m) return "no bundle loaded";
    if (index < 0 || index >= m->latent)
        return "latent index " + std::to_string(index) + " out of range 0.." + std::to_string(m->latent - 1);
    if (!std::isfinite(value)) return "latent value must be a finite number";
    latents_[index].store(value);
    latent_set_[index].store(true);
    return "";
}

std::string Semantic::info() const {
    auto m = std::atomic_load(&models_);
    std::ostringstream s;
    if (!m) return "no bundle loaded";
    s << "bundle " << m->path << " | generator " << m->generator_name << " | latent " << m->latent << " hop "
      << m->hop << " | " << m->sr << " Hz";
    if (host_sr_ > 0 && int(host_sr_) != m->sr)
        s << " (host runs at " << host_sr_ << " Hz: audio plays " << host_sr_ / m->sr << "x fast, not resampled)";
    s << " | mode " << (mode_.load() == Mode::control ? "control" : "latent") << (bypass_.load() ? " (bypassed)" : "")
      << " | buffer " << buffer() << " samples, " << (config_.threaded ? "threaded" : "unthreaded (offline)")
      << ": latency " << latency() << " samples"
      << " | underruns " << underruns();
    return s.str();
}

void Semantic::set_compute(Compute compute) { compute_ = std::move(compute); }

std::string Semantic::take_messages() {
    std::lock_guard<std::mutex> lock(pending_mutex_);
    std::string e;
    e.swap(pending_);
    return e;
}

void Semantic::prepare(double host_sr) {
    stop_worker();
    host_sr_ = host_sr;
    auto m = std::atomic_load(&models_);
    int hop = m ? m->hop : 1;
    int frames = std::max(hop, (config_.buffer + hop - 1) / hop * hop);
    handoff_ = std::make_unique<Handoff>(inlets(), outlets(), frames);
    if (!config_.threaded) {
        handoff_->set_inline([this](Block& block) { run_block(block); });
        return;
    }
    running_.store(true);
    worker_ = std::thread([this] { worker_loop(); });
}

void Semantic::stop_worker() {
    running_.store(false);
    if (handoff_) handoff_->stop();
    if (worker_.joinable()) worker_.join();  // waits for a model call in flight
}

void Semantic::worker_loop() {
    // One thread per object: libtorch's intra-op pool would only spin beside it (each
    // object is its own parallelism), costing CPU for no speed at these buffer sizes.
    at::set_num_threads(1);
    while (running_.load()) {
        Block* block = handoff_->wait_for_work();
        if (!block) break;
        run_block(*block);
        handoff_->finish_work();
    }
}

void Semantic::run_block(Block& block) {
    auto m = std::atomic_load(&models_);  // a swap takes effect here, between blocks
    if (!m || bypass_.load()) {
        std::fill(block.out.begin(), block.out.end(), 0.f);
        return;
    }
    try {
        compute_(*m, block, block, handoff_->frames());
        if (!std::all_of(block.out.begin(), block.out.end(), [](float v) { return std::isfinite(v); })) {
            std::fill(block.out.begin(), block.out.end(), 0.f);
            std::lock_guard<std::mutex> lock(pending_mutex_);
            if (pending_.empty()) pending_ = "error: the model produced NaN or Inf; output muted for that block\n";
        }
    } catch (const std::exception& e) {
        std::fill(block.out.begin(), block.out.end(), 0.f);
        std::lock_guard<std::mutex> lock(pending_mutex_);
        if (pending_.empty()) pending_ = std::string("error: model call failed: ") + e.what() + "\n";
    }
}

void Semantic::compute_torch(const Models& m, const Block& in, Block& out, std::size_t frames) {
    c10::InferenceMode guard;
    const int T = int(frames) / m.hop, D = int(m.names.size()), L = m.latent, E = inlets();
    const float* x = in.in.data();
    // per-frame mean of each inlet, and whether the inlet carried any signal there
    std::vector<float> mean(std::size_t(E) * T, 0.f);
    std::vector<char> live(std::size_t(E) * T, 0);
    for (int e = 0; e < E; ++e)
        for (int t = 0; t < T; ++t) {
            double s = 0;
            bool any = false;
            for (int i = 0; i < m.hop; ++i) {
                float v = x[std::size_t(e) * frames + std::size_t(t) * m.hop + i];
                s += v;
                any |= v != 0.f;
            }
            mean[std::size_t(e) * T + t] = float(s / m.hop);
            live[std::size_t(e) * T + t] = any;
        }
    torch::Tensor z;
    if (mode_.load() == Mode::control) {
        // [targets D | mask D | anchor L] x T; an inlet with signal wins over a `target` message
        auto input = torch::zeros({1, 2 * D + L, T});
        auto a = input.accessor<float, 3>();
        for (int j = 0; j < D && j < kMaxDescriptors; ++j)
            if (target_set_[j].load())
                for (int t = 0; t < T; ++t) a[0][j][t] = targets_[j].load(), a[0][D + j][t] = 1.f;
        for (int e = 0; e < E; ++e) {
            int j = m.exposed[e];
            for (int t = 0; t < T; ++t)
                if (live[std::size_t(e) * T + t]) {
                    float v = mean[std::size_t(e) * T + t];
                    a[0][j][t] = config_.raw_units ? m.norm[j].to_normalised(v) : v;
                    a[0][D + j][t] = 1.f;
                }
        }
        for (int l = 0; l < L; ++l) {
            float v = latent_set_[l].load() ? latents_[l].load() : m.latent_mean[l];
            for (int t = 0; t < T; ++t) a[0][2 * D + l][t] = v;
        }
        z = const_cast<torch::jit::Module&>(m.surrogate).get_method("control")({input}).toTensor();
    } else {
        z = torch::zeros({1, L, T});
        auto a = z.accessor<float, 3>();
        for (int l = 0; l < L; ++l)
            for (int t = 0; t < T; ++t) {
                bool from_inlet = l < E && live[std::size_t(l) * T + t];
                a[0][l][t] = from_inlet ? mean[std::size_t(l) * T + t]
                                        : (latent_set_[l].load() ? latents_[l].load() : m.latent_mean[l]);
            }
    }
    auto audio = const_cast<torch::jit::Module&>(m.generator).get_method("decode")({z}).toTensor().contiguous();
    auto desc = const_cast<torch::jit::Module&>(m.surrogate).get_method("describe")({z}).toTensor().contiguous();
    // outlets: audio channels | latents | exposed descriptor predictions (held per frame)
    float* o = out.out.data();
    const int C = channels_;
    for (int c = 0; c < C; ++c) {
        float* dst = o + std::size_t(c) * frames;
        if (c < audio.size(1) && audio.size(2) == int(frames))
            std::copy_n(audio[0][c].data_ptr<float>(), frames, dst);
        else
            std::fill_n(dst, frames, 0.f);
    }
    auto zc = z.contiguous();
    auto za = zc.accessor<float, 3>();
    auto da = desc.accessor<float, 3>();
    for (int l = 0; l < latent_; ++l)
        for (int t = 0; t < T; ++t)
            std::fill_n(o + std::size_t(C + l) * frames + std::size_t(t) * m.hop, m.hop, l < L ? za[0][l][t] : 0.f);
    for (int e = 0; e < E; ++e)
        for (int t = 0; t < T; ++t)
            std::fill_n(o + std::size_t(C + latent_ + e) * frames + std::size_t(t) * m.hop, m.hop,
                        da[0][m.exposed[e]][t]);
}

}  // namespace semantic
