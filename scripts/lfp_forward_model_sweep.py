#!/usr/bin/env python3
"""Issue 16 (stop 17): the PSF forward model of scripts/lfp_forward_model_check.py with the PSF width
estimated from the image, over the acceptance's NMC-bearing targets (F, H; J and K have no NMC, so the
model does not apply), known-mean route, against the shipped route.

Per case: `emorph synth` as scripts/lfp_grey_acceptance.py (same presets, seeds, imaging conditions and
LFP gradient), `emorph analyze --lfp-mean (true) --pore-grey (scan's)` with labels.tif; the PSF sigma
fitted to the mean grey against the signed distance to analyze's NMC boundary (blurred step + a
Laplacian fringe term, from 2 voxels outside NMC to 8 inside); per slice the least-squares fit of the
grey to blur(NMC) g_NMC + blur(matrix) g + blur(matrix within 1.5 um of NMC) h + blur(NMC's inner edge
voxels) e (the edge column takes up where the segmentation put the boundary); the slice's matrix grey
g + h x near share; matrix fraction unmixed from the slice mean grey; LFP scaled to the true bulk mean.
Also the Wiener deconvolution (fitted Gaussian PSF, lambda 0.1, unit gain at zero frequency) and the mean of
the deconvolved matrix beyond 1.5 voxels of NMC. Tolerances as the acceptance: slope within 20 % or 0.02 vol%/um, RSD within 2 points.

usage: lfp_forward_model_sweep.py EMORPH OUT [--seeds 1,2,3] [--targets F,H]
Needs numpy, scipy, tifffile (Debian's /usr/bin/python3).
"""
import argparse
import json
import os
import subprocess

import numpy as np
import tifffile
from scipy import ndimage as ndi
from scipy.optimize import curve_fit
from scipy.stats import norm

CONDITIONS = {  # as scripts/lfp_grey_acceptance.py
    "psf0.4": ["--psf", "0.4", "--noise-sigma", "0.05"],
    "psf0.7+fringes": ["--psf", "0.7", "--noise-sigma", "0.05", "--phase-contrast", "0.08"],
    "psf0.4+fringes+noise": ["--psf", "0.4", "--noise-sigma", "0.1", "--phase-contrast", "0.05"],
}
CONFIG = ("[measure]\nsurface = false\ngranulometry = []\nparticles = []\ntortuosity = []\n"
          "[output]\nslices = false\n")
SURFACE_LAYER_UM = {"H": 10.0}
NEAR_UM = 1.5


def binned_profile(x, y, edges, least=200):
    """Mean x and mean y of the bins of x (bins with more than `least` voxels)."""
    which = np.digitize(x, edges)
    at, mean = [], []
    for i in range(1, len(edges)):
        m = which == i
        if m.sum() > least:
            at.append(x[m].mean())
            mean.append(y[m].mean())
    return np.array(at), np.array(mean)


def estimate_psf_sigma(grey, nmc):
    """PSF sigma in voxels: blurred step + fringe fitted to the mean grey per signed-distance bin."""
    signed = np.where(nmc, ndi.distance_transform_edt(nmc) - 0.5, 0.5 - ndi.distance_transform_edt(~nmc))
    at, mean = binned_profile(signed, grey, np.arange(-2.0, 8.01, 0.5))

    def step(x, low, rise, sigma, fringe, centre):
        u = (x - centre) / sigma
        return low + rise * norm.cdf(u) + fringe * rise * (x - centre) * norm.pdf(u) / sigma ** 3

    p, _ = curve_fit(step, at, mean, p0=[mean.min(), mean.max() - mean.min(), 2.0, 0.5, 0.0], maxfev=20000)
    return abs(p[2])


