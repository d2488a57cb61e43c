// Distance-watershed particle separation (EDT + h-maxima + watershed) vs the scikit-image recipe
// (scipy EDT + peak_local_max + label + watershed) on the same volume of overlapping balls.
// Usage: bench_separate [N=256] [PEER=1] (PEER 0: emorph only, for profiling). Threads: OMP_NUM_THREADS.
#include <cstdio>
#include <cstdlib>

#include "emorph/segment/separate_particles.hpp"
#include "sizes_bench_common.hpp"

int main(int argc, char** argv) {
  using namespace emorph;
  const bench::BallsInput input(argc, argv, "separate", 0.45, 5, 15, 4);
  const auto run = bench::measured_run([&] { return separate_particles(input.volume.view()); });
  std::printf("emorph separate_particles: %.3f s, %u particles, peak extra %.2f bytes/voxel (output labels included)\n",
              run.seconds, run.result.count, input.extra_per_voxel(run));
  if (argc > 2 && std::atoi(argv[2]) == 0) return 0;
  const auto peer = bench::run_python(input.peer_script(
      "from scipy import ndimage\nfrom skimage.feature import peak_local_max\nfrom skimage.segmentation import watershed\n"
      "t = time.perf_counter()\n"
      "d = ndimage.distance_transform_edt(m)\n"
      "peaks = peak_local_max(d, min_distance=5, labels=m)\n"
      "markers = np.zeros(m.shape, dtype=np.int32); markers[tuple(peaks.T)] = np.arange(1, len(peaks) + 1)\n"
      "lab = watershed(-d, markers, mask=m)\n"
      "t = time.perf_counter() - t\n"
      "print(f'skimage_s={t:.3f}'); print(f'skimage_count={len(peaks)}'); print(f'skimage_extra_mb={peak_mb() - base:.1f}')\n"));
  if (peer.count("skimage_s"))
    std::printf("skimage recipe: %.3f s, %.0f particles, peak extra %.2f bytes/voxel -> emorph %.1fx faster\n",
                peer.at("skimage_s"), peer.at("skimage_count"),
                peer.at("skimage_extra_mb") * 1048576.0 / static_cast<double>(input.volume.size()),
                peer.at("skimage_s") / run.seconds);
}
