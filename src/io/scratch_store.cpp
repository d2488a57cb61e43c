// Chunked HDF5 scratch store (pi2's approach to the EDT's z pass on volumes larger than memory):
// float32, chunks of whole rows aligned with the slabs that write and read them, no chunk cache.
#include "emorph/io/scratch_store.hpp"

#include <hdf5.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>

#include "emorph/error.hpp"
#include "emorph/output_transaction.hpp"

namespace fs = std::filesystem;

namespace emorph {
namespace {

std::string gib(uint64_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f GiB", static_cast<double>(bytes) / (1024.0 * 1024 * 1024));
  return text;
}

}  // namespace

uint64_t scratch_store_bytes(const Shape& shape) { return static_cast<uint64_t>(shape.voxels()) * sizeof(float); }

void check_scratch_space(const std::string& dir_in, uint64_t need, const std::string& option) {
  const fs::path dir = dir_in.empty() ? fs::path(".") : fs::path(dir_in);
  std::error_code ec;
  require(fs::is_directory(dir, ec), option + ": scratch folder '" + dir.string() + "' does not exist");
  const fs::space_info space = fs::space(dir, ec);
  require(!ec, option + ": cannot query the free space of '" + dir.string() + "' (" + ec.message() + ")");
  const uint64_t margin = need / 100 + (uint64_t{16} << 20);
  if (space.available < need + margin)
    throw InputError(option + ": the scratch store needs " + gib(need + margin) + " in '" + dir.string() + "', only " +
                     gib(space.available) + " free; give a folder with more space (--scratch DIR) or a larger --memory-limit");
}

ScratchStore::ScratchStore(const std::string& dir_in, const Shape& shape, int64_t chunk_z, int64_t chunk_y,
                           const std::string& option)
    : shape_(shape) {
  const fs::path dir = dir_in.empty() ? fs::path(".") : fs::path(dir_in);
  check_scratch_space(dir.string(), scratch_store_bytes(shape), option);
  std::error_code ec;
  static std::atomic<int> serial{0};
  path_ = (dir / (".emorph-scratch-" + std::to_string(::getpid()) + "-" + std::to_string(serial++) + ".h5")).string();
  register_temporary(path_);  // removed on SIGINT/SIGTERM too
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  // The latest file format indexes the chunks of a fixed-size dataset by a fixed array (one lookup per
  // chunk) instead of a B-tree: small chunks (low limits) then cost little metadata work.
  const hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
  H5Pset_libver_bounds(fapl, H5F_LIBVER_LATEST, H5F_LIBVER_LATEST);
  // A fixed 1 MiB metadata cache: HDF5's adaptive one grows to 32 MiB per file, beyond a low limit.
  H5AC_cache_config_t mdc;
  mdc.version = H5AC__CURR_CACHE_CONFIG_VERSION;
  H5Pget_mdc_config(fapl, &mdc);
  mdc.set_initial_size = true;
  mdc.initial_size = mdc.min_size = mdc.max_size = std::size_t{1} << 20;
  mdc.incr_mode = H5C_incr__off;
  mdc.flash_incr_mode = H5C_flash_incr__off;
  mdc.decr_mode = H5C_decr__off;
  H5Pset_mdc_config(fapl, &mdc);
  file_ = H5Fcreate(path_.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
  H5Pclose(fapl);
  if (file_ < 0) {
    unregister_temporary(path_);
    throw InputError(option + ": cannot create the scratch store " + path_);
  }
  const hsize_t dims[3] = {static_cast<hsize_t>(shape.nz), static_cast<hsize_t>(shape.ny), static_cast<hsize_t>(shape.nx)};
  const hsize_t chunk[3] = {static_cast<hsize_t>(std::clamp<int64_t>(chunk_z, 1, shape.nz)),
                            static_cast<hsize_t>(std::clamp<int64_t>(chunk_y, 1, shape.ny)), dims[2]};
  const hid_t space_id = H5Screate_simple(3, dims, nullptr);
  const hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
  H5Pset_chunk(dcpl, 3, chunk);
  H5Pset_fill_time(dcpl, H5D_FILL_TIME_NEVER);  // every voxel is written before it is read
  const hid_t dapl = H5Pcreate(H5P_DATASET_ACCESS);
  H5Pset_chunk_cache(dapl, 0, 0, 1.0);  // boxes cover whole chunks: read and written directly
  dataset_ = H5Dcreate2(file_, "distance", H5T_NATIVE_FLOAT, space_id, H5P_DEFAULT, dcpl, dapl);
  H5Pclose(dapl), H5Pclose(dcpl), H5Sclose(space_id);
  if (dataset_ < 0) {
    H5Fclose(file_);
    fs::remove(path_, ec);
    unregister_temporary(path_);
    throw InputError(option + ": cannot create the scratch store " + path_);
  }
}

ScratchStore::~ScratchStore() {
  if (dataset_ >= 0) H5Dclose(dataset_);
  if (file_ >= 0) H5Fclose(file_);
  std::error_code ec;
  fs::remove(path_, ec);
  unregister_temporary(path_);
}

void ScratchStore::select(int64_t z0, int64_t z1, int64_t y0, int64_t y1, int64_t& file_space, int64_t& memory_space) const {
  if (z0 < 0 || z1 > shape_.nz || z0 >= z1 || y0 < 0 || y1 > shape_.ny || y0 >= y1)
    throw InternalError("scratch store: box outside the volume");
  const hsize_t start[3] = {static_cast<hsize_t>(z0), static_cast<hsize_t>(y0), 0};
  const hsize_t count[3] = {static_cast<hsize_t>(z1 - z0), static_cast<hsize_t>(y1 - y0), static_cast<hsize_t>(shape_.nx)};
  file_space = H5Dget_space(dataset_);
  H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start, nullptr, count, nullptr);
  memory_space = H5Screate_simple(3, count, nullptr);
}

void ScratchStore::write(int64_t z0, int64_t z1, int64_t y0, int64_t y1, const float* box) {
  int64_t fspace = -1, mspace = -1;
  select(z0, z1, y0, y1, fspace, mspace);
  const herr_t status = H5Dwrite(dataset_, H5T_NATIVE_FLOAT, mspace, fspace, H5P_DEFAULT, box);
  H5Sclose(mspace), H5Sclose(fspace);
  if (status < 0) throw InputError(path_ + ": writing the scratch store failed (disk full?)");
}

void ScratchStore::read(int64_t z0, int64_t z1, int64_t y0, int64_t y1, float* box) const {
  int64_t fspace = -1, mspace = -1;
  select(z0, z1, y0, y1, fspace, mspace);
  const herr_t status = H5Dread(dataset_, H5T_NATIVE_FLOAT, mspace, fspace, H5P_DEFAULT, box);
  H5Sclose(mspace), H5Sclose(fspace);
  if (status < 0) throw InputError(path_ + ": reading the scratch store failed");
}

}  // namespace emorph
