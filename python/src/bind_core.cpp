// Version, errors, threads, progress, the default phase table and the debugging hook of the numpy bridge.
#include <pybind11/stl.h>
#include <unistd.h>

#include <cstdio>

#include "bindings.hpp"
#include "emorph/error.hpp"
#include "emorph/parallel.hpp"
#include "emorph/phase_table.hpp"
#include "emorph/progress.hpp"
#include "emorph/version.hpp"
#include "numpy_volume.hpp"

namespace emorph::python {

void bind_core(py::module_& m) {
  m.attr("__version__") = kVersion;

  // emorph.InputError is a ValueError: bad input or bad parameter, with a message naming it.
  static py::exception<InputError> input_error(m, "InputError", PyExc_ValueError);
  static py::exception<InternalError> internal_error(m, "InternalError", PyExc_RuntimeError);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const InputError& e) {
      input_error(e.what());
    } catch (const InternalError& e) {
      internal_error(e.what());
    }
  });

  m.def("set_threads", &set_threads, py::arg("n"),
        R"doc(Set the number of threads used by every emorph function (OpenMP).

Parameters
----------
n : int
    Number of threads; 0 or negative: all cores.)doc");
  m.def("thread_count", &thread_count, "Number of threads emorph functions use.");
  m.def(
      "set_progress",
      [](bool enabled) {
        set_progress_sink(enabled ? progress_text_sink([](const std::string& text) { std::fputs(text.c_str(), stderr); },
                                                       ::isatty(2) != 0)
                                  : ProgressSink());
      },
      py::arg("enabled"),
      "Show (True) or hide (False, the default) progress on stderr during long steps: a line redrawn in place on a "
      "terminal, one line per 10 % of each step otherwise.");

  m.def(
      "default_phases",
      [] {
        py::dict out;
        const PhaseTable table = PhaseTable::default_table();
        for (const auto& p : table.phases()) out[py::str(p.name)] = p.label;
        return out;
      },
      R"doc(The default phase table of label volumes as {name: label}:
pore=0, NMC=1, LFP=2, CBD=3 (carbon black + PVdF binder), collector=4.)doc");

  m.def(
      "_debug_last_input_address", [] { return last_input_address(); },
      "Address of the last numpy buffer handed to the library (tests check it equals array.ctypes.data).");
}

}  // namespace emorph::python
