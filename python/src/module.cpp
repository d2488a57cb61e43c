// The extension module emorph._core; python/emorph/__init__.py re-exports it as `emorph`.
#include <pybind11/pybind11.h>

#include "bindings.hpp"

PYBIND11_MODULE(_core, m) {
  m.doc() = "emorph: 3D morphology of battery electrodes (C++ core). Use the `emorph` package.";
  emorph::python::bind_core(m);
  emorph::python::bind_io(m);
  emorph::python::bind_measure(m);
  emorph::python::bind_synth(m);
  emorph::python::bind_segment(m);
  emorph::python::bind_transport(m);
  emorph::python::bind_sizes(m);
  emorph::python::bind_fibsem(m);
  emorph::python::bind_report(m);
  emorph::python::bind_stats(m);
  emorph::python::bind_descriptors(m);
}
