// emorph.read / write / read_info / info: volumes from and to files (TIFF, raw + JSON sidecar, ...).
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "emorph/io.hpp"
#include "emorph/io/summary.hpp"
#include "json_python.hpp"
#include "numpy_volume.hpp"

namespace emorph::python {

namespace {

ReadOptions read_options(const py::object& spacing) {
  ReadOptions o;
  if (!spacing.is_none()) o.voxel = spacing_arg(spacing);
  return o;
}

py::dict info_dict(const std::string& path, const VolumeInfo& info, const Spacing& spacing, bool spacing_from_file) {
  py::dict d;
  d["path"] = path;
  d["format"] = info.format;
  d["shape"] = py::make_tuple(info.shape.nz, info.shape.ny, info.shape.nx);
  d["dtype"] = dtype_name(info.dtype);
  d["spacing"] = spacing_tuple(spacing);
  d["spacing_from_file"] = spacing_from_file;
  d["files"] = info.files;
  return d;
}

}  // namespace

void bind_io(py::module_& m) {
  m.def(
      "read",
      [](const std::string& path, const py::object& spacing) {
        const ReadOptions options = read_options(spacing);
        VolumeInfo info;
        AnyVolume volume;
        {
          py::gil_scoped_release release;
          info = read_info(path);
          volume = read_volume(path, options);
        }
        const Spacing s = volume.spacing();
        py::dict meta = info_dict(path, info, s, info.spacing_from_file && !options.voxel);
        return py::make_tuple(to_numpy(std::move(volume)), meta);
      },
      py::arg("path"), py::arg("spacing") = py::none(),
      R"doc(Read a volume file into a numpy array.

Parameters
----------
path : str
    .tif/.tiff (multi-page), a folder of 2D .tif slices, .raw with a .json sidecar (shape, dtype,
    byte_order, voxel_um), .nrrd/.nhdr, .mha/.mhd, .h5 ("file.h5:/path/dataset") where built.
spacing : float or (dz, dy, dx), optional
    Voxel size in um overriding the file's (the CLI's --voxel).

Returns
-------
array : numpy.ndarray
    (z, y, x) array of the file's dtype (uint8, int8, uint16, int16, uint32, int32 or float32). It owns
    emorph's buffer: no copy is made after reading.
meta : dict
    ``spacing`` (dz, dy, dx) in um, ``spacing_from_file`` (False: the 1 um default or `spacing`),
    ``format``, ``shape``, ``dtype``, ``path``, ``files``.

Raises
------
emorph.InputError (a ValueError)
    Missing or unreadable file, truncated data, unsupported dtype or compression; the message names the path.

Example
-------
>>> labels, meta = emorph.read("labels.tif")
>>> emorph.fractions(labels)["phases"]["NMC"]["volume_fraction"])doc");

  m.def(
      "write",
      [](const std::string& path, const py::handle& array, const py::object& spacing, bool compress) {
        const Spacing s = spacing_arg(spacing);
        WriteOptions options;
        options.compress = compress;
        visit_array(array, "array", s, [&](auto view) {
          py::gil_scoped_release release;
          write_volume(path, view, options);
        });
      },
      py::arg("path"), py::arg("array"), py::arg("spacing") = py::none(), py::arg("compress") = false,
      R"doc(Write a 3D array to a volume file, atomically (temporary name, then rename).

Parameters
----------
path : str
    Output file; the format follows the extension as in :func:`read`.
array : numpy.ndarray
    C-contiguous (z, y, x) array of dtype uint8, bool (written as uint8 0/1), int8, uint16, int16,
    uint32, int32 or float32 (NaN is refused).
spacing : float or (dz, dy, dx), optional
    Voxel size in um stored in the file (default 1 um).
compress : bool
    Deflate (TIFF, HDF5) or gzip (NRRD, MetaImage) where the format supports it.)doc");

  m.def(
      "read_info",
      [](const std::string& path) {
        VolumeInfo info;
        {
          py::gil_scoped_release release;
          info = read_info(path);
        }
        return info_dict(path, info, info.spacing, info.spacing_from_file);
      },
      py::arg("path"),
      "Header of a volume file without reading its voxels: a dict with path, format, shape, dtype,\n"
      "spacing (dz, dy, dx) in um, spacing_from_file and files.");

  m.def(
      "info",
      [](const std::string& path, const py::object& spacing) {
        const ReadOptions options = read_options(spacing);
        Json j;
        {
          py::gil_scoped_release release;
          j = volume_summary(path, options);
        }
        return to_python(j);
      },
      py::arg("path"), py::arg("spacing") = py::none(),
      R"doc(Summary of a volume file, the ``results`` of ``emorph info`` (streamed, bounded memory).

Keys: format, shape, dtype, voxel_um [dz, dy, dx], voxel_size_from_file, physical_size_um, voxels,
memory_bytes, min, max, mean, std, percentile_1, percentile_50, percentile_99, distinct_values and
histogram {values, counts} for volumes with at most 256 distinct values.)doc");
}

}  // namespace emorph::python
