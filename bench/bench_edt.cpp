// Exact Euclidean distance transform vs scipy.ndimage.distance_transform_edt on the same volume.
// Usage: bench_edt [N=256] (N^3 random overlapping balls, half the volume). Threads: OMP_NUM_THREADS.
#include <cstdio>
#include <cstdlib>

#include "emorph/measure/edt.hpp"
#include "sizes_bench_common.hpp"

int main(int argc, char** argv) {
  using namespace emorph;
  const bench::BallsInput input(argc, argv, "edt", 0.5, 4, 16, 1);
  const auto run = bench::measured_run([&] { return distance_transform(input.volume.view()); });
  double checksum = 0;
  for (float x : run.result) checksum += x;
  std::printf("emorph edt: %.3f s, peak extra %.2f bytes/voxel, sum %.6e\n", run.seconds, input.extra_per_voxel(run),
              checksum);
  const auto peer = bench::run_python(input.peer_script(
      "from scipy import ndimage\n"
      "t = time.perf_counter(); d = ndimage.distance_transform_edt(m); t = time.perf_counter() - t\n"
      "print(f'scipy_s={t:.3f}'); print(f'scipy_extra_mb={peak_mb() - base:.1f}')\n"
      "print(f'scipy_sum={d.sum():.6e}')\n"));
  if (peer.count("scipy_s"))
    std::printf("scipy.ndimage.distance_transform_edt: %.3f s, peak extra %.2f bytes/voxel -> emorph %.1fx faster, "
                "relative sum difference %.2e\n",
                peer.at("scipy_s"), peer.at("scipy_extra_mb") * 1048576.0 / static_cast<double>(input.volume.size()),
                peer.at("scipy_s") / run.seconds, std::abs(peer.at("scipy_sum") - checksum) / checksum);
}
