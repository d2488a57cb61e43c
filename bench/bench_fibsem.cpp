// FIB/SEM preprocessing benchmark and acceptance figures (issue 7) on seeded synthetic stacks with known
// drift, curtains, shading and contrast drift; peer: scikit-image phase_cross_correlation per slice pair.
//   bench_fibsem [--slices 200] [--size 512] [--speed NZ,NY,NX] [--speed-only] [--all-methods]
//                [--threads N] [--no-peer]
// Prints one block per figure; docs/benchmarks.md records a run. --speed-only skips the quality
// figures; --all-methods also times the variational and wavelet-FFT destriping in the speed run.
#include <omp.h>
#include <sys/resource.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "../tests/filter/fibsem_synthetic.hpp"
#include "emorph/filter/destripe.hpp"
#include "emorph/filter/drift_track.hpp"
#include "emorph/filter/intensity_normalise.hpp"
#include "emorph/filter/shading.hpp"
#include "emorph/filter/shift.hpp"
#include "emorph/result.hpp"
#include "emorph/segment/histogram.hpp"
#include "emorph/segment/threshold.hpp"
#include "sizes_bench_common.hpp"

using namespace emorph;
using Clock = std::chrono::steady_clock;
using test::difference;
using test::edge_gradient;
using test::phase_variation_along_y;

namespace {

// The synthetic stack, generated on all threads; the timings that follow run on `threads`.
test::SyntheticFibsem generate_stack(const test::SyntheticFibsemParams& p, int all_threads, int threads) {
  omp_set_num_threads(all_threads);
  auto s = test::make_synthetic_fibsem(p);
  omp_set_num_threads(threads);
  return s;
}

// Multi-Otsu (4 classes, segment library) mapped to phases by grey order (pore < CBD < LFP < NMC);
// mean Dice of the four phases against the truth.
double multiotsu_dice(const Volume<float>& v, const Volume<uint8_t>& truth) {
  const auto t = threshold_multiotsu(histogram<float>(v.view()), 4);
  const uint8_t phase_of_class[4] = {0, 3, 2, 1};
  int64_t both[4] = {0}, seg[4] = {0}, ref[4] = {0};
  for (int64_t i = 0; i < v.size(); ++i) {
    int k = 0;
    for (double th : t.thresholds) k += v.data()[i] > th;
    const uint8_t p = phase_of_class[k], q = truth.data()[i];
    ++seg[p];
    ++ref[q];
    if (p == q) ++both[p];
  }
  double dice = 0;
  for (int p = 0; p < 4; ++p) dice += 2.0 * both[p] / double(seg[p] + ref[p]) / 4;
  return dice;
}

const char* method_name(DestripeMethod m) {
  return m == DestripeMethod::column_offsets ? "column-offsets" : m == DestripeMethod::variational ? "variational" : "wavelet-fft";
}

struct PeerResult {
  bool ok = false;
  double seconds_per_pair = 0, rms = 0;
};

// scikit-image phase_cross_correlation (upsample_factor 20: 0.05 px) on consecutive slices, chained.
PeerResult run_peer(const Volume<float>& stack, const std::vector<std::array<double, 2>>& truth) {
  const std::string raw = "/tmp/emorph_bench_fibsem.f32", script = "/tmp/emorph_bench_fibsem.py",
                    out = "/tmp/emorph_bench_fibsem.json";
  std::ofstream(raw, std::ios::binary).write(reinterpret_cast<const char*>(stack.data()), stack.bytes());
  std::ofstream(script) << "import json, sys, time\nimport numpy as np\n"
                           "from skimage.registration import phase_cross_correlation as pcc\n"
                           "a = np.fromfile(sys.argv[1], np.float32).reshape(" << stack.nz() << ", " << stack.ny()
                        << ", " << stack.nx() << ")\n"
                           "t0 = time.perf_counter(); steps = []\n"
                           "for z in range(1, a.shape[0]):\n"
                           "    s = pcc(a[z - 1], a[z], upsample_factor=20)[0]\n"
                           "    steps.append([-float(s[0]), -float(s[1])])\n"
                           "dt = time.perf_counter() - t0\n"
                           "json.dump({'seconds': dt, 'steps': steps}, open(sys.argv[2], 'w'))\n";
  PeerResult r;
  if (std::system(("/usr/bin/python3 " + script + " " + raw + " " + out).c_str()) != 0) return r;
  std::ifstream f(out);
  const Json j = Json::parse(f);
  std::vector<std::array<double, 2>> drift(1, {0.0, 0.0});
  for (const auto& s : j["steps"]) drift.push_back({drift.back()[0] + s[0].get<double>(), drift.back()[1] + s[1].get<double>()});
  r.ok = true;
  r.seconds_per_pair = j["seconds"].get<double>() / double(stack.nz() - 1);
  r.rms = test::drift_rms_error(drift, truth);
  std::remove(raw.c_str());
  std::remove(out.c_str());
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  int64_t slices = 200, size = 512;
  int threads = 2;
  bool peer = true, speed_only = false, all_methods = false;
  int64_t speed[3] = {0, 0, 0};
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--slices" && i + 1 < argc) slices = std::atoll(argv[++i]);
    else if (a == "--size" && i + 1 < argc) size = std::atoll(argv[++i]);
    else if (a == "--threads" && i + 1 < argc) threads = std::atoi(argv[++i]);
    else if (a == "--no-peer") peer = false;
    else if (a == "--speed-only") speed_only = true;
    else if (a == "--all-methods") all_methods = true;
    else if (a == "--speed" && i + 1 < argc) std::sscanf(argv[++i], "%ld,%ld,%ld", &speed[0], &speed[1], &speed[2]);
    else {
      std::fprintf(stderr, "usage: bench_fibsem [--slices N] [--size N] [--speed NZ,NY,NX] [--speed-only] [--all-methods] "
                           "[--threads N] [--no-peer]\n");
      return 2;
    }
  }
  const int all_threads = omp_get_max_threads();
  std::printf("bench_fibsem: %ld slices of %ld x %ld, %d threads for timings (%d available)\n", long(slices),
              long(size), long(size), threads, all_threads);

