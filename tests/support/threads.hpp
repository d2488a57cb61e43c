#pragma once
// Running a computation on a given number of OpenMP threads, for the tests that check a result does not
// depend on the thread count.
#include <omp.h>

#include <utility>

namespace emorph::test {

// What f() returns when run on `threads` OpenMP threads (0: one per core, as emorph::set_threads(0));
// the thread count in force before is restored afterwards.
template <class F>
auto on_threads(int threads, F&& f) {
  const int saved = omp_get_max_threads();
  omp_set_num_threads(threads > 0 ? threads : omp_get_num_procs());
  auto result = std::forward<F>(f)();
  omp_set_num_threads(saved);
  return result;
}

}  // namespace emorph::test
