// The format registry: chooses a reader or writer from the address (extension, folder, or
// "file.h5:/dataset"), and builds whole-volume reads and writes on the slab streams.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <type_traits>
#include <filesystem>
#include <vector>

#include "emorph/error.hpp"
#include "emorph/dtype_list.hpp"
#include "emorph/memory_budget.hpp"
#include "emorph/io/path_overlap.hpp"
#include "emorph/progress.hpp"
#include "io/io_util.hpp"

namespace fs = std::filesystem;

namespace emorph {
namespace {

constexpr std::size_t kSlabBytes = std::size_t(64) << 20;  // streaming unit: large sequential transfers

enum class Format { tiff, tiff_folder, raw, nrrd, metaimage, hdf5 };

struct Address {
  Format format;
  std::string file;
  std::string dataset;  // HDF5 only
};

bool is_hdf5_extension(const std::string& e) { return e == ".h5" || e == ".hdf5" || e == ".hdf" || e == ".nxs"; }

Address parse_address(const std::string& address, bool for_writing) {
  if (address.empty()) throw InputError("empty file name");
  const std::string file = file_part(address);
  if (file != address) return {Format::hdf5, file, address.substr(file.size() + 1)};
  const std::string ext = io::lower_extension(address);
  if (ext == ".tif" || ext == ".tiff") return {Format::tiff, address, ""};
  if (ext == ".raw" || ext == ".bin") return {Format::raw, address, ""};
  if (ext == ".nrrd" || ext == ".nhdr") return {Format::nrrd, address, ""};
  if (ext == ".mha" || ext == ".mhd") return {Format::metaimage, address, ""};
  if (is_hdf5_extension(ext)) return {Format::hdf5, address, ""};
  std::error_code ec;
  const bool dir = fs::is_directory(address, ec);
  if ((!for_writing && dir) || (for_writing && (dir || address.back() == '/' || ext.empty())))
    return {Format::tiff_folder, address, ""};
  if (!for_writing && !fs::exists(address, ec)) throw InputError(address + ": no such file");
  throw InputError(address + ": unknown volume format '" + ext +
                   "' (supported: .tif .tiff, folder of .tif slices, .raw + .json, .nrrd .nhdr, .mha .mhd, "
                   ".h5 .hdf5 [file.h5:/dataset])");
}

template <class T>
Volume<T> read_into_volume(SlabReader& reader, const ReadOptions& options, int64_t z0, int64_t z1) {
  const VolumeInfo& info = reader.info();
  Spacing spacing = options.voxel ? *options.voxel : info.spacing;
  Volume<T> v(Shape{z1 - z0, info.shape.ny, info.shape.nx}, spacing);
  const std::size_t sb = reader.slice_bytes();
  const int64_t step = std::max<int64_t>(1, static_cast<int64_t>(kSlabBytes / sb));
  Progress progress("reading " + fs::path(info.files.empty() ? "" : info.files.front()).filename().string(), z1 - z0);
  auto* out = reinterpret_cast<unsigned char*>(v.data());
  io::advise_huge_pages(out, v.bytes());
  for (int64_t z = z0; z < z1; z += step) {
    const int64_t e = std::min(z1, z + step);
    reader.read(z, e, out + static_cast<std::size_t>(z - z0) * sb);  // straight into the volume's buffer
    progress.advance(e - z);
  }
  if constexpr (std::is_same_v<T, float>)
    if (!options.allow_nonfinite)
      require_finite_voxels(v.data(), static_cast<std::size_t>(v.size()), info.files.empty() ? "volume" : info.files.front(),
                            z0, info.shape);
  return v;
}

std::unique_ptr<SlabReader> open_format_reader(const Address& a) {
  switch (a.format) {
    case Format::tiff: return io::open_tiff(a.file);
    case Format::tiff_folder: return io::open_tiff_folder(a.file);
    case Format::raw: return io::open_raw(a.file);
    case Format::nrrd: return io::open_nrrd(a.file);
    case Format::metaimage: return io::open_metaimage(a.file);
    case Format::hdf5: return io::open_hdf5(a.file, a.dataset);
  }
  throw InternalError("unhandled format");
}

}  // namespace

std::unique_ptr<SlabReader> open_slab_reader(const std::string& address) {
  auto reader = open_format_reader(parse_address(address, false));
  // Every reader streams at least one whole slice: a header declaring slices larger than the
  // machine's memory is refused before any buffer is allocated.
  const uint64_t slice = reader->slice_bytes();
  if (slice > physical_memory_bytes())
    throw InputError(address + ": one slice of shape " + reader->info().shape.str() + " needs " + std::to_string(slice) +
                     " bytes, more than this machine's memory (" + std::to_string(physical_memory_bytes()) + " bytes)");
  return reader;
}

std::unique_ptr<SlabWriter> open_slab_writer(const std::string& address, const VolumeHeader& header,
                                             const WriteOptions& options) {
  io::check_header_shape(header.shape, header.dtype, address);
  const Address a = parse_address(address, true);
  switch (a.format) {
    case Format::tiff: return io::create_tiff(a.file, header, options);
    case Format::tiff_folder: return io::create_tiff_folder(a.file, header, options);
    case Format::raw: return io::create_raw(a.file, header, options);
    case Format::nrrd: return io::create_nrrd(a.file, header, options);
    case Format::metaimage: return io::create_metaimage(a.file, header, options);
    case Format::hdf5: return io::create_hdf5(a.file, a.dataset, header, options);
  }
  throw InternalError("unhandled format");
}

void require_finite_voxels(const float* values, std::size_t n, const std::string& source, int64_t first_slice,
                           const Shape& shape) {
  std::size_t bad = 0, first = n;
  for (std::size_t i = 0; i < n; ++i)
    if (!std::isfinite(values[i])) {
      if (bad++ == 0) first = i;
    }
  if (bad == 0) return;
  const int64_t plane = shape.ny * shape.nx;
  const int64_t z = first_slice + static_cast<int64_t>(first) / plane, rest = static_cast<int64_t>(first) % plane;
  throw InputError(source + ": " + std::to_string(bad) + " voxel" + (bad == 1 ? " is" : "s are") +
                   " NaN or infinite (first at z,y,x = " + std::to_string(z) + "," + std::to_string(rest / shape.nx) + "," +
                   std::to_string(rest % shape.nx) + "); a float volume must be finite: replace or mask those voxels first");
}
void check_volume_output_address(const std::string& address) { parse_address(address, true); }

VolumeInfo read_info(const std::string& address) { return open_slab_reader(address)->info(); }

AnyVolume read_volume(const std::string& address, const ReadOptions& options) {
  auto reader = open_slab_reader(address);
  const int64_t nz = reader->info().shape.nz;
  return visit_dtype(reader->info().dtype, [&](auto t) -> AnyVolume {
    return read_into_volume<decltype(t)>(*reader, options, 0, nz);
  });
}

AnyVolume read_slab(const std::string& address, int64_t z0, int64_t z1, const ReadOptions& options) {
  auto reader = open_slab_reader(address);
  const Shape s = reader->info().shape;
  if (z0 < 0 || z1 > s.nz || z0 >= z1)
    throw InputError(address + ": slab " + std::to_string(z0) + ":" + std::to_string(z1) +
                     " is empty or outside the volume of shape " + s.str());
  return visit_dtype(reader->info().dtype, [&](auto t) -> AnyVolume {
    return read_into_volume<decltype(t)>(*reader, options, z0, z1);
  });
}

template <class T>
void write_volume(const std::string& address, VolumeView<const T> view, const WriteOptions& options) {
  auto writer = open_slab_writer(address, VolumeHeader{view.shape(), dtype_of<T>, view.spacing()}, options);
  const int64_t plane = view.ny() * view.nx();
  Progress progress("writing " + fs::path(file_part(address)).filename().string(), view.nz());
  if (view.is_contiguous()) {
    const int64_t step = std::max<int64_t>(1, static_cast<int64_t>(kSlabBytes / (plane * sizeof(T))));
    for (int64_t z = 0; z < view.nz(); z += step) {
      const int64_t e = std::min(view.nz(), z + step);
      writer->write(view.data() + z * plane, e - z);  // straight from the volume's buffer
      progress.advance(e - z);
    }
  } else {
    std::vector<T> slice(static_cast<std::size_t>(plane));
    for (int64_t z = 0; z < view.nz(); ++z) {
      for (int64_t y = 0; y < view.ny(); ++y)
        for (int64_t x = 0; x < view.nx(); ++x) slice[y * view.nx() + x] = view(z, y, x);
      writer->write(slice.data(), 1);
      progress.advance(1);
    }
  }
  writer->commit();
}

void write_volume(const std::string& address, const AnyVolume& volume, const WriteOptions& options) {
  volume.visit([&](const auto& v) { write_volume(address, v.view(), options); });
}

void convert_volume(const std::string& input, const std::string& output, const ReadOptions& read_options,
                    const WriteOptions& write_options) {
  check_no_overlap({{"input", input, PathKind::input_volume}, {"output", output, PathKind::output_volume}}, write_options);
  auto reader = open_slab_reader(input);
  const VolumeInfo& info = reader->info();
  VolumeHeader h{info.shape, info.dtype, read_options.voxel ? *read_options.voxel : info.spacing};
  auto writer = open_slab_writer(output, h, write_options);
  const std::size_t sb = reader->slice_bytes();
  const int64_t step = std::max<int64_t>(1, static_cast<int64_t>(kSlabBytes / sb));
  std::vector<unsigned char> buffer(static_cast<std::size_t>(std::min(step, info.shape.nz)) * sb);
  Progress progress("converting " + fs::path(file_part(input)).filename().string(), info.shape.nz);
  for (int64_t z = 0; z < info.shape.nz; z += step) {
    const int64_t e = std::min(info.shape.nz, z + step);
    reader->read(z, e, buffer.data());
    writer->write(buffer.data(), e - z);
    progress.advance(e - z);
  }
  writer->commit();
}

#define EMORPH_INSTANTIATE_WRITE(T) \
  template void write_volume<T>(const std::string&, VolumeView<const T>, const WriteOptions&);
EMORPH_FOR_EACH_DTYPE(EMORPH_INSTANTIATE_WRITE)
#undef EMORPH_INSTANTIATE_WRITE

}  // namespace emorph
