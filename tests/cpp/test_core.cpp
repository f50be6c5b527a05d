// Tests of externals/core without any host: the handoff, the worker with a slow model,
// a bundle swap under load, and bad bundles. Exit status = number of failed checks.
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "interface.hpp"
#include "semantic.hpp"

using namespace semantic;
using Clock = std::chrono::steady_clock;

static int failures = 0;
#define EXPECT(cond, what)                                                          \
    do {                                                                           \
        if (!(cond)) {                                                             \
            ++failures;                                                            \
            std::cerr << "FAIL " << __LINE__ << ": " << what << "  (" #cond ")\n"; \
        }                                                                          \
    } while (0)

// A stand-in bundle: 1 inlet, 1 audio channel, latent 2, hop 64; the compute copies
// the inlet to the audio outlet times two, optionally slowly.
static std::shared_ptr<Models> fake_models() {
    auto m = std::make_shared<Models>();
    m->names = {"brightness"};
    m->exposed = {0};
    m->latent = 2;
    m->hop = 64;
    m->channels = 1;
    m->sr = 48000;
    m->path = "fake";
    return m;
}

static Compute doubling(int sleep_ms) {
    return [sleep_ms](const Models&, const float* in, float* out, std::size_t frames) {
        if (sleep_ms) std::this_thread::sleep_for(std::chrono::milliseconds(sleep_ms));
        for (std::size_t i = 0; i < frames; ++i) out[i] = 2 * in[i];
    };
}

// An object on the stand-in bundle, prepared for 48 kHz and a vector of 64.
static std::unique_ptr<Semantic> doubling_object(int buffer, int sleep_ms = 0) {
    Config c;
    c.buffer = buffer;
    auto s = std::make_unique<Semantic>(c, [](const std::string&) {});
    s->adopt(fake_models());
    s->set_compute(doubling(sleep_ms));
    s->prepare(48000, 64);
    return s;
}

// Runs `blocks` host vectors of n samples through s; input is a ramp; returns output.
static std::vector<float> run(Semantic& s, int blocks, int n, double pace_ms, double* worst_perform_us = nullptr) {
    std::vector<float> in(n), all;
    std::vector<std::vector<float>> outs(s.outlets(), std::vector<float>(n));
    std::vector<float*> optr;
    for (auto& o : outs) optr.push_back(o.data());
    const float* iptr[1] = {in.data()};
    double worst = 0;
    for (int b = 0; b < blocks; ++b) {
        for (int i = 0; i < n; ++i) in[i] = float(b * n + i + 1);
        auto t0 = Clock::now();
        s.perform(iptr, optr.data(), n);
        worst = std::max(worst, std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
        all.insert(all.end(), outs[0].begin(), outs[0].end());
        if (pace_ms > 0) std::this_thread::sleep_for(std::chrono::microseconds(int(pace_ms * 1000)));
    }
    if (worst_perform_us) *worst_perform_us = worst;
    return all;
}

static void test_handoff_delays_by_two_buffers() {
    auto object = doubling_object(256);
    Semantic& s = *object;
    // paced like real time (64 samples = 1.3 ms) so an instant worker is never late
    auto out = run(s, 64, 64, 1.5);
    EXPECT(s.underruns() == 0, "no underruns with an instant model, got " << s.underruns());
    EXPECT(s.latency() == 512, "latency is two buffers (one to fill, one to compute)");
    bool ok = true;
    for (int i = 512; i < int(out.size()); ++i) ok &= out[i] == 2.f * float(i - 512 + 1);
    for (int i = 0; i < 512; ++i) ok &= out[i] == 0.f;
    EXPECT(ok, "output is the doubled input, two buffers late");
}

static void test_slow_model_never_blocks_audio() {
    Config c;
    c.buffer = 128;
    Semantic s(c, [](const std::string&) {});
    s.adopt(fake_models());
    s.set_compute(doubling(40));  // far slower than the 2.7 ms a 128-sample buffer lasts
    s.prepare(48000, 64);
    double worst_us = 0;
    auto t0 = Clock::now();
    run(s, 200, 64, 0.2, &worst_us);
    double total_ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    EXPECT(s.underruns() > 10, "underruns are counted, got " << s.underruns());
    EXPECT(worst_us < 5000, "perform never waits for the worker (worst " << worst_us << " us)");
    EXPECT(total_ms < 200 * 0.2 * 3 + 100, "the audio side kept its pace (" << total_ms << " ms)");
}

static void test_free_while_model_runs() {
    auto s = doubling_object(64, 200);
    run(*s, 4, 64, 0);  // hands a block to the worker, which sleeps inside the "model"
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    auto t0 = Clock::now();
    s.reset();  // must wait for the call, not crash
    double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    EXPECT(ms >= 100 && ms < 2000, "free waited for the model call (" << ms << " ms)");
}

static void test_bad_bundles_are_errors() {
    std::string said;
    Config c;
    Semantic s(c, [&](const std::string& text) { said += text + "\n"; });
    EXPECT(!s.load("/nonexistent/x.semantic", true), "a missing bundle does not load");
    EXPECT(said.find("not a semantic~ bundle") != std::string::npos, "says why: " << said);
    EXPECT(!s.loaded(), "nothing is loaded");
    EXPECT(s.info() == "no bundle loaded yet", "info says so");
    EXPECT(s.set_target("brightness", 0.5f) == "no bundle loaded yet", "messages before a bundle are refused");
}

static Atoms atoms(std::initializer_list<Atom> list) { return Atoms(list); }

static std::string joined(const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& l : lines) out += l + "\n";
    return out;
}

