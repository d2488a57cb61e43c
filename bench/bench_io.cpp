// Volume I/O throughput per format against plainly reading the same bytes (fread into a fresh
// buffer), with numpy/tifffile as the Python peer, and the peak memory of `convert` (child process,
// getrusage ru_maxrss). Usage: bench_io [--size-mib 1024] [--dir /tmp] [--repeats 3]
// Reads are timed with the file in the page cache for both sides (written just before), so the
// ratio measures our reader's overhead over the bare copy, not the disk.
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "emorph/io.hpp"
#include "emorph/io/stream.hpp"
#include "emorph/progress.hpp"

namespace fs = std::filesystem;
using namespace emorph;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// Wall time and CPU time (user + system, all threads) of one operation. On a shared, oversubscribed
// machine the wall time mostly measures waiting for a core; the CPU time measures the work.
struct Cost {
  double wall = 1e30, cpu = 1e30;
  void keep_best(const Cost& c) {
    wall = std::min(wall, c.wall);
    cpu = std::min(cpu, c.cpu);
  }
};

double cpu_seconds() {
  struct rusage ru {};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + 1e-6 * (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

template <class F>
Cost measure(F&& f) {
  const double c0 = cpu_seconds();
  const auto t = Clock::now();
  f();
  return {seconds_since(t), cpu_seconds() - c0};
}

// Plain read of a file's bytes into a freshly allocated buffer (page faults included, as for a Volume).
void fread_file(const std::string& path) {
  const std::size_t n = fs::file_size(path);
  std::unique_ptr<char[]> buf(new char[n]);
  // Same huge-page hint as emorph's readers and numpy: the baseline is the fastest plain read.
  const auto huge = std::size_t(2) << 20;
  const auto b = (reinterpret_cast<uintptr_t>(buf.get()) + huge - 1) & ~(huge - 1);
  const auto e = (reinterpret_cast<uintptr_t>(buf.get()) + n) & ~(huge - 1);
  if (e > b) madvise(reinterpret_cast<void*>(b), e - b, MADV_HUGEPAGE);
  FILE* f = std::fopen(path.c_str(), "rb");
  std::size_t done = 0;
  while (done < n) {
    const std::size_t got = std::fread(buf.get() + done, 1, std::min<std::size_t>(n - done, 64 << 20), f);
    if (got == 0) break;
    done += got;
  }
  std::fclose(f);
  volatile char sink = buf[n / 2];
  (void)sink;
}

uint64_t data_bytes(const std::string& address) {
  uint64_t n = 0;
  for (const auto& f : read_info(address).files) n += fs::file_size(f);
  return n;
}

// Runs f in a child process; returns the child's peak resident memory in bytes (-1 on failure).
template <class F>
long long child_peak_rss(F&& f) {
  std::fflush(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    try {
      f();
    } catch (const std::exception& e) {
      std::fprintf(stderr, "child failed: %s\n", e.what());
      _exit(1);
    }
    _exit(0);
  }
  int status = 0;
  struct rusage ru {};
  wait4(pid, &status, 0, &ru);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return -1;
  return static_cast<long long>(ru.ru_maxrss) * 1024;
}

double python_peer_seconds(const std::string& code) {
  const std::string cmd = "/usr/bin/python3 -c \"" + code + "\" 2>/dev/null";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return -1;
  double s = -1;
  if (std::fscanf(p, "%lf", &s) != 1) s = -1;
  pclose(p);
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  int64_t size_mib = 1024;
  std::string dir = fs::temp_directory_path().string();
  int repeats = 3;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--size-mib") size_mib = std::atoll(argv[i + 1]);
    if (a == "--dir") dir = argv[i + 1];
    if (a == "--repeats") repeats = std::atoi(argv[i + 1]);
  }
  set_progress_enabled(false);
  const fs::path work = fs::path(dir) / ("emorph-bench-io-" + std::to_string(getpid()));
  fs::create_directories(work);
  // uint16, 1024 x 1024 slices (2 MiB each): the common XCT layout.
  const Shape shape{std::max<int64_t>(1, size_mib / 2), 1024, 1024};
  const double gib = static_cast<double>(shape.voxels()) * 2 / (1 << 30);
  std::printf("bench_io: uint16 volume %s = %.3f GiB, files in %s, best of %d, warm page cache\n",
              shape.str().c_str(), gib, work.c_str(), repeats);

  const std::vector<std::pair<std::string, bool>> formats = {
      {"v.raw", false}, {"v.nrrd", false}, {"v.mha", false}, {"v.tif", false},
      {"v.h5", false},  {"v.nhdr", false}, {"v_gz.nrrd", true}, {"v_deflate.tif", true}};
  std::vector<Cost> write_cost(formats.size());
  {
    Volume<uint16_t> v(shape, {0.32, 0.32, 0.32});
    // Smooth values plus noise: realistic for compression, cheap to generate.
    uint64_t state = 88172645463325252ull;
    for (int64_t i = 0; i < v.size(); ++i) {
      state ^= state << 13, state ^= state >> 7, state ^= state << 17;
      v.data()[i] = static_cast<uint16_t>(20000 + ((i >> 10) & 1023) * 8 + (state & 255));
    }
    for (std::size_t k = 0; k < formats.size(); ++k) {
      WriteOptions w;
      w.compress = formats[k].second;
      const int reps = formats[k].second ? 1 : repeats;
      for (int r = 0; r < reps; ++r)
        write_cost[k].keep_best(measure([&] { write_volume((work / formats[k].first).string(), v.view(), w); }));
    }
  }  // the volume is freed before the child processes below are forked

  std::printf("\nGiB/s by wall time (and by CPU time, user + system); ratio = emorph read / plain fread\n");
  std::printf("%-14s %8s %15s %15s %15s %13s %9s\n", "format", "file_MiB", "write wall(cpu)", "read wall(cpu)",
              "fread wall(cpu)", "ratio w (cpu)", "peak_RSS");
  for (std::size_t k = 0; k < formats.size(); ++k) {
    const std::string path = (work / formats[k].first).string();
    const uint64_t bytes = data_bytes(path);
    Cost read, plain;
    const int reps = formats[k].second ? 1 : repeats;
    const auto files = read_info(path).files;
    for (int r = 0; r < reps; ++r) {
      // Interleaved, so both see the same machine load.
      plain.keep_best(measure([&] {
        for (const auto& f : files) fread_file(f);
      }));
      read.keep_best(measure([&] {
        AnyVolume back = read_volume(path);
        if (back.shape() != shape) std::printf("  shape mismatch for %s\n", path.c_str());
      }));
    }
    const long long rss = child_peak_rss([&] { AnyVolume a = read_volume(path); });
    const double file_gib = static_cast<double>(bytes) / (1 << 30);
    std::printf("%-14s %8.1f %7.2f (%5.2f) %7.2f (%5.2f) %7.2f (%5.2f) %5.0f%% (%3.0f%%) %8.2fx\n", formats[k].first.c_str(),
                bytes / 1048576.0, gib / write_cost[k].wall, gib / write_cost[k].cpu, gib / read.wall, gib / read.cpu,
                file_gib / plain.wall, file_gib / plain.cpu, 100.0 * plain.wall / read.wall, 100.0 * plain.cpu / read.cpu,
                static_cast<double>(rss) / (shape.voxels() * 2.0));
  }

  std::printf("\nconvert (streamed slab by slab): peak RSS of the converting process / volume size\n");
  const std::vector<std::pair<std::string, std::string>> pairs = {
      {"v.raw", "c.tif"}, {"v.tif", "c.nrrd"}, {"v.nrrd", "c.mha"}, {"v.mha", "c.h5"}, {"v.h5", "c.raw"},
      {"v_gz.nrrd", "c_gz.tif"}};
  for (const auto& [in, out] : pairs) {
    const auto t = Clock::now();
    const long long rss = child_peak_rss([&] { convert_volume((work / in).string(), (work / out).string()); });
    std::printf("  %-12s -> %-10s %6.2f s  peak RSS %7.1f MiB = %.3fx volume\n", in.c_str(), out.c_str(),
                seconds_since(t), rss / 1048576.0, static_cast<double>(rss) / (shape.voxels() * 2.0));
    fs::remove(work / out);
  }

  std::printf("\npeer (Python, same files, warm cache): numpy.fromfile on raw, tifffile.imread on TIFF\n");
  const std::string raw = (work / "v.raw").string(), tif = (work / "v.tif").string();
  const double np_s = python_peer_seconds(
      "import numpy as np,time;best=1e9\nfor i in range(" + std::to_string(repeats) +
      "):\n t=time.perf_counter();a=np.fromfile('" + raw + "',dtype='<u2');best=min(best,time.perf_counter()-t)\nprint(best)");
  const double tf_s = python_peer_seconds(
      "import tifffile,time;best=1e9\nfor i in range(" + std::to_string(repeats) +
      "):\n t=time.perf_counter();a=tifffile.imread('" + tif + "');best=min(best,time.perf_counter()-t)\nprint(best)");
  Cost ours_raw, ours_tif;
  for (int r = 0; r < repeats; ++r) {
    ours_raw.keep_best(measure([&] { AnyVolume a = read_volume(raw); }));
    ours_tif.keep_best(measure([&] { AnyVolume a = read_volume(tif); }));
  }
  if (np_s > 0)
    std::printf("  raw : emorph %.2f GiB/s, numpy.fromfile %.2f GiB/s (wall), ratio %.2f\n", gib / ours_raw.wall, gib / np_s,
                np_s / ours_raw.wall);
  if (tf_s > 0)
    std::printf("  tiff: emorph %.2f GiB/s, tifffile.imread %.2f GiB/s (wall), ratio %.2f\n", gib / ours_tif.wall, gib / tf_s,
                tf_s / ours_tif.wall);
  std::error_code ec;
  fs::remove_all(work, ec);
  return 0;
}