  // 1. Alignment: random walk up to 20 px, isotropic particles (radius 16 px), fiducial layer on top.
  if (!speed_only) {
    const test::SyntheticFibsemParams p{.nz = slices, .ny = size, .nx = size, .seed = 2024, .max_drift_px = 20,
        .particle_radius_px = 16, .noise_sigma = 8, .fiducial_rows = 64};
    const auto s = generate_stack(p, all_threads, threads);
    auto t0 = Clock::now();
    const DriftTrack whole = estimate_drift(s.stack.view());
    const double t_whole = bench::seconds_since(t0);
    DriftTrackParams chain_params;
    chain_params.lags = {1};
    t0 = Clock::now();
    const DriftTrack chain = estimate_drift(s.stack.view(), chain_params);
    const double t_chain = bench::seconds_since(t0);
    omp_set_num_threads(1);
    t0 = Clock::now();
    estimate_drift(s.stack.view(), chain_params);
    const double t_chain_1 = bench::seconds_since(t0);
    omp_set_num_threads(threads);
    DriftTrackParams fiducial;
    fiducial.region = Box{0, 0, 0, 40, 0, size};
    t0 = Clock::now();
    const DriftTrack roi = estimate_drift(s.stack.view(), fiducial);
    const double t_roi = bench::seconds_since(t0);
    t0 = Clock::now();
    const auto aligned = apply_drift(s.stack.view(), roi.drift_px);
    const double t_shift = bench::seconds_since(t0);
    std::printf("\n[alignment] residual drift RMS (px) vs truth, acceptance < 0.5\n");
    std::printf("  whole slice, lags 1,2,4,8 : %.3f px  (%.2f s, %.1f ms/slice)\n", test::drift_rms_error(whole.drift_px, s.drift),
                t_whole, 1e3 * t_whole / slices);
    std::printf("  whole slice, lag 1 only   : %.3f px  (%.2f s)\n", test::drift_rms_error(chain.drift_px, s.drift), t_chain);
    std::printf("  fiducial rows 0:40        : %.3f px  (%.2f s)\n", test::drift_rms_error(roi.drift_px, s.drift), t_roi);
    std::printf("  apply drift (cubic)       : %.2f s, %.1f ms/slice\n", t_shift, 1e3 * t_shift / slices);
    if (peer) {
      const PeerResult r = run_peer(s.stack, s.drift);
      if (r.ok) {
        std::printf("  peer skimage pcc(upsample 20), lag 1: %.3f px, %.1f ms/pair (1 process)\n", r.rms, 1e3 * r.seconds_per_pair);
        std::printf("  speed ratio per consecutive pair, peer / emorph lag 1: %.1fx on 1 thread, %.1fx on %d threads\n",
                    r.seconds_per_pair / (t_chain_1 / double(slices - 1)), r.seconds_per_pair / (t_chain / double(slices - 1)),
                    threads);
      } else {
        std::printf("  peer: /usr/bin/python3 with scikit-image not available\n");
      }
    }
    (void)aligned;
  }