def forward_model_matrix_grey(grey, nmc, g_nmc, sigma, voxel, fringe=0.0, fringe_column=False):
    """Per slice least squares of grey - g_NMC op(NMC) on op(matrix), op(near shell), op(NMC edge), with
    op(m) = G_s * m - fringe lap(G_s * m) (voxel units); the slice's matrix grey g + h x near share.
    fringe_column: one more column, the Laplacian of op(NMC) (the fringe the Gaussian leaves); then also
    returns its coefficient per slice over the NMC/matrix contrast (voxel^2; minus the unabsorbed fringe)."""
    def blur(m):
        b = ndi.gaussian_filter(m.astype(np.float64), sigma, mode="mirror")
        return b - fringe * ndi.laplace(b, mode="mirror") if fringe else b
    b_nmc = blur(nmc)
    near = ~nmc & (ndi.distance_transform_edt(~nmc) * voxel <= NEAR_UM)
    b_near, b_edge = blur(near), blur(nmc & ~ndi.binary_erosion(nmc))
    lap = laplacian(b_nmc) if fringe_column else None
    g = np.full(grey.shape[0], np.nan)
    fringe_per_contrast = np.full(grey.shape[0], np.nan)
    for k in range(grey.shape[0]):
        matrix = ~nmc[k]
        if not matrix.any():
            continue
        columns = [(1 - b_nmc[k]).ravel(), b_near[k].ravel(), b_edge[k].ravel()] + ([lap[k].ravel()] if fringe_column else [])
        coef = np.linalg.lstsq(np.stack(columns, 1), (grey[k] - g_nmc * b_nmc[k]).ravel(), rcond=None)[0]
        g[k] = coef[0] + coef[1] * near[k][matrix].mean()
        if fringe_column:
            fringe_per_contrast[k] = coef[3] / (g_nmc - coef[0])
    return (g, fringe_per_contrast) if fringe_column else g


def laplacian(v):
    """The simulator's 6-neighbour Laplacian (voxel units), mirrored at the border."""
    p = np.pad(v, 1, mode="reflect")
    return (p[:-2, 1:-1, 1:-1] + p[2:, 1:-1, 1:-1] + p[1:-1, :-2, 1:-1] + p[1:-1, 2:, 1:-1] +
            p[1:-1, 1:-1, :-2] + p[1:-1, 1:-1, 2:] - 6 * v)


def wiener_matrix_grey(grey, nmc, sigma, lam=0.1, excl_voxels=1.5, pad=16):
    """Mean of the Wiener-deconvolved (Gaussian PSF, unit gain at zero frequency) matrix beyond excl_voxels of NMC."""
    padded = np.pad(grey, pad, mode="reflect")
    k = np.meshgrid(*[np.fft.fftfreq(n) * 2 * np.pi for n in padded.shape], indexing="ij")
    h = np.exp(-0.5 * sigma ** 2 * sum(ki ** 2 for ki in k))
    restored = np.real(np.fft.ifftn(np.fft.fftn(padded) * h * (1 + lam) / (h * h + lam)))[pad:-pad, pad:-pad, pad:-pad]
    matrix = ~nmc & (ndi.distance_transform_edt(~nmc) > excl_voxels)
    return (restored * matrix).sum((1, 2)) / np.maximum(matrix.sum((1, 2)), 1)


def load_case(sample, results_dir, mask_path):
    """analyze's results, the grey, the true labels, the NMC mask, the voxel size, the bulk slices and the
    slice positions (um) of one case."""
    res = json.load(open(os.path.join(results_dir, "results.json")))["results"]
    grey = tifffile.imread(os.path.join(sample, "xct.tif")).astype(np.float64)
    labels = tifffile.imread(os.path.join(sample, "labels.tif"))
    nmc = tifffile.imread(mask_path) == 1
    voxel = res["profiles"]["slice_um"]
    bulk = res["profiles"]["bulk"]
    return (res, grey, labels, nmc, voxel, slice(bulk["first_slice"], bulk["last_slice"] + 1),
            (np.arange(grey.shape[0]) + 0.5) * voxel)


