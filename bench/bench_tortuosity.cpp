// Benchmark of emorph::tortuosity (multigrid-preconditioned CG, and Jacobi-preconditioned CG) on the pore
// phase of a synthetic electrode (preset F, default 256^3), next to scipy.sparse.linalg.cg with a Jacobi
// preconditioner on the same finite-volume system (bench/tortuosity_peer.py), in the same run; with
// --hypre also HYPRE's PFMG-CG (Struct, identity rows) and BoomerAMG-CG (IJ, compressed) on the same system.
// Each solve runs in a child process so that its peak memory (ru_maxrss) and its CPU time (user + sys,
// all threads) are its own; memory is printed in bytes per voxel of the whole volume.
//
// usage: bench_tortuosity [SIZE=256] [PRESET=F] [AXIS=0] [--no-peer] [--no-jacobi] [--peer-cap SECONDS]
//                         [--cbd D] [--hypre] [--no-pfmg] [--tolerance T=1e-6]
//   --peer-cap: stop scipy's CG after that many seconds and report the residual it reached (loaded machines)
//   --cbd D: CB+PVdF conducts too, with D/D0 = D (its nanoporosity; pore and CBD solved together)
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
#include <vector>

#include "emorph/synth/electrode.hpp"
#include "emorph/transport/tortuosity.hpp"

using namespace emorph;

namespace {

double peak_rss_mb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return double(u.ru_maxrss) / 1024.0;
}

