// Connected components (26-connectivity) vs scipy.ndimage.label and skimage.measure.label.
// Usage: bench_label [N=256]. Threads: OMP_NUM_THREADS.
#include <cstdio>
#include <cstdlib>

#include "emorph/measure/components.hpp"
#include "emorph/parallel.hpp"
#include "sizes_bench_common.hpp"

int main(int argc, char** argv) {
  using namespace emorph;
  const int64_t n = bench::size_argument(argc, argv, 256);
  // Many small blobs: 30% of the volume in balls of radius 1.5..4 voxels.
  const auto v = bench::random_balls(n, 0.3, 1.5, 4, 2);
  const std::string raw = "/tmp/emorph_bench_label.raw";
  bench::write_raw(raw, v);
  const auto run = bench::measured_run([&] { return label_components(v.view(), {26}); });
  const auto& r = run.result;
  const double ours = run.seconds, extra = run.extra_bytes;
  std::printf("volume %lld^3, %d threads\nemorph label (26): %.3f s, %u components, peak extra %.2f bytes/voxel\n",
              static_cast<long long>(n), thread_count(), ours, r.count, extra / static_cast<double>(v.size()));
  const auto peer = bench::run_python(
      bench::python_prologue(raw, n) +
      "from scipy import ndimage\nfrom skimage import measure\n"
      "t = time.perf_counter(); l, c = ndimage.label(m, structure=np.ones((3,3,3))); t = time.perf_counter() - t\n"
      "print(f'scipy_s={t:.3f}'); print(f'scipy_count={c}'); del l\n"
      "t = time.perf_counter(); l, c = measure.label(m, connectivity=3, return_num=True); t = time.perf_counter() - t\n"
      "print(f'skimage_s={t:.3f}'); print(f'skimage_count={c}'); print(f'peer_extra_mb={peak_mb() - base:.1f}')\n");
  if (peer.count("scipy_s"))
    std::printf("scipy.ndimage.label: %.3f s (%.0f components) -> emorph %.1fx faster\n", peer.at("scipy_s"),
                peer.at("scipy_count"), peer.at("scipy_s") / ours);
  if (peer.count("skimage_s"))
    std::printf("skimage.measure.label: %.3f s (%.0f components) -> emorph %.1fx faster\n", peer.at("skimage_s"),
                peer.at("skimage_count"), peer.at("skimage_s") / ours);
  std::remove(raw.c_str());
}
