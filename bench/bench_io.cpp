// Volume I/O throughput per format against plainly reading the same bytes (fread into a fresh
// buffer), with numpy/tifffile as the Python peer, and the peak memory of `convert` (child process,
// getrusage ru_maxrss).
// Usage: bench_io [--size-mib 1024] [--dir /tmp] [--repeats 5] [--formats raw,nrrd,mha,tif,...]
//                 [--no-convert] [--no-peer]
// Reads are timed with the file in the page cache for both sides (an untimed read warms it first),
// so the ratio measures our reader's overhead over the bare copy, not the disk. Reads and freads
// alternate, each kept best of --repeats; on a loaded machine the median of the per-round ratios
// (both reads of one round see about the same load) is printed too.
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
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

// Plain read of a file's bytes into a freshly allocated buffer (page faults included, as for a
// Volume). The buffer is 2 MiB aligned with the huge-page hint, as numpy does for large arrays: the
// fastest plain read. (A buffer from plain new[] starts 16 bytes into a page, and reading a file from
// offset 0 into it runs up to 2-3x slower on x86 through 4K aliasing in the kernel's copy: not the
// baseline we want to be measured against.)
void fread_file(const std::string& path) {
  const std::size_t n = fs::file_size(path);
  const std::size_t huge = std::size_t(2) << 20;
  const std::size_t capacity = (n + huge - 1) / huge * huge;
  std::unique_ptr<char, decltype(&std::free)> buf(static_cast<char*>(std::aligned_alloc(huge, capacity)), &std::free);
  madvise(buf.get(), capacity, MADV_HUGEPAGE);
  FILE* f = std::fopen(path.c_str(), "rb");
  std::size_t done = 0;
  while (done < n) {
    const std::size_t got = std::fread(buf.get() + done, 1, std::min<std::size_t>(n - done, 64 << 20), f);
    if (got == 0) break;
    done += got;
  }
  std::fclose(f);
  volatile char sink = buf.get()[n / 2];
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
  int repeats = 5;
  bool run_convert = true, run_peer = true;
  std::vector<std::string> wanted;  // empty: every format
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const bool has_value = i + 1 < argc;
    if (a == "--size-mib" && has_value) {
      size_mib = std::atoll(argv[++i]);
    } else if (a == "--dir" && has_value) {
      dir = argv[++i];
    } else if (a == "--repeats" && has_value) {
      repeats = std::max(1, std::atoi(argv[++i]));
    } else if (a == "--formats" && has_value) {
      std::string list = argv[++i];
      for (std::size_t b = 0; b <= list.size();) {
        const std::size_t e = std::min(list.find(',', b), list.size());
        if (e > b) wanted.push_back(list.substr(b, e - b));
        b = e + 1;
      }
    } else if (a == "--no-convert") {
      run_convert = false;
    } else if (a == "--no-peer") {
      run_peer = false;
    } else {
      std::fprintf(stderr,
                   "usage: bench_io [--size-mib N] [--dir D] [--repeats R] [--formats raw,nrrd,mha,tif,h5,nhdr,gz.nrrd,"
                   "deflate.tif] [--no-convert] [--no-peer]\n");
      return 2;
    }
  }
  if (size_mib < 2) size_mib = 2;
  const fs::path work = fs::path(dir) / ("emorph-bench-io-" + std::to_string(getpid()));
  fs::create_directories(work);
  // uint16, 1024 x 1024 slices (2 MiB each): the common XCT layout.
  const Shape shape{std::max<int64_t>(1, size_mib / 2), 1024, 1024};
  const double gib = static_cast<double>(shape.voxels()) * 2 / (1 << 30);
  std::printf("bench_io: uint16 volume %s = %.3f GiB, files in %s, best of %d, warm page cache\n",
              shape.str().c_str(), gib, work.c_str(), repeats);

  // {file name, compressed, short name for --formats}
  struct Format {
    std::string file;
    bool compressed;
    std::string key;
  };
  std::vector<Format> formats;
  for (const Format& f : std::vector<Format>{{"v.raw", false, "raw"},
                                             {"v.nrrd", false, "nrrd"},
                                             {"v.mha", false, "mha"},
                                             {"v.tif", false, "tif"},
                                             {"v.h5", false, "h5"},
                                             {"v_detached.nhdr", false, "nhdr"},
                                             {"v_gz.nrrd", true, "gz.nrrd"},
                                             {"v_deflate.tif", true, "deflate.tif"}})
    if (wanted.empty() || std::find(wanted.begin(), wanted.end(), f.key) != wanted.end()) formats.push_back(f);
  // The convert and peer sections read these; they are written whenever those sections run.
  for (const char* needed : {"raw", "tif"})
    if ((run_convert || run_peer) && std::none_of(formats.begin(), formats.end(), [&](const Format& f) { return f.key == needed; }))
      formats.push_back({"v." + std::string(needed), false, needed});
  std::vector<Cost> write_cost(formats.size());
  {
    Volume<uint16_t> v(shape, {0.32, 0.32, 0.32});
    // Smooth values plus noise: realistic for compression, cheap to generate.
    uint64_t state = 88172645463325252ull;
    for (int64_t i = 0; i < v.size(); ++i) {
      state ^= state << 13, state ^= state >> 7, state ^= state << 17;
      v.data()[i] = static_cast<uint16_t>(20000 + ((i >> 10) & 1023) * 8 + (state & 255));
    }
    // Writes are timed once each (informative; the targets are on reads): keeps a 1 GiB run cheap.
    for (std::size_t k = 0; k < formats.size(); ++k) {
      WriteOptions w;
      w.compress = formats[k].compressed;
      write_cost[k] = measure([&] { write_volume((work / formats[k].file).string(), v.view(), w); });
    }
  }  // the volume is freed before the child processes below are forked

  std::printf("\nGiB/s by wall time (and by CPU time, user + system); ratio = emorph read / plain fread of the same\n"
              "bytes: best wall vs best wall (and best CPU vs best CPU), median = median of the per-round wall ratios\n");
  std::printf("%-16s %8s %15s %15s %15s %13s %7s %9s\n", "format", "file_MiB", "write wall(cpu)", "read wall(cpu)",
              "fread wall(cpu)", "ratio w (cpu)", "median", "peak_RSS");
  std::vector<std::pair<std::string, double>> verdicts;
  for (std::size_t k = 0; k < formats.size(); ++k) {
    const std::string path = (work / formats[k].file).string();
    const uint64_t bytes = data_bytes(path);
    Cost read, plain;
    std::vector<double> round_ratios;
    const int reps = formats[k].compressed ? 1 : repeats;
    const auto files = read_info(path).files;
    for (const auto& f : files) fread_file(f);  // untimed: the page cache is warm for both sides
    for (int r = 0; r < reps; ++r) {
      // Alternating order within a round, so neither side always runs first after the other.
      Cost p, q;
      auto plain_read = [&] { p = measure([&] { for (const auto& f : files) fread_file(f); }); };
      auto our_read = [&] {
        q = measure([&] {
          AnyVolume back = read_volume(path);
          if (back.shape() != shape) std::printf("  shape mismatch for %s\n", path.c_str());
        });
      };
      if (r % 2 == 0) {
        plain_read();
        our_read();
      } else {
        our_read();
        plain_read();
      }
      plain.keep_best(p);
      read.keep_best(q);
      round_ratios.push_back(p.wall / q.wall);
    }
    std::sort(round_ratios.begin(), round_ratios.end());
    const double median = round_ratios[round_ratios.size() / 2];
    const long long rss = child_peak_rss([&] { AnyVolume a = read_volume(path); });
    const double file_gib = static_cast<double>(bytes) / (1 << 30);
    const double ratio = plain.wall / read.wall;
    std::printf("%-16s %8.1f %7.2f (%5.2f) %7.2f (%5.2f) %7.2f (%5.2f) %5.0f%% (%3.0f%%) %6.0f%% %8.2fx\n",
                formats[k].file.c_str(), bytes / 1048576.0, gib / write_cost[k].wall, gib / write_cost[k].cpu,
                gib / read.wall, gib / read.cpu, file_gib / plain.wall, file_gib / plain.cpu, 100.0 * ratio,
                100.0 * plain.cpu / read.cpu, 100.0 * median, static_cast<double>(rss) / (shape.voxels() * 2.0));
    std::fflush(stdout);
    if (!formats[k].compressed && formats[k].key != "h5") verdicts.emplace_back(formats[k].key, ratio);
  }
  std::printf("\ntarget: read >= 70%% of plain fread (best wall vs best wall):");
  for (const auto& [key, ratio] : verdicts) std::printf(" %s %.0f%% %s;", key.c_str(), 100 * ratio, ratio >= 0.7 ? "met" : "NOT MET");
  std::printf("\n");

  if (run_convert) {
    std::printf("\nconvert (streamed slab by slab): peak RSS of the converting process / volume size\n");
    const std::vector<std::pair<std::string, std::string>> pairs = {
        {"v.raw", "c.tif"}, {"v.tif", "c.nrrd"}, {"v.nrrd", "c.mha"}, {"v.mha", "c.h5"}, {"v.h5", "c.raw"},
        {"v_gz.nrrd", "c_gz.tif"}};
    for (const auto& [in, out] : pairs) {
      if (!fs::exists(work / in)) continue;  // format left out by --formats
      const auto t = Clock::now();
      const long long rss = child_peak_rss([&] { convert_volume((work / in).string(), (work / out).string()); });
      std::printf("  %-12s -> %-10s %6.2f s  peak RSS %7.1f MiB = %.3fx volume\n", in.c_str(), out.c_str(),
                  seconds_since(t), rss / 1048576.0, static_cast<double>(rss) / (shape.voxels() * 2.0));
      fs::remove(work / out);
    }
  }

  if (run_peer) {
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
      std::printf("  raw : emorph %.2f GiB/s, numpy.fromfile %.2f GiB/s (wall), ratio %.2f\n", gib / ours_raw.wall,
                  gib / np_s, np_s / ours_raw.wall);
    if (tf_s > 0)
      std::printf("  tiff: emorph %.2f GiB/s, tifffile.imread %.2f GiB/s (wall), ratio %.2f\n", gib / ours_tif.wall,
                  gib / tf_s, tf_s / ours_tif.wall);
  }
  std::error_code ec;
  fs::remove_all(work, ec);
  return 0;
}
