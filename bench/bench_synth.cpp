// Benchmark of emorph synth: generation time and peak memory of preset electrodes (labels + XCT image),
// the acceptance figures of issue 3 (fractions of A, F, J at 256^3; recovered NMC gradient), and a
// peer for the two voxel-heavy steps (numpy sphere painting + scipy.ndimage.gaussian_filter on the same
// particle list and volume).
//   bench_synth [--sizes 256,512] [--peer] [--acceptance]
#include <sys/resource.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "emorph/parallel.hpp"
#include "emorph/synth/electrode.hpp"
#include "emorph/synth/xct.hpp"
#include "sizes_bench_common.hpp"

using namespace emorph;
using namespace emorph::synth;
using Clock = std::chrono::steady_clock;

namespace {

void acceptance() {
  std::printf("\n== acceptance: 256^3 at 0.32 um, seed 7: electrode volume fractions (target / reached)\n");
  for (const char* name : {"A", "F", "J"}) {
    const SynthParams p = preset(name, 256, 0.32, 7);
    const SynthResult r = generate_electrode(p);
    const Json& ph = r.truth["phases"];
    std::printf("%s:", name);
    double worst = 0;
    for (const char* phase : {"NMC", "LFP", "CBD", "pore"}) {
      const double t = ph[phase]["target_fraction"].get<double>(), v = ph[phase]["electrode_volume_fraction"].get<double>();
      worst = std::max(worst, std::fabs(t - v));
      std::printf("  %s %.4f/%.4f", phase, t, v);
    }
    std::printf("  worst |error| %.2f vol%%\n", 100 * worst);
  }
  std::printf("\n== acceptance: imposed NMC gradient recovered from the labels (bulk fit, 256^3, 0.32 um)\n");
  for (const auto& [name, slope] : std::vector<std::pair<const char*, double>>{{"F", -0.001}, {"F", 0.0}, {"A", 0.0}, {"B", 0.0}}) {
    for (uint64_t seed : {7, 8, 9}) {
      SynthParams p = preset(name, 256, 0.32, seed);
      if (slope != 0) p.nmc_slope_per_um = slope;
      const SynthResult r = generate_electrode(p);
      const double imposed = r.imposed_nmc_slope_per_um;
      const double got = r.truth["gradients"]["nmc_realised_bulk_slope_per_um"].get<double>();
      std::printf("%s seed %llu: imposed %.3e /um, recovered %.3e /um (%.0f%%)\n", name,
                  static_cast<unsigned long long>(seed), imposed, got, 100 * got / imposed);
    }
  }
}

void peer(const SynthResult& r, const XctParams& xp, double ours_paint_blur) {
  // The same particle list and attenuation volume, painted with numpy bounding boxes and blurred with
  // scipy.ndimage.gaussian_filter (the steps the generator and XCT simulator spend voxel time on).
  const std::string dir = "/tmp/emorph_bench_synth";
  std::system(("mkdir -p " + dir).c_str());
  std::ofstream(dir + "/particles.json") << r.truth["particles"].dump();
  const Shape s = r.labels.shape();
  const std::string script = R"PY(
import json, sys, time, numpy as np, scipy.ndimage as ndi
n = int(sys.argv[1]); voxel = float(sys.argv[2]); sigma = float(sys.argv[3])
parts = json.load(open(sys.argv[4]))
t0 = time.perf_counter()
lab = np.zeros((n, n, n), np.uint8)
ax = (np.arange(n) + 0.5) * voxel
for p in parts:
    c = p["centre_um"]; r = p["radius_um"]
    for sy in (-n * voxel, 0, n * voxel):
        for sx in (-n * voxel, 0, n * voxel):
            cz, cy, cx = c[0], c[1] + sy, c[2] + sx
            lo = [max(0, int((v - r) / voxel)) for v in (cz, cy, cx)]
            hi = [min(n, int((v + r) / voxel) + 2) for v in (cz, cy, cx)]
            if any(h <= l for l, h in zip(lo, hi)): continue
            dz = (ax[lo[0]:hi[0]] - cz)[:, None, None]; dy = (ax[lo[1]:hi[1]] - cy)[None, :, None]; dx = (ax[lo[2]:hi[2]] - cx)[None, None, :]
            lab[lo[0]:hi[0], lo[1]:hi[1], lo[2]:hi[2]][dz * dz + dy * dy + dx * dx <= r * r] = 1
t1 = time.perf_counter()
mu = lab.astype(np.float32)
ndi.gaussian_filter(mu, sigma / voxel, output=mu, truncate=4.0)
t2 = time.perf_counter()
print(f"{t1 - t0:.3f} {t2 - t1:.3f}")
)PY";
  std::ofstream(dir + "/peer.py") << script;
  const std::string cmd = "/usr/bin/python3 " + dir + "/peer.py " + std::to_string(s.nz) + " " +
                          std::to_string(r.labels.spacing().dz) + " " + std::to_string(xp.psf_sigma_um) + " " + dir +
                          "/particles.json > " + dir + "/peer.txt";
  if (std::system(cmd.c_str()) != 0) {
    std::printf("peer: python failed\n");
    return;
  }
  double paint = 0, blur = 0;
  std::ifstream(dir + "/peer.txt") >> paint >> blur;
  std::printf("peer (numpy paint + scipy gaussian_filter, 1 thread): paint %.2f s, blur %.2f s, total %.2f s; "
              "ours (NMC paint + XCT) %.2f s; ratio peer/ours %.1fx\n",
              paint, blur, paint + blur, ours_paint_blur, (paint + blur) / ours_paint_blur);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> sizes{256, 512};
  bool with_peer = false, with_acceptance = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--sizes" && i + 1 < argc) {
      sizes.clear();
      for (const char* s = argv[++i]; *s;) {
        sizes.push_back(std::atoi(s));
        while (*s && *s != ',') ++s;
        if (*s == ',') ++s;
      }
    } else if (a == "--peer") {
      with_peer = true;
    } else if (a == "--acceptance") {
      with_acceptance = true;
    }
  }
  std::printf("threads %d\n", thread_count());
  for (int n : sizes) {
    const SynthParams p = preset("F", n, 0.32, 7);
    const auto t0 = Clock::now();
    const SynthResult r = generate_electrode(p);
    const double gen = bench::seconds_since(t0);
    XctParams xp;
    const auto t1 = Clock::now();
    const XctResult x = simulate_xct(r.labels.view(), xp);
    const double xct = bench::seconds_since(t1);
    std::printf("preset F %d^3 (%.1f um cube): labels %.2f s (%zu NMC, %d sweeps), XCT %.2f s, total %.2f s, "
                "peak RSS %.0f MiB\n",
                n, n * 0.32, gen, r.nmc.size(), r.packing_sweeps, xct, gen + xct, bench::peak_rss_mib());
    if (with_peer && n <= 256) {
      // Our painting alone, for the peer comparison: the NMC step of a pure NMC packing.
      SynthParams only = p;
      only.lfp_fraction = 0, only.cbd_fraction = 0, only.cavity_fraction = 0;
      const auto t2 = Clock::now();
      const SynthResult o = generate_electrode(only);
      const XctResult ox = simulate_xct(o.labels.view(), xp);
      peer(o, xp, bench::seconds_since(t2));
    }
  }
  if (with_acceptance) acceptance();
  return 0;
}
