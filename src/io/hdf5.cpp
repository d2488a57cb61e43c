// HDF5 datasets ("file.h5:/group/dataset"; "file.h5" alone reads the file's only 2D/3D dataset and
// writes /volume). Voxel size from the attribute element_size_um [dz, dy, dx] (the convention of
// Fiji's HDF5 plugin and ilastik), also voxel_um / voxel_size_um; written as element_size_um.
#include <hdf5.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <vector>

#include "emorph/error.hpp"
#include "io/io_util.hpp"

namespace fs = std::filesystem;

namespace emorph::io {
namespace {

void quiet_hdf5() {
  static std::once_flag once;
  std::call_once(once, [] { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); });
}

// Closes an HDF5 identifier with the matching function when it leaves scope.
class H5Id {
 public:
  H5Id() = default;
  H5Id(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  H5Id(H5Id&& o) noexcept : id_(o.id_), close_(o.close_) { o.id_ = -1; }
  H5Id& operator=(H5Id&& o) noexcept {
    reset();
    id_ = o.id_;
    close_ = o.close_;
    o.id_ = -1;
    return *this;
  }
  ~H5Id() { reset(); }
  void reset() {
    if (id_ >= 0 && close_) close_(id_);
    id_ = -1;
  }
  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }

 private:
  hid_t id_ = -1;
  herr_t (*close_)(hid_t) = nullptr;
};

hid_t native_type(DType t) {
  switch (t) {
    case DType::u8: return H5T_NATIVE_UINT8;
    case DType::i8: return H5T_NATIVE_INT8;
    case DType::u16: return H5T_NATIVE_UINT16;
    case DType::i16: return H5T_NATIVE_INT16;
    case DType::u32: return H5T_NATIVE_UINT32;
    case DType::i32: return H5T_NATIVE_INT32;
    case DType::f32: return H5T_NATIVE_FLOAT;
  }
  return H5T_NATIVE_UINT8;
}

DType dataset_dtype(hid_t dset, const std::string& name) {
  H5Id type(H5Dget_type(dset), H5Tclose);
  const H5T_class_t cls = H5Tget_class(type.get());
  const std::size_t size = H5Tget_size(type.get());
  if (cls == H5T_INTEGER) {
    const bool is_signed = H5Tget_sign(type.get()) == H5T_SGN_2;
    if (size == 1) return is_signed ? DType::i8 : DType::u8;
    if (size == 2) return is_signed ? DType::i16 : DType::u16;
    if (size == 4) return is_signed ? DType::i32 : DType::u32;
    throw InputError(name + ": unsupported HDF5 dtype (" + std::to_string(8 * size) + "-bit integer)");
  }
  if (cls == H5T_FLOAT && size == 4) return DType::f32;
  if (cls == H5T_FLOAT)
    throw InputError(name + ": unsupported HDF5 dtype (" + std::to_string(8 * size) +
                     "-bit float; supported: 8, 16, 32-bit integers, 32-bit float)");
  throw InputError(name + ": unsupported HDF5 dataset type (not integer or float)");
}

struct Found {
  std::vector<std::string> paths;
};

herr_t visit_cb(hid_t obj, const char* name, const H5O_info_t* info, void* data) {
  if (info->type != H5O_TYPE_DATASET || std::string(name) == ".") return 0;
  H5Id d(H5Dopen2(obj, name, H5P_DEFAULT), H5Dclose);
  if (!d.valid()) return 0;
  H5Id space(H5Dget_space(d.get()), H5Sclose);
  const int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank == 3) static_cast<Found*>(data)->paths.push_back(std::string("/") + name);
  return 0;
}

