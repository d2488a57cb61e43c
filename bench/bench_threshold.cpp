// Benchmark + acceptance figures for segmentation (issue 5):
//  1. histogram + Otsu on an N^3 uint16 volume vs skimage.filters.threshold_otsu on the same volume;
//  2. XCT presets A, F, J (emorph synth + simulate_xct, seeds 1 and 2): NMC Dice and NMC fraction
//     error (J, which has no NMC: LFP) of the two-peak methods (minimum, intermodes) and Otsu, with and
//     without a 3x3x3 median pre-filter, against the label truth;
//  3. FIB/SEM (synth simulate_fibsem, drift and curtains off as after fibsem-prep): pore Dice of the
//     morphological method vs a global Otsu threshold.
// Usage: bench_threshold [N=512] [--size S=160] [--no-peer]
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "emorph/filter/median.hpp"
#include "emorph/parallel.hpp"
#include "emorph/segment/fibsem_pores.hpp"
#include "emorph/segment/histogram.hpp"
#include "emorph/segment/phase_map.hpp"
#include "emorph/segment/threshold.hpp"
#include "emorph/synth/electrode.hpp"
#include "emorph/synth/fibsem.hpp"
#include "emorph/synth/xct.hpp"
#include "sizes_bench_common.hpp"
#include "../tests/support/prepped_fibsem.hpp"

using namespace emorph;
using Clock = std::chrono::steady_clock;


struct Score {
  double dice, fraction_truth, fraction_seg;
};

// Dice of `label` and its volume fraction among the voxels that are not collector (label 4).
static Score score(const Volume<uint8_t>& truth, const Volume<uint8_t>& seg, uint8_t label, uint8_t seg_label) {
  int64_t both = 0, nt = 0, ns = 0, n = 0;
  for (int64_t i = 0; i < truth.size(); ++i) {
    if (truth.data()[i] == 4) continue;
    const bool t = truth.data()[i] == label, s = seg.data()[i] == seg_label;
    both += t && s, nt += t, ns += s, ++n;
  }
  return {2.0 * both / double(nt + ns), double(nt) / n, double(ns) / n};
}

