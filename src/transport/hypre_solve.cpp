// Optional HYPRE back ends for the tortuosity system (Falgout & Yang 2002, hypre): CG preconditioned by
// PFMG (Ashby & Falgout 1996) on the Struct interface, as OpenImpala does, or by BoomerAMG (Henson &
// Yang 2002) on a compressed IJ system. Built only with EMORPH_WITH_HYPRE; otherwise the functions throw.
#include "hypre_solve.hpp"

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "emorph/error.hpp"
#include "emorph/parallel.hpp"

#ifdef EMORPH_WITH_HYPRE
#include <mpi.h>

#include "HYPRE.h"
#include "HYPRE_IJ_mv.h"
#include "HYPRE_parcsr_ls.h"
#include "HYPRE_struct_ls.h"
#endif

namespace emorph {

#ifdef EMORPH_WITH_HYPRE

namespace {

// HYPRE needs MPI; a process started without mpirun initialises it as a singleton world of one rank.
void ensure_mpi() {
  int initialised = 0;
  MPI_Initialized(&initialised);
  if (initialised) return;
  MPI_Init(nullptr, nullptr);
  std::atexit([] {
    int finalised = 0;
    MPI_Finalized(&finalised);
    if (!finalised) MPI_Finalize();
  });
}

void check(HYPRE_Int code, const char* what) {
  if (code != 0 && !(code & HYPRE_ERROR_CONV)) {  // non-convergence is reported through the residual
    HYPRE_ClearAllErrors();
    throw InternalError(std::string("tortuosity: HYPRE ") + what + " failed with code " + std::to_string(code));
  }
  if (code) HYPRE_ClearAllErrors();
}

// Unknowns are numbered in raster order, so those of z slices [z0, z1) are the contiguous range
// [first_unknown_from(z0), first_unknown_from(z1)).
int64_t first_unknown_from(const GridSystem& system, int64_t z) {
  if (system.own_begin >= 0) return z == own_slices(system.shape.nz).begin ? system.own_begin : system.own_end;
  const int64_t plane = system.shape.ny * system.shape.nx, cells = system.shape.nz * plane;
  for (int64_t i = z * plane; i < cells; ++i)
    if (system.unknown_of_cell[i] != kNoUnknown) return static_cast<int64_t>(system.unknown_of_cell[i]);
  return system.unknowns;
}

// Every rank solved for its own unknowns [begin, end): zero elsewhere and summed over the ranks, every
// rank gets the whole field (the fluxes are then computed as in one process).
void share_field(double* x, int64_t unknowns, int64_t begin, int64_t end) {
  std::fill(x, x + begin, 0.0);
  std::fill(x + end, x + unknowns, 0.0);
  for (int64_t k0 = 0; k0 < unknowns; k0 += int64_t(1) << 30)  // MPI counts are int
    MPI_Allreduce(MPI_IN_PLACE, x + k0, static_cast<int>(std::min<int64_t>(int64_t(1) << 30, unknowns - k0)), MPI_DOUBLE,
                  MPI_SUM, MPI_COMM_WORLD);
}

}  // namespace

bool hypre_available() { return true; }

HypreSolveResult hypre_struct_pfmg_cg(const GridSystem& system, const HypreSolveParams& params, double* x) {
  ensure_mpi();
  const Shape s = system.shape;
  // Under several MPI ranks (emorph/mpi/world.hpp) each rank holds and assembles the rows of its own z
  // slab of the grid; HYPRE exchanges the halos and runs PCG-PFMG across the ranks.
  const bool distributed = world_ranks() > 1;
  require(!distributed || s.nz >= world_ranks(),
          "tortuosity: " + std::to_string(world_ranks()) + " MPI ranks need at least as many slices (" + std::to_string(s.nz) +
              ") along z");
  const RankSlab own = own_slices(s.nz);
  require(s.ny * s.nx * (own.end - own.begin) < (int64_t(1) << 31),
          "tortuosity: --solver hypre-pfmg handles at most 2^31 voxels per process (run more MPI ranks)");
  const MPI_Comm comm = distributed ? MPI_COMM_WORLD : MPI_COMM_SELF;
  const int64_t x_base = std::max<int64_t>(system.own_begin, 0);  // x holds unknowns from here
  HYPRE_Int lower[3] = {0, 0, HYPRE_Int(own.begin)};
  HYPRE_Int upper[3] = {HYPRE_Int(s.nx - 1), HYPRE_Int(s.ny - 1), HYPRE_Int(own.end - 1)};

  HYPRE_StructGrid grid;
  HYPRE_StructGridCreate(comm, 3, &grid);
  HYPRE_StructGridSetExtents(grid, lower, upper);
  HYPRE_StructGridAssemble(grid);
  // Symmetric storage: the centre and the three lower neighbours (x, y, z); the upper ones are implied.
  HYPRE_Int offsets[4][3] = {{0, 0, 0}, {-1, 0, 0}, {0, -1, 0}, {0, 0, -1}};
  HYPRE_StructStencil stencil;
  HYPRE_StructStencilCreate(3, 4, &stencil);
  for (HYPRE_Int e = 0; e < 4; ++e) HYPRE_StructStencilSetElement(stencil, e, offsets[e]);
  HYPRE_StructMatrix a;
  HYPRE_StructMatrixCreate(comm, grid, stencil, &a);
  HYPRE_StructMatrixSetSymmetric(a, 1);
  HYPRE_StructMatrixInitialize(a);
  HYPRE_StructVector b, xv;
  HYPRE_StructVectorCreate(comm, grid, &b);
  HYPRE_StructVectorCreate(comm, grid, &xv);
  HYPRE_StructVectorInitialize(b);
  HYPRE_StructVectorInitialize(xv);

  // Values go in one z plane at a time, so the staging buffers stay small.
  const int64_t plane = s.ny * s.nx;
  std::vector<double> values(static_cast<std::size_t>(4 * plane)), bp(static_cast<std::size_t>(plane)),
      xp(static_cast<std::size_t>(plane));
  HYPRE_Int entries[4] = {0, 1, 2, 3};
  for (int64_t z = own.begin; z < own.end; ++z) {
    for (int64_t i = 0; i < plane; ++i) {
      const uint32_t k = system.cell(z, i);
      double* v = &values[4 * i];
      if (k == kNoUnknown) {
        v[0] = 1;  // identity row: x = 0, decoupled from its neighbours (their links to it are 0 too)
        v[1] = v[2] = v[3] = 0;
        bp[i] = xp[i] = 0;
        continue;
      }
      double g[3], diagonal, rhs;
      system.row(k, g, diagonal, rhs);
      v[0] = diagonal;
      v[1] = -g[2];
      v[2] = -g[1];
      v[3] = -g[0];
      bp[i] = rhs;
      xp[i] = x[k - x_base];
    }
    HYPRE_Int lo[3] = {0, 0, HYPRE_Int(z)}, hi[3] = {HYPRE_Int(s.nx - 1), HYPRE_Int(s.ny - 1), HYPRE_Int(z)};
    HYPRE_StructMatrixSetBoxValues(a, lo, hi, 4, entries, values.data());
    HYPRE_StructVectorSetBoxValues(b, lo, hi, bp.data());
    HYPRE_StructVectorSetBoxValues(xv, lo, hi, xp.data());
  }
  values = {};
  HYPRE_StructMatrixAssemble(a);
  HYPRE_StructVectorAssemble(b);
  HYPRE_StructVectorAssemble(xv);

  HYPRE_StructSolver pcg, pfmg;
  HYPRE_StructPCGCreate(comm, &pcg);
  HYPRE_StructPCGSetTol(pcg, params.tolerance);
  HYPRE_StructPCGSetTwoNorm(pcg, 1);  // ||r||_2 / ||b||_2, emorph's own criterion
  HYPRE_StructPCGSetMaxIter(pcg, HYPRE_Int(std::min<int64_t>(params.max_iterations, 1 << 30)));
  HYPRE_StructPFMGCreate(comm, &pfmg);
  HYPRE_StructPFMGSetMaxIter(pfmg, 1);
  HYPRE_StructPFMGSetTol(pfmg, 0.0);
  HYPRE_StructPFMGSetZeroGuess(pfmg);
  HYPRE_StructPFMGSetRAPType(pfmg, 0);    // Galerkin coarse operators: the conductances jump (pore/solid)
  // Weighted Jacobi: symmetric, as CG needs; red-black Gauss-Seidel (type 2) stops with HYPRE error 1 on
  // this symmetric-storage matrix with identity rows.
  HYPRE_StructPFMGSetRelaxType(pfmg, 1);
  HYPRE_StructPFMGSetNumPreRelax(pfmg, 1);
  HYPRE_StructPFMGSetNumPostRelax(pfmg, 1);
  HYPRE_StructPCGSetPrecond(pcg, HYPRE_StructPFMGSolve, HYPRE_StructPFMGSetup, pfmg);
  check(HYPRE_StructPCGSetup(pcg, a, b, xv), "PFMG set-up");
  check(HYPRE_StructPCGSolve(pcg, a, b, xv), "PCG solve");
  HypreSolveResult r;
  HYPRE_Int iterations = 0;
  HYPRE_StructPCGGetNumIterations(pcg, &iterations);
  HYPRE_StructPCGGetFinalRelativeResidualNorm(pcg, &r.relative_residual);
  r.iterations = iterations;

  for (int64_t z = own.begin; z < own.end; ++z) {
    HYPRE_Int lo[3] = {0, 0, HYPRE_Int(z)}, hi[3] = {HYPRE_Int(s.nx - 1), HYPRE_Int(s.ny - 1), HYPRE_Int(z)};
    HYPRE_StructVectorGetBoxValues(xv, lo, hi, xp.data());
    for (int64_t i = 0; i < plane; ++i) {
      const uint32_t k = system.cell(z, i);
      if (k != kNoUnknown) x[k - x_base] = xp[i];
    }
  }
  if (distributed && system.own_begin < 0)
    share_field(x, system.unknowns, first_unknown_from(system, own.begin), first_unknown_from(system, own.end));
  HYPRE_StructPFMGDestroy(pfmg);
  HYPRE_StructPCGDestroy(pcg);
  HYPRE_StructVectorDestroy(xv);
  HYPRE_StructVectorDestroy(b);
  HYPRE_StructMatrixDestroy(a);
  HYPRE_StructStencilDestroy(stencil);
  HYPRE_StructGridDestroy(grid);
  return r;
}

HypreSolveResult hypre_ij_boomeramg_cg(const GridSystem& system, const HypreSolveParams& params, double* x) {
  ensure_mpi();
  const Shape s = system.shape;
  const int64_t m = system.unknowns;
  require(m < (int64_t(1) << 31), "tortuosity: --solver hypre-boomeramg handles at most 2^31 unknowns");
  // Under several MPI ranks each rank assembles the rows of its own z slab (a contiguous range).
  const bool distributed = world_ranks() > 1;
  const int64_t plane = s.ny * s.nx;
  const RankSlab own = own_slices(s.nz);
  const int64_t row_begin = first_unknown_from(system, own.begin), row_end = first_unknown_from(system, own.end);
  const int64_t local = row_end - row_begin;
  const MPI_Comm comm = distributed ? MPI_COMM_WORLD : MPI_COMM_SELF;
  HYPRE_IJMatrix a;
  HYPRE_IJMatrixCreate(comm, row_begin, HYPRE_BigInt(row_end - 1), row_begin, HYPRE_BigInt(row_end - 1), &a);
  HYPRE_IJMatrixSetObjectType(a, HYPRE_PARCSR);
  {
    std::vector<HYPRE_Int> sizes(static_cast<std::size_t>(local), 7);
    HYPRE_IJMatrixSetRowSizes(a, sizes.data());
  }
  HYPRE_IJMatrixInitialize(a);
  HYPRE_IJVector b, xv;
  HYPRE_IJVectorCreate(comm, row_begin, HYPRE_BigInt(row_end - 1), &b);
  HYPRE_IJVectorCreate(comm, row_begin, HYPRE_BigInt(row_end - 1), &xv);
  HYPRE_IJVectorSetObjectType(b, HYPRE_PARCSR);
  HYPRE_IJVectorSetObjectType(xv, HYPRE_PARCSR);
  HYPRE_IJVectorInitialize(b);
  HYPRE_IJVectorInitialize(xv);

  // Rows in unknown order (raster order of the percolating cells); the upper links are the lower links
  // of the upper neighbours, so each row needs its neighbours' rows too: read them through the grid.
  const int64_t step[3] = {plane, s.nx, 1};
  std::vector<double> rhs_all(static_cast<std::size_t>(local));
  std::vector<HYPRE_BigInt> rows(static_cast<std::size_t>(local));
  for (int64_t z = own.begin; z < own.end; ++z)
    for (int64_t y = 0; y < s.ny; ++y)
      for (int64_t xx = 0; xx < s.nx; ++xx) {
        const int64_t i = y * s.nx + xx;  // within plane z; neighbours at i -/+ step, plane z -/+ 1 for d = 0
        const uint32_t k = system.cell(z, i);
        if (k == kNoUnknown) continue;
        double g[3], diagonal, rhs;
        system.row(k, g, diagonal, rhs);
        HYPRE_BigInt cols[7];
        double vals[7];
        HYPRE_Int n = 0;
        cols[n] = k;
        vals[n++] = diagonal;
        const int64_t pos[3] = {z, y, xx}, extent[3] = {s.nz, s.ny, s.nx};
        for (int d = 0; d < 3; ++d) {
          if (g[d] != 0) {
            cols[n] = system.cell(z, i - step[d]);
            vals[n++] = -g[d];
          }
          if (pos[d] + 1 < extent[d]) {
            const uint32_t j = system.cell(z, i + step[d]);
            if (j == kNoUnknown) continue;
            double gj[3], dj, rj;
            system.row(j, gj, dj, rj);
            if (gj[d] != 0) {
              cols[n] = j;
              vals[n++] = -gj[d];
            }
          }
        }
        HYPRE_BigInt row = k;
        HYPRE_IJMatrixSetValues(a, 1, &n, &row, cols, vals);
        rhs_all[k - row_begin] = rhs;
        rows[k - row_begin] = k;
      }
  HYPRE_IJVectorSetValues(b, HYPRE_Int(local), rows.data(), rhs_all.data());
  const int64_t x_base = system.own_begin >= 0 ? system.own_begin : 0;  // x holds unknowns from here
  HYPRE_IJVectorSetValues(xv, HYPRE_Int(local), rows.data(), x + row_begin - x_base);
  rhs_all = {};
  HYPRE_IJMatrixAssemble(a);
  HYPRE_IJVectorAssemble(b);
  HYPRE_IJVectorAssemble(xv);
  HYPRE_ParCSRMatrix pa;
  HYPRE_ParVector pb, px;
  HYPRE_IJMatrixGetObject(a, reinterpret_cast<void**>(&pa));
  HYPRE_IJVectorGetObject(b, reinterpret_cast<void**>(&pb));
  HYPRE_IJVectorGetObject(xv, reinterpret_cast<void**>(&px));

  HYPRE_Solver pcg, amg;
  HYPRE_ParCSRPCGCreate(comm, &pcg);
  HYPRE_PCGSetTol(pcg, params.tolerance);
  HYPRE_PCGSetTwoNorm(pcg, 1);
  HYPRE_PCGSetMaxIter(pcg, HYPRE_Int(std::min<int64_t>(params.max_iterations, 1 << 30)));
  HYPRE_BoomerAMGCreate(&amg);
  HYPRE_BoomerAMGSetMaxIter(amg, 1);
  HYPRE_BoomerAMGSetTol(amg, 0.0);
  HYPRE_BoomerAMGSetCoarsenType(amg, 10);  // HMIS, with
  HYPRE_BoomerAMGSetInterpType(amg, 6);    // extended+i interpolation: hypre's recommended 3D set-up
  HYPRE_BoomerAMGSetPMaxElmts(amg, 4);
  HYPRE_BoomerAMGSetStrongThreshold(amg, 0.5);
  HYPRE_BoomerAMGSetRelaxType(amg, 8);  // symmetric hybrid Gauss-Seidel: a symmetric preconditioner for CG
  HYPRE_BoomerAMGSetNumSweeps(amg, 1);
  HYPRE_PCGSetPrecond(pcg, reinterpret_cast<HYPRE_PtrToSolverFcn>(HYPRE_BoomerAMGSolve),
                      reinterpret_cast<HYPRE_PtrToSolverFcn>(HYPRE_BoomerAMGSetup), amg);
  check(HYPRE_ParCSRPCGSetup(pcg, pa, pb, px), "BoomerAMG set-up");
  check(HYPRE_ParCSRPCGSolve(pcg, pa, pb, px), "PCG solve");
  HypreSolveResult r;
  HYPRE_Int iterations = 0;
  HYPRE_PCGGetNumIterations(pcg, &iterations);
  HYPRE_PCGGetFinalRelativeResidualNorm(pcg, &r.relative_residual);
  r.iterations = iterations;
  HYPRE_IJVectorGetValues(xv, HYPRE_Int(local), rows.data(), x + row_begin - x_base);
  if (distributed && system.own_begin < 0) share_field(x, m, row_begin, row_end);
  HYPRE_BoomerAMGDestroy(amg);
  HYPRE_ParCSRPCGDestroy(pcg);
  HYPRE_IJVectorDestroy(xv);
  HYPRE_IJVectorDestroy(b);
  HYPRE_IJMatrixDestroy(a);
  return r;
}

#else

bool hypre_available() { return false; }

HypreSolveResult hypre_struct_pfmg_cg(const GridSystem&, const HypreSolveParams&, double*) {
  throw InputError("--solver hypre-pfmg: this emorph was built without HYPRE (cmake -DEMORPH_WITH_HYPRE=ON)");
}
HypreSolveResult hypre_ij_boomeramg_cg(const GridSystem&, const HypreSolveParams&, double*) {
  throw InputError("--solver hypre-boomeramg: this emorph was built without HYPRE (cmake -DEMORPH_WITH_HYPRE=ON)");
}

#endif

}  // namespace emorph
