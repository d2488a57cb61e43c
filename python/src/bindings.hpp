#pragma once
// One bind_<area>() per area of the library (python/src/bind_<area>.cpp), called by module.cpp.
#include <pybind11/pybind11.h>

namespace emorph::python {

void bind_core(pybind11::module_& m);
void bind_io(pybind11::module_& m);
void bind_measure(pybind11::module_& m);
void bind_synth(pybind11::module_& m);
void bind_segment(pybind11::module_& m);
void bind_transport(pybind11::module_& m);
void bind_sizes(pybind11::module_& m);
void bind_fibsem(pybind11::module_& m);
void bind_report(pybind11::module_& m);
void bind_stats(pybind11::module_& m);
void bind_descriptors(pybind11::module_& m);

}  // namespace emorph::python
