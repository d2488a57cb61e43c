#pragma once
// Structural check of a whole TIFF file before libtiff reads any of it: the directory chain and every
// strip or tile must lie inside the file, so that a truncated or corrupt multi-page TIFF is refused
// instead of being read as fewer pages (libtiff stops its chain quietly at a bad next-IFD pointer).
#include <cstdint>
#include <string>

namespace emorph::io {

struct TiffStructure {
  int64_t pages = 0;         // directories in the chain
  std::string description;   // ImageDescription of the first directory ("" if none)
};

// Walks the IFD chain of the classic or BigTIFF file at `path`; throws InputError naming the file and
// the first page at fault (directory or data past the end of the file, a loop in the chain).
TiffStructure validate_tiff_structure(const std::string& path);

// Cross-checks the page count against what the file's own metadata announces: ImageJ's "images=N"
// (exactly N pages, or one page followed by N contiguous images) and tifffile's JSON "shape" (at least
// the product of the leading dimensions). Throws InputError naming the file on a mismatch.
void check_tiff_page_count(const std::string& path, const std::string& description, int64_t pages,
                           bool contiguous_imagej_allowed);

}  // namespace emorph::io
