#include "semantic.hpp"

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <set>
#include <sstream>

#if defined(__linux__)
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

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

// Loads yield to audio: on 2 cores a TorchScript load at normal priority costs the
// playing objects underruns (docs/benchmarks.md).
void lower_priority() {
#if defined(__linux__)
    setpriority(PRIO_PROCESS, pid_t(syscall(SYS_gettid)), 10);
#endif
}

std::string joined(const std::vector<std::string>& names) {
    std::string s;
    for (const auto& n : names) s += (s.empty() ? "" : " ") + n;
    return s;
}

// Host samples that hold one hop of a generator at model_sr.
int hop_in_host_samples(int hop, int model_sr, double host_sr) { return int(std::ceil(hop * host_sr / model_sr)); }

}  // namespace

Semantic::Semantic(Config config, Post post)
    : config_(std::move(config)), post_(std::move(post)), requested_buffer_(config_.buffer) {
    if (int(config_.descriptors.size()) > kMaxDescriptors) config_.descriptors.resize(kMaxDescriptors);
    for (const auto& name : config_.descriptors) slot_of(name);
    for (auto& c : connected_) c.store(true);  // until the host says otherwise
    compute_ = [this](const Models& m, const float* in, float* out, std::size_t frames) {
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
    {
        std::lock_guard<std::mutex> lock(load_mutex_);
        loader_stop_ = true;
    }
    load_wake_.notify_all();
    if (loader_.joinable()) loader_.join();  // a load in flight finishes first
    stop_worker();
}

int Semantic::slot_of(const std::string& name) {
    std::lock_guard<std::mutex> lock(slot_mutex_);
    auto it = std::find(slot_names_.begin(), slot_names_.end(), name);
    if (it != slot_names_.end()) return int(it - slot_names_.begin());
    if (int(slot_names_.size()) == kMaxDescriptors) return -1;
    slot_names_.push_back(name);
    return int(slot_names_.size()) - 1;
}

bool Semantic::open(const std::string& bundle) {
    try {
        Shape shape = read_shape(bundle);
        std::vector<std::string> missing;
        for (const auto& name : config_.descriptors)
            if (std::find(shape.names.begin(), shape.names.end(), name) == shape.names.end()) missing.push_back(name);
        if (!missing.empty())
            throw std::runtime_error("bundle " + bundle + " has no descriptor(s) " + joined(missing) +
                                     "; it has: " + joined(shape.names));
        fix_shape(shape);
    } catch (const std::exception& e) {
        say(std::string("error: cannot load ") + bundle + ": " + e.what(), true);
        return false;
    }
    return load(bundle, !config_.threaded);
}

std::shared_ptr<Models> Semantic::load_now(const std::string& bundle) {
    Shape shape = read_shape(bundle);  // checked before Python sees the bundle
    auto m = std::const_pointer_cast<Models>(load_models(bundle, choose_python(config_.python)));
    if (m->names != shape.names || m->latent != shape.latent || m->hop != shape.hop || m->sr != shape.sr ||
        m->channels != shape.channels)
        throw std::runtime_error("the manifest changed while it was being loaded; load it again");
    m->uncontrollable = shape.uncontrollable;
    m->units = shape.units;
    m->meanings = shape.meanings;
    warm_up(*m);
    return m;
}

// TorchScript profiles a method's first calls for each input shape and then compiles it:
// hundreds of milliseconds the worker must not spend. So the loader calls every method
// twice with each number of frames a block will hand the worker.
void Semantic::warm_up(const Models& m) {
    c10::InferenceMode guard;
    double host = host_sr_.load() > 0 ? host_sr_.load() : m.sr;
    int frames = frames_.load() > 0 ? frames_.load() : std::max(requested_buffer_, m.hop);
    int per_block = int(frames * m.sr / host) / m.hop;
    const int D = int(m.names.size()), L = m.latent;
    auto& surrogate = const_cast<torch::jit::Module&>(m.surrogate);
    auto& generator = const_cast<torch::jit::Module&>(m.generator);
    for (int T = std::max(1, per_block - 1); T <= per_block + 2; ++T)
        for (int run = 0; run < 2; ++run) {
            auto z = surrogate.get_method("control")({torch::zeros({1, 2 * D + L, T})}).toTensor();
            surrogate.get_method("describe")({z});
            if (m.has_map) {
                surrogate.get_method("map")({torch::zeros({1, 2, T})});
                surrogate.get_method("locate")({z});
            }
            generator.get_method("decode")({z});
        }
}

void Semantic::fix_shape(const Shape& shape) {
    shape_ = shape;
    for (const auto& name : shape.names) slot_of(name);
    channels_ = shape.channels;
    latent_ = shape.latent;
    if (config_.descriptors.empty()) {
        config_.descriptors = shape.names;
        if (int(config_.descriptors.size()) > kMaxDescriptors) config_.descriptors.resize(kMaxDescriptors);
    }
    shaped_ = true;
}

void Semantic::adopt(std::shared_ptr<Models> m, bool host_thread) {
    if (!shaped_) fix_shape({m->names, m->latent, m->hop, m->sr, m->channels});
    m->exposed.clear();
    std::vector<std::string> lacking;
    for (const auto& name : config_.descriptors) {
        auto it = std::find(m->names.begin(), m->names.end(), name);
        m->exposed.push_back(it == m->names.end() ? -1 : int(it - m->names.begin()));
        if (it == m->names.end()) lacking.push_back(name);
    }
    m->slot.clear();
    for (const auto& name : m->names) m->slot.push_back(slot_of(name));
    if (!lacking.empty())
        say("note: " + m->path + " has no " + joined(lacking) + ": those inlets are ignored and their outlets silent",
            host_thread);
    if (m->channels != channels_ || m->latent != latent_)
        say("note: " + m->path + " has " + std::to_string(m->channels) + " channel(s) and latent " +
                std::to_string(m->latent) + "; this object's outlets were made for " + std::to_string(channels_) +
                " and " + std::to_string(latent_) + " (extra ones are dropped, missing ones silent)",
            host_thread);
    if (frames_.load() && hop_in_host_samples(m->hop, m->sr, host_sr_.load()) > frames_.load())
        say("note: " + m->path + "'s hop (" + std::to_string(m->hop) + " samples) is longer than this object's buffer (" +
                std::to_string(frames_.load()) + "): each model call must finish within one buffer; switch DSP off " +
                "and on to make the buffer hold one hop",
            host_thread);
    if (mode_.load() == Mode::map && !m->has_map)
        say("note: " + m->path + " has no sound map (built before maps were playable): it plays in control mode; "
                "rebuild it to play its map",
            host_thread);
    has_located_.store(false);
    std::atomic_store(&models_, ModelsPtr(m));
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

// Offline loads wait on the host's thread and may post; the loader thread only queues
// (hosts are not thread-safe) for the host's poll to deliver.
bool Semantic::load_here(const std::string& path, bool host_thread) {
    try {
        auto m = load_now(path);
        adopt(m, host_thread);
        say("loaded " + m->path + " (" + m->generator_name + ")", host_thread);
        return true;
    } catch (const std::exception& e) {
        say(std::string("error: cannot load ") + path + ": " + e.what(), host_thread);
        return false;
    }
}

bool Semantic::load(const std::string& bundle, bool wait) {
    if (wait) return load_here(bundle, true);
    {
        std::lock_guard<std::mutex> lock(load_mutex_);
        if (loader_stop_) return false;
        load_request_ = bundle;
        load_pending_ = true;
        start_loader();
    }
    load_wake_.notify_one();
    return true;
}

void Semantic::on_loader(std::function<void(bool)> job) {
    if (!config_.threaded) return job(true);
    {
        std::lock_guard<std::mutex> lock(load_mutex_);
        if (loader_stop_) return;
        jobs_.push_back(std::move(job));
        start_loader();
    }
    load_wake_.notify_one();
}

void Semantic::start_loader() {
    if (loader_.joinable()) return;
    loader_ = std::thread([this] {
        lower_priority();
        for (;;) {
            std::string path;
            std::vector<std::function<void(bool)>> jobs;
            {
                std::unique_lock<std::mutex> lock(load_mutex_);
                load_wake_.wait(lock, [this] { return load_pending_ || !jobs_.empty() || loader_stop_; });
                if (loader_stop_) return;
                jobs.swap(jobs_);
                if (load_pending_) path.swap(load_request_);
                load_pending_ = false;
            }
            for (auto& job : jobs) job(false);
            if (!path.empty()) load_here(path, false);  // the latest request wins
        }
    });
}

namespace {

// What engine/label.py accepts: a Pd/Max symbol and a file name.
bool label_name(const std::string& n) {
    if (n.empty() || n.size() > 32 || !std::isalpha(static_cast<unsigned char>(n[0]))) return false;
    return std::all_of(n.begin(), n.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'; });
}

}  // namespace

std::string Semantic::teach(const std::string& name, double number, const std::string& word) {
    auto m = std::atomic_load(&models_);
    if (!m) return "no bundle loaded yet";
    if (!label_name(name))
        return "teach expects a label name (a letter, then letters, digits, - or _; 32 at most), got '" + name + "'";
    if (word.empty() && !std::isfinite(number)) return "teach " + name + " expects a finite number or a word";
    int size = playing_size_.load();
    if (size != m->latent) return "nothing of this bundle has played yet: teach while the object plays (DSP on)";
    Taught t{m->path, {std::vector<float>(std::size_t(size)), number, word}};
    for (int l = 0; l < size; ++l) t.example.latent[std::size_t(l)] = playing_[std::size_t(l)].load();
    std::size_t count = 0;
    {
        std::lock_guard<std::mutex> lock(taught_mutex_);
        auto& list = taught_[name];
        list.push_back(std::move(t));
        count = std::size_t(std::count_if(list.begin(), list.end(), [&](const Taught& x) { return x.bundle == m->path; }));
    }
    std::ostringstream s;
    s << "taught " << name << ": example " << count << " (" << (word.empty() ? std::to_string(number) : word)
      << "); `learn " << name << "` when it has enough (4 at least, with different values)";
    say(s.str(), true);
    return "";
}

std::string Semantic::learn(const std::string& name) {
    auto m = std::atomic_load(&models_);
    if (!m) return "no bundle loaded yet";
    {
        std::lock_guard<std::mutex> lock(taught_mutex_);
        auto it = taught_.find(name);
        if (it == taught_.end() ||
            std::none_of(it->second.begin(), it->second.end(), [&](const Taught& t) { return t.bundle == m->path; }))
            return "learn " + name + ": no examples taught on this bundle yet; `teach " + name +
                   " VALUE` while it plays";
    }
    say("learn " + name + ": started; the bundle keeps playing and is replaced when done", true);
    on_loader([this, name](bool host_thread) { relabel(name, false, host_thread); });
    return "";
}

std::string Semantic::forget(const std::string& name) {
    auto m = std::atomic_load(&models_);
    if (!m) return "no bundle loaded yet";
    std::size_t dropped = 0;
    {
        std::lock_guard<std::mutex> lock(taught_mutex_);
        auto it = taught_.find(name);
        if (it != taught_.end()) dropped = it->second.size(), taught_.erase(it);
    }
    bool learned = std::find(m->names.begin(), m->names.end(), name) != m->names.end();
    if (!learned && !dropped) return "forget: " + name + " has no examples and is not a descriptor of this bundle";
    if (dropped) say("forgot " + std::to_string(dropped) + " example(s) of " + name + " not learned yet", true);
    if (learned) on_loader([this, name](bool host_thread) { relabel(name, true, host_thread); });
    return "";
}

void Semantic::relabel(const std::string& name, bool forget, bool host_thread) {
    auto m = std::atomic_load(&models_);
    if (!m) return;
    const std::string what = std::string(forget ? "forget " : "learn ") + name;
    std::vector<LabelExample> examples;
    if (!forget) {
        std::lock_guard<std::mutex> lock(taught_mutex_);
        if (auto it = taught_.find(name); it != taught_.end())
            for (const auto& t : it->second)
                if (t.bundle == m->path) examples.push_back(t.example);
    }
    auto progress = [&](const std::string& line) {
        {
            std::lock_guard<std::mutex> lock(load_mutex_);
            if (loader_stop_) throw std::runtime_error("stopped: the object is closing");
        }
        say(what + ": " + line, host_thread);
    };
    try {
        say(semantic::relabel(m->path, choose_python(config_.python), name, examples, forget, progress), host_thread);
    } catch (const std::exception& e) {
        say("error: " + what + ": " + e.what(), host_thread);  // the examples stay for another try
        return;
    }
    if (!forget) {  // learned: the bundle keeps them now; those taught meanwhile stay pending
        std::lock_guard<std::mutex> lock(taught_mutex_);
        std::size_t sent = examples.size();
        std::vector<Taught> left;
        for (auto& t : taught_[name])
            if (sent && t.bundle == m->path)
                --sent;
            else
                left.push_back(std::move(t));
        taught_[name].swap(left);
    }
    bool asked_other;
    {
        std::lock_guard<std::mutex> lock(load_mutex_);
        asked_other = load_pending_;
    }
    auto now = std::atomic_load(&models_);
    if (!asked_other && now && now->path == m->path) load_here(m->path, host_thread);  // no gap: adopted when ready
}

// Before the first bundle has loaded, messages refer to its manifest (a patch's loadbang
// may set targets while it loads).
std::string Semantic::set_target(const std::string& name, float value) {
    auto m = std::atomic_load(&models_);
    if (!m && !shaped_) return "no bundle loaded yet";
    const auto& names = m ? m->names : shape_.names;
    auto it = std::find(names.begin(), names.end(), name);
    if (it == names.end()) return "unknown descriptor '" + name + "'; this bundle has: " + joined(names);
    if (!std::isfinite(value)) return "target " + name + " must be a finite number";
    int slot = m ? m->slot[std::size_t(it - names.begin())] : slot_of(name);
    if (slot < 0) return "too many descriptor names over the bundles loaded (" + std::to_string(kMaxDescriptors) + ")";
    targets_[slot].store(value);  // in the object's units: a swap renormalises raw ones
    target_set_[slot].store(true);
    return "";
}

std::string Semantic::set_latent(int index, float value) {
    auto m = std::atomic_load(&models_);
    if (!m && !shaped_) return "no bundle loaded yet";
    int latent = m ? m->latent : shape_.latent;
    if (index < 0 || index >= latent)
        return "latent index " + std::to_string(index) + " out of range 0.." + std::to_string(latent - 1);
    if (!std::isfinite(value)) return "latent value must be a finite number";
    latents_[index].store(value);
    latent_set_[index].store(true);
    return "";
}

std::string Semantic::set_mode(Mode mode) {
    auto m = std::atomic_load(&models_);
    if (mode == Mode::map && m && !m->has_map)
        return "mode map: " + m->path + " has no sound map (built before maps were playable); rebuild it with "
               "engine.build";
    mode_.store(mode);
    return "";
}

std::string Semantic::set_map(std::optional<float> x, std::optional<float> y) {
    for (auto v : {x, y})
        if (v && !(*v >= 0 && *v <= 1))
            return "map expects x and y in 0..1 (the sound map's corners), got " + std::to_string(*v);
    if (x) map_[0].store(*x);
    if (y) map_[1].store(*y);
    return "";
}

bool Semantic::located(float& x, float& y) const {
    if (!has_located_.load()) return false;
    x = located_[0].load(), y = located_[1].load();
    return true;
}

void Semantic::set_connected(int inlet, bool connected) {
    if (inlet >= 0 && inlet < kMaxDescriptors) connected_[inlet].store(connected);
}

long Semantic::underruns() const {
    Handoff* h = handoff_.load();
    return h ? h->underruns() : 0;
}

int Semantic::latency() const {
    int frames = frames_.load();
    return frames ? (config_.threaded ? 2 : 1) * frames + stream_latency_.load() : 0;
}

std::string Semantic::info() const {
    auto m = std::atomic_load(&models_);
    std::ostringstream s;
    if (!m) return "no bundle loaded yet";
    s << "bundle " << m->path << " | generator " << m->generator_name << " | latent " << m->latent << " hop "
      << m->hop << " | " << m->sr << " Hz";
    double host = host_sr_.load();
    if (host > 0 && host != m->sr) s << " (resampled to and from the host's " << host << " Hz)";
    s << " | mode " << mode_name(mode_.load()) << (bypass_.load() ? " (bypassed)" : "")
      << " | buffer " << buffer() << " samples";
    if (buffer() && buffer() != requested_buffer_)
        s << " (@buffer " << requested_buffer_ << " rounded up to a multiple of the host's vector of " << vector_
          << " holding one hop)";
    s << ", " << (config_.threaded ? "threaded" : "unthreaded (offline)") << ": latency " << latency()
      << " host samples | underruns " << underruns();
    if (!m->uncontrollable.empty())
        s << " | not controllable on this generator (range within its noise floor): " << joined(m->uncontrollable);
    return s.str();
}

std::string Semantic::info(const std::string& name, std::string& error) const {
    auto m = std::atomic_load(&models_);
    if (!m) {
        error = "info " + name + ": no bundle loaded yet";
        return "";
    }
    auto it = std::find(m->names.begin(), m->names.end(), name);
    if (it == m->names.end()) {
        error = "info expects one of this bundle's descriptors (" + joined(m->names) + "), got '" + name + "'";
        return "";
    }
    auto i = std::size_t(it - m->names.begin());
    const std::string& unit = i < m->units.size() ? m->units[i] : "";
    const std::string& meaning = i < m->meanings.size() ? m->meanings[i] : "";
    std::string out = name + (unit.empty() ? "" : " (" + unit + ")") + ": " +
                      (meaning.empty() ? "this bundle does not say (built before descriptors said what they mean)" : meaning);
    if (std::find(m->uncontrollable.begin(), m->uncontrollable.end(), name) != m->uncontrollable.end())
        out += "; not controllable on this generator";
    return out;
}

void Semantic::set_compute(Compute compute) { compute_ = std::move(compute); }

std::string Semantic::take_messages() {
    std::lock_guard<std::mutex> lock(pending_mutex_);
    std::string e;
    e.swap(pending_);
    return e;
}

void Semantic::prepare(double host_sr, int vector_size) {
    if (host_sr <= 0 || vector_size <= 0) return;
    auto m = std::atomic_load(&models_);
    // a multiple of the host's vector, so a block ends with a host call (a vector longer
    // than the buffer would otherwise hand over two blocks per call), holding one hop of
    // the bundle playing (or, while the first one loads, of its manifest)
    int hop = m ? hop_in_host_samples(m->hop, m->sr, host_sr)
                : shaped_ ? hop_in_host_samples(shape_.hop, shape_.sr, host_sr) : 1;
    int want = std::max(requested_buffer_, hop);
    int frames = (want + vector_size - 1) / vector_size * vector_size;
    if (handoff_.load() && host_sr == host_sr_.load() && vector_size == vector_ && frames == frames_.load())
        return;  // a DSP restart: nothing changes
    stop_worker();
    auto fresh = std::make_unique<Handoff>(inlets(), outlets(), std::size_t(frames));
    Handoff* h = fresh.get();
    host_sr_.store(host_sr);
    vector_ = vector_size;
    stream_.reset();
    stream_models_.reset();
    stream_latency_.store(0);
    if (!config_.threaded) h->set_inline([this, frames](Block& block) { run_block(block, std::size_t(frames)); });
    handoff_.store(h, std::memory_order_release);
    frames_.store(frames);
    while (performing_.load(std::memory_order_acquire)) std::this_thread::yield();  // a perform inside the old one
    handoff_owner_ = std::move(fresh);
    if (!config_.threaded) return;
    running_.store(true);
    worker_ = std::thread([this, h] { worker_loop(h); });
}

void Semantic::stop_worker() {
    running_.store(false);
    if (Handoff* h = handoff_.load()) h->stop();
    if (worker_.joinable()) worker_.join();  // waits for a model call in flight
}

void Semantic::worker_loop(Handoff* handoff) {
    // One thread per object: libtorch's intra-op pool would only spin beside it (each
    // object is its own parallelism), costing CPU for no speed at these buffer sizes.
    at::set_num_threads(1);
    while (running_.load()) {
        Block* block = handoff->wait_for_work();
        if (!block) break;
        run_block(*block, handoff->frames());
        handoff->finish_work();
    }
}

void Semantic::run_block(Block& block, std::size_t frames) {
    auto m = std::atomic_load(&models_);  // a swap takes effect here, between blocks
    if (!m || bypass_.load()) {
        std::fill(block.out.begin(), block.out.end(), 0.f);
        if (stream_) stream_->reset();
        return;
    }
    try {
        if (m != stream_models_) {  // a new bundle (another hop or rate): a new stream
            stream_ = std::make_unique<Stream>(inlets(), outlets(), m->hop, m->sr, host_sr_.load(), frames);
            stream_models_ = m;
        }
        stream_->process(block.in.data(), block.out.data(),
                         [&](const float* in, float* out, std::size_t n) { compute_(*m, in, out, n); });
        stream_latency_.store(stream_->latency());
        if (!std::all_of(block.out.begin(), block.out.end(), [](float v) { return std::isfinite(v); })) {
            std::fill(block.out.begin(), block.out.end(), 0.f);
            stream_->reset();
            std::lock_guard<std::mutex> lock(pending_mutex_);
            if (pending_.empty()) pending_ = "error: the model produced NaN or Inf; output muted for that block\n";
        }
    } catch (const std::exception& e) {
        std::fill(block.out.begin(), block.out.end(), 0.f);
        if (stream_) stream_->reset();
        std::lock_guard<std::mutex> lock(pending_mutex_);
        if (pending_.empty()) pending_ = std::string("error: model call failed: ") + e.what() + "\n";
    }
}

void Semantic::compute_torch(const Models& m, const float* x, float* o, std::size_t frames) {
    c10::InferenceMode guard;
    const int T = int(frames) / m.hop, D = int(m.names.size()), L = m.latent, E = inlets();
    // per-frame mean of each connected inlet
    std::vector<float> mean(std::size_t(E) * T, 0.f);
    for (int e = 0; e < E; ++e)
        for (int t = 0; t < T; ++t) {
            double s = 0;
            for (int i = 0; i < m.hop; ++i) s += x[std::size_t(e) * frames + std::size_t(t) * m.hop + i];
            mean[std::size_t(e) * T + t] = float(s / m.hop);
        }
    torch::Tensor z;
    const Mode mode = mode_.load() == Mode::map && !m.has_map ? Mode::control : mode_.load();
    if (mode == Mode::map) {
        // x, y from the first two inlets where a signal drives them, else from `map x y`
        auto input = torch::zeros({1, 2, T});
        auto a = input.accessor<float, 3>();
        for (int c = 0; c < 2; ++c)
            for (int t = 0; t < T; ++t)
                a[0][c][t] = c < E && connected_[c].load() ? mean[std::size_t(c) * T + t] : map_[c].load();
        z = const_cast<torch::jit::Module&>(m.surrogate).get_method("map")({input}).toTensor();
    } else if (mode == Mode::control) {
        // [targets D | mask D | anchor L] x T; a connected inlet wins over a `target` message
        auto input = torch::zeros({1, 2 * D + L, T});
        auto a = input.accessor<float, 3>();
        auto normalised = [&](int j, float v) { return config_.raw_units ? m.norm[j].to_normalised(v) : v; };
        for (int j = 0; j < D; ++j) {
            int slot = m.slot[j];
            if (slot < 0 || !target_set_[slot].load()) continue;
            float v = normalised(j, targets_[slot].load());
            for (int t = 0; t < T; ++t) a[0][j][t] = v, a[0][D + j][t] = 1.f;
        }
        for (int e = 0; e < E; ++e) {
            int j = m.exposed[e];
            if (j < 0 || !connected_[e].load()) continue;
            for (int t = 0; t < T; ++t) a[0][j][t] = normalised(j, mean[std::size_t(e) * T + t]), a[0][D + j][t] = 1.f;
        }
        for (int l = 0; l < L; ++l) {
            float v = l < kMaxLatent && latent_set_[l].load() ? latents_[l].load() : m.latent_mean[l];
            for (int t = 0; t < T; ++t) a[0][2 * D + l][t] = v;
        }
        z = const_cast<torch::jit::Module&>(m.surrogate).get_method("control")({input}).toTensor();
    } else {
        z = torch::zeros({1, L, T});
        auto a = z.accessor<float, 3>();
        for (int l = 0; l < L; ++l)
            for (int t = 0; t < T; ++t) {
                bool from_inlet = l < E && connected_[l].load();
                a[0][l][t] = from_inlet ? mean[std::size_t(l) * T + t]
                                        : (latent_set_[l].load() ? latents_[l].load() : m.latent_mean[l]);
            }
    }
    auto audio = const_cast<torch::jit::Module&>(m.generator).get_method("decode")({z}).toTensor().contiguous();
    auto desc = const_cast<torch::jit::Module&>(m.surrogate).get_method("describe")({z}).toTensor().contiguous();
    if (audio.dim() != 3 || audio.size(2) != long(frames))
        throw std::runtime_error("the generator's decode returned " + std::to_string(audio.dim() == 3 ? audio.size(2) : -1) +
                                 " samples for " + std::to_string(T) + " frames of hop " + std::to_string(m.hop));
    // outlets: audio channels | latents | exposed descriptor predictions (held per frame)
    const int C = channels_;
    for (int c = 0; c < C; ++c) {
        float* dst = o + std::size_t(c) * frames;
        if (c < audio.size(1))
            std::copy_n(audio[0][c].data_ptr<float>(), frames, dst);
        else
            std::fill_n(dst, frames, 0.f);
    }
    auto zc = z.contiguous();
    auto za = zc.accessor<float, 3>();
    const int kept = std::min(L, kMaxLatent);  // the latest frame: what `teach` takes
    for (int l = 0; l < kept; ++l) playing_[std::size_t(l)].store(za[0][l][T - 1]);
    playing_size_.store(kept);
    if (m.has_map) {
        // the latest frame only: the cursor shows where the sound is now
        auto at = const_cast<torch::jit::Module&>(m.surrogate).get_method("locate")({zc.narrow(2, T - 1, 1)}).toTensor();
        located_[0].store(at[0][0][0].item<float>());
        located_[1].store(at[0][1][0].item<float>());
        has_located_.store(true);
    }
    auto da = desc.accessor<float, 3>();
    for (int l = 0; l < latent_; ++l)
        for (int t = 0; t < T; ++t)
            std::fill_n(o + std::size_t(C + l) * frames + std::size_t(t) * m.hop, m.hop, l < L ? za[0][l][t] : 0.f);
    for (int e = 0; e < E; ++e)
        for (int t = 0; t < T; ++t)
            std::fill_n(o + std::size_t(C + latent_ + e) * frames + std::size_t(t) * m.hop, m.hop,
                        m.exposed[e] < 0 ? 0.f : da[0][m.exposed[e]][t]);
}

}  // namespace semantic