static void test_arguments() {
    auto here = [](const std::string& p) { return p[0] == '/' ? p : "/patch/" + p; };
    auto c = parse_arguments(atoms({Atom::of("demo.semantic"), Atom::of("@descriptors"), Atom::of("brightness"),
                                    Atom::of("roughness"), Atom::of("@buffer"), Atom::of(2048.0), Atom::of("@units"),
                                    Atom::of("raw"), Atom::of("@thread"), Atom::of(0.0)}),
                             here);
    EXPECT(c.error.empty(), c.error);
    EXPECT(c.bundle == "/patch/demo.semantic", "a relative bundle resolves next to the patch: " << c.bundle);
    EXPECT((c.config.descriptors == std::vector<std::string>{"brightness", "roughness"}), "@descriptors");
    EXPECT(c.config.buffer == 2048 && c.config.raw_units && !c.config.threaded, "@buffer @units @thread");
    const std::pair<Atoms, std::string> bad[] = {
        {{}, "expected a bundle folder (a symbol) as first argument, got nothing"},
        {{Atom::of(42.0)}, "expected a bundle folder (a symbol) as first argument, got 42"},
        {{Atom::of("b"), Atom::of("@buffer"), Atom::of("lots")}, "@buffer expects a number of samples in 1..262144, got lots"},
        {{Atom::of("b"), Atom::of("@buffer")}, "@buffer needs a number of samples"},
        {{Atom::of("b"), Atom::of("@units"), Atom::of("pascal")}, "@units expects raw or normalised, got pascal"},
        {{Atom::of("b"), Atom::of("@colour"), Atom::of("red")}, "unknown argument '@colour'"},
    };
    for (const auto& [args, expected] : bad) {
        auto r = parse_arguments(args, here);
        EXPECT(r.error.find(expected) != std::string::npos, "expected '" << expected << "', got '" << r.error << "'");
    }
}

