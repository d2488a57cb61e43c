#!/usr/bin/python3
"""Peer for bench_tortuosity: the same finite-volume system as emorph (harmonic face conductances,
Dirichlet faces half a voxel from the end slices, only the 6-connected percolating part of the phase),
assembled with numpy/scipy.sparse and solved by scipy.sparse.linalg.cg with a Jacobi preconditioner.

usage: tortuosity_peer.py LABELS.raw NZ NY NX AXIS PHASE_LABEL TOL [DZ DY DX] [--time-cap SECONDS]
Prints one line of "name value" pairs in bench_tortuosity's format. With --time-cap, CG stops after that
many seconds (checked once per iteration): the line then says "capped", with the true relative residual
and tau of the last iterate, and the seconds per iteration (to extrapolate the time to tolerance).
"""
import resource
import sys
import time

import numpy as np
import scipy.ndimage as ndi
import scipy.sparse as sp
import scipy.sparse.linalg as spla


class Capped(Exception):
    pass


def main():
    cap = None
    if "--time-cap" in sys.argv:
        at = sys.argv.index("--time-cap")
        cap = float(sys.argv[at + 1])
        del sys.argv[at:at + 2]
    path = sys.argv[1]
    shape = tuple(int(v) for v in sys.argv[2:5])
    axis, phase, tol = int(sys.argv[5]), int(sys.argv[6]), float(sys.argv[7])
    spacing = [float(v) for v in sys.argv[8:11]] if len(sys.argv) > 8 else [1.0, 1.0, 1.0]
    t0 = time.perf_counter()
    labels = np.fromfile(path, dtype=np.uint8).reshape(shape)
    mask = labels == phase
    eps = mask.mean()
    comp, _ = ndi.label(mask)  # 6-connectivity (default structure)
    first = np.take(comp, 0, axis=axis)
    last = np.take(comp, shape[axis] - 1, axis=axis)
    keep = np.intersect1d(np.unique(first[first > 0]), np.unique(last[last > 0]))
    perc = np.isin(comp, keep)
    del comp
    n = int(perc.sum())
    if n == 0:
        print("tau inf deff 0 (no percolating path)")
        return
    index = np.full(shape, -1, dtype=np.int64)
    index[perc] = np.arange(n)
    area = [spacing[1] * spacing[2], spacing[0] * spacing[2], spacing[0] * spacing[1]]
    rows, cols, vals = [], [], []
    diag = np.zeros(n)
    for d in range(3):
        g = area[d] / spacing[d]
        lo = [slice(None)] * 3
        hi = [slice(None)] * 3
        lo[d] = slice(0, shape[d] - 1)
        hi[d] = slice(1, shape[d])
        a, b = index[tuple(lo)], index[tuple(hi)]
        both = (a >= 0) & (b >= 0)
        a, b = a[both], b[both]
        rows += [a, b]
        cols += [b, a]
        vals += [np.full(a.size, -g), np.full(a.size, -g)]
        np.add.at(diag, a, g)
        np.add.at(diag, b, g)
    gb = 2 * area[axis] / spacing[axis]
    inlet = np.take(index, 0, axis=axis)
    inlet = inlet[inlet >= 0]
    outlet = np.take(index, shape[axis] - 1, axis=axis)
    outlet = outlet[outlet >= 0]
    np.add.at(diag, inlet, gb)
    np.add.at(diag, outlet, gb)
    rhs = np.zeros(n)
    rhs[inlet] = gb
    rows.append(np.arange(n))
    cols.append(np.arange(n))
    vals.append(diag)
    A = sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(n, n))
    del rows, cols, vals, index
    M = sp.diags(1.0 / diag)
    setup = time.perf_counter() - t0
    iterations = [0]
    last = [None]
    t1 = time.perf_counter()

    def count(xk):
        iterations[0] += 1
        if cap is not None and time.perf_counter() - t1 > cap:
            last[0] = xk.copy()
            raise Capped()

    capped = False
    try:
        x, info = spla.cg(A, rhs, tol=tol, maxiter=20000, M=M, callback=count)
    except Capped:
        x, info, capped = last[0], -1, True
    solve = time.perf_counter() - t1
    residual = float(np.linalg.norm(rhs - A @ x) / np.linalg.norm(rhs))
    flux_in = float(np.sum(gb * (1.0 - x[inlet])))
    flux_out = float(np.sum(gb * x[outlet]))
    flux = 0.5 * (flux_in + flux_out)
    cross = np.prod(shape) / shape[axis] * area[axis]
    deff = flux * shape[axis] * spacing[axis] / cross
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print("%stau %.6f deff %.6f iterations %d info %d seconds %.2f (cg %.2f, setup %.2f) s_per_iteration %.4f "
          "residual %.2e mismatch %.2e unknowns %d peak_mb %.1f"
          % ("capped at %.0f s: " % cap if capped else "", eps / deff, deff, iterations[0], info, setup + solve,
             solve, setup, solve / max(iterations[0], 1), residual, abs(flux_in - flux_out) / flux, n, peak))


if __name__ == "__main__":
    main()
