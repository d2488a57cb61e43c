// Exact Euclidean distance transform vs scipy.ndimage.distance_transform_edt on the same volume.
// Usage: bench_edt [N=256] (N^3 random overlapping balls, half the volume). Threads: OMP_NUM_THREADS.
#include <cstdio>
#include <cstdlib>

#include "emorph/measure/edt.hpp"
#include "emorph/parallel.hpp"
#include "sizes_bench_common.hpp"

int main(int argc, char** argv) {
  using namespace emorph;
  const int64_t n = bench::size_argument(argc, argv, 256);
  const auto v = bench::random_balls(n, 0.5, 4, 16, 1);
  const std::string raw = "/tmp/emorph_bench_edt.raw";
  bench::write_raw(raw, v);
  const auto run = bench::measured_run([&] { return distance_transform(v.view()); });
  const double ours = run.seconds, extra = run.extra_bytes;
  double checksum = 0;
  for (float x : run.result) checksum += x;
  std::printf("volume %lld^3, %d threads\nemorph edt: %.3f s, peak extra %.2f bytes/voxel, sum %.6e\n",
              static_cast<long long>(n), thread_count(), ours, extra / static_cast<double>(v.size()), checksum);
  const auto peer = bench::run_python(bench::python_prologue(raw, n) +
                                      "from scipy import ndimage\n"
                                      "t = time.perf_counter(); d = ndimage.distance_transform_edt(m); t = time.perf_counter() - t\n"
                                      "print(f'scipy_s={t:.3f}'); print(f'scipy_extra_mb={peak_mb() - base:.1f}')\n"
                                      "print(f'scipy_sum={d.sum():.6e}')\n");
  if (peer.count("scipy_s"))
    std::printf("scipy.ndimage.distance_transform_edt: %.3f s, peak extra %.2f bytes/voxel -> emorph %.1fx faster, "
                "relative sum difference %.2e\n",
                peer.at("scipy_s"), peer.at("scipy_extra_mb") * 1048576.0 / static_cast<double>(v.size()),
                peer.at("scipy_s") / ours, std::abs(peer.at("scipy_sum") - checksum) / checksum);
  std::remove(raw.c_str());
}
