#!/usr/bin/python3
"""Issue 14 point 2, a candidate threshold measured outside emorph: the forward-model fit.

For a linear imaging model (grey = D + (B - D) * (PSF * chi) + noise) choose, among the thresholds of
the 3x3x3 median image, the one whose binary set chi, blurred by a Gaussian PSF and scaled by the
least-squares D and B - D, best reproduces the raw grey (smallest residual); the PSF sigma is fitted
the same way. Unlike the mean-grey fraction estimate it needs no pure-phase plateau (small particles,
strong blur). Gate: the fit is used only where its residual RMS is at most GATE x the input noise sigma
(from neighbouring voxels, as noise_estimate.hpp): where the linear two-level model does not explain
the image (real slices: 6.7 to 8 x) the default stands.

Inputs: the volumes `bench/bench_accuracy --dump DIR` writes (matrix cells, 96^3), the real nano-CT
slices, and the independent packings of scripts/independent_packings.py.
Usage: /usr/bin/python3 scripts/xct_forward_fit_check.py DUMP_DIR [--cells SUB] [--real DIR] [--independent]
Needs numpy, scipy, scikit-image, tifffile (Debian's /usr/bin/python3).
"""
import argparse
import glob
import os
import re
from collections import defaultdict

import numpy as np
import tifffile
from scipy import ndimage as ndi
from skimage.filters import threshold_otsu

GATE = 1.5
SIGMAS = [0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0]


def fit_residual(grey, chi, sigma):
    """Least-squares D, B - D of grey ~ D + (B - D) * G_sigma(chi): residual sum of squares."""
    blurred = ndi.gaussian_filter(chi.astype(np.float32), sigma).ravel().astype(np.float64)
    g = grey.ravel()
    bm, gm = blurred.mean(), g.mean()
    vb = blurred @ blurred / g.size - bm * bm
    cov = blurred @ g / g.size - bm * gm
    vg = g @ g / g.size - gm * gm
    step = cov / vb if vb > 0 else 0.0
    return g.size * (vg - cov * step), gm - step * bm, step


def forward_fit_threshold(grey, med):
    """Threshold of `med` (its bright fraction) chosen by the forward-model fit, the PSF sigma, the
    residual RMS, D and B - D."""
    ordered = np.sort(med.ravel())
    def set_of(fraction):
        return med > ordered[min(ordered.size - 1, int((1 - fraction) * ordered.size))]
    f = float((med > threshold_otsu(med)).mean())
    sigma = SIGMAS[int(np.argmin([fit_residual(grey, set_of(f), s)[0] for s in SIGMAS]))]
    for step, span in ((0.01, 0.08), (0.002, 0.012)):
        candidates = [f + d for d in np.arange(-span, span + 1e-9, step) if 0.002 < f + d < 0.998]
        rss = [fit_residual(grey, set_of(c), sigma)[0] for c in candidates]
        f = candidates[int(np.argmin(rss))]
        if step == 0.01:  # the PSF again at the better set
            sigma = SIGMAS[int(np.argmin([fit_residual(grey, set_of(f), s)[0] for s in SIGMAS]))]
    rss, dark, contrast = fit_residual(grey, set_of(f), sigma)
    return set_of(f), sigma, np.sqrt(rss / grey.size), dark, contrast


def noise_sigma(grey):
    """Noise sigma from neighbouring voxels: 1.4826 x the MAD of differences along x, over sqrt 2."""
    d = np.diff(grey, axis=-1).ravel()
    return 1.4826 * np.median(np.abs(d - np.median(d))) / np.sqrt(2)


def dice(a, b):
    return 2.0 * np.count_nonzero(a & b) / (np.count_nonzero(a) + np.count_nonzero(b))


def evaluate(grey, truth):
    grey = grey.astype(np.float64)
    med = ndi.median_filter(grey, size=3)
    chi, sigma, rms, dark, contrast = forward_fit_threshold(grey, med)
    return dict(err=100 * (chi.mean() - truth.mean()), dice=dice(chi, truth), sigma=sigma,
                ratio=rms / noise_sigma(grey), dark=dark, contrast=contrast)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dump", nargs="?", help="folder written by bench_accuracy --dump")
    ap.add_argument("--cells", default="", help="SUB1|SUB2: only cells whose name holds one of these")
    ap.add_argument("--real", default="", help="folder of the real nano-CT slices N.tif, N_label.tif")
    args = ap.parse_args()
    if args.real:
        for k in (1, 100, 200, 300, 400):
            grey = tifffile.imread(f"{args.real}/{k}.tif").squeeze()
            truth = tifffile.imread(f"{args.real}/{k}_label.tif").squeeze() == 0
            r = evaluate(grey, truth)
            print(f"slice {k:3d}: fit Dice {r['dice']:.4f} err {r['err']:+.2f} vol% sigma {r['sigma']} "
                  f"residual/noise {r['ratio']:.2f} -> {'fit' if r['ratio'] <= GATE else 'default (gate)'}", flush=True)
    if not args.dump:
        return
    by_cell = defaultdict(list)
    for path in sorted(glob.glob(os.path.join(args.dump, "*_truth.u8"))):
        stem = path[: -len("_truth.u8")]
        cell = re.sub(r"_s\d+$", "", os.path.basename(stem))
        if cell.startswith("LIMIT") or (args.cells and not any(s in cell for s in args.cells.split("|"))):
            continue
        grey_path = glob.glob(stem + "_grey.*")[0]
        grey = np.fromfile(grey_path, np.uint8 if grey_path.endswith("u8") else np.uint16)
        n = round(grey.size ** (1 / 3))
        r = evaluate(grey.reshape(n, n, n), np.fromfile(path, np.uint8).reshape(n, n, n) == 1)
        by_cell[cell].append(r)
        print(f"  {os.path.basename(stem):34s} err {r['err']:+6.2f} dice {r['dice']:.4f} sigma {r['sigma']:.2f} "
              f"ratio {r['ratio']:.2f} D {r['dark']:.0f} B-D {r['contrast']:.0f}", flush=True)
    print(f"{'cell':28s} {'fit err vol% mean[worst]':>26s} {'Dice':>7s} {'sigma':>6s} {'res/noise max':>13s} gate")
    for cell, rows in by_cell.items():
        errs = [r["err"] for r in rows]
        worst = max(errs, key=abs)
        print(f"{cell:28s} {np.mean(errs):+10.2f}[{worst:+6.2f}] {np.mean([r['dice'] for r in rows]):13.4f} "
              f"{np.mean([r['sigma'] for r in rows]):6.2f} {max(r['ratio'] for r in rows):13.2f} "
              f"{'fit' if all(r['ratio'] <= GATE for r in rows) else 'default'}", flush=True)


if __name__ == "__main__":
    main()