def run(cmd):
    subprocess.run(cmd, check=True, capture_output=True, text=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("emorph")
    ap.add_argument("out")
    ap.add_argument("--seeds", default="1,2,3")
    ap.add_argument("--targets", default="F,H")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    rows = []
    print("| preset | imaging | seed | sigma um (fitted) | true slope | forward model | Wiener | shipped | true RSD | "
          "forward model | Wiener | shipped | forward model ok | Wiener ok | shipped ok |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for preset in a.targets.split(","):
        config = os.path.join(a.out, f"{preset}.toml")
        with open(config, "w") as f:
            f.write(CONFIG + (f"[profile]\nexclude_surface_um = {SURFACE_LAYER_UM[preset]}\n" if preset in SURFACE_LAYER_UM else ""))
        for condition, imaging in CONDITIONS.items():
            for seed in [int(s) for s in a.seeds.split(",")]:
                d = os.path.join(a.out, f"{preset}_{condition}_{seed}")
                if not os.path.exists(os.path.join(d, "truth.json")):
                    run([a.emorph, "synth", "--preset", preset, "--size", "128", "--seed", str(seed), "--xct", "--out", d,
                         "--lfp-gradient", "0.002"] + imaging)
                truth = json.load(open(os.path.join(d, "truth.json")))
                res_dir = d + "_res"
                if not os.path.exists(os.path.join(res_dir, "results.json")):
                    run([a.emorph, "analyze", os.path.join(d, "xct.tif"), "--out", res_dir, "--config", config,
                         "--lfp-mean", str(truth["phases"]["LFP"]["volume_fraction"]),
                         "--pore-grey", str(truth["xct"]["grey_of_phase"]["pore"])])
                res, grey, labels, nmc, voxel, sl, pos = load_case(d, res_dir, os.path.join(res_dir, "labels.tif"))
                fit = lambda y: np.polyfit(pos[sl], y[sl], 1)[0]
                rsd = lambda y: 100 * y[sl].std() / y[sl].mean()
                lfp_true = (labels == 2).mean((1, 2))
                sigma = estimate_psf_sigma(grey, nmc)
                g_nmc = res["grey_profile"]["bright_mean_grey"]

                def lfp_of(g):
                    matrix_fraction = np.clip((g_nmc - grey.mean((1, 2))) / (g_nmc - g), 0, 1)
                    lfp = (g - truth["xct"]["grey_of_phase"]["pore"]) * matrix_fraction
                    return lfp * lfp_true[sl].mean() / lfp[sl].mean()

                lfp = lfp_of(forward_model_matrix_grey(grey, nmc, g_nmc, sigma, voxel))
                wiener = lfp_of(wiener_matrix_grey(grey, nmc, sigma))
                shipped = res["profiles"]["phases"]["LFP"]
                t_slope, t_rsd = 100 * fit(lfp_true), rsd(lfp_true)
                tol = max(0.2 * abs(t_slope), 0.02)
                ok = lambda s, r: abs(s - t_slope) <= tol and abs(r - t_rsd) <= 2
                row = (preset, condition, seed, sigma * voxel, t_slope, 100 * fit(lfp), 100 * shipped["slope_per_um"],
                       t_rsd, rsd(lfp), shipped["rsd_percent"], ok(100 * fit(lfp), rsd(lfp)),
                       ok(100 * shipped["slope_per_um"], shipped["rsd_percent"]), 100 * fit(wiener), rsd(wiener),
                       ok(100 * fit(wiener), rsd(wiener)))
                rows.append(row)
                print("| {} | {} | {} | {:.3f} | {:.4f} | {:.4f} | {:.4f} | {:.4f} | {:.2f} | {:.2f} | {:.2f} | {:.2f} | {} | {} | {} |"
                      .format(*row[:5], row[5], row[12], row[6], row[7], row[8], row[13], row[9],
                              *["yes" if x else "NO" for x in (row[10], row[14], row[11])]), flush=True)
    print(f"forward model met {sum(r[10] for r in rows)} / {len(rows)}; Wiener {sum(r[14] for r in rows)} / {len(rows)}; "
          f"shipped route {sum(r[11] for r in rows)} / {len(rows)}")


if __name__ == "__main__":
    main()
