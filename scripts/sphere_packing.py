"""Overlapping sphere packings made with numpy (not `emorph synth`), for the independent checks of the
grey route (issue 14: scripts/independent_packings.py, scripts/grey_ssa_check.py)."""
import numpy as np


def sphere_packing(n, rmin, rmax, fraction, rng, separated_tries=0):
    """Spheres with radii uniform in [rmin, rmax] and centres uniform in an n^3 cube, added until the
    fraction is reached. For the first `separated_tries` rejections a sphere must keep a 1-voxel gap
    to the others; after that, overlaps of up to 30 % of the radii sum are allowed."""
    labels = np.zeros((n, n, n), bool)
    centres, radii = [], []
    zz, yy, xx = np.ogrid[:n, :n, :n]
    failures = 0
    while labels.mean() < fraction and failures < 20000:
        r = rng.uniform(rmin, rmax)
        c = rng.uniform(0, n, 3)
        if centres:
            d = np.linalg.norm(np.asarray(centres) - c, axis=1)
            sums = np.asarray(radii) + r
            if np.any(d < (sums + 1 if failures < separated_tries else 0.7 * sums)):
                failures += 1
                continue
        centres.append(c)
        radii.append(r)
        lo = np.maximum(0, np.floor(c - r).astype(int))
        hi = np.minimum(n, np.ceil(c + r).astype(int) + 1)
        sub = ((zz[lo[0]:hi[0]] - c[0]) ** 2 + (yy[:, lo[1]:hi[1]] - c[1]) ** 2 +
               (xx[:, :, lo[2]:hi[2]] - c[2]) ** 2) <= r * r
        labels[lo[0]:hi[0], lo[1]:hi[1], lo[2]:hi[2]] |= sub
    return labels