bool read_spacing_attribute(hid_t dset, Spacing& out, const std::string& name) {
  for (const char* attr_name : {"element_size_um", "voxel_um", "voxel_size_um"}) {
    if (H5Aexists(dset, attr_name) <= 0) continue;
    H5Id attr(H5Aopen(dset, attr_name, H5P_DEFAULT), H5Aclose);
    H5Id space(H5Aget_space(attr.get()), H5Sclose);
    const hssize_t n = H5Sget_simple_extent_npoints(space.get());
    if (n != 1 && n != 3) continue;
    double v[3] = {0, 0, 0};
    if (H5Aread(attr.get(), H5T_NATIVE_DOUBLE, v) < 0) continue;
    if (n == 1) v[1] = v[2] = v[0];
    for (double x : v)
      if (!(x > 0) || !std::isfinite(x))
        throw InputError(name + ": invalid voxel size in attribute '" + attr_name +
                         "' (each value must be positive and finite); fix the file or pass --voxel");
    out = {v[0], v[1], v[2]};
    return true;
  }
  return false;
}

class Hdf5Reader : public SlabReader {
 public:
  Hdf5Reader(H5Id file, H5Id dset, VolumeInfo info, std::string name)
      : file_(std::move(file)), dset_(std::move(dset)), name_(std::move(name)) {
    info_ = std::move(info);
  }
  void read(int64_t z0, int64_t z1, void* dst) override {
    if (z0 < 0 || z1 > info_.shape.nz || z0 > z1) throw InputError(name_ + ": slab outside the volume");
    if (z0 == z1) return;
    H5Id fspace(H5Dget_space(dset_.get()), H5Sclose);
    const hsize_t start[3] = {static_cast<hsize_t>(z0), 0, 0};
    const hsize_t count[3] = {static_cast<hsize_t>(z1 - z0), static_cast<hsize_t>(info_.shape.ny),
                              static_cast<hsize_t>(info_.shape.nx)};
    H5Sselect_hyperslab(fspace.get(), H5S_SELECT_SET, start, nullptr, count, nullptr);
    H5Id mspace(H5Screate_simple(3, count, nullptr), H5Sclose);
    if (H5Dread(dset_.get(), native_type(info_.dtype), mspace.get(), fspace.get(), H5P_DEFAULT, dst) < 0)
      throw InputError(name_ + ": cannot read HDF5 data (file truncated or corrupt, or filter unavailable)");
  }

 private:
  H5Id file_, dset_;
  std::string name_;
};

