// The one embedded Python interpreter of the host process, started once and shared by
// every object. It runs only on load (never on the audio path): `engine.runtime`
// checks the bundle and generator and hands over TorchScript handles.
#pragma once

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

}  // namespace semantic