  // 2. Destriping: curtains of 25 grey levels (a quarter start partway down) on 512 x 512 slices.
  if (!speed_only) {
    const test::SyntheticFibsemParams p{.nz = 8, .ny = 512, .nx = 512, .seed = 7, .particle_radius_px = 16,
        .noise_sigma = 6, .stripe_amplitude = 25};
    const auto s = generate_stack(p, all_threads, threads);
    const double before = stripe_band_power(difference(s.stack, s.without_stripes).view(), 90);
    const double edges = edge_gradient(s.without_stripes, s.labels);
    std::printf("\n[destripe] 8 slices 512 x 512: stripe band energy of (out - stripe-free) removed (>= 90%% asked),\n"
                "  edge gradient ratio to stripe-free (within 10%% asked), time per slice\n");
    for (const auto method : {DestripeMethod::column_offsets, DestripeMethod::variational, DestripeMethod::wavelet_fft}) {
      DestripeParams dp;
      dp.method = method;
      const auto t0 = Clock::now();
      const auto out = destripe(s.stack.view(), dp);
      const double t = bench::seconds_since(t0);
      const double after = stripe_band_power(difference(out, s.without_stripes).view(), 90);
      std::printf("  %-14s removed %.1f%%  edge ratio %.3f  %.1f ms/slice\n", method_name(method),
                  100 * (1 - after / before), edge_gradient(out, s.labels) / edges, 1e3 * t / p.nz);
    }
    std::printf("  striped input edge ratio %.3f\n", edge_gradient(s.stack, s.labels) / edges);
  }

  // 3. Shading and contrast, and segmentation Dice before/after the full correction (no drift).
  if (!speed_only) {
    const test::SyntheticFibsemParams p{.nz = 48, .ny = size, .nx = size, .seed = 11, .particle_radius_px = 10,
        .noise_sigma = 8, .stripe_amplitude = 25, .shading_amplitude = 0.3, .contrast_drift = 0.25};
    const auto s = generate_stack(p, all_threads, threads);
    const auto destriped = destripe(s.stack.view());
    const auto shaded = correct_shading(destriped.view());
    const auto normalised = normalise_intensity(shaded.stack.view());
    std::printf("\n[shading] %ld slices %ld x %ld, 30%% shading along y, 25%% contrast loss along z\n", long(p.nz),
                long(size), long(size));
    std::printf("  NMC mean grey variation along y: before %.1f%%, after %.2f%% (< 2%% asked)\n",
                100 * phase_variation_along_y(s.stack, s.labels, 1, 0, 500),
                100 * phase_variation_along_y(normalised.stack, s.labels, 1, 0, 500));
    const auto ideal = normalise_intensity(correct_shading(s.without_stripes.view()).stack.view());
    const auto flattened_only = normalise_intensity(correct_shading(s.stack.view()).stack.view());
    std::printf("  segmentation (multi-Otsu, 4 classes) mean Dice: raw %.3f, corrected %.3f,\n"
                "    flattened but not destriped %.3f (destriping's own gain),\n"
                "    stripe-free input with the same flattening (ceiling) %.3f\n",
                multiotsu_dice(s.stack, s.labels), multiotsu_dice(normalised.stack, s.labels),
                multiotsu_dice(flattened_only.stack, s.labels), multiotsu_dice(ideal.stack, s.labels));
  }

  // 4. Speed of the full correction (destripe, shading, contrast, drift, shift) on a large stack.
  if (speed[0] > 0) {
    const test::SyntheticFibsemParams p{.nz = speed[0], .ny = speed[1], .nx = speed[2], .seed = 5, .max_drift_px = 20,
        .particle_radius_px = 16, .stripe_amplitude = 25, .shading_amplitude = 0.3};
    auto s = generate_stack(p, all_threads, threads);
    s.without_stripes = Volume<float>();
    s.labels = Volume<uint8_t>();
    std::printf("\n[speed] full correction of %ld x %ld x %ld float32 on %d threads\n", long(p.nz), long(p.ny),
                long(p.nx), threads);
    std::vector<DestripeMethod> methods = {DestripeMethod::column_offsets};
    if (all_methods) methods.insert(methods.end(), {DestripeMethod::variational, DestripeMethod::wavelet_fft});
    for (const auto method : methods) {
      const auto t0 = Clock::now();
      DestripeParams dp;
      dp.method = method;
      auto v = destripe(s.stack.view(), dp);
      const double t1 = bench::seconds_since(t0);
      v = correct_shading(v.view()).stack;
      v = normalise_intensity(v.view()).stack;
      const double t2 = bench::seconds_since(t0);
      const auto track = estimate_drift(v.view());
      const double t3 = bench::seconds_since(t0);
      v = apply_drift(v.view(), track.drift_px);
      const double t4 = bench::seconds_since(t0);
      std::printf("  %-14s destripe %.1f s, flatten %.1f s, drift %.1f s, shift %.1f s: total %.1f s (%.2f min)\n",
                  method_name(method), t1, t2 - t1, t3 - t2, t4 - t3, t4, t4 / 60);
    }
  }
  std::printf("\npeak memory (ru_maxrss): %.0f MiB\n", bench::peak_rss_mib());
  return 0;
}