static void test_messages_and_assist() {
    Config c;
    Semantic s(c, [](const std::string&) {});
    s.adopt(fake_models());
    auto same = [](const std::string& p) { return p; };
    auto r = handle(s, "target", atoms({Atom::of("brightness"), Atom::of(0.25)}), same);
    EXPECT(r.errors.empty(), joined(r.errors));
    r = handle(s, "latent", atoms({Atom::of(1.0), Atom::of(-0.5), Atom::of(5.0), Atom::of(1.0)}), same);
    EXPECT(r.errors.size() == 1 && r.errors[0].find("latent index 5 out of range 0..1") != std::string::npos,
           joined(r.errors));
    const std::pair<std::pair<std::string, Atoms>, std::string> bad[] = {
        {{"target", {Atom::of(3.0), Atom::of(0.5)}}, "target expects a descriptor name then a number, got '3 0.5'"},
        {{"target", {Atom::of("brightness")}}, "target expects <descriptor> <value> pairs, got 1 atom(s)"},
        {{"target", {Atom::of("sparkle"), Atom::of(0.5)}}, "unknown descriptor 'sparkle'; this bundle has: brightness"},
        {{"mode", {Atom::of("banana")}}, "mode expects control, latent or map, got 'banana'"},
        {{"mode", {Atom::of("map")}}, "mode map: fake has no sound map (built before maps were playable)"},
        {{"map", {Atom::of(0.5)}}, "map expects two numbers, x and y in 0..1, got 1 atom(s)"},
        {{"map", {Atom::of(0.5), Atom::of(1.5)}}, "map expects x and y in 0..1 (the sound map's corners), got 1.5"},
        {{"bypass", {Atom::of("yes")}}, "bypass expects 0 or 1"},
        {{"load", {}}, "load expects a bundle folder"},
        {{"frobnicate", {}},
         "unknown message 'frobnicate'; expected load, mode, info, bypass, target, latent, map, teach, learn or forget"},
        {{"teach", {Atom::of("airy")}}, "teach expects a label name and a value"},
        {{"teach", {Atom::of("2 airy"), Atom::of(0.5)}}, "teach expects a label name (a letter"},
        {{"teach", {Atom::of("airy"), Atom::of(0.5)}}, "nothing of this bundle has played yet"},
        {{"learn", {}}, "learn expects a label name"},
        {{"learn", {Atom::of("airy")}}, "learn airy: no examples taught on this bundle yet"},
        {{"forget", {Atom::of("airy")}}, "forget: airy has no examples and is not a descriptor of this bundle"},
        {{"info", {Atom::of(3.0)}}, "info expects nothing, or a descriptor name"},
        {{"info", {Atom::of("airy")}}, "info expects one of this bundle's descriptors (brightness), got 'airy'"},
    };
    for (const auto& [message, expected] : bad) {
        r = handle(s, message.first, message.second, same);
        EXPECT(r.errors.size() == 1 && r.errors[0].find(expected) != std::string::npos,
               "expected '" << expected << "', got '" << joined(r.errors) << "'");
    }
    r = handle(s, "info", atoms({Atom::of("brightness")}), same);
    EXPECT(r.outputs.size() == 1 && r.outputs[0].atoms[0].symbol.find("brightness: this bundle does not say") == 0,
           "info NAME on a bundle whose manifest has no meanings says so: " << joined(r.errors));
    handle(s, "bypass", {}, same);
    r = handle(s, "info", {}, same);
    EXPECT(r.outputs.size() == 1 && r.outputs[0].selector == "info" &&
               r.outputs[0].atoms[0].symbol.find("(bypassed)") != std::string::npos,
           "bypass alone turns bypass on, and info says so");
    handle(s, "bypass", atoms({Atom::of(0.0)}), same);
    EXPECT(s.info().find("(bypassed)") == std::string::npos, "bypass 0 turns it off");
    EXPECT(inlet_value(s, 0, 0.75).errors.empty(), "a number at inlet 0 sets brightness' target");
    handle(s, "mode", atoms({Atom::of("latent")}), same);
    EXPECT(inlet_value(s, 0, 0.5).errors.empty(), "... and latent 0 in latent mode");
    EXPECT(inlet_value(s, 3, 0.5).errors.size() == 1, "no inlet 3");
    Reported reported;
    r = poll(s, reported);
    EXPECT(r.outputs.size() == 1 && r.outputs[0].selector == "loaded" && r.outputs[0].atoms[0].symbol == "fake",
           "the first poll says which bundle is loaded");
    EXPECT(poll(s, reported).outputs.empty(), "then nothing until something changes");
    s.adopt(fake_models());
    r = poll(s, reported);
    EXPECT(r.outputs.size() == 1 && r.outputs[0].selector == "loaded", "a swap is reported again");
    EXPECT(inlet_assist(s, 0).find("brightness") != std::string::npos, inlet_assist(s, 0));
    EXPECT(outlet_assist(s, 0) == "(signal) audio channel 1", outlet_assist(s, 0));
    EXPECT(outlet_assist(s, 1).find("latent 0") != std::string::npos, outlet_assist(s, 1));
    EXPECT(outlet_assist(s, 3).find("brightness, predicted") != std::string::npos, outlet_assist(s, 3));
    EXPECT(outlet_assist(s, 4).find("messages") != std::string::npos, outlet_assist(s, 4));
}

