#pragma once
// An HDF5 file whose header declares a 100000^3 uint8 dataset "/v" (chunked, no chunk written): a few KB
// on disk, for the tests that a reader refuses it from the header before allocating anything.
#include <hdf5.h>

#include <string>

namespace emorph::test {

inline void write_hollow_hdf5(const std::string& path, hsize_t chunk_rows_cols) {
  hid_t f = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  const hsize_t dims[3] = {100000, 100000, 100000}, chunk[3] = {1, chunk_rows_cols, chunk_rows_cols};
  hid_t s = H5Screate_simple(3, dims, nullptr);
  hid_t plist = H5Pcreate(H5P_DATASET_CREATE);
  H5Pset_chunk(plist, 3, chunk);
  H5Dclose(H5Dcreate2(f, "/v", H5T_NATIVE_UINT8, s, H5P_DEFAULT, plist, H5P_DEFAULT));
  H5Pclose(plist), H5Sclose(s), H5Fclose(f);
}

}  // namespace emorph::test
