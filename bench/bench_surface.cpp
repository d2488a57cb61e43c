// Surface area: accuracy of the Crofton estimator on analytic shapes (spheres r = 5..50, a cube, a
// cylinder, tilted planes) next to scikit-image marching_cubes + mesh_surface_area on the same
// volumes, then speed on a packed-spheres label volume (default 512^3) against the same peer.
// Usage: bench_surface [N=512] [--no-peer]
#include <sys/resource.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <random>
#include <sstream>
#include <string>

#include "emorph/measure/surface_area.hpp"
#include "sizes_bench_common.hpp"

using namespace emorph;

namespace {



std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("emorph_bench_surface_" + name)).string();
}

void save_raw(const Volume<uint8_t>& v, const std::string& path) {
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(v.data()), v.size());
}


// scikit-image area of {v == label} padded by one background voxel (closed surface), spacing (1,1,1).
std::string skimage_areas_script(const std::vector<std::pair<std::string, Shape>>& volumes) {
  std::ostringstream s;
  s << "import numpy as np, time, resource\nfrom skimage import measure\n";
  for (const auto& [path, shape] : volumes)
    s << "v = np.fromfile('" << path << "', np.uint8).reshape(" << shape.nz << "," << shape.ny << "," << shape.nx << ")\n"
      << "t = time.perf_counter()\n"
      << "m = np.pad(v == 1, 1).astype(np.uint8)\n"
      << "verts, faces, _, _ = measure.marching_cubes(m, 0.5)\n"
      << "a = measure.mesh_surface_area(verts, faces)\n"
      << "print(a, time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0)\n";
  return s.str();
}

Volume<uint8_t> digitise(Shape shape, const std::function<bool(double, double, double)>& inside) {
  Volume<uint8_t> v(shape);
  for (int64_t z = 0; z < shape.nz; ++z)
    for (int64_t y = 0; y < shape.ny; ++y)
      for (int64_t x = 0; x < shape.nx; ++x) v(z, y, x) = inside(z + 0.5, y + 0.5, x + 0.5) ? 1 : 0;
  return v;
}

struct Case {
  std::string name;
  Volume<uint8_t> volume;
  double exact_um2;
};

void accuracy(bool peer) {
  std::vector<Case> cases;
  for (double r : {5.0, 8.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0}) {
    const int64_t n = static_cast<int64_t>(2 * r) + 6;
    const double c = n / 2.0 + 0.31;
    cases.push_back({"sphere r=" + std::to_string(static_cast<int>(r)),
                     digitise({n, n, n}, [&](double z, double y, double x) {
                       return (z - c) * (z - c) + (y - c) * (y - c) + (x - c) * (x - c) <= r * r;
                     }),
                     4 * M_PI * r * r});
  }
  cases.push_back({"cube 40", digitise({50, 50, 50}, [](double z, double y, double x) {
                     return z > 5 && z < 45 && y > 5 && y < 45 && x > 5 && x < 45;
                   }),
                   6 * 40.0 * 40.0});
  {
    // Cylinder r = 20, length 60 along z, axis off the lattice centre; area = 2 pi r L + 2 pi r^2.
    const double r = 20, c = 25.37;
    cases.push_back({"cylinder r=20 L=60", digitise({70, 50, 50}, [&](double z, double y, double x) {
                       return z > 5 && z < 65 && (y - c) * (y - c) + (x - c) * (x - c) <= r * r;
                     }),
                     2 * M_PI * r * 60 + 2 * M_PI * r * r});
  }
  // Planes: the estimator's response to a plane of unit normal n is exactly 2 sum_d w_d |n.u_d| (the
  // Crofton sum); over 10000 random normals it gives the error range for flat interfaces. Eight of
  // them are also measured as half-spaces in a 96^3 box (interface 0|1; the box's sides add an O(1/N)
  // deficit from lines leaving through them).
  std::mt19937_64 rng(2012);
  std::normal_distribution<double> g;
  const auto& dirs = crofton_directions();
  const auto w = crofton_weights(Spacing{});
  auto plane_factor = [&](const double n[3]) {
    double f = 0;
    for (int d = 0; d < 13; ++d) {
      const double len = std::sqrt(double(dirs[d][0] * dirs[d][0] + dirs[d][1] * dirs[d][1] + dirs[d][2] * dirs[d][2]));
      f += 2 * w[d] * std::fabs(n[0] * dirs[d][0] + n[1] * dirs[d][1] + n[2] * dirs[d][2]) / len;
    }
    return f;
  };
  double fmin = 1e9, fmax = -1e9, fsum = 0, fsq = 0;
  const int samples = 10000;
  for (int i = 0; i < samples; ++i) {
    double n[3] = {g(rng), g(rng), g(rng)};
    const double len = std::sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
    for (double& c : n) c /= len;
    const double f = plane_factor(n) - 1;
    fmin = std::min(fmin, f), fmax = std::max(fmax, f), fsum += f, fsq += f * f;
  }
  std::vector<std::string> plane_rows;
  for (int trial = 0; plane_rows.size() < 8 && trial < 200; ++trial) {
    double n[3] = {g(rng), g(rng), g(rng)};
    const double len = std::sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
    for (double& c : n) c /= len;
    if (std::fabs(n[1]) + std::fabs(n[2]) > 0.9 * std::fabs(n[0])) continue;  // crosses every (y, x) column
    const int N = 96;
    auto v = digitise({N, N, N}, [&](double z, double y, double x) {
      return n[0] * (z - N / 2.0) + n[1] * (y - N / 2.0) + n[2] * (x - N / 2.0) <= 0;
    });
    const double exact = double(N) * N / std::fabs(n[0]);
    char row[256];
    std::snprintf(row, sizeof(row), "| plane n=(%.2f,%.2f,%.2f) in 96^3 | %.1f | %.1f | %+.2f%% (limit %+.2f%%) | | |\n", n[0],
                  n[1], n[2], exact, surface_areas(v.view()).interface(0, 1),
                  100 * (surface_areas(v.view()).interface(0, 1) / exact - 1), 100 * (plane_factor(n) - 1));
    plane_rows.push_back(row);
  }

  std::vector<std::pair<std::string, Shape>> files;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    files.emplace_back(temp_path("case" + std::to_string(i) + ".raw"), cases[i].volume.shape());
    save_raw(cases[i].volume, files.back().first);
  }
  std::istringstream peer_out(peer ? bench::python_stdout(skimage_areas_script(files), "surface_peer") : "");
  std::printf("| shape | exact um2 | emorph (Crofton-13) | error | skimage MC | error |\n|---|---|---|---|---|---|\n");
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const double ours = phase_surface_area_um2(cases[i].volume.view(), 1, Spacing{}, true);
    double sk = NAN, t = 0, mem = 0;
    peer_out >> sk >> t >> mem;
    std::printf("| %s | %.1f | %.1f | %+.2f%% | %.1f | %+.2f%% |\n", cases[i].name.c_str(), cases[i].exact_um2, ours,
                100 * (ours / cases[i].exact_um2 - 1), sk, 100 * (sk / cases[i].exact_um2 - 1));
    std::filesystem::remove(files[i].first);
  }
  for (const auto& row : plane_rows) std::printf("%s", row.c_str());
  std::printf("\nplanes, %d random normals, exact response of the estimator: error min %+.2f%%, max %+.2f%%, mean %+.2f%%, "
              "rms %.2f%%\n", samples, 100 * fmin, 100 * fmax, 100 * fsum / samples, 100 * std::sqrt(fsq / samples));
}

