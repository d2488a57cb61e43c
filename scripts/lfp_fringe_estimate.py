#!/usr/bin/env python3
"""Issue 16 (stop 18): can the PSF width and the phase-contrast fringe strength be measured from the grey
volume itself? Validation on the simulator (estimate against the simulate_xct truth).

Image model of simulate_xct: grey = a + b (G_s * M) - c lap(G_s * M) + (matrix texture) + noise, with M the
NMC mask, G_s the Gaussian PSF of sigma s and c the phase-contrast coefficient (um^2). For a fixed s the
model is linear in (a, b, b c) and a boundary shift e |grad(G_s * M)| (a mask whose surface sits e voxels
off the true one), so it is fitted by least squares over the voxels within 3 s_max + 1 voxels of the mask's
boundary (3 s_max + 1), on a grid of s; the fitted (s, c) minimise the residual. The matrix side's LFP texture is
fitted apart by splitting the matrix voxels by their local mean grey beyond the blur (below / above the
median) when --split is given (two intercepts).

Note (heat equation): d(G_s * M)/d(s^2) = lap(G_s * M) / 2, so a fringe c and a PSF s give to first order
the same image as a PSF of s_eff^2 = s^2 - 2 c with no fringe; only the second order (c^2 lap^2 / 2)
tells them apart. The script reports s, c and s_eff against the truth.

usage: lfp_fringe_estimate.py EMORPH SAMPLE... [--masks segmented,true]   (SAMPLE: emorph synth --xct output;
the segmented mask is `emorph segment xct.tif seg.tif --classes matrix,NMC`, written into SAMPLE)
Needs numpy, scipy, tifffile (Debian's /usr/bin/python3).
"""
import argparse
import json
import os
import subprocess
import sys

import numpy as np
import tifffile
from scipy import ndimage as ndi
from scipy.stats import norm

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lfp_forward_model_sweep import binned_profile, laplacian  # noqa: E402


def run(cmd):
    subprocess.run(cmd, check=True, capture_output=True, text=True)


def fit_psf_fringe(grey, mask, sigmas, split=False):
    """Least-squares (sigma, c) in voxel units, per sigma the linear fit; returns the best and the table."""
    mask = mask.astype(np.float64)
    inside = ndi.distance_transform_edt(mask)
    outside = ndi.distance_transform_edt(1 - mask)
    table = []
    # One band for every sigma, so that the residuals compare: the blur's reach at the largest sigma.
    band = np.maximum(inside, outside) <= 3 * max(sigmas) + 1
    for s in sigmas:
        blurred = ndi.gaussian_filter(mask, s, mode="mirror")
        lap = laplacian(blurred)
        shift = np.sqrt(sum(g ** 2 for g in np.gradient(blurred)))
        cols = [blurred[band], lap[band], shift[band]]
        if split:
            # Matrix side split by the local grey beyond the blur: two levels instead of one.
            local = ndi.uniform_filter(grey * (1 - mask), 9) / np.maximum(ndi.uniform_filter(1 - mask, 9), 1e-6)
            rich = (local > np.median(local[band & (mask == 0)])).astype(np.float64)
            cols += [np.ones(band.sum()), rich[band] * (1 - blurred[band])]
        else:
            cols += [np.ones(band.sum())]
        a = np.stack(cols, 1)
        y = grey[band]
        coef, res, *_ = np.linalg.lstsq(a, y, rcond=None)
        rms = np.sqrt(np.mean((a @ coef - y) ** 2))
        b, d = coef[0], coef[1]
        table.append((s, -d / b, rms, coef[2] / b))
    best = min(table, key=lambda t: t[2])
    return best, table


def fit_inside_profile(grey, mask):
    """(sigma, c) in voxel units from the mean grey against the depth inside the mask: a blurred step whose
    deep side overshoots the plateau by c / sigma^2 u phi(u) (the fringe); the matrix side is left out,
    so the LFP density next to NMC does not enter."""
    depth = ndi.distance_transform_edt(mask)[mask] - 0.5
    at, mean = binned_profile(depth, grey[mask], np.arange(0.0, 12.01, 0.5))

    # For a fixed (sigma, shift) the model plateau - rise sf(u) + rise c / sigma^2 u phi(u) is linear in
    # (plateau, rise, rise c): least squares on a grid.
    best = None
    for sigma in np.arange(0.5, 3.01, 0.05):
        for shift in np.arange(-1.5, 1.51, 0.1):
            u = (at + shift) / sigma
            a = np.stack([np.ones_like(u), -norm.sf(u), u * norm.pdf(u) / sigma ** 2], 1)
            coef = np.linalg.lstsq(a, mean, rcond=None)[0]
            rss = np.sum((a @ coef - mean) ** 2)
            if coef[1] > 0 and (best is None or rss < best[0]):
                best = (rss, sigma, coef[2] / coef[1])
    return best[1], best[2]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("emorph")
    ap.add_argument("samples", nargs="+", help="emorph synth --xct output folders (xct.tif, labels.tif, truth.json)")
    ap.add_argument("--masks", default="segmented,true", help="NMC masks to fit with: segmented, true")
    ap.add_argument("--split", action="store_true")
    ap.add_argument("--no-3d", action="store_true", help="only the inside-profile fit (the 3D fit is slow)")
    a = ap.parse_args()
    sigmas = np.arange(0.5, 3.01, 0.1)
    print("| sample | PSF um | fringe um^2 | mask | 3D fit: PSF um | fringe um^2 | s_eff um (true) | "
          "inside profile: PSF um | fringe um^2 |")
    print("|---|---|---|---|---|---|---|---|---|")
    for d in a.samples:
        seg = os.path.join(d, "seg.tif")
        if "segmented" in a.masks and not os.path.exists(seg):
            run([a.emorph, "segment", os.path.join(d, "xct.tif"), seg, "--classes", "matrix,NMC"])
        truth = json.load(open(os.path.join(d, "truth.json")))
        voxel = float(np.atleast_1d(truth["voxel_um"])[0])
        p, f = truth["xct"]["psf_sigma_um"], truth["xct"]["phase_contrast_um2"]
        grey = tifffile.imread(os.path.join(d, "xct.tif")).astype(np.float64)
        for kind in a.masks.split(","):
            mask = tifffile.imread(seg if kind == "segmented" else os.path.join(d, "labels.tif")) == 1
            (s, c, rms, e), _ = ((np.nan, np.nan, 0, 0), None) if a.no_3d else fit_psf_fringe(grey, mask, sigmas, a.split)
            s_eff_true = np.sqrt(max(p * p - 2 * f, 0))
            s_eff = np.sqrt(max((s * voxel) ** 2 - 2 * c * voxel ** 2, 0))
            si, ci = fit_inside_profile(grey, mask)
            print(f"| {os.path.basename(d.rstrip('/'))} | {p} | {f} | {kind} | {s * voxel:.3f} | {c * voxel ** 2:.4f} | "
                  f"{s_eff:.3f} ({s_eff_true:.3f}) | {si * voxel:.3f} | {ci * voxel ** 2:.4f} |", flush=True)


if __name__ == "__main__":
    main()