static void test_real_bundle_and_swap_under_load(const std::string& bundle) {
    std::string said;
    Config c;
    c.descriptors = {"brightness"};
    c.buffer = 2048;
    Semantic s(c, [&](const std::string& text) { said += text + "\n"; });
    EXPECT(s.load(bundle, true), "loads " << bundle << ": " << said);
    if (!s.loaded()) return;
    EXPECT(s.inlets() == 1 && s.audio_outlets() == 1 && s.latent_outlets() == 8, "shape from the bundle");
    EXPECT(s.set_target("nonsense", 1).find("unknown descriptor") != std::string::npos, "unknown target refused");
    std::string error, meaning = s.info("brightness", error);
    EXPECT(meaning.find("brightness (Hz): how bright or dull it sounds") == 0, "info brightness: " << meaning << error);
    EXPECT(s.set_latent(99, 1).find("out of range") != std::string::npos, "latent index checked");
    s.prepare(48000, 64);
    std::vector<float> in(64, 0.5f);
    std::vector<std::vector<float>> outs(s.outlets(), std::vector<float>(64));
    std::vector<float*> optr;
    for (auto& o : outs) optr.push_back(o.data());
    const float* iptr[1] = {in.data()};
    double energy = 0;
    bool finite = true;
    for (int b = 0; b < 48000 * 3 / 64; ++b) {
        if (b == 500) s.load(bundle, false);  // swap while playing
        s.perform(iptr, optr.data(), 64);
        for (float v : outs[0]) energy += v * v, finite &= std::isfinite(v);
        std::this_thread::sleep_for(std::chrono::microseconds(1300));
    }
    EXPECT(finite, "output stays finite across the swap");
    EXPECT(energy > 0, "the generator plays");
    // the loader thread never posts itself: the host's poll collects what it said
    EXPECT(said.find("loaded") == said.rfind("loaded"), "only the creation load posted directly: " << said);
    std::string queued = s.take_messages();
    EXPECT(queued.rfind("loaded ", 0) == 0, "the swap loaded a second time: " << queued);
    EXPECT(queued.find("error") == std::string::npos, "no worker errors: " << queued);

    // the sound map: played from `map x y`, and located back for the cursor
    EXPECT(s.set_mode(Mode::map).empty(), "a bundle built with a map plays it");
    Reported reported;
    poll(s, reported);
    std::vector<std::pair<double, double>> located;
    for (auto [x, y] : {std::pair{0.1f, 0.1f}, std::pair{0.9f, 0.9f}}) {
        EXPECT(s.set_map(x, y).empty(), "map " << x << " " << y);
        for (int b = 0; b < 48000 / 64; ++b) {
            s.perform(iptr, optr.data(), 64);
            std::this_thread::sleep_for(std::chrono::microseconds(1300));
        }
        auto r = poll(s, reported);
        auto it = std::find_if(r.outputs.begin(), r.outputs.end(), [](const Output& o) { return o.selector == "map"; });
        EXPECT(it != r.outputs.end() && it->atoms.size() == 2, "poll says where the sound playing lies on the map");
        if (it == r.outputs.end()) continue;
        located.emplace_back(it->atoms[0].number, it->atoms[1].number);
        std::cout << "map " << x << " " << y << " located at " << located.back().first << " "
                  << located.back().second << "\n";
    }
    // an empty corner plays its nearest sounds, so the cursor may sit inward of it; but
    // each cursor lies nearer the point it played than the other one does
    auto d = [](std::pair<double, double> a, double x, double y) { return std::hypot(a.first - x, a.second - y); };
    EXPECT(located.size() == 2 && d(located[0], 0.1, 0.1) < d(located[0], 0.9, 0.9) &&
               d(located[1], 0.9, 0.9) < d(located[1], 0.1, 0.1),
           "the cursor follows the point played");
    EXPECT(s.info().find("mode map") != std::string::npos, s.info());
    std::cout << "real bundle: underruns " << s.underruns() << ", " << s.info() << "\n";
}