// User and system CPU seconds of this process so far (every thread).
double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + 1e-6 * double(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
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
int solve_child(const std::string& path, Shape shape, const std::string& solver, double tol, int axis, double cbd) {
  Volume<uint8_t> labels(shape);
  std::ifstream f(path, std::ios::binary);
  f.read(reinterpret_cast<char*>(labels.data()), labels.size());
  TortuosityParams p;
  p.axis = axis;
  if (cbd > 0) p.conductivity = {{0, 1.0}, {3, cbd}};
  p.multigrid = solver == "multigrid";
  if (solver == "hypre-pfmg") p.backend = TortuosityBackend::hypre_pfmg;
  if (solver == "hypre-boomeramg") p.backend = TortuosityBackend::hypre_boomeramg;
  p.tolerance = tol;
  const double cpu0 = cpu_seconds();
  const auto r = tortuosity(labels.view(), p);
  std::printf("tau %.10f deff %.6f eps %.4f perc %.4f iterations %lld levels %d seconds %.2f cpu_s %.2f residual %.2e "
              "mismatch %.2e unknowns %lld peak_mb %.1f\n",
              r.tau, r.deff_over_d0, r.volume_fraction, r.percolating_fraction, (long long)r.iterations, r.levels,
              r.seconds, cpu_seconds() - cpu0, r.relative_residual, r.flux_mismatch, (long long)r.unknowns, peak_rss_mb());
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
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // each figure shows as soon as it is known
  const std::string self = argv[0];
  if (argc >= 7 && std::string(argv[1]) == "--solve")
    return solve_child(argv[2], {std::atoll(argv[3]), std::atoll(argv[4]), std::atoll(argv[5])}, argv[6],
                       argc > 7 ? std::atof(argv[7]) : 1e-6, argc > 8 ? std::atoi(argv[8]) : 0,
                       argc > 9 ? std::atof(argv[9]) : 0.0);

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

  std::vector<std::string> positional;
  bool peer = true, jacobi = true, hypre = false, pfmg = true;
  double peer_cap = 0, cbd = 0;
  std::string tolerance = "1e-6";
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--no-peer")
      peer = false;
    else if (a == "--no-jacobi")
      jacobi = false;
    else if (a == "--peer-cap" && i + 1 < argc)
      peer_cap = std::atof(argv[++i]);
    else if (a == "--cbd" && i + 1 < argc)
      cbd = std::atof(argv[++i]);
    else if (a == "--hypre")
      hypre = true;
    else if (a == "--no-pfmg")
      pfmg = false;
    else if (a == "--tolerance" && i + 1 < argc)
      tolerance = argv[++i];
    else
      positional.push_back(a);
  }
  const int size = positional.size() > 0 ? std::atoi(positional[0].c_str()) : 256;
  const std::string preset_name = positional.size() > 1 ? positional[1] : "F";
  const int axis = positional.size() > 2 ? std::atoi(positional[2].c_str()) : 0;
  const auto t0 = std::chrono::steady_clock::now();
  auto params = synth::preset(preset_name, size, 0.32, 1);
  const auto electrode = synth::generate_electrode(params);
  const double gen_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const std::string path = "/tmp/emorph_bench_tortuosity_" + std::to_string(size) + ".raw";
  write_raw(path, electrode.labels);
  const Shape s = electrode.labels.shape();
  const std::string dims = std::to_string(s.nz) + " " + std::to_string(s.ny) + " " + std::to_string(s.nx);
  std::printf("volume: synth preset %s, %s voxels (0.32 um), seed 1, generated in %.1f s; %s, axis %d\n",
              preset_name.c_str(), s.str().c_str(), gen_s,
              cbd > 0 ? ("pore + CBD (D/D0 = " + std::to_string(cbd) + ")").c_str() : "pore phase", axis);
  std::printf("threads: %s\n", std::getenv("OMP_NUM_THREADS") ? std::getenv("OMP_NUM_THREADS") : "all cores");
  const double voxels = double(s.voxels());
  auto field = [](const std::string& line, const std::string& key) {
    const auto at = line.find(key + " ");
    return at == std::string::npos ? std::nan("") : std::atof(line.c_str() + at + key.size() + 1);
  };
  auto report = [&](const char* name, const std::string& line) {
    std::printf("%-22s %s", name, line.c_str());
    const double mb = field(line, "peak_mb");
    if (!std::isnan(mb)) std::printf("%-22s peak RSS per voxel: %.1f bytes\n", "", mb * 1048576.0 / voxels);
  };
  const std::string ax = std::to_string(axis), cbd_arg = cbd > 0 ? " " + std::to_string(cbd) : "";
  auto solve = [&](const std::string& solver) {
    return run_capture(self + " --solve " + path + " " + dims + " " + solver + " " + tolerance + " " + ax + cbd_arg);
  };
  const std::string mg = solve("multigrid");
  report("emorph multigrid-PCG", mg);
  std::string jac;
  if (jacobi) {
    jac = solve("jacobi");
    report("emorph Jacobi-PCG", jac);
  }
  if (hypre) {
    if (pfmg) report("HYPRE PFMG-PCG", solve("hypre-pfmg"));
    report("HYPRE BoomerAMG-PCG", solve("hypre-boomeramg"));
  }
  if (peer && cbd == 0) {
    std::string script = __FILE__;  // the peer script sits beside this file (or under ./bench when moved)
    script = script.substr(0, script.find_last_of('/') + 1) + "tortuosity_peer.py";
    if (!std::ifstream(script)) script = "bench/tortuosity_peer.py";
    const std::string cap = peer_cap > 0 ? " --time-cap " + std::to_string(peer_cap) : "";
    const std::string sp = run_capture("/usr/bin/python3 " + script + " " + path + " " + dims + " " + ax + " 0 " + tolerance + cap);
    report("scipy cg (Jacobi)", sp);
    // Time to tolerance as a ratio (all times include connectivity and set-up).
    const double t_mg = field(mg, "seconds"), t_sp = field(sp, "seconds");
    if (sp.rfind("capped", 0) == 0) {
      std::printf("ratio: scipy stopped at the cap without reaching the tolerance: scipy / emorph multigrid > %.1fx\n",
                  t_sp / t_mg);
      // Extrapolation: scipy runs the same algorithm as emorph's Jacobi-PCG, so it needs about as many iterations.
      const double estimate = field(sp, "setup") + field(jac, "iterations") * field(sp, "s_per_iteration");
      if (!std::isnan(estimate))
        std::printf("estimate: scipy at emorph Jacobi-PCG's %.0f iterations: %.0f s, %.1fx emorph multigrid\n",
                    field(jac, "iterations"), estimate, estimate / t_mg);
    } else {
      std::printf("ratio: scipy / emorph multigrid %.1fx", t_sp / t_mg);
      if (!jac.empty()) std::printf(", scipy / emorph Jacobi-PCG %.2fx", t_sp / field(jac, "seconds"));
      std::printf("\n");
    }
  }
  std::remove(path.c_str());
  return 0;
}
