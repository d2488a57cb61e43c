// Chord lengths and two-point correlation per axis against a plain read of the same volume, and against
// the PoreSpy-equivalent numpy/scipy implementations of bench/stats_peer.py run in the same process.
// Usage: bench_stats [N=256] (volume N^3 of random overlapping balls, phase fraction 0.5).
// Threads: OMP_NUM_THREADS (the peer's FFT gets as many workers).
#include <time.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "emorph/io.hpp"
#include "emorph/measure/chord_length.hpp"
#include "emorph/measure/components.hpp"
#include "emorph/measure/two_point_correlation.hpp"
#include "emorph/parallel.hpp"
#include "sizes_bench_common.hpp"

namespace {

// Resets the peak RSS so that the next reading is the peak of what follows (Linux >= 4.0).
void reset_peak() { std::ofstream("/proc/self/clear_refs") << "5"; }

// A memory line of /proc/self/status ("VmHWM:", "VmRSS:", in kB) in MiB; 0 when absent.
double status_mib(const std::string& key) {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind(key, 0) == 0) return std::atof(line.c_str() + key.size()) / 1024.0;
  return 0;
}

// CPU seconds of this process (all threads): on the shared, loaded machine the wall time of a kernel
// is mostly waiting for a core; CPU time ratios are what an idle single core would show.
double cpu_s() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

double peak_rss_mb() { return status_mib("VmHWM:"); }
double rss_mb() { return status_mib("VmRSS:"); }

// One run of f: its result, wall and CPU seconds, and its peak memory above base_mb.
template <class R>
struct TimedRun {
  R result;
  double seconds = 0, cpu = 0, peak_mb = 0;
};
template <class F>
auto timed(double base_mb, F&& f) {
  reset_peak();
  const auto t0 = std::chrono::steady_clock::now();
  const double c0 = cpu_s();
  TimedRun<std::invoke_result_t<F>> run{f()};
  run.seconds = emorph::bench::seconds_since(t0), run.cpu = cpu_s() - c0;
  run.peak_mb = peak_rss_mb() - base_mb;
  return run;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace emorph;
  const int64_t n = argc > 1 ? std::atoll(argv[1]) : 256;
  const std::string dir = "/tmp/emorph_bench_stats_" + std::to_string(getpid());
  const std::string tif = dir + ".tif", raw = dir + ".raw";
  {
    const auto balls = bench::random_balls(n, 0.5, 3, 24, 3);
    write_volume<uint8_t>(tif, balls.view());
    bench::write_raw(raw, balls);
  }
  // Plain read: the uint8 TIFF through emorph's reader, page cache warm (second of two reads).
  double read_s = 0, read_cpu = 0;
  for (int i = 0; i < 2; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    const double c0 = cpu_s();
    const AnyVolume v = read_volume(tif);
    read_s = bench::seconds_since(t0);
    read_cpu = cpu_s() - c0;
  }
  const AnyVolume labels = read_volume(tif);
  const auto& view = labels.as<uint8_t>();
  std::printf("volume %lld^3 uint8 (%.0f MiB), %d threads\nplain read (emorph read_volume, TIFF, page cache warm): %.3f s\n",
              static_cast<long long>(n), static_cast<double>(view.size()) / (1 << 20), thread_count(), read_s);

  auto t0 = std::chrono::steady_clock::now();
  const Volume<uint8_t> mask = label_mask(view.view(), 1);
  const double mask_s = bench::seconds_since(t0);
  const double base_mb = rss_mb();

  const auto chords = timed(base_mb, [&] { return chord_lengths(mask.view()); });
  const auto s2 = timed(base_mb, [&] { return two_point_correlation(mask.view()); });
  // The FFTW path too, for the record (auto picks direct for these lags).
  const auto s2_fft = timed(base_mb, [&] {
    return two_point_correlation(mask.view(), {.max_lag_um = std::nullopt, .method = CorrelationMethod::fft});
  });

  std::printf("label mask: %.3f s\n", mask_s);
  std::printf("CPU seconds (all threads): read %.3f, chords %.3f = %.2fx, correlation (%s) %.3f = %.2fx, correlation fft %.3f = %.2fx\n",
              read_cpu, chords.cpu, chords.cpu / read_cpu, correlation_method_name(s2.result.method), s2.cpu, s2.cpu / read_cpu,
              s2_fft.cpu, s2_fft.cpu / read_cpu);
  std::printf("emorph correlation --method fft: %.3f s = %.2fx the read; peak extra %.1f MiB; max |S2 fft - S2 direct| %.2e\n",
              s2_fft.seconds, s2_fft.seconds / read_s, s2_fft.peak_mb, [&] {
                double d = 0;
                for (int a = 0; a < 3; ++a)
                  for (std::size_t k = 0; k < s2.result.axes[a].s2.size(); ++k)
                    d = std::max(d, std::abs(s2.result.axes[a].s2[k] - s2_fft.result.axes[a].s2[k]));
                return d;
              }());
  std::printf("emorph chords (3 axes): %.3f s = %.2fx the read (%.2fx with the mask); peak extra %.1f MiB\n", chords.seconds,
              chords.seconds / read_s, (chords.seconds + mask_s) / read_s, chords.peak_mb);
  std::printf("emorph correlation (3 axes, lags to N/2, method %s): %.3f s = %.2fx the read (%.2fx with the mask); peak extra %.1f MiB\n",
              correlation_method_name(s2.result.method), s2.seconds, s2.seconds / read_s, (s2.seconds + mask_s) / read_s, s2.peak_mb);
  for (int a = 0; a < 3; ++a)
    std::printf("  axis %d: mean chord %.6f voxels, S2(8) %.6f\n", a, chords.result.axes[a].mean_chord_um, s2.result.axes[a].s2[8]);

  const std::string peer = std::string(EMORPH_SOURCE_DIR) + "/bench/stats_peer.py";
  const std::string args = " " + raw + " " + std::to_string(n);
  const auto pc = bench::run_python_file(peer, args + " chords " + std::to_string(thread_count()));
  const auto ps = bench::run_python_file(peer, args + " s2 " + std::to_string(thread_count()));
  if (pc.count("peer_chords_s"))
    std::printf("-> chords: PoreSpy-equivalent %.3f s, emorph %.1fx faster; peak extra %.1f MiB vs %.1f MiB\n",
                pc.at("peer_chords_s"), pc.at("peer_chords_s") / chords.seconds, pc.at("peer_chords_extra_mb"), chords.peak_mb);
  if (ps.count("peer_s2_s"))
    std::printf("-> correlation: PoreSpy-equivalent (periodic rfftn, float32) %.3f s, emorph %.1fx faster; peak extra %.1f MiB vs %.1f MiB\n",
                ps.at("peer_s2_s"), ps.at("peer_s2_s") / s2.seconds, ps.at("peer_s2_extra_mb"), s2.peak_mb);
  if (pc.count("peer_chords_cpu_s") && ps.count("peer_s2_cpu_s"))
    std::printf("-> CPU seconds: peer chords %.3f (emorph %.1fx less), peer correlation %.3f (emorph %.1fx less)\n",
                pc.at("peer_chords_cpu_s"), pc.at("peer_chords_cpu_s") / chords.cpu, ps.at("peer_s2_cpu_s"),
                ps.at("peer_s2_cpu_s") / s2.cpu);
  std::remove(tif.c_str());
  std::remove(raw.c_str());
  return 0;
}
