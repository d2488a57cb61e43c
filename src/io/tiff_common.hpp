#pragma once
// libtiff helpers shared by the multi-page TIFF and the folder-of-slices formats.
#include <tiffio.h>

#include <string>

#include "emorph/io.hpp"

namespace emorph::io {

// Opens a TIFF with libtiff's messages captured instead of printed; throws InputError naming path.
TIFF* tiff_open(const std::string& path, const char* mode, const std::string& display_name);
// The last libtiff error message of this thread ("" if none).
std::string tiff_last_error();
// Throws InputError naming `name` if libtiff warned about a damaged file since the last check.
// Warnings start anew at each tiff_open.
void tiff_check_warnings(const std::string& name);

// Geometry and sample type of the current directory; throws InputError for unsupported layouts.
struct TiffPage {
  uint32_t width = 0, height = 0;
  DType dtype = DType::u8;
  bool tiled = false;
};
TiffPage tiff_page(TIFF* tif, const std::string& name);

// Reads the current directory's pixels into dst (height rows of width samples).
void tiff_read_page(TIFF* tif, const TiffPage& page, void* dst, const std::string& name);

// Voxel size from ImageJ metadata and resolution tags of the current directory; throws InputError
// naming `name` for a zero, negative or non-finite size or an unknown ImageJ unit.
struct TiffSpacing {
  Spacing spacing;
  bool from_file = false;
  int64_t imagej_images = 0;  // "images=N" in an ImageJ description, 0 if absent
};
TiffSpacing tiff_spacing(TIFF* tif, const std::string& name);

// Writes one page (a 2D slice) with ImageJ-compatible metadata: resolution tags in pixels per um,
// and on the first page an ImageJ description with unit=micron, spacing and the page count.
void tiff_write_page(TIFF* tif, const void* pixels, uint32_t width, uint32_t height, DType dtype,
                     const Spacing& spacing, int64_t pages, bool first_page, bool compress, const std::string& name);

}  // namespace emorph::io
