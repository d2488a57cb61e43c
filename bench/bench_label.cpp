// Connected components (26-connectivity) vs scipy.ndimage.label and skimage.measure.label.
// Usage: bench_label [N=256]. Threads: OMP_NUM_THREADS.
#include <cstdio>
#include <cstdlib>

#include "emorph/measure/components.hpp"
#include "sizes_bench_common.hpp"

int main(int argc, char** argv) {
  using namespace emorph;
  // Many small blobs: 30% of the volume in balls of radius 1.5..4 voxels.
  const bench::BallsInput input(argc, argv, "label", 0.3, 1.5, 4, 2);
  const auto run = bench::measured_run([&] { return label_components(input.volume.view(), {26}); });
  std::printf("emorph label (26): %.3f s, %u components, peak extra %.2f bytes/voxel\n", run.seconds, run.result.count,
              input.extra_per_voxel(run));
  const auto peer = bench::run_python(input.peer_script(
      "from scipy import ndimage\nfrom skimage import measure\n"
      "t = time.perf_counter(); l, c = ndimage.label(m, structure=np.ones((3,3,3))); t = time.perf_counter() - t\n"
      "print(f'scipy_s={t:.3f}'); print(f'scipy_count={c}'); del l\n"
      "t = time.perf_counter(); l, c = measure.label(m, connectivity=3, return_num=True); t = time.perf_counter() - t\n"
      "print(f'skimage_s={t:.3f}'); print(f'skimage_count={c}'); print(f'peer_extra_mb={peak_mb() - base:.1f}')\n"));
  if (peer.count("scipy_s"))
    std::printf("scipy.ndimage.label: %.3f s (%.0f components) -> emorph %.1fx faster\n", peer.at("scipy_s"),
                peer.at("scipy_count"), peer.at("scipy_s") / run.seconds);
  if (peer.count("skimage_s"))
    std::printf("skimage.measure.label: %.3f s (%.0f components) -> emorph %.1fx faster\n", peer.at("skimage_s"),
                peer.at("skimage_count"), peer.at("skimage_s") / run.seconds);
}
