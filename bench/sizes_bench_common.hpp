#pragma once
// Shared by the benchmarks: a reproducible test volume (the particle/pore size benchmarks bench_edt,
// bench_label, bench_granulometry, bench_separate), timing, peak memory, and running the Python peer on
// the same bytes (those and bench_fractions, bench_surface).
#include <sys/resource.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <type_traits>

#include "emorph/parallel.hpp"
#include "emorph/volume.hpp"

namespace emorph::bench {

// Random balls (radii rmin..rmax voxels, overlapping allowed) until `fraction` of the volume is
// covered: particles with necks, as in an electrode's solid phase.
inline Volume<uint8_t> random_balls(int64_t n, double fraction, double rmin, double rmax, uint64_t seed) {
  auto v = Volume<uint8_t>::filled({n, n, n}, {1, 1, 1}, 0);
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  int64_t covered = 0;
  const int64_t target = static_cast<int64_t>(fraction * static_cast<double>(v.size()));
  while (covered < target) {
    const double cz = u(rng) * n, cy = u(rng) * n, cx = u(rng) * n, r = rmin + u(rng) * (rmax - rmin);
    const int64_t R = static_cast<int64_t>(std::ceil(r));
    for (int64_t z = std::max<int64_t>(0, cz - R); z < std::min<int64_t>(n, cz + R + 1); ++z)
      for (int64_t y = std::max<int64_t>(0, cy - R); y < std::min<int64_t>(n, cy + R + 1); ++y)
        for (int64_t x = std::max<int64_t>(0, cx - R); x < std::min<int64_t>(n, cx + R + 1); ++x) {
          const double d2 = (z - cz) * (z - cz) + (y - cy) * (y - cy) + (x - cx) * (x - cx);
          if (d2 <= r * r && !v(z, y, x)) v(z, y, x) = 1, ++covered;
        }
  }
  return v;
}

inline double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Peak resident memory of this process so far, in bytes.
inline double peak_rss_bytes() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) * 1024.0;
}

inline void write_raw(const std::string& path, const Volume<uint8_t>& v) {
  std::ofstream f(path, std::ios::binary);
  f.write(reinterpret_cast<const char*>(v.data()), static_cast<std::streamsize>(v.size()));
}

// The volume edge N from the first argument, `fallback` without one.
inline int64_t size_argument(int argc, char** argv, int64_t fallback) {
  return argc > 1 ? std::atoll(argv[1]) : fallback;
}

// One run of f: its result, wall time and the growth of the process's peak resident memory.
template <class R>
struct MeasuredRun {
  R result;
  double seconds = 0;
  double extra_bytes = 0;
};
template <class F>
auto measured_run(F&& f) {
  const double base = peak_rss_bytes();
  const auto t0 = std::chrono::steady_clock::now();
  MeasuredRun<std::invoke_result_t<F>> run{f()};
  run.seconds = seconds_since(t0);
  run.extra_bytes = peak_rss_bytes() - base;
  return run;
}

// Runs /usr/bin/python3 SCRIPT ARGS and returns the "key=value" lines it prints.
inline std::map<std::string, double> run_python_file(const std::string& script, const std::string& args) {
  std::map<std::string, double> out;
  FILE* p = popen(("/usr/bin/python3 " + script + args).c_str(), "r");
  if (!p) return out;
  char line[512];
  while (fgets(line, sizeof line, p)) {
    std::string s(line);
    const auto eq = s.find('=');
    if (eq != std::string::npos) out[s.substr(0, eq)] = std::atof(s.c_str() + eq + 1);
    std::fputs(line, stdout);
  }
  pclose(p);
  return out;
}

// Runs /usr/bin/python3 on `script` (which prints "key=value" lines) and returns those values.
inline std::map<std::string, double> run_python(const std::string& script) {
  const std::string path = "/tmp/emorph_bench_peer.py";
  std::ofstream(path) << script;
  return run_python_file(path, "");
}

// Runs /usr/bin/python3 on `script` (saved as a temporary emorph_bench_TAG.py) and returns its stdout:
// empty when python or one of the script's modules is missing.
inline std::string python_stdout(const std::string& script, const std::string& tag) {
  const std::string path = (std::filesystem::temp_directory_path() / ("emorph_bench_" + tag + ".py")).string();
  std::ofstream(path) << script;
  std::string out;
  if (FILE* p = popen(("/usr/bin/python3 " + path + " 2>/dev/null").c_str(), "r")) {
    char buf[4096];
    while (std::fgets(buf, sizeof(buf), p)) out += buf;
    pclose(p);
  }
  std::filesystem::remove(path);
  return out;
}

// Peak resident memory of this process so far, in MiB.
inline double peak_rss_mib() { return peak_rss_bytes() / (1024.0 * 1024.0); }

// Python prologue: loads the raw volume into `m` (bool) and defines peak_mb().
inline std::string python_prologue(const std::string& raw, int64_t n) {
  std::ostringstream s;
  s << "import numpy as np, time, resource\n"
    << "def peak_mb():\n    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0\n"
    << "m = np.fromfile('" << raw << "', dtype=np.uint8).reshape(" << n << "," << n << "," << n << ").astype(bool)\n"
    << "base = peak_mb()\n";
  return s.str();
}

// The input of a size benchmark that runs a Python peer: N^3 random balls (N from the first argument,
// 256 without one), also written as /tmp/emorph_bench_<name>.raw for the peer and removed at the end.
struct BallsInput {
  BallsInput(int argc, char** argv, const std::string& name, double fraction, double rmin, double rmax, uint64_t seed)
      : n(size_argument(argc, argv, 256)),
        volume(random_balls(n, fraction, rmin, rmax, seed)),
        raw("/tmp/emorph_bench_" + name + ".raw") {
    write_raw(raw, volume);
    std::printf("volume %lld^3, %d threads\n", static_cast<long long>(n), thread_count());
  }
  BallsInput(const BallsInput&) = delete;
  BallsInput& operator=(const BallsInput&) = delete;
  ~BallsInput() { std::remove(raw.c_str()); }

  // A run's peak extra memory per voxel of the volume.
  template <class R>
  double extra_per_voxel(const MeasuredRun<R>& run) const {
    return run.extra_bytes / static_cast<double>(volume.size());
  }
  // The peer's script: python_prologue (the volume as `m`, peak_mb()) then `body`.
  std::string peer_script(const std::string& body) const { return python_prologue(raw, n) + body; }

  const int64_t n;
  const Volume<uint8_t> volume;
  const std::string raw;
};

}  // namespace emorph::bench
