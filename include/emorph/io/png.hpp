#pragma once
// A small PNG writer (8-bit greyscale or RGB, zlib deflate) for quick looks and report figures.
#include <cstdint>
#include <string>

namespace emorph {

// pixels: height rows of width * channels bytes (channels 1 = grey, 3 = RGB, 4 = RGBA), row-major.
// Written atomically (temporary name, then rename); throws InputError naming the path.
void write_png(const std::string& path, const uint8_t* pixels, int width, int height, int channels);

}  // namespace emorph
