// Benchmark of emorph::tortuosity (multigrid-preconditioned CG, and Jacobi-preconditioned CG) on the pore
// phase of a synthetic electrode (preset F, default 256^3), next to scipy.sparse.linalg.cg with a Jacobi
// preconditioner on the same finite-volume system (bench/tortuosity_peer.py), in the same run.
// Each solve runs in a child process so that its peak memory (ru_maxrss) is its own.
//
// usage: bench_tortuosity [SIZE=256] [PRESET=F] [AXIS=1] [--no-peer]
// Axis 1 (in-plane) by default: preset F's CBD-rich layer near z = 0 closes the pore network through
// the thickness (its pore phase has no percolating path along axis 0, a valid infinite-tau result).
//        bench_tortuosity --converge [SIZE=128]   (tolerance study on a random sphere packing)
#include <sys/resource.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <random>
#include <string>

#include "emorph/synth/electrode.hpp"
#include "emorph/transport/tortuosity.hpp"

using namespace emorph;

namespace {

double peak_rss_mb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return double(u.ru_maxrss) / 1024.0;
}

std::string run_capture(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return out;
  char buf[4096];
  while (fgets(buf, sizeof buf, p)) out += buf;
  pclose(p);
  return out;
}

// Child: read raw labels, solve, print one line of figures.
int solve_child(const std::string& path, Shape shape, const std::string& solver, double tol, int axis) {
  Volume<uint8_t> labels(shape);
  std::ifstream f(path, std::ios::binary);
  f.read(reinterpret_cast<char*>(labels.data()), labels.size());
  TortuosityParams p;
  p.axis = axis;
  p.multigrid = solver == "multigrid";
  p.tolerance = tol;
  const auto r = tortuosity(labels.view(), p);
  std::printf("tau %.6f deff %.6f eps %.4f perc %.4f iterations %lld levels %d seconds %.2f residual %.2e "
              "mismatch %.2e unknowns %lld peak_mb %.1f\n",
              r.tau, r.deff_over_d0, r.volume_fraction, r.percolating_fraction, (long long)r.iterations, r.levels,
              r.seconds, r.relative_residual, r.flux_mismatch, (long long)r.unknowns, peak_rss_mb());
  return 0;
}

// Boolean model of solid spheres (radius r voxels) at the given number density: a random packing with
// a connected, tortuous pore space.
Volume<uint8_t> random_spheres(int n, double radius, double solid_target, uint64_t seed) {
  Volume<uint8_t> v = Volume<uint8_t>::filled({n, n, n}, {}, 0);
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0.0, double(n));
  // Poisson spheres: solid fraction 1 - exp(-rho V) = target.
  const double vs = 4.0 / 3.0 * M_PI * radius * radius * radius;
  const int64_t count = std::llround(-std::log(1 - solid_target) / vs * double(n) * n * n);
  const int ri = int(std::ceil(radius));
  for (int64_t s = 0; s < count; ++s) {
    const double cz = u(rng), cy = u(rng), cx = u(rng);
    for (int z = std::max(0, int(cz) - ri); z <= std::min(n - 1, int(cz) + ri); ++z)
      for (int y = std::max(0, int(cy) - ri); y <= std::min(n - 1, int(cy) + ri); ++y)
        for (int x = std::max(0, int(cx) - ri); x <= std::min(n - 1, int(cx) + ri); ++x) {
          const double dz = z + 0.5 - cz, dy = y + 0.5 - cy, dx = x + 0.5 - cx;
          if (dz * dz + dy * dy + dx * dx <= radius * radius) v(z, y, x) = 1;
        }
  }
  return v;
}

std::string tolerance_text(double tol) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0e", tol);
  return buf;
}

void write_raw(const std::string& path, const Volume<uint8_t>& v) {
  std::ofstream f(path, std::ios::binary);
  f.write(reinterpret_cast<const char*>(v.data()), v.size());
}

}  // namespace

int main(int argc, char** argv) {
  const std::string self = argv[0];
  if (argc >= 7 && std::string(argv[1]) == "--solve")
    return solve_child(argv[2], {std::atoll(argv[3]), std::atoll(argv[4]), std::atoll(argv[5])}, argv[6],
                       argc > 7 ? std::atof(argv[7]) : 1e-6, argc > 8 ? std::atoi(argv[8]) : 0);

  if (argc >= 2 && std::string(argv[1]) == "--converge") {
    const int n = argc > 2 ? std::atoi(argv[2]) : 128;
    const auto v = random_spheres(n, 6.0, 0.6, 7);
    const std::string path = "/tmp/emorph_bench_tortuosity_converge.raw";
    write_raw(path, v);
    std::printf("random Boolean sphere packing %d^3, radius 6 voxels, solid target 0.6, seed 7, axis 0\n", n);
    for (double tol : {1e-4, 1e-6, 1e-8, 1e-10}) {
      const std::string cmd = self + " --solve " + path + " " + std::to_string(n) + " " + std::to_string(n) + " " +
                              std::to_string(n) + " multigrid " + tolerance_text(tol);
      std::printf("tolerance %.0e: %s", tol, run_capture(cmd).c_str());
    }
    std::remove(path.c_str());
    return 0;
  }

  const int size = argc > 1 ? std::atoi(argv[1]) : 256;
  const std::string preset_name = argc > 2 ? argv[2] : "F";
  const int axis = argc > 3 ? std::atoi(argv[3]) : 1;
  const bool peer = !(argc > 4 && std::string(argv[4]) == "--no-peer");
  const auto t0 = std::chrono::steady_clock::now();
  auto params = synth::preset(preset_name, size, 0.32, 1);
  const auto electrode = synth::generate_electrode(params);
  const double gen_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const std::string path = "/tmp/emorph_bench_tortuosity_" + std::to_string(size) + ".raw";
  write_raw(path, electrode.labels);
  const Shape s = electrode.labels.shape();
  const std::string dims = std::to_string(s.nz) + " " + std::to_string(s.ny) + " " + std::to_string(s.nx);
  std::printf("volume: synth preset %s, %s voxels (0.32 um), seed 1, generated in %.1f s; pore phase, axis %d\n",
              preset_name.c_str(), s.str().c_str(), gen_s, axis);
  std::printf("threads: %s\n", std::getenv("OMP_NUM_THREADS") ? std::getenv("OMP_NUM_THREADS") : "all cores");
  const double voxels = double(s.voxels());
  auto report = [&](const char* name, const std::string& line) {
    std::printf("%-22s %s", name, line.c_str());
    const auto at = line.find("peak_mb ");
    if (at != std::string::npos)
      std::printf("%-22s peak bytes per voxel: %.1f\n", "", std::atof(line.c_str() + at + 8) * 1048576.0 / voxels);
  };
  const std::string ax = std::to_string(axis);
  report("emorph multigrid-PCG", run_capture(self + " --solve " + path + " " + dims + " multigrid 1e-6 " + ax));
  report("emorph Jacobi-PCG", run_capture(self + " --solve " + path + " " + dims + " jacobi 1e-6 " + ax));
  if (peer) {
    std::string script = __FILE__;  // the peer script sits beside this file (or under ./bench when moved)
    script = script.substr(0, script.find_last_of('/') + 1) + "tortuosity_peer.py";
    if (!std::ifstream(script)) script = "bench/tortuosity_peer.py";
    report("scipy cg (Jacobi)", run_capture("/usr/bin/python3 " + script + " " + path + " " + dims + " " + ax + " 0 1e-6"));
  }
  std::remove(path.c_str());
  return 0;
}