// Runs a sine through an object whose model passes its inlet to audio outlet 0 (at the
// generator's rate): what comes out is what went in, `latency()` host samples later.
static double passthrough_error(int model_sr, int hop, int buffer, double host_sr, int vector, int* latency) {
    auto m = fake_models();
    m->sr = model_sr;
    m->hop = hop;
    Config c;
    c.buffer = buffer;
    c.threaded = false;  // inline: exact, no timing in the way
    Semantic s(c, [](const std::string&) {});
    s.adopt(m);
    s.set_compute([](const Models&, const float* in, float* out, std::size_t frames) { std::copy_n(in, frames, out); });
    s.prepare(host_sr, vector);
    const int total = int(host_sr * 2);
    std::vector<float> in(static_cast<std::size_t>(total)), out(static_cast<std::size_t>(total));
    for (int i = 0; i < total; ++i) in[std::size_t(i)] = float(0.5 * std::sin(2 * M_PI * 997.0 * i / host_sr));
    std::vector<std::vector<float>> outs(s.outlets(), std::vector<float>(std::size_t(vector)));
    std::vector<float*> optr;
    for (auto& o : outs) optr.push_back(o.data());
    for (int at = 0; at + vector <= total; at += vector) {
        const float* iptr[1] = {in.data() + at};
        s.perform(iptr, optr.data(), vector);
        std::copy_n(outs[0].data(), vector, out.data() + at);
    }
    *latency = s.latency();
    double worst = 0;
    for (int i = *latency + int(host_sr / 10); i < total - vector; ++i)
        worst = std::max(worst, double(std::abs(out[std::size_t(i)] - in[std::size_t(i - *latency)])));
    return worst;
}

static void test_rates_and_hops() {
    // (generator rate, hop, @buffer, host rate, host vector)
    const int cases[][5] = {{44100, 2048, 4096, 48000, 64},  {44100, 512, 2048, 96000, 64},
                            {48000, 2048, 2048, 44100, 64},  {44100, 2048, 4096, 88200, 1024},
                            {48000, 2048, 2560, 48000, 64},  {48000, 512, 2048, 48000, 8192},
                            {44100, 2048, 4096, 44100, 64},  {44100, 2048, 256, 48000, 64}};
    for (const auto& k : cases) {
        int latency = 0;
        double err = passthrough_error(k[0], k[1], k[2], k[3], k[4], &latency);
        // soxr HQ is flat to 0.01 dB at 1 kHz with 130 dB of stopband: -60 dB is far off
        EXPECT(err < 1e-3, "a " << k[0] << " Hz generator (hop " << k[1] << ", @buffer " << k[2] << ") in a " << k[3]
                                << " Hz host (vector " << k[4] << ") plays its input back " << latency
                                << " samples later, off by " << err);
    }
}

