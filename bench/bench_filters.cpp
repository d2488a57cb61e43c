// Benchmark: 3D median (3x3x3) and Gaussian (sigma 1) on an N^3 uint16 volume against
// scipy.ndimage.median_filter / gaussian_filter on the same volume in the same run.
// Usage: bench_filters [N=256] [--no-peer]   (threads: OMP_NUM_THREADS or all cores)
#include <sys/resource.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "emorph/filter/gaussian.hpp"
#include "emorph/filter/median.hpp"
#include "emorph/parallel.hpp"
#include "sizes_bench_common.hpp"

using namespace emorph;
using Clock = std::chrono::steady_clock;


int main(int argc, char** argv) {
  int64_t n = 256;
  bool peer = true;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--no-peer") peer = false;
    else n = std::atoll(argv[i]);
  }
  // Grey blobs (particles) plus noise: the value distribution of a real scan, not uniform noise.
  Volume<uint16_t> v({n, n, n});
  std::mt19937_64 rng(42);
  std::normal_distribution<double> noise(0, 800);
  for (int64_t z = 0; z < n; ++z)
    for (int64_t y = 0; y < n; ++y)
      for (int64_t x = 0; x < n; ++x) {
        const double s = std::sin(0.21 * z) * std::sin(0.17 * y) * std::sin(0.13 * x);
        v(z, y, x) = static_cast<uint16_t>(std::clamp(20000.0 + (s > 0.2 ? 15000 : 0) + noise(rng), 0.0, 65535.0));
      }
  std::printf("volume %lld^3 uint16, %d threads\n", static_cast<long long>(n), thread_count());
  auto t = Clock::now();
  auto med = median_filter<uint16_t>(v.view(), {1});
  const double t_med = bench::seconds_since(t);
  t = Clock::now();
  auto gau = gaussian_filter<uint16_t>(v.view(), {1.0});
  const double t_gau = bench::seconds_since(t);
  std::printf("emorph median 3x3x3: %.3f s (%.1f Mvoxel/s)\n", t_med, n * n * n / t_med / 1e6);
  std::printf("emorph gaussian s=1: %.3f s (%.1f Mvoxel/s)\n", t_gau, n * n * n / t_gau / 1e6);
  std::printf("emorph peak RSS: %.0f MB (input %.0f MB)\n", bench::peak_rss_mib(), v.bytes() / 1048576.0);
  if (!peer) return 0;

  const auto dir = std::filesystem::temp_directory_path() / ("emorph-bench-filters-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream((dir / "in.raw").string(), std::ios::binary).write(reinterpret_cast<const char*>(v.data()), v.bytes());
  std::ofstream((dir / "peer.py").string()) << R"(import sys, time, resource, numpy as np
from scipy import ndimage as ndi
n = int(sys.argv[2]); a = np.fromfile(sys.argv[1] + '/in.raw', dtype=np.uint16).reshape(n, n, n)
t = time.perf_counter(); m = ndi.median_filter(a, size=3, mode='reflect'); tm = time.perf_counter() - t
m.tofile(sys.argv[1] + '/median.raw'); del m
t = time.perf_counter(); g = ndi.gaussian_filter(a, 1.0, output=np.float32, mode='reflect', truncate=4.0); tg = time.perf_counter() - t
g.tofile(sys.argv[1] + '/gauss.raw')
print(tm, tg, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0)
)";
  const std::string cmd = "/usr/bin/python3 " + (dir / "peer.py").string() + " " + dir.string() + " " +
                          std::to_string(n) + " > " + (dir / "peer.txt").string();
  if (std::system(cmd.c_str()) != 0) {
    std::printf("peer (scipy) failed\n");
    return 1;
  }
  double p_med = 0, p_gau = 0, p_rss = 0;
  std::ifstream((dir / "peer.txt").string()) >> p_med >> p_gau >> p_rss;
  Volume<uint16_t> pm({n, n, n});
  Volume<float> pg({n, n, n});
  std::ifstream((dir / "median.raw").string(), std::ios::binary).read(reinterpret_cast<char*>(pm.data()), pm.bytes());
  std::ifstream((dir / "gauss.raw").string(), std::ios::binary).read(reinterpret_cast<char*>(pg.data()), pg.bytes());
  int64_t med_diff = 0;
  double gau_diff = 0;
  for (int64_t i = 0; i < v.size(); ++i) {
    med_diff += pm.data()[i] != med.data()[i];
    gau_diff = std::max(gau_diff, static_cast<double>(std::abs(pg.data()[i] - gau.data()[i])));
  }
  std::filesystem::remove_all(dir);
  std::printf("scipy  median 3x3x3: %.3f s  -> emorph %.1fx faster; voxels differing: %lld\n", p_med, p_med / t_med,
              static_cast<long long>(med_diff));
  std::printf("scipy  gaussian s=1: %.3f s  -> emorph %.1fx faster; max |difference| %.3g grey levels\n", p_gau,
              p_gau / t_gau, gau_diff);
  std::printf("scipy peak RSS: %.0f MB\n", p_rss);
  return med_diff == 0 ? 0 : 1;
}
