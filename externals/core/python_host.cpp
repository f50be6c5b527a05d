#include "python_host.hpp"

#include "manifest.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#if !defined(_WIN32)
#include <dlfcn.h>
#endif
#include <mutex>
#include <stdexcept>

#include <pybind11/embed.h>
#include <pybind11/functional.h>
#include <pybind11/stl.h>
#include <torch/csrc/jit/python/pybind_utils.h>

namespace py = pybind11;

#ifndef SEMANTIC_DEFAULT_PYTHON
#define SEMANTIC_DEFAULT_PYTHON "python3"
#endif

namespace semantic {

float Normalisation::to_normalised(float raw) const {
    double w = log ? std::log(std::max(1e-9, double(raw))) : double(raw);
    return float((w - lo) / (hi - lo));
}

std::string choose_python(const std::string& attribute) {
    if (!attribute.empty()) return attribute;
    if (const char* env = std::getenv("SEMANTIC_PYTHON")) return env;
    return SEMANTIC_DEFAULT_PYTHON;
}

namespace {

std::once_flag started;  // the first object's choice of python holds for the whole process

// PyConfig with program_name = the environment's python, so a host started with a
// clean environment still finds that environment's stdlib and site-packages.
void start_interpreter(const std::string& python) {
    std::call_once(started, [&] {
#if defined(SEMANTIC_LIBPYTHON) && !defined(_WIN32)
        // hosts dlopen externals privately; Python's extension modules need libpython's
        // symbols in the global scope
        dlopen(SEMANTIC_LIBPYTHON, RTLD_NOW | RTLD_GLOBAL);
#endif
        PyConfig config;
        PyConfig_InitPythonConfig(&config);
        config.install_signal_handlers = 0;  // the host owns SIGINT
        PyStatus status = PyConfig_SetBytesString(&config, &config.program_name, python.c_str());
        if (!PyStatus_Exception(status)) status = Py_InitializeFromConfig(&config);
        PyConfig_Clear(&config);
        if (PyStatus_Exception(status))
            throw std::runtime_error(std::string("cannot start Python from ") + python + ": " +
                                     (status.err_msg ? status.err_msg : "unknown error"));
        PyEval_SaveThread();  // release the GIL: loads take it when they need it
    });
}

// The last line of Python's message is the reason; the type says what kind.
std::string reason(py::error_already_set& e) {
    std::string what = e.what();
    auto cut = what.find("\n\nAt:");
    return cut == std::string::npos ? what : what.substr(0, cut);
}

}  // namespace

ModelsPtr load_models(const std::string& bundle, const std::string& python) {
    start_interpreter(python);
    py::gil_scoped_acquire gil;
    try {
        py::dict d = py::module_::import("engine.runtime").attr("load_for_host")(bundle);
        auto m = std::make_shared<Models>();
        m->surrogate = d["surrogate"].cast<torch::jit::Module>();
        m->generator = d["generator"].cast<torch::jit::Module>();
        m->has_map = m->surrogate.find_method("map").has_value() && m->surrogate.find_method("locate").has_value();
        m->names = d["names"].cast<std::vector<std::string>>();
        m->latent = d["latent"].cast<int>();
        m->hop = d["hop"].cast<int>();
        m->sr = d["sr"].cast<int>();
        m->channels = d["channels"].cast<int>();
        m->latent_mean = d["latent_mean"].cast<std::vector<float>>();
        m->path = d["path"].cast<std::string>();
        m->generator_name = d["generator_name"].cast<std::string>();
        for (auto item : d["normalisation"]) {
            auto t = item.cast<py::tuple>();
            m->norm.push_back({t[0].cast<std::string>() == "log", t[1].cast<double>(), t[2].cast<double>()});
        }
        check_shape({m->names, m->latent, m->hop, m->sr, m->channels}, bundle);
        for (const auto& n : m->norm)
            if (!std::isfinite(n.lo) || !std::isfinite(n.hi) || n.hi == n.lo)
                throw std::runtime_error(bundle + ": a descriptor's normalisation range must be finite and not empty");
        if (m->norm.size() != m->names.size() || int(m->latent_mean.size()) != m->latent ||
            !std::all_of(m->latent_mean.begin(), m->latent_mean.end(), [](float v) { return std::isfinite(v); }))
            throw std::runtime_error(bundle + ": expected one normalisation per descriptor and " +
                                     std::to_string(m->latent) + " finite latent means");
        return m;
    } catch (py::error_already_set& e) {
        throw std::runtime_error(reason(e));
    } catch (py::cast_error& e) {
        throw std::runtime_error(std::string("bundle handed over something unexpected: ") + e.what());
    }
}

std::string relabel(const std::string& bundle, const std::string& python, const std::string& name,
                    const std::vector<LabelExample>& examples, bool forget,
                    const std::function<void(const std::string&)>& progress) {
    start_interpreter(python);
    py::gil_scoped_acquire gil;
    try {
        py::list items;
        for (const auto& e : examples) {
            py::dict item;
            item["latent"] = py::cast(std::vector<double>(e.latent.begin(), e.latent.end()));
            item["value"] = e.word.empty() ? py::object(py::float_(e.number)) : py::object(py::str(e.word));
            items.append(item);
        }
        auto report = py::cpp_function([&progress](const std::string& line) { progress(line); });
        return py::module_::import("engine.runtime")
            .attr("relabel_for_host")(bundle, name, items, forget, report)
            .cast<std::string>();
    } catch (py::error_already_set& e) {
        throw std::runtime_error(reason(e));
    }
}

}  // namespace semantic
