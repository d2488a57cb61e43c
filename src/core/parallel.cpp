#include "emorph/parallel.hpp"

#include <omp.h>

namespace emorph {

void set_threads(int n) { omp_set_num_threads(n > 0 ? n : omp_get_num_procs()); }

int thread_count() { return omp_get_max_threads(); }

}  // namespace emorph
