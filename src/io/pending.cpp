// Formats being implemented: they report themselves as unsupported until their reader lands.
#include "emorph/error.hpp"
#include "io/io_util.hpp"

namespace emorph::io {
namespace {
[[noreturn]] void not_yet(const std::string& path, const char* what) {
  throw InputError(path + ": " + what + " support is not built yet");
}
}  // namespace
std::unique_ptr<SlabReader> open_tiff_folder(const std::string& d) { not_yet(d, "folder of slices"); }
std::unique_ptr<SlabWriter> create_tiff_folder(const std::string& d, const VolumeHeader&, const WriteOptions&) { not_yet(d, "folder of slices"); }
std::unique_ptr<SlabReader> open_nrrd(const std::string& p) { not_yet(p, "NRRD"); }
std::unique_ptr<SlabWriter> create_nrrd(const std::string& p, const VolumeHeader&, const WriteOptions&) { not_yet(p, "NRRD"); }
std::unique_ptr<SlabReader> open_metaimage(const std::string& p) { not_yet(p, "MetaImage"); }
std::unique_ptr<SlabWriter> create_metaimage(const std::string& p, const VolumeHeader&, const WriteOptions&) { not_yet(p, "MetaImage"); }
std::unique_ptr<SlabReader> open_hdf5(const std::string& p, const std::string&) { not_yet(p, "HDF5"); }
std::unique_ptr<SlabWriter> create_hdf5(const std::string& p, const std::string&, const VolumeHeader&, const WriteOptions&) { not_yet(p, "HDF5"); }
}  // namespace emorph::io
