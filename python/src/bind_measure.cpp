// Measurements on masks and label volumes: distance transform, connected components, phase fractions,
// thickness profiles, surface areas.
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "emorph/measure/components.hpp"
#include "emorph/measure/edt.hpp"
#include "json_python.hpp"
#include "numpy_volume.hpp"

namespace emorph::python {

void bind_measure(py::module_& m) {
  m.def(
      "distance_transform",
      [](const py::handle& mask, const py::object& spacing) {
        const auto view = u8_arg(mask, "mask", spacing_arg(spacing));
        Volume<float> out;
        {
          py::gil_scoped_release release;
          out = distance_transform(view);
        }
        return to_numpy(std::move(out));
      },
      py::arg("mask"), py::arg("spacing") = py::none(),
      R"doc(Exact Euclidean distance transform, in um.

Method: Felzenszwalb & Huttenlocher 2012 (lower envelope of parabolas), separable and linear in the
number of voxels, exact for anisotropic voxels. Same values as
``scipy.ndimage.distance_transform_edt(mask, sampling=spacing)`` (to float32 rounding).

Parameters
----------
mask : numpy.ndarray
    C-contiguous (z, y, x) array of dtype uint8 or bool; foreground is mask != 0. Read in place (no copy).
spacing : float or (dz, dy, dx), optional
    Voxel size in um (default 1: distances in voxels).

Returns
-------
numpy.ndarray of float32, same shape
    Distance in um from each foreground voxel to the centre of the nearest background voxel; 0 on
    background. Outside the volume is not background. With no background voxel at all: +inf.

The GIL is released while computing.)doc");

  m.def(
      "label",
      [](const py::handle& mask, int connectivity) {
        const auto view = u8_arg(mask, "mask", Spacing{});
        ComponentsParams params;
        params.connectivity = connectivity;
        ComponentsResult result;
        {
          py::gil_scoped_release release;
          result = label_components(view, params);
        }
        return py::make_tuple(to_numpy(std::move(result.labels)), result.count);
      },
      py::arg("mask"), py::arg("connectivity") = 26,
      R"doc(Connected components of a mask.

Method: two-pass union-find labelling (Wu, Otoo & Suzuki 2009), parallel over z-slabs; labels are
numbered 1..count in raster order (z, y, x) of each component's first voxel, so they equal
``scipy.ndimage.label``'s numbering for the same structuring element.

Parameters
----------
mask : numpy.ndarray
    C-contiguous (z, y, x) array of dtype uint8 or bool; foreground is mask != 0.
connectivity : int
    6 (faces; scipy's default structure), 18 (faces + edges) or 26 (faces, edges and corners;
    ``numpy.ones((3, 3, 3))``).

Returns
-------
labels : numpy.ndarray of uint32
    0 on background, 1..count on the components.
count : int)doc");
}

}  // namespace emorph::python