static void test_dsp_restarts() {
    auto object = doubling_object(2048);
    Semantic& s = *object;
    EXPECT(s.buffer() == 2048 && s.latency() == 4096, "buffer " << s.buffer() << ", latency " << s.latency());
    run(s, 200, 64, 1.4);
    long before = s.underruns();
    for (int i = 0; i < 20; ++i) s.prepare(48000, 64);  // DSP toggled: same rate, same vector
    auto out = run(s, 200, 64, 1.4);
    EXPECT(s.underruns() == before, "a DSP restart with nothing changed changes nothing (" << s.underruns() << ")");
    bool continuous = true;
    for (std::size_t i = std::size_t(s.latency()) + 1; i < out.size(); ++i) continuous &= out[i] - out[i - 1] == 2.f;
    EXPECT(continuous, "the output runs on without a gap across 20 restarts");
    s.prepare(48000, 8192);  // a host vector longer than the buffer
    EXPECT(s.buffer() == 8192, "the buffer grows to the host's vector: " << s.buffer());
    EXPECT(s.info().find("rounded up") != std::string::npos, s.info());
    before = s.underruns();
    run(s, 30, 8192, 8192 / 48.0 * 1.05);
    EXPECT(s.underruns() == before, "no underruns with a vector longer than @buffer: " << s.underruns() - before);
    auto long_hop = fake_models();
    long_hop->hop = 16384;
    s.adopt(long_hop);
    s.prepare(48000, 8192);
    EXPECT(s.buffer() == 16384, "after a swap to a longer hop, a DSP restart makes the buffer hold one: " << s.buffer());
}

// Max may run the old chain's perform64 while dsp64 rebuilds: prepare must not free
// what perform reads.
static void test_prepare_while_performing() {
    auto object = doubling_object(256);
    Semantic& s = *object;
    std::atomic<bool> stop{false};
    std::thread audio([&] {
        std::vector<float> in(512, 1.f), out(512);
        std::vector<std::vector<float>> outs(s.outlets(), std::vector<float>(512));
        std::vector<float*> optr;
        for (auto& o : outs) optr.push_back(o.data());
        const float* iptr[1] = {in.data()};
        while (!stop.load()) s.perform(iptr, optr.data(), 64);
    });
    for (int i = 0; i < 40; ++i) s.prepare(i % 2 ? 44100 : 48000, i % 3 ? 64 : 128);
    stop.store(true);
    audio.join();
    EXPECT(s.buffer() >= 256, "still playing after 40 rebuilds under perform");
}

static void test_targets_follow_names_across_swaps() {
    Config c;
    Semantic s(c, [](const std::string&) {});
    auto a = fake_models();
    a->names = {"brightness", "roughness"};
    s.adopt(a);
    EXPECT(s.set_target("roughness", 0.25f).empty(), "target roughness");
    auto b = fake_models();
    b->names = {"roughness", "loudness", "brightness"};
    s.adopt(b);
    auto m = s.models();
    EXPECT(m->slot[0] == a->slot[1] && m->slot[2] == a->slot[0], "slots follow names, not positions");
    EXPECT(m->exposed.size() == 2 && m->exposed[0] == 2 && m->exposed[1] == 0, "inlets follow names too");
    std::string said;
    Semantic t(c, [&](const std::string& text) { said += text; });
    t.adopt(a);
    auto lacking = fake_models();
    lacking->names = {"loudness"};
    t.adopt(lacking);
    EXPECT(t.models()->exposed[0] == -1 && said.find("has no brightness roughness") != std::string::npos, said);
}

