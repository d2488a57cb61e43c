// TIFF pages through libtiff; ImageJ metadata as written by ImageJ 1.x (ImageDescription "ImageJ=...",
// "unit=micron", "spacing=DZ"; XResolution/YResolution in pixels per unit).
#include "io/tiff_common.hpp"

#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <sstream>
#include <vector>

#include "emorph/error.hpp"
#include "io/io_util.hpp"

namespace emorph::io {
namespace {

thread_local std::string g_tiff_error;

void tiff_error_handler(const char* module, const char* fmt, va_list ap) {
  char buf[512];
  std::vsnprintf(buf, sizeof buf, fmt, ap);
  g_tiff_error = buf;
}

thread_local std::string g_tiff_warning;

// libtiff reports many signs of a damaged file (a short directory, a bogus byte count, a strip past
// the end) only as warnings and then goes on with less data: those become errors. Warnings about
// metadata that carry no pixels (private tags such as ImageJ's, missing photometric) stay harmless.
void tiff_warning_handler(const char* module, const char* fmt, va_list ap) {
  char buf[512];
  std::vsnprintf(buf, sizeof buf, fmt, ap);
  const std::string text = buf;
  for (const char* benign : {"nknown field", "Photometric", "not sorted", "ASCII value for tag", "Nonstandard tile",
                             "wrong data type", "Unknown tag"})
    if (text.find(benign) != std::string::npos) return;
  if (g_tiff_warning.empty()) g_tiff_warning = text;
}

void install_handlers() {
  static std::once_flag once;
  std::call_once(once, [] {
    TIFFSetErrorHandler(tiff_error_handler);
    TIFFSetWarningHandler(tiff_warning_handler);
  });
}

std::string imagej_value(const std::string& desc, const std::string& key) {
  std::istringstream ss(desc);
  std::string line;
  while (std::getline(ss, line)) {
    if (line.rfind(key + "=", 0) == 0) {
      std::string v = line.substr(key.size() + 1);
      while (!v.empty() && (v.back() == '\r' || v.back() == ' ')) v.pop_back();
      return v;
    }
  }
  return "";
}

std::string lower_ascii(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

double to_double(const std::string& s) {
  if (s.empty()) return 0;
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  return (end && *end == '\0' && std::isfinite(v)) ? v : 0;
}

}  // namespace

std::string tiff_last_error() { return g_tiff_error; }

void tiff_check_warnings(const std::string& name) {
  if (g_tiff_warning.empty()) return;
  const std::string w = g_tiff_warning;
  g_tiff_warning.clear();
  throw InputError(name + ": corrupt TIFF (" + w + ")");
}

TIFF* tiff_open(const std::string& path, const char* mode, const std::string& display_name) {
  install_handlers();
  g_tiff_error.clear();
  g_tiff_warning.clear();
  TIFF* tif = TIFFOpen(path.c_str(), mode);
  if (!tif)
    throw InputError(display_name + ": cannot open as TIFF" + (g_tiff_error.empty() ? "" : " (" + g_tiff_error + ")"));
  return tif;
}

TiffPage tiff_page(TIFF* tif, const std::string& name) {
  TiffPage p;
  uint16_t bps = 1, spp = 1, fmt = SAMPLEFORMAT_UINT, planar = PLANARCONFIG_CONTIG, compression = COMPRESSION_NONE;
  if (!TIFFGetField(tif, TIFFTAG_IMAGEWIDTH, &p.width) || !TIFFGetField(tif, TIFFTAG_IMAGELENGTH, &p.height))
    throw InputError(name + ": TIFF page without width or height");
  TIFFGetFieldDefaulted(tif, TIFFTAG_BITSPERSAMPLE, &bps);
  TIFFGetFieldDefaulted(tif, TIFFTAG_SAMPLESPERPIXEL, &spp);
  TIFFGetFieldDefaulted(tif, TIFFTAG_SAMPLEFORMAT, &fmt);
  TIFFGetFieldDefaulted(tif, TIFFTAG_PLANARCONFIG, &planar);
  TIFFGetFieldDefaulted(tif, TIFFTAG_COMPRESSION, &compression);
  if (p.width == 0 || p.height == 0) throw InputError(name + ": TIFF page has zero width or height");
  if (spp != 1)
    throw InputError(name + ": unsupported TIFF with " + std::to_string(spp) +
                     " samples per pixel (only single-channel greyscale or label images)");
  if (!TIFFIsCODECConfigured(compression))
    throw InputError(name + ": unsupported TIFF compression (scheme " + std::to_string(compression) + ")");
  const std::string kind = fmt == SAMPLEFORMAT_IEEEFP ? "float" : fmt == SAMPLEFORMAT_INT ? "int" : "uint";
  if (fmt == SAMPLEFORMAT_UINT || fmt == SAMPLEFORMAT_VOID) {
    if (bps == 8) p.dtype = DType::u8;
    else if (bps == 16) p.dtype = DType::u16;
    else if (bps == 32) p.dtype = DType::u32;
    else throw InputError(name + ": unsupported TIFF dtype " + kind + std::to_string(bps) +
                          " (supported: 8, 16, 32-bit integers, 32-bit float)");
  } else if (fmt == SAMPLEFORMAT_INT) {
    if (bps == 8) p.dtype = DType::i8;
    else if (bps == 16) p.dtype = DType::i16;
    else if (bps == 32) p.dtype = DType::i32;
    else throw InputError(name + ": unsupported TIFF dtype " + kind + std::to_string(bps) +
                          " (supported: 8, 16, 32-bit integers, 32-bit float)");
  } else if (fmt == SAMPLEFORMAT_IEEEFP && bps == 32) {
    p.dtype = DType::f32;
  } else {
    throw InputError(name + ": unsupported TIFF dtype " + kind + std::to_string(bps) +
                     " (supported: 8, 16, 32-bit integers, 32-bit float)");
  }
  p.tiled = TIFFIsTiled(tif);
  (void)planar;
  return p;
}

void tiff_read_page(TIFF* tif, const TiffPage& page, void* dst, const std::string& name) {
  const std::size_t es = dtype_size(page.dtype);
  const std::size_t row_bytes = static_cast<std::size_t>(page.width) * es;
  auto* out = static_cast<unsigned char*>(dst);
  g_tiff_error.clear();
  auto fail = [&](const char* what) {
    throw InputError(name + ": cannot read TIFF " + what + " (" +
                     (g_tiff_error.empty() ? std::string("file truncated or corrupt") : g_tiff_error) + ")");
  };
  if (!page.tiled) {
    uint32_t rps = page.height;
    TIFFGetFieldDefaulted(tif, TIFFTAG_ROWSPERSTRIP, &rps);
    if (rps == 0 || rps > page.height) rps = page.height;
    const uint32_t strips = TIFFNumberOfStrips(tif);
    for (uint32_t s = 0; s < strips; ++s) {
      const uint64_t row0 = static_cast<uint64_t>(s) * rps;
      if (row0 >= page.height) break;
      const uint64_t rows = std::min<uint64_t>(rps, page.height - row0);
      // Straight into the destination: libtiff decodes (or copies) the strip into our buffer.
      const tmsize_t want = static_cast<tmsize_t>(rows * row_bytes);
      const tmsize_t got = TIFFReadEncodedStrip(tif, s, out + row0 * row_bytes, want);
      if (got != want) fail("strip");
    }
    tiff_check_warnings(name);
    return;
  }
  uint32_t tw = 0, th = 0;
  TIFFGetField(tif, TIFFTAG_TILEWIDTH, &tw);
  TIFFGetField(tif, TIFFTAG_TILELENGTH, &th);
  if (tw == 0 || th == 0) throw InputError(name + ": TIFF tile size is zero");
  // A corrupt tile size must not become a huge allocation: a tile holds at most the page rounded up
  // to 16-pixel multiples (TIFF tiles are multiples of 16), with a 64 MiB floor for odd writers.
  const uint64_t tile_bytes = static_cast<uint64_t>(TIFFTileSize64(tif));
  const uint64_t page_bytes = (static_cast<uint64_t>(page.width) + 16) * (static_cast<uint64_t>(page.height) + 16) * es;
  if (tile_bytes == 0 || tile_bytes > std::max<uint64_t>(page_bytes, uint64_t(64) << 20))
    throw InputError(name + ": TIFF tile of " + std::to_string(tw) + " x " + std::to_string(th) + " pixels is implausible for a " +
                     std::to_string(page.width) + " x " + std::to_string(page.height) + " page (corrupt file?)");
  std::vector<unsigned char> tile(static_cast<std::size_t>(tile_bytes));
  for (uint32_t ty = 0; ty < page.height; ty += th)
    for (uint32_t tx = 0; tx < page.width; tx += tw) {
      if (TIFFReadTile(tif, tile.data(), tx, ty, 0, 0) < 0) fail("tile");
      const uint32_t rows = std::min(th, page.height - ty), cols = std::min(tw, page.width - tx);
      for (uint32_t r = 0; r < rows; ++r)
        std::memcpy(out + (static_cast<std::size_t>(ty + r) * page.width + tx) * es,
                    tile.data() + static_cast<std::size_t>(r) * tw * es, cols * es);
    }
  tiff_check_warnings(name);
}

TiffSpacing tiff_spacing(TIFF* tif, const std::string& name) {
  TiffSpacing r;
  char* desc_c = nullptr;
  std::string desc;
  if (TIFFGetField(tif, TIFFTAG_IMAGEDESCRIPTION, &desc_c) && desc_c) desc = desc_c;
  const bool imagej = desc.rfind("ImageJ=", 0) == 0;
  double unit_um = 0;  // micrometres per ImageJ unit; 0: uncalibrated
  if (imagej) {
    r.imagej_images = static_cast<int64_t>(to_double(imagej_value(desc, "images")));
    const std::string unit = imagej_value(desc, "unit");
    if (!unit.empty() && lower_ascii(unit) != "pixel" && lower_ascii(unit) != "pixels") {
      unit_um = unit_to_um(unit);
      if (unit_um == 0)
        throw InputError(name + ": unknown length unit '" + unit.substr(0, 40) +
                         "' in the ImageJ metadata (known: um, micron, nm, mm, cm, m, inch); pass --voxel");
    }
  }
  float xres = 0, yres = 0;
  uint16_t resunit = RESUNIT_NONE;
  const bool has_x = TIFFGetField(tif, TIFFTAG_XRESOLUTION, &xres);
  const bool has_y = TIFFGetField(tif, TIFFTAG_YRESOLUTION, &yres);
  TIFFGetFieldDefaulted(tif, TIFFTAG_RESOLUTIONUNIT, &resunit);
  double per_unit_um = 0;  // micrometres per resolution unit
  if (unit_um > 0)
    per_unit_um = unit_um;  // ImageJ: resolution in pixels per `unit` (inch and cm included)
  else if (resunit == RESUNIT_CENTIMETER)
    per_unit_um = 1e4;
  else if (resunit == RESUNIT_INCH && !(xres == 72.f || xres == 96.f))  // 72/96 dpi: screen defaults, not a calibration
    per_unit_um = 25400;
  auto check_resolution = [&](bool present, float res, const char* tag) {
    if (present && !(res > 0 && std::isfinite(res)))
      throw InputError(name + ": invalid TIFF " + tag + " " + std::to_string(res) +
                       " (a voxel size must be positive and finite); pass --voxel");
  };
  if (per_unit_um > 0) {
    check_resolution(has_x, xres, "XResolution");
    check_resolution(has_y, yres, "YResolution");
  }
  double dz = 0;
  if (imagej && unit_um > 0 && !imagej_value(desc, "spacing").empty()) {
    const std::string text = imagej_value(desc, "spacing");
    char* end = nullptr;
    const double sp = std::strtod(text.c_str(), &end);
    if (*end != '\0' || !(sp > 0) || !std::isfinite(sp))
      throw InputError(name + ": invalid ImageJ spacing '" + text.substr(0, 40) +
                       "' (a voxel size must be positive and finite); pass --voxel");
    dz = sp * unit_um;
  }
  if (per_unit_um > 0 && has_x) {
    const double dx = per_unit_um / xres;
    const double dy = has_y ? per_unit_um / yres : dx;
    r.spacing = {dz > 0 ? dz : dx, dy, dx};  // no z spacing in the file: isotropic voxels assumed
    r.from_file = true;
  } else if (dz > 0) {
    r.spacing = {dz, 1.0, 1.0};
    r.from_file = false;  // only z known: not a full calibration
  }
  for (int a = 0; a < 3; ++a)
    if (r.from_file && !(r.spacing[a] > 0 && std::isfinite(r.spacing[a])))
      throw InputError(name + ": invalid voxel size in the TIFF metadata; pass --voxel");
  return r;
}

void tiff_write_page(TIFF* tif, const void* pixels, uint32_t width, uint32_t height, DType dtype,
                     const Spacing& spacing, int64_t pages, bool first_page, bool compress, const std::string& name) {
  const std::size_t es = dtype_size(dtype);
  const uint16_t fmt = dtype_is_float(dtype) ? SAMPLEFORMAT_IEEEFP
                       : dtype_is_signed(dtype) ? SAMPLEFORMAT_INT
                                                : SAMPLEFORMAT_UINT;
  TIFFSetField(tif, TIFFTAG_SUBFILETYPE, 0);
  TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, width);
  TIFFSetField(tif, TIFFTAG_IMAGELENGTH, height);
  TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, static_cast<uint16_t>(es * 8));
  TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, static_cast<uint16_t>(1));
  TIFFSetField(tif, TIFFTAG_SAMPLEFORMAT, fmt);
  TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISBLACK);
  TIFFSetField(tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
  TIFFSetField(tif, TIFFTAG_COMPRESSION, compress ? COMPRESSION_ADOBE_DEFLATE : COMPRESSION_NONE);
  if (compress) TIFFSetField(tif, TIFFTAG_ZIPQUALITY, 1);  // fast deflate, as for NRRD/MetaImage
  TIFFSetField(tif, TIFFTAG_XRESOLUTION, static_cast<float>(1.0 / spacing.dx));
  TIFFSetField(tif, TIFFTAG_YRESOLUTION, static_cast<float>(1.0 / spacing.dy));
  TIFFSetField(tif, TIFFTAG_RESOLUTIONUNIT, RESUNIT_NONE);
  if (first_page) {
    char desc[256];
    std::snprintf(desc, sizeof desc, "ImageJ=1.11a\nimages=%lld\nslices=%lld\nunit=micron\nspacing=%.17g\nloop=false\n",
                  static_cast<long long>(pages), static_cast<long long>(pages), spacing.dz);
    TIFFSetField(tif, TIFFTAG_IMAGEDESCRIPTION, desc);
  }
  const std::size_t row_bytes = width * es;
  // Strips of about 4 MiB: large enough for full-speed I/O, small enough for deflate buffers.
  const uint32_t rps = static_cast<uint32_t>(std::max<std::size_t>(1, std::min<std::size_t>(height, (4u << 20) / row_bytes)));
  TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, rps);
  const auto* in = static_cast<const unsigned char*>(pixels);
  g_tiff_error.clear();
  for (uint32_t row = 0, s = 0; row < height; row += rps, ++s) {
    const uint32_t rows = std::min(rps, height - row);
    // libtiff takes a non-const buffer but only reads it (no predictor, native byte order).
    if (TIFFWriteEncodedStrip(tif, s, const_cast<unsigned char*>(in + row * row_bytes),
                              static_cast<tmsize_t>(rows * row_bytes)) < 0)
      throw InputError(name + ": cannot write TIFF strip (" + g_tiff_error + ")");
  }
  if (!TIFFWriteDirectory(tif)) throw InputError(name + ": cannot write TIFF directory (" + g_tiff_error + ")");
}

}  // namespace emorph::io
