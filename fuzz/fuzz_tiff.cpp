// libFuzzer target: opening and reading a TIFF (header, directories, strips, tiles, ImageJ metadata)
// must succeed or throw InputError. The bytes go to an in-memory file (memfd), reached through a
// .tif symbolic link because the registry picks the format from the extension.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "emorph/error.hpp"
#include "emorph/io/stream.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const int fd = memfd_create("fuzz.tif", 0);
  if (fd < 0) return 0;
  const std::string link = "/tmp/emorph-fuzz-" + std::to_string(::getpid()) + ".tif";
  ::unlink(link.c_str());
  if (::write(fd, data, size) == static_cast<ssize_t>(size) &&
      ::symlink(("/proc/self/fd/" + std::to_string(fd)).c_str(), link.c_str()) == 0) {
    try {
      auto reader = emorph::open_slab_reader(link);
      const auto& info = reader->info();
      // Decode small volumes fully; large declared sizes only exercise the header paths.
      if (info.shape.voxels() <= (1 << 20)) {
        std::vector<unsigned char> buf(static_cast<std::size_t>(info.shape.voxels()) * emorph::dtype_size(info.dtype));
        reader->read(0, info.shape.nz, buf.data());
      }
    } catch (const emorph::InputError&) {
    }
  }
  ::unlink(link.c_str());
  ::close(fd);
  return 0;
}
