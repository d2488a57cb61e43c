#!/usr/bin/env python3
"""Issue 16 (stop 18): the PSF forward model of scripts/lfp_forward_model_sweep.py with the fringe strength
estimated from the grey (scripts/lfp_fringe_estimate.py, inside profile), over the acceptance's F and H
volumes, known-mean route, against the shipped route. Variants per case:
- gaussian: the forward model with the fitted Gaussian PSF (stop 17's, fringe ignored);
- fringe: the forward model whose blur is the estimated PSF and fringe, G_s * m - c lap(G_s * m);
- gated: the Gaussian forward model only where the estimated fringe is small against the blur
  (c / s^2 <= --gate), else the shipped route;
- PSF-gated: the Gaussian forward model only where the edge fit's PSF is at least --gate-psf um (the blur
  that the shipped erosion cannot undo), else the shipped route.

Inputs: the folders of scripts/lfp_grey_acceptance.py (SAMPLE = synth output with seg.tif written by
lfp_fringe_estimate.py, SAMPLE_known_mean/results.json = analyze's known-mean result: bulk window, deep NMC
grey, shipped LFP profile). The NMC mask is `emorph segment`'s default (analyze's labels are not kept by the
acceptance).

usage: lfp_fringe_gated_sweep.py SAMPLE... [--gate 0.2] [--gate-psf 0.5]
"""
import argparse
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lfp_fringe_estimate import fit_inside_profile  # noqa: E402
from lfp_forward_model_sweep import estimate_psf_sigma, forward_model_matrix_grey, load_case  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("samples", nargs="+")
    ap.add_argument("--gate", type=float, default=0.2)
    ap.add_argument("--gate-psf", type=float, default=0.5)
    a = ap.parse_args()
    print("| sample | PSF um edge fit (true) | c/s^2 est (true) | true slope | shipped | gaussian | fringe | gated | PSF-gated "
          "| true RSD | shipped | gaussian | fringe | gated | PSF-gated | ok: shipped / gaussian / fringe / gated / PSF-gated |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    met = np.zeros(5, int)
    for d in a.samples:
        d = d.rstrip("/")
        truth = json.load(open(os.path.join(d, "truth.json")))
        res, grey, labels, nmc, voxel, sl, pos = load_case(d, d + "_known_mean", os.path.join(d, "seg.tif"))
        fit = lambda y: 100 * np.polyfit(pos[sl], y[sl], 1)[0]
        rsd = lambda y: 100 * y[sl].std() / y[sl].mean()
        lfp_true = (labels == 2).mean((1, 2))
        g_nmc = res["grey_profile"]["bright_mean_grey"]
        zero = truth["xct"]["grey_of_phase"]["pore"]

        def lfp_of(g):
            matrix_fraction = np.clip((g_nmc - grey.mean((1, 2))) / (g_nmc - g), 0, 1)
            lfp = (g - zero) * matrix_fraction
            return lfp * lfp_true[sl].mean() / lfp[sl].mean()

        sigma_edge = estimate_psf_sigma(grey, nmc)
        sigma_in, fringe_in = fit_inside_profile(grey, nmc)
        ratio = fringe_in / sigma_in ** 2
        p, f = truth["xct"]["psf_sigma_um"], truth["xct"]["phase_contrast_um2"]
        shipped = np.array(res["profiles"]["phases"]["LFP"]["fraction"], float)
        gaussian = lfp_of(forward_model_matrix_grey(grey, nmc, g_nmc, sigma_edge, voxel))
        fringe = lfp_of(forward_model_matrix_grey(grey, nmc, g_nmc, sigma_in, voxel, max(fringe_in, 0.0)))
        gated = gaussian if ratio <= a.gate else shipped
        psf_gated = gaussian if sigma_edge * voxel >= a.gate_psf else shipped
        t_slope, t_rsd = fit(lfp_true), rsd(lfp_true)
        tol = max(0.2 * abs(t_slope), 0.02)
        variants = [shipped, gaussian, fringe, gated, psf_gated]
        oks = [abs(fit(v) - t_slope) <= tol and abs(rsd(v) - t_rsd) <= 2 for v in variants]
        met += oks
        print(f"| {os.path.basename(d)} | {sigma_edge * voxel:.3f} ({p}) | {ratio:.2f} ({f / p ** 2:.2f}) | {t_slope:.4f} | " +
              " | ".join(f"{fit(v):.4f}" for v in variants) + f" | {t_rsd:.2f} | " +
              " | ".join(f"{rsd(v):.2f}" for v in variants) + " | " +
              " / ".join("yes" if o else "NO" for o in oks) + " |", flush=True)
    print(f"met: shipped {met[0]}, gaussian {met[1]}, fringe {met[2]}, gated {met[3]}, PSF-gated {met[4]} "
          f"of {len(a.samples)}")


if __name__ == "__main__":
    main()