class Hdf5Writer : public SlabWriter {
 public:
  Hdf5Writer(const std::string& file, std::string dataset, const VolumeHeader& h, const WriteOptions& o)
      : header_(h), name_(file + ":" + dataset), out_(file) {
    quiet_hdf5();
    open_copy_or_create(file, dataset);
    const hsize_t dims[3] = {static_cast<hsize_t>(h.shape.nz), static_cast<hsize_t>(h.shape.ny),
                             static_cast<hsize_t>(h.shape.nx)};
    H5Id space(H5Screate_simple(3, dims, nullptr), H5Sclose);
    H5Id lcpl(H5Pcreate(H5P_LINK_CREATE), H5Pclose);
    H5Pset_create_intermediate_group(lcpl.get(), 1);
    H5Id dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
    if (o.compress) {
      // Chunks of whole rows, about 1 MiB, so slab writes fill chunks without re-reading them.
      const hsize_t row = static_cast<hsize_t>(h.shape.nx) * dtype_size(h.dtype);
      const hsize_t rows = std::max<hsize_t>(1, std::min<hsize_t>(dims[1], (1u << 20) / std::max<hsize_t>(row, 1)));
      const hsize_t chunk[3] = {1, rows, std::min<hsize_t>(dims[2], std::max<hsize_t>(1, (1u << 20) / dtype_size(h.dtype)))};
      H5Pset_chunk(dcpl.get(), 3, chunk);
      H5Pset_deflate(dcpl.get(), 1);  // fast deflate, as for NRRD/MetaImage
    }
    dset_ = H5Id(H5Dcreate2(file_.get(), dataset.c_str(), native_type(h.dtype), space.get(), lcpl.get(), dcpl.get(),
                            H5P_DEFAULT),
                 H5Dclose);
    if (!dset_.valid()) throw InputError(name_ + ": cannot create HDF5 dataset '" + dataset + "'");
    const double sp[3] = {h.spacing.dz, h.spacing.dy, h.spacing.dx};
    const hsize_t three = 3;
    H5Id aspace(H5Screate_simple(1, &three, nullptr), H5Sclose);
    H5Id attr(H5Acreate2(dset_.get(), "element_size_um", H5T_IEEE_F64LE, aspace.get(), H5P_DEFAULT, H5P_DEFAULT),
              H5Aclose);
    if (!attr.valid() || H5Awrite(attr.get(), H5T_NATIVE_DOUBLE, sp) < 0)
      throw InputError(name_ + ": cannot write the element_size_um attribute");
  }
  // Writing a dataset into an existing HDF5 file keeps the file's other datasets: the dataset is added
  // to a copy of the file, which replaces the original at commit. A dataset of the same path is
  // replaced (as an output file is); a group or other object there is refused.
  void open_copy_or_create(const std::string& file, const std::string& dataset) {
    std::error_code ec;
    if (fs::is_regular_file(file, ec) && H5Fis_hdf5(file.c_str()) > 0) {
      fs::copy_file(file, out_.temp_path(), fs::copy_options::overwrite_existing, ec);
      if (ec) throw InputError(file + ": cannot copy the HDF5 file to add a dataset (" + ec.message() + ")");
      file_ = H5Id(H5Fopen(out_.temp_path().c_str(), H5F_ACC_RDWR, H5P_DEFAULT), H5Fclose);
      if (!file_.valid()) throw InputError(file + ": cannot open HDF5 file to add a dataset (truncated or corrupt)");
      if (H5Lexists(file_.get(), dataset.c_str(), H5P_DEFAULT) > 0) {
        H5Id existing(H5Oopen(file_.get(), dataset.c_str(), H5P_DEFAULT), H5Oclose);
        if (!existing.valid() || H5Iget_type(existing.get()) != H5I_DATASET)
          throw InputError(name_ + ": names an HDF5 group or other object, not a dataset; choose another path");
        existing.reset();
        if (H5Ldelete(file_.get(), dataset.c_str(), H5P_DEFAULT) < 0)
          throw InputError(name_ + ": cannot replace the existing dataset");
      }
      return;
    }
    file_ = H5Id(H5Fcreate(out_.temp_path().c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
    if (!file_.valid()) throw InputError(file + ": cannot create HDF5 file");
  }
  void write(const void* slices, int64_t count) override {
    if (written_ + count > header_.shape.nz) throw InternalError("hdf5 writer: too many slices");
    H5Id fspace(H5Dget_space(dset_.get()), H5Sclose);
    const hsize_t start[3] = {static_cast<hsize_t>(written_), 0, 0};
    const hsize_t n[3] = {static_cast<hsize_t>(count), static_cast<hsize_t>(header_.shape.ny),
                          static_cast<hsize_t>(header_.shape.nx)};
    H5Sselect_hyperslab(fspace.get(), H5S_SELECT_SET, start, nullptr, n, nullptr);
    H5Id mspace(H5Screate_simple(3, n, nullptr), H5Sclose);
    if (H5Dwrite(dset_.get(), native_type(header_.dtype), mspace.get(), fspace.get(), H5P_DEFAULT, slices) < 0)
      throw InputError(name_ + ": HDF5 write failed");
    written_ += count;
  }
  void commit() override {
    if (written_ != header_.shape.nz) throw InternalError("hdf5 writer: missing slices");
    dset_.reset();
    if (H5Fclose(file_.get()) < 0) throw InputError(name_ + ": HDF5 write failed on close");
    file_ = H5Id();
    out_.commit();
  }

 private:
  VolumeHeader header_;
  std::string name_;
  AtomicOutput out_;
  H5Id file_, dset_;
  int64_t written_ = 0;
};

}  // namespace

std::unique_ptr<SlabReader> open_hdf5(const std::string& file, const std::string& dataset_in) {
  quiet_hdf5();
  require_regular_file(file);
  if (H5Fis_hdf5(file.c_str()) <= 0) throw InputError(file + ": not an HDF5 file");
  H5Id f(H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (!f.valid()) throw InputError(file + ": cannot open HDF5 file (truncated or corrupt)");
  std::string dataset = dataset_in;
  if (dataset.empty()) {
    Found found;
    H5Ovisit2(f.get(), H5_INDEX_NAME, H5_ITER_NATIVE, visit_cb, &found, H5O_INFO_BASIC);
    if (found.paths.empty()) throw InputError(file + ": no 3D dataset in the HDF5 file");
    if (found.paths.size() > 1) {
      std::string list;
      for (const auto& p : found.paths) list += (list.empty() ? "" : ", ") + p;
      throw InputError(file + ": several 3D datasets (" + list + "); choose one as " + file + ":/path");
    }
    dataset = found.paths.front();
  }
  const std::string name = file + ":" + dataset;
  // Negative (a missing intermediate group) or zero: either way the path names nothing.
  if (H5Lexists(f.get(), dataset.c_str(), H5P_DEFAULT) <= 0) throw InputError(name + ": no such dataset in the HDF5 file");
  H5Id d(H5Dopen2(f.get(), dataset.c_str(), H5P_DEFAULT), H5Dclose);
  if (!d.valid()) throw InputError(name + ": not a dataset");
  H5Id space(H5Dget_space(d.get()), H5Sclose);
  const int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank != 2 && rank != 3) throw InputError(name + ": dataset has " + std::to_string(rank) + " dimensions, expected 3");
  hsize_t dims[3] = {1, 1, 1};
  H5Sget_simple_extent_dims(space.get(), rank == 3 ? dims : dims + 1, nullptr);
  for (hsize_t n : dims)
    if (n > static_cast<hsize_t>(INT64_MAX))
      throw InputError(name + ": dataset dimension " + std::to_string(n) + " is beyond 2^63 (corrupt file?)");
  VolumeInfo info;
  info.format = "hdf5";
  info.shape = {static_cast<int64_t>(dims[0]), static_cast<int64_t>(dims[1]), static_cast<int64_t>(dims[2])};
  info.dtype = dataset_dtype(d.get(), name);
  info.spacing_from_file = read_spacing_attribute(d.get(), info.spacing, name);
  info.files = {file};
  check_header_shape(info.shape, info.dtype, name);
  // Deflate, the strongest filter HDF5 ships, shrinks data at most ~1032:1: a dataset declaring far
  // more bytes than that allows is not stored in this file (a corrupt or mostly unwritten dataset),
  // and reading it would only produce fill values for an unbounded time.
  const long double declared = static_cast<long double>(info.shape.voxels()) * dtype_size(info.dtype);
  const uint64_t size = file_size(file);
  if (declared > 1100.0L * size + (1 << 20))
    throw InputError(name + ": dataset declares " + info.shape.str() + " voxels (" +
                     std::to_string(static_cast<unsigned long long>(declared)) + " bytes) but the file holds only " +
                     std::to_string(size) + " bytes: the data are missing (corrupt or unwritten dataset)");
  return std::make_unique<Hdf5Reader>(std::move(f), std::move(d), std::move(info), name);
}

std::unique_ptr<SlabWriter> create_hdf5(const std::string& file, const std::string& dataset, const VolumeHeader& h,
                                        const WriteOptions& o) {
  return std::make_unique<Hdf5Writer>(file, dataset.empty() ? "/volume" : dataset, h, o);
}

}  // namespace emorph::io