template <class T>
static Volume<uint8_t> threshold_map(const Volume<T>& img, const ThresholdResult& t) {
  return phase_map<T>(img.view(), t.thresholds, {0, 1}).labels;
}

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  int64_t n = 512;
  int size = 160;
  bool peer = true;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--no-peer") peer = false;
    else if (a == "--size" && i + 1 < argc) size = std::atoi(argv[++i]);
    else n = std::atoll(argv[i]);
  }
  std::printf("== 1. histogram + Otsu, %lld^3 uint16, %d threads\n", static_cast<long long>(n), thread_count());
  {
    Volume<uint16_t> v({n, n, n});
    std::mt19937_64 rng(7);
    std::normal_distribution<double> a(20000, 3000), b(42000, 4000);
    std::uniform_real_distribution<double> u(0, 1);
    for (auto& x : v) x = static_cast<uint16_t>(std::clamp(u(rng) < 0.4 ? b(rng) : a(rng), 0.0, 65535.0));
    auto t = Clock::now();
    const Histogram h = histogram<uint16_t>(v.view(), {});
    const double t_hist = bench::seconds_since(t);
    t = Clock::now();
    const double otsu = threshold_otsu(h).thresholds[0];
    const double t_otsu = bench::seconds_since(t);
    std::printf("emorph histogram (256 bins): %.3f s, Otsu on it: %.6f s, threshold %.1f, peak RSS %.0f MB\n", t_hist,
                t_otsu, otsu, bench::peak_rss_mib());
    if (peer) {
      const auto dir = std::filesystem::temp_directory_path() / ("emorph-bench-thr-" + std::to_string(::getpid()));
      std::filesystem::create_directories(dir);
      std::ofstream((dir / "v.raw").string(), std::ios::binary).write(reinterpret_cast<const char*>(v.data()), v.bytes());
      std::ofstream((dir / "p.py").string()) << R"(import sys, time, numpy as np
from skimage.filters import threshold_otsu
n = int(sys.argv[2]); a = np.fromfile(sys.argv[1], dtype=np.uint16).reshape(n, n, n)
t = time.perf_counter(); th = threshold_otsu(a); dt = time.perf_counter() - t
t = time.perf_counter(); th256 = threshold_otsu(a, nbins=256); dt256 = time.perf_counter() - t
print(dt, th, dt256, th256)
)";
      const std::string cmd = "/usr/bin/python3 " + (dir / "p.py").string() + " " + (dir / "v.raw").string() + " " +
                              std::to_string(n) + " > " + (dir / "out.txt").string();
      if (std::system(cmd.c_str()) == 0) {
        double dt, th, dt256, th256;
        std::ifstream((dir / "out.txt").string()) >> dt >> th >> dt256 >> th256;
        std::printf("skimage threshold_otsu: %.3f s (threshold %.1f, one bin per grey value) -> emorph %.1fx faster\n",
                    dt, th, dt / (t_hist + t_otsu));
      }
      std::filesystem::remove_all(dir);
    }
  }

  std::printf("== 2. XCT presets, %d^3 voxels, two-peak methods and Otsu\n", size);
  for (const std::string name : {"A", "F", "J"})
   for (const uint64_t seed : {1, 2}) {
    synth::SynthResult e;
    try {
      e = synth::generate_electrode(synth::preset(name, size, 0.32, seed));
    } catch (const std::exception& ex) {
      std::printf("preset %s: generator failed: %s\n", name.c_str(), ex.what());
      continue;
    }
    synth::XctParams xp;  // default: gaussian noise 5% of the NMC attenuation, PSF 0.4 um
    xp.seed = seed;
    // An LFP-only preset (J) has no NMC: score the bright class against LFP.
    const bool has_nmc = std::find(e.labels.begin(), e.labels.end(), synth::kNmc) != e.labels.end();
    const uint8_t bright = has_nmc ? synth::kNmc : synth::kLfp;
    const std::string phase = has_nmc ? "NMC" : "LFP";
    const auto x = synth::simulate_xct(e.labels.view(), xp);
    x.image.visit([&](const auto& raw) {
      using T = typename std::decay_t<decltype(raw)>::value_type;
     for (const bool denoised : {false, true}) {
      const Volume<T> img = denoised ? median_filter<T>(raw.view(), {1}) : raw.clone();
      const Histogram h = histogram<T>(img.view(), {});
      if (!denoised) {  // best achievable single threshold (oracle sweep over the bins), for context
        std::vector<int64_t> nmc(h.bins(), 0), other(h.bins(), 0);
        int64_t total_nmc = 0;
        for (int64_t i = 0; i < img.size(); ++i) {
          if (e.labels.data()[i] == 4) continue;
          const int b = h.bin_of(img.data()[i]);
          if (e.labels.data()[i] == bright) ++nmc[b], ++total_nmc;
          else ++other[b];
        }
        double best = 0, best_t = 0;
        int64_t above_nmc = total_nmc;
        for (int b = 0; b < h.bins(); ++b) {
          above_nmc -= nmc[b];
          int64_t ao = 0;
          for (int c = b + 1; c < h.bins(); ++c) ao += other[c];
          const double d = 2.0 * above_nmc / double(total_nmc + above_nmc + ao);
          if (d > best) best = d, best_t = h.center(b);
        }
        std::printf("preset %s seed %llu best single threshold %.1f: %s Dice %.4f (oracle)\n", name.c_str(),
                    static_cast<unsigned long long>(seed), best_t, phase.c_str(), best);
      }
      for (const std::string method : {"minimum", "intermodes", "otsu"}) {
        try {
          const auto t = compute_threshold(h, parse_threshold_method(method));
          const auto seg = threshold_map(img, t);
          const Score s = score(e.labels, seg, bright, 1);
          std::printf("preset %s seed %llu %-10s%s threshold %8.1f  %s Dice %.4f  fraction truth %.4f seg %.4f (error %+.2f vol%%)\n",
                      name.c_str(), static_cast<unsigned long long>(seed), method.c_str(),
                      denoised ? " +median:1" : "          ", t.thresholds[0], phase.c_str(), s.dice, s.fraction_truth,
                      s.fraction_seg, 100 * (s.fraction_seg - s.fraction_truth));
        } catch (const std::exception& ex) {
          std::printf("preset %s seed %llu %-10s%s failed: %s\n", name.c_str(), static_cast<unsigned long long>(seed),
                      method.c_str(), denoised ? " +median:1" : "", ex.what());
        }
      }
     }
    });
  }

  std::printf("== 3. FIB/SEM shine-through (synth simulate_fibsem, drift/curtains/shading off)\n");
  for (const std::string name : {"F", "H", "J"}) {  // A's 2 um window at 20 nm lies inside one NMC particle
    auto sp = synth::preset(name, 96, 0.02, 3);  // 20 nm voxels: a FIB/SEM-scale window
    sp.domain_lateral_um = 40;
    sp.domain_thickness_um = 40;
    synth::SynthResult e;
    try {
      e = synth::generate_electrode(sp);
    } catch (const std::exception& ex) {
      std::printf("preset %s: generator failed: %s\n", name.c_str(), ex.what());
      continue;
    }
    const auto f = test::simulate_prepped_fibsem(e.labels.view());
    const Histogram h = histogram<uint8_t>(f.image.view(), {});
    const auto ot = threshold_otsu(h);
    Volume<uint8_t> otsu_pores(f.image.shape());
    for (int64_t i = 0; i < otsu_pores.size(); ++i) otsu_pores.data()[i] = f.image.data()[i] <= ot.thresholds[0];
    const Score so = score(e.labels, otsu_pores, synth::kPore, 1);
    for (int behind : {1, -1}) {
      FibsemPoreParams pp;
      pp.behind = behind;
      const auto r = fibsem_pores<uint8_t>(f.image.view(), pp);
      const Score sm = score(e.labels, r.pores, synth::kPore, 1);
      std::printf("preset %s behind %+d: morphological pore Dice %.4f (fraction %.3f vs truth %.3f) | global Otsu Dice %.4f "
                  "(fraction %.3f)\n",
                  name.c_str(), behind, sm.dice, sm.fraction_seg, sm.fraction_truth, so.dice, so.fraction_seg);
    }
  }
  std::printf("peak RSS %.0f MB\n", bench::peak_rss_mib());
  return 0;
}
