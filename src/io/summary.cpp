// Volume statistics for `emorph info`: one streaming pass for min/max/mean/std and the set of
// distinct values, a second one (32-bit volumes only) to bin values for percentiles.
#include "emorph/io/summary.hpp"

#include <cmath>
#include <limits>
#include <map>
#include <vector>

#include "emorph/io/stream.hpp"

namespace emorph {
namespace {

constexpr std::size_t kSlab = std::size_t(64) << 20;
constexpr int kBins = 4096;

template <class F>
void for_each_slab(SlabReader& r, std::vector<unsigned char>& buf, F&& f) {
  const std::size_t sb = r.slice_bytes();
  const int64_t nz = r.info().shape.nz;
  const int64_t step = std::max<int64_t>(1, static_cast<int64_t>(kSlab / sb));
  buf.resize(static_cast<std::size_t>(std::min(step, nz)) * sb);
  for (int64_t z = 0; z < nz; z += step) {
    const int64_t e = std::min(nz, z + step);
    r.read(z, e, buf.data());
    f(buf.data(), static_cast<std::size_t>(e - z) * sb / dtype_size(r.info().dtype));
  }
}

// Value at quantile q of a histogram over bins [lo + i * width, ...): the lower edge of the bin
// holding the q-th value (exact for integer bins of width 1).
double histogram_quantile(const std::vector<uint64_t>& h, double lo, double width, uint64_t total, double q) {
  const double target = q * static_cast<double>(total - 1);
  uint64_t seen = 0;
  for (std::size_t i = 0; i < h.size(); ++i) {
    seen += h[i];
    if (static_cast<double>(seen) > target) return lo + static_cast<double>(i) * width;
  }
  return lo + static_cast<double>(h.size() - 1) * width;
}

template <class T>
Json summarise(const std::string& address, const ReadOptions& options) {
  auto reader = open_slab_reader(address);
  std::vector<unsigned char> buf;
  double mn = std::numeric_limits<double>::infinity(), mx = -mn;
  long double sum = 0, sum2 = 0;
  uint64_t n = 0, nan_count = 0, inf_count = 0;
  std::map<T, uint64_t> distinct;
  bool few = true;
  constexpr bool small_int = sizeof(T) <= 2 && !std::is_floating_point_v<T>;
  std::vector<uint64_t> exact(small_int ? (std::size_t(1) << (8 * sizeof(T))) : 0);
  for_each_slab(*reader, buf, [&](const unsigned char* p, std::size_t count) {
    const T* v = reinterpret_cast<const T*>(p);
    for (std::size_t i = 0; i < count; ++i) {
      const T x = v[i];
      if constexpr (std::is_floating_point_v<T>) {
        if (!std::isfinite(x)) {
          ++(std::isnan(x) ? nan_count : inf_count);
          continue;
        }
      }
      const double d = static_cast<double>(x);
      mn = std::min(mn, d);
      mx = std::max(mx, d);
      sum += d;
      sum2 += static_cast<long double>(d) * d;
      ++n;
      if constexpr (small_int) {
        ++exact[static_cast<std::size_t>(static_cast<int64_t>(x) - std::numeric_limits<T>::min())];
      } else if (few) {
        ++distinct[x];
        if (distinct.size() > 256) few = false;
      }
    }
  });
  const VolumeInfo& info = reader->info();
  const Spacing sp = options.voxel ? *options.voxel : info.spacing;
  Json r;
  r["format"] = info.format;
  r["shape"] = {info.shape.nz, info.shape.ny, info.shape.nx};
  r["dtype"] = dtype_name(info.dtype);
  // No size in the file and none given: no physical figure from the 1 um placeholder.
  const std::string source = options.voxel ? "option" : info.spacing_from_file ? "file" : "none";
  r["voxel_source"] = source;
  r["voxel_size_from_file"] = source == "file";
  if (source == "none") {
    r["voxel_um"] = nullptr;
    r["physical_size_um"] = nullptr;
  } else {
    r["voxel_um"] = {sp.dz, sp.dy, sp.dx};
    r["physical_size_um"] = {sp.dz * info.shape.nz, sp.dy * info.shape.ny, sp.dx * info.shape.nx};
  }
  r["voxels"] = info.shape.voxels();
  r["memory_bytes"] = static_cast<uint64_t>(info.shape.voxels()) * dtype_size(info.dtype);
  if (nan_count) r["nan_voxels"] = nan_count;
  if (inf_count) r["infinite_voxels"] = inf_count;
  if (n == 0) return r;
  const double mean = static_cast<double>(sum / n);
  if constexpr (std::is_floating_point_v<T>) {
    r["min"] = mn;
    r["max"] = mx;
  } else {
    r["min"] = static_cast<int64_t>(mn);
    r["max"] = static_cast<int64_t>(mx);
  }
  r["mean"] = mean;
  r["std"] = std::sqrt(std::max(0.0, static_cast<double>(sum2 / n) - mean * mean));
  std::vector<uint64_t> hist;
  double lo = 0, width = 1;
  if constexpr (small_int) {
    hist = std::move(exact);
    lo = static_cast<double>(std::numeric_limits<T>::min());
    distinct.clear();
    for (std::size_t i = 0; i < hist.size(); ++i)
      if (hist[i]) distinct[static_cast<T>(static_cast<int64_t>(i) + std::numeric_limits<T>::min())] = hist[i];
    few = distinct.size() <= 256;
  } else {
    lo = mn;
    width = mx > mn ? (mx - mn) / kBins : 1.0;
    hist.assign(kBins, 0);
    auto again = open_slab_reader(address);
    for_each_slab(*again, buf, [&](const unsigned char* p, std::size_t count) {
      const T* v = reinterpret_cast<const T*>(p);
      for (std::size_t i = 0; i < count; ++i) {
        const double d = static_cast<double>(v[i]);
        if (!std::isfinite(d)) continue;
        const int b = static_cast<int>((d - lo) / width);
        ++hist[std::clamp(b, 0, kBins - 1)];
      }
    });
  }
  r["percentile_1"] = histogram_quantile(hist, lo, width, n, 0.01);
  r["percentile_50"] = histogram_quantile(hist, lo, width, n, 0.50);
  r["percentile_99"] = histogram_quantile(hist, lo, width, n, 0.99);
  if (few) {
    r["distinct_values"] = distinct.size();
    Json values = Json::array(), counts = Json::array();
    for (const auto& [v, c] : distinct) {
      if constexpr (std::is_floating_point_v<T>)
        values.push_back(static_cast<double>(v));
      else
        values.push_back(static_cast<int64_t>(v));
      counts.push_back(c);
    }
    r["histogram"] = {{"values", values}, {"counts", counts}};
  }
  return r;
}

}  // namespace

Json volume_summary(const std::string& address, const ReadOptions& options) {
  const DType t = read_info(address).dtype;
  return visit_dtype(t, [&](auto v) { return summarise<decltype(v)>(address, options); });
}

}  // namespace emorph
