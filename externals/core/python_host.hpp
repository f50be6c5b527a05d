// The one embedded Python interpreter of the host process, started once and shared by
// every object. It runs only on load (never on the audio path): `engine.runtime`
// checks the bundle and generator and hands over TorchScript handles.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "models.hpp"

namespace semantic {

// Which python to start: the object's attribute, else $SEMANTIC_PYTHON, else the
// build-time default (the project's venv).
std::string choose_python(const std::string& attribute);

// Loads a bundle. Throws std::runtime_error with Python's message on any failure
// (missing bundle, wrong generator, ...) or when a number it hands over is out of bounds.
ModelsPtr load_models(const std::string& bundle, const std::string& python);

// An example of a label taught from the host: a latent that played and its value, a
// number or (for a yes/no label) a word.
struct LabelExample {
    std::vector<float> latent;
    double number = 0;
    std::string word;  // non-empty: the value is this word
};

// Teaches the label `name` these examples (added to those it had), or forgets it, and
// rewrites the bundle through engine.runtime (engine/label.py; docs/labels.md). Holds the
// GIL throughout: minutes, on the loader thread only. `progress` gets each line Python
// reports and may throw to stop at the next stage (the bundle is then untouched).
// Returns what was learned, in one line; throws std::runtime_error with Python's reason.
std::string relabel(const std::string& bundle, const std::string& python, const std::string& name,
                    const std::vector<LabelExample>& examples, bool forget,
                    const std::function<void(const std::string&)>& progress);

}  // namespace semantic
