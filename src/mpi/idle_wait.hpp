#pragma once
// Completion of MPI requests without polling a core for long (issue 19). OpenMPI's shared-memory
// transport never blocks: a rank waiting in MPI_Wait or a blocking collective polls at full speed (and
// only yields with mpi_yield_when_idle, which still burns the core when nothing else is runnable). A rank
// of emorph often waits long: for rank 0 writing the output, for rank 0 joining the equivalences of the
// labelling, for a slower rank in a transpose. wait_idle tests for up to kSpin (a balanced round
// completes within it, at full speed), then sleeps between tests, 50 us doubling to 1 ms (spin, then
// block: the policy of adaptive mutexes and of OMP_WAIT_POLICY; the sleep bounds the added latency of a
// late completion by 1 ms). Built only with MPI.
#include <mpi.h>

namespace emorph {

// Completes all `count` requests (as MPI_Waitall, statuses ignored).
void wait_idle(MPI_Request* requests, int count);
inline void wait_idle(MPI_Request& request) { wait_idle(&request, 1); }

}  // namespace emorph
