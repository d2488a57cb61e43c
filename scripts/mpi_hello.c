/* The fixed cost of an MPI process (issue 19, docs/benchmarks.md "#19 stop 21"): an MPI program that does
 * nothing but start, sum one number over the ranks and stop. scripts/mpi_memory.py --hello runs it
 * (compiled with `mpicc -O2 scripts/mpi_hello.c -o mpi_hello`) under /usr/bin/time at each np, the same way
 * as emorph, so that its peak RSS per rank is what MPI alone costs a process on this machine. */
#include <mpi.h>

int main(int argc, char** argv) {
  int provided = 0;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided); /* as emorph (src/mpi/world.cpp) */
  long x = 1;
  MPI_Allreduce(MPI_IN_PLACE, &x, 1, MPI_LONG, MPI_SUM, MPI_COMM_WORLD);
  MPI_Finalize();
  return 0;
}
