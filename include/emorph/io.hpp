#pragma once
// Reading and writing volumes; the format is chosen from the extension (format registry in src/io):
//   .tif/.tiff (multi-page, BigTIFF when > 4 GiB), a folder of 2D .tif slices (natural order),
//   .raw + .json sidecar, .nrrd/.nhdr, .mha/.mhd, .h5/.hdf5 ("file.h5:/path/dataset").
#include <optional>
#include <string>
#include <vector>

#include "emorph/atomic_file.hpp"
#include "emorph/volume.hpp"

namespace emorph {

struct ReadOptions {
  std::optional<Spacing> voxel;  // overrides the file's voxel size (the --voxel option)
  // NaN or infinite voxels of a float volume are refused (InputError naming the file, their count and
  // the first one) unless this is set: only commands that copy values without computing on them
  // (crop) set it. CONTRACT.md "Volumes and axes".
  bool allow_nonfinite = false;
};

struct WriteOptions {
  bool compress = false;  // gzip for NRRD/MHA, deflate for TIFF/HDF5 where supported
};

// Throws InputError naming `source` when any of the n float values is NaN or infinite; `first_slice`
// (the z index of values[0]) and the slice size locate the first such voxel in the message.
void require_finite_voxels(const float* values, std::size_t n, const std::string& source, int64_t first_slice,
                           const Shape& shape);

// Metadata without reading the voxels (header only).
struct VolumeInfo {
  std::string format;  // "tiff", "tiff-folder", "raw", "nrrd", "metaimage", "hdf5"
  Shape shape;
  DType dtype = DType::u8;
  Spacing spacing;
  bool spacing_from_file = false;  // false: 1 um default
  std::vector<std::string> files;  // the files that hold the data (for checksums)
};

// Throws InputError naming the path for a missing file, a directory where a file is expected, a
// truncated file, an inconsistent header, an unsupported dtype or compression.
AnyVolume read_volume(const std::string& address, const ReadOptions& options = {});
VolumeInfo read_info(const std::string& address);

// Writes atomically (temporary name, then rename); never overwrites `address` if it is an input
// (callers check with check_output_differs).
void write_volume(const std::string& address, const AnyVolume& volume, const WriteOptions& options = {});
template <class T>
void write_volume(const std::string& address, VolumeView<const T> view, const WriteOptions& options = {});
template <class T>
  requires(!std::is_const_v<T>)
void write_volume(const std::string& address, VolumeView<T> view, const WriteOptions& options = {}) {
  write_volume<T>(address, VolumeView<const T>(view), options);
}
template <class T>
void write_volume(const std::string& address, const Volume<T>& volume, const WriteOptions& options = {}) {
  write_volume<T>(address, volume.view(), options);
}

// Streams a volume from one format to another slab by slab (memory: one 64 MiB slab, whatever the
// volume's size); read_options.voxel overrides the voxel size written. Throws InputError when
// output names the input.
void convert_volume(const std::string& input, const std::string& output, const ReadOptions& read_options = {},
                    const WriteOptions& write_options = {});

}  // namespace emorph