// A manifest's numbers size buffers and divide: each is checked before anything uses it.
static void test_absurd_manifests_are_refused() {
    const std::string dir = "/tmp/semantic_test_manifest";
    std::system(("mkdir -p " + dir).c_str());
    const std::string good = R"("latent_size": 8, "hop": 2048, "sr": 48000, "channels": 1)";
    const std::pair<std::string, std::string> bad[] = {
        {R"({"latent_size": 8, "hop": 0, "sr": 48000, "channels": 1, "descriptors": [{"name": "f0"}]})", "\"hop\" must be"},
        {R"({"latent_size": 8, "hop": 1e9, "sr": 48000, "channels": 1, "descriptors": [{"name": "f0"}]})", "\"hop\" must be"},
        {R"({"latent_size": 8, "hop": 2048, "sr": 48000, "channels": -1, "descriptors": [{"name": "f0"}]})", "\"channels\" must be"},
        {R"({"latent_size": 8, "hop": 2048, "sr": 48000, "channels": 1000000, "descriptors": [{"name": "f0"}]})", "\"channels\" must be"},
        {R"({"latent_size": 0, "hop": 2048, "sr": 48000, "channels": 1, "descriptors": [{"name": "f0"}]})", "\"latent_size\" must be"},
        {R"({"latent_size": 2.5, "hop": 2048, "sr": 48000, "channels": 1, "descriptors": [{"name": "f0"}]})", "\"latent_size\" must be"},
        {R"({"latent_size": 8, "hop": 2048, "sr": 0, "channels": 1, "descriptors": [{"name": "f0"}]})", "\"sr\" must be"},
        {R"({"latent_size": 8, "hop": "2048", "sr": 48000, "channels": 1, "descriptors": [{"name": "f0"}]})", "\"hop\" must be"},
        {"{" + good + R"(, "descriptors": []})", "non-empty list"},
        {"{" + good + R"(, "descriptors": [{"unit": "Hz"}]})", "needs a \"name\""},
        {"{" + good + "}", "\"descriptors\""},
        {"[1, 2]", "expected a JSON object"},
        {"{\"hop\": ", "is corrupt: expected JSON"},
    };
    for (const auto& [text, expected] : bad) {
        std::FILE* f = std::fopen((dir + "/manifest.json").c_str(), "w");
        std::fputs(text.c_str(), f);
        std::fclose(f);
        std::string said;
        Config c;
        Semantic s(c, [&](const std::string& t) { said += t; });
        EXPECT(!s.open(dir), "refused: " << text);
        EXPECT(said.find(expected) != std::string::npos, "expected '" << expected << "' for " << text << ", got " << said);
    }
    // what the build marked not controllable is read with the shape (for `info`)
    std::FILE* f = std::fopen((dir + "/manifest.json").c_str(), "w");
    std::fputs(("{" + good + R"(, "descriptors": [{"name": "f0", "controllable": true}, {"name": "lufs", "controllable": false}]})").c_str(), f);
    std::fclose(f);
    Shape shape = read_shape(dir);
    EXPECT(shape.uncontrollable == std::vector<std::string>{"lufs"}, "uncontrollable: " << shape.uncontrollable.size());
}

int main() {
    test_handoff_delays_by_two_buffers();
    test_slow_model_never_blocks_audio();
    test_free_while_model_runs();
    test_bad_bundles_are_errors();
    test_arguments();
    test_messages_and_assist();
    test_rates_and_hops();
    test_dsp_restarts();
    test_prepare_while_performing();
    test_targets_follow_names_across_swaps();
    test_absurd_manifests_are_refused();
    if (const char* b = std::getenv("SEMANTIC_TEST_BUNDLE"); b && *b)
        test_real_bundle_and_swap_under_load(b);
    else
        std::cout << "SEMANTIC_TEST_BUNDLE not set: real-bundle test skipped\n";
    std::cout << (failures ? "FAILED " : "ok ") << failures << " failure(s)\n";
    return failures;
}
