// Granulometry by openings with balls of radius 1..R vs scikit-image binary_opening(ball(r)) for each
// r, on the same volume; the opened voxel counts must agree exactly.
// Usage: bench_granulometry [N=96] [R=20] [PEER_R=R] (the peer runs radii 1..PEER_R only; brute-force
// openings cost about N^3 |ball| per radius). When PEER_R < R the peer's time for the missing radii
// is extrapolated from its last two measured radii (t ~ r^a, a fitted), and printed as such next to
// the lower bound from the measured radii only. Threads: OMP_NUM_THREADS.
// EMORPH_BENCH_KEEP_RAW=1 keeps the volume in /tmp for a follow-up peer run (one larger radius, say).
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "emorph/measure/granulometry.hpp"
#include "emorph/parallel.hpp"
#include "sizes_bench_common.hpp"

int main(int argc, char** argv) {
  using namespace emorph;
  const int64_t n = bench::size_argument(argc, argv, 96);
  const int radius = argc > 2 ? std::atoi(argv[2]) : 20;
  const int peer_radius = argc > 3 ? std::atoi(argv[3]) : radius;
  const auto v = bench::random_balls(n, 0.5, 3, 24, 3);
  const std::string raw = "/tmp/emorph_bench_granulometry.raw";
  bench::write_raw(raw, v);
  GranulometryParams p;
  p.max_radius_um = radius;
  const auto run = bench::measured_run([&] { return granulometry(v.view(), p); });
  const auto& g = run.result;
  const double ours = run.seconds, extra = run.extra_bytes;
  std::printf("volume %lld^3, radii 1..%d, %d threads\nemorph granulometry: %.3f s (%zu openings), peak extra %.2f bytes/voxel\n",
              static_cast<long long>(n), radius, thread_count(), ours, g.radius_um.size(),
              extra / static_cast<double>(v.size()));
  // Our time for the radii the peer runs: the openings are independent, so scale by the ball work.
  const auto peer = bench::run_python(
      bench::python_prologue(raw, n) + "from skimage.morphology import binary_opening, ball\n" +
      "t = time.perf_counter(); counts = []\n" + "for r in range(1, " + std::to_string(peer_radius) + " + 1):\n" +
      "    t0 = time.perf_counter(); counts.append(int(binary_opening(m, ball(r)).sum()))\n" +
      "    print(f'skimage_r{r}_s={time.perf_counter() - t0:.3f}', flush=True)\n" + "t = time.perf_counter() - t\n" +
      "print(f'skimage_s={t:.3f}'); print(f'skimage_extra_mb={peak_mb() - base:.1f}')\n" +
      "for i, c in enumerate(counts): print(f'count_{i + 1}={c}')\n");
  bool equal = true;
  for (int r = 1; r <= peer_radius && r <= static_cast<int>(g.opening_voxels.size()); ++r) {
    const auto it = peer.find("count_" + std::to_string(r));
    if (it == peer.end() || static_cast<int64_t>(it->second) != g.opening_voxels[static_cast<std::size_t>(r - 1)])
      equal = false;
  }
  if (peer.count("skimage_s")) {
    std::printf("skimage binary_opening(ball(r)), r = 1..%d: %.3f s; opened voxel counts %s\n", peer_radius,
                peer.at("skimage_s"), equal ? "identical" : "DIFFER");
    if (peer_radius == radius) {
      std::printf("-> emorph %.1fx faster on the same radii\n", peer.at("skimage_s") / ours);
    } else if (peer_radius >= 2 && radius > peer_radius) {
      const auto t = [&](int r) { return peer.at("skimage_r" + std::to_string(r) + "_s"); };
      const double a = std::log(t(peer_radius) / t(peer_radius - 1)) /
                       std::log(static_cast<double>(peer_radius) / static_cast<double>(peer_radius - 1));
      double estimate = peer.at("skimage_s");
      for (int r = peer_radius + 1; r <= radius; ++r)
        estimate += t(peer_radius) * std::pow(static_cast<double>(r) / static_cast<double>(peer_radius), a);
      std::printf("-> lower bound: emorph (all %d radii) %.1fx faster than the peer's %d radii alone\n", radius,
                  peer.at("skimage_s") / ours, peer_radius);
      std::printf("-> extrapolated peer time for radii 1..%d (t ~ r^%.2f from its radii %d, %d): %.0f s, %.0fx emorph\n",
                  radius, a, peer_radius - 1, peer_radius, estimate, estimate / ours);
    }
  }
  if (!std::getenv("EMORPH_BENCH_KEEP_RAW")) std::remove(raw.c_str());  // kept for a follow-up peer run
  return equal ? 0 : 1;
}
