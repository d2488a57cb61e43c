// Fractions + thickness profile throughput on a uint8 label volume (default 512 x 1024 x 1024), one
// pass of slice_label_counts per axis, next to numpy.bincount on the same volume in the same run.
// Usage: bench_fractions [NZ NY NX] [--no-peer]
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include "emorph/measure/fractions.hpp"
#include "emorph/measure/profile.hpp"
#include "sizes_bench_common.hpp"

using namespace emorph;

int main(int argc, char** argv) {
  Shape shape{512, 1024, 1024};
  bool peer = true;
  std::vector<int64_t> dims;
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--no-peer") peer = false;
    else dims.push_back(std::atoll(argv[i]));
  }
  if (dims.size() == 3) shape = {dims[0], dims[1], dims[2]};

  // Runs of 1..64 voxels of labels 0..3 (a label volume's texture), deterministic.
  Volume<uint8_t> v(shape, {0.5, 0.5, 0.5});
  std::mt19937_64 rng(1);
  for (int64_t i = 0; i < v.size();) {
    const uint64_t r = rng();
    const int64_t run = 1 + static_cast<int64_t>(r % 64);
    const uint8_t label = static_cast<uint8_t>((r >> 8) % 4);
    for (int64_t k = 0; k < run && i < v.size(); ++k, ++i) v.data()[i] = label;
  }
  std::printf("volume %s uint8 (%.0f MB), labels 0..3\n", shape.str().c_str(), static_cast<double>(v.bytes()) / 1048576.0);
  double best[3] = {1e30, 1e30, 1e30};
  int64_t checksum = 0;
  for (int rep = 0; rep < 3; ++rep)
    for (int axis = 0; axis < 3; ++axis) {
      const auto t0 = std::chrono::steady_clock::now();
      const auto counts = slice_label_counts(v.view(), {axis});
      const auto profile = fraction_profile(counts, 0.5, {axis, 1});
      const auto all = phase_fractions(counts, 0, counts.slices - 1);
      best[axis] = std::min(best[axis], std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
      checksum += all.count(1) + static_cast<int64_t>(profile.fraction.size());
    }
  for (int axis = 0; axis < 3; ++axis)
    std::printf("emorph fractions + profile along axis %d: %.3f s, %.2f Gvoxel/s (best of 3)\n", axis, best[axis],
                static_cast<double>(v.size()) / best[axis] / 1e9);
  std::printf("emorph peak RSS %.0f MB (checksum %lld)\n", bench::peak_rss_mib(), static_cast<long long>(checksum));
  if (!peer) return 0;

  const std::string path = (std::filesystem::temp_directory_path() / "emorph_bench_fractions.raw").string();
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(v.data()), v.size());
  std::ostringstream s;
  s << "import numpy as np, time, resource\n"
    << "v = np.fromfile('" << path << "', np.uint8).reshape(" << shape.nz << "," << shape.ny << "," << shape.nx << ")\n"
    << "t = time.perf_counter(); h = np.bincount(v.ravel(), minlength=256); tg = time.perf_counter() - t\n"
    << "t = time.perf_counter(); p = np.stack([np.bincount(s.ravel(), minlength=256) for s in v]); tp = time.perf_counter() - t\n"
    << "assert (p.sum(0) == h).all()\n"
    << "print(tg, tp, h[1], resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0)\n";
  std::istringstream out(bench::python_stdout(s.str(), "fractions"));
  std::filesystem::remove(path);
  double tg = 0, tp = 0, h1 = 0, mem = 0;
  if (!(out >> tg >> tp >> h1 >> mem)) {
    std::printf("peer: /usr/bin/python3 with numpy not available\n");
    return 0;
  }
  const auto check = phase_fractions(v.view());
  std::printf("numpy bincount (global): %.3f s, %.2f Gvoxel/s; per-slice bincount (axis 0 profile): %.3f s, %.2f Gvoxel/s; peak RSS %.0f MB\n",
              tg, static_cast<double>(v.size()) / tg / 1e9, tp, static_cast<double>(v.size()) / tp / 1e9, mem);
  std::printf("label 1 voxels: emorph %lld, numpy %.0f; speed ratio numpy(profile)/emorph(axis 0): %.1fx\n",
              static_cast<long long>(check.count(1)), h1, tp / best[0]);
  return 0;
}