// Packed random balls (radius 6..14 voxels) of label 1 in pore, with a CBD (3) shell-like noise.
Volume<uint8_t> packed_spheres(int64_t n, uint64_t seed) {
  Volume<uint8_t> v = Volume<uint8_t>::filled({n, n, n}, {}, 0);
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> pos(0, static_cast<double>(n)), rad(6, 14);
  const int64_t count = n * n * n / 9000;  // about 45% solid
  for (int64_t i = 0; i < count; ++i) {
    const double cz = pos(rng), cy = pos(rng), cx = pos(rng), r = rad(rng);
    const int64_t z0 = std::max<int64_t>(0, int64_t(cz - r)), z1 = std::min<int64_t>(n - 1, int64_t(cz + r) + 1);
    const int64_t y0 = std::max<int64_t>(0, int64_t(cy - r)), y1 = std::min<int64_t>(n - 1, int64_t(cy + r) + 1);
    const int64_t x0 = std::max<int64_t>(0, int64_t(cx - r)), x1 = std::min<int64_t>(n - 1, int64_t(cx + r) + 1);
    const uint8_t label = i % 5 == 0 ? 3 : 1;
    for (int64_t z = z0; z <= z1; ++z)
      for (int64_t y = y0; y <= y1; ++y)
        for (int64_t x = x0; x <= x1; ++x) {
          const double d2 = (z + 0.5 - cz) * (z + 0.5 - cz) + (y + 0.5 - cy) * (y + 0.5 - cy) + (x + 0.5 - cx) * (x + 0.5 - cx);
          if (d2 <= r * r) v(z, y, x) = label;
        }
  }
  return v;
}

void speed(int64_t n, bool peer) {
  const auto v = packed_spheres(n, 7);
  auto t0 = std::chrono::steady_clock::now();
  const auto all = surface_areas(v.view());
  const double t_all = bench::seconds_since(t0);
  t0 = std::chrono::steady_clock::now();
  const double nmc = phase_surface_area_um2(v.view(), 1, Spacing{}, true);
  const double t_one = bench::seconds_since(t0);
  std::printf("\nvolume %lld^3 packed spheres (labels 0/1/3), threads from OMP_NUM_THREADS\n", static_cast<long long>(n));
  std::printf("emorph surface_areas (all phases + interfaces): %.3f s, %.2f Gvoxel/s\n", t_all,
              static_cast<double>(v.size()) / t_all / 1e9);
  std::printf("emorph phase_surface_area_um2 (label 1, closed): %.3f s, area %.1f um2\n", t_one, nmc);
  std::printf("emorph peak RSS %.0f MB (volume %.0f MB)\n", bench::peak_rss_mib(), static_cast<double>(v.bytes()) / 1048576.0);
  if (!peer) return;
  const std::string path = temp_path("speed.raw");
  save_raw(v, path);
  std::istringstream out(bench::python_stdout(skimage_areas_script({{path, v.shape()}}), "surface_peer"));
  std::filesystem::remove(path);
  double sk = NAN, t = NAN, mem = NAN;
  if (!(out >> sk >> t >> mem)) {
    std::printf("peer: /usr/bin/python3 with scikit-image not available\n");
    return;
  }
  std::printf("skimage marching_cubes + mesh_surface_area (label 1, closed): %.3f s, area %.1f um2, peak RSS %.0f MB\n", t,
              sk, mem);
  std::printf("speed ratio skimage/emorph (label 1): %.1fx; (all phases + interfaces vs label 1): %.1fx\n", t / t_one,
              t / t_all);
  std::printf("area ratio emorph/skimage: %.4f\n", nmc / sk);
}

}  // namespace

int main(int argc, char** argv) {
  int64_t n = 512;
  bool peer = true;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--no-peer") peer = false;
    else n = std::atoll(argv[i]);
  }
  accuracy(peer);
  speed(n, peer);
  return 0;
}
