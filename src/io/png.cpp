// PNG (ISO/IEC 15948): signature, IHDR, one zlib IDAT stream of filter-0 scanlines, IEND; CRC-32 per chunk.
#include "emorph/io/png.hpp"

#include <zlib.h>

#include <vector>

#include "emorph/atomic_file.hpp"
#include "emorph/error.hpp"
#include "io/io_util.hpp"

namespace emorph {
namespace {

void put_u32(std::vector<unsigned char>& b, uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<unsigned char>(v >> s));
}

void put_chunk(std::vector<unsigned char>& file, const char type[4], const std::vector<unsigned char>& data) {
  put_u32(file, static_cast<uint32_t>(data.size()));
  const std::size_t start = file.size();
  file.insert(file.end(), type, type + 4);
  file.insert(file.end(), data.begin(), data.end());
  const uLong crc = crc32(0L, file.data() + start, static_cast<uInt>(file.size() - start));
  put_u32(file, static_cast<uint32_t>(crc));
}

}  // namespace

void write_png(const std::string& path, const uint8_t* pixels, int width, int height, int channels) {
  if (width <= 0 || height <= 0) throw InputError(path + ": PNG image must have positive width and height");
  if (channels != 1 && channels != 3 && channels != 4) throw InputError(path + ": PNG needs 1, 3 or 4 channels");
  const std::size_t row = static_cast<std::size_t>(width) * channels;
  std::vector<unsigned char> raw;
  raw.reserve((row + 1) * height);
  for (int y = 0; y < height; ++y) {
    raw.push_back(0);  // filter type 0 (none) per scanline
    raw.insert(raw.end(), pixels + y * row, pixels + (y + 1) * row);
  }
  uLongf zlen = compressBound(static_cast<uLong>(raw.size()));
  std::vector<unsigned char> z(zlen);
  if (compress2(z.data(), &zlen, raw.data(), static_cast<uLong>(raw.size()), 6) != Z_OK)
    throw InternalError("zlib: compress2 failed");
  z.resize(zlen);

  std::vector<unsigned char> file = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  std::vector<unsigned char> ihdr;
  put_u32(ihdr, static_cast<uint32_t>(width));
  put_u32(ihdr, static_cast<uint32_t>(height));
  ihdr.push_back(8);                                                // bit depth
  ihdr.push_back(channels == 1 ? 0 : channels == 3 ? 2 : 6);       // colour type: grey, RGB, RGBA
  ihdr.push_back(0);                                                // deflate
  ihdr.push_back(0);                                                // adaptive filtering
  ihdr.push_back(0);                                                // no interlace
  put_chunk(file, "IHDR", ihdr);
  put_chunk(file, "IDAT", z);
  put_chunk(file, "IEND", {});

  AtomicOutput out(path);
  io::PosixFile f = io::PosixFile::create(out.temp_path().string(), path);
  f.write_all(file.data(), file.size());
  f.close();
  out.commit();
}

}  // namespace emorph
