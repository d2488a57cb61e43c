#!/usr/bin/env python3
"""Issue 16 (stop 19): a truth-free rule that picks, per volume, the shipped grey LFP route or the Gaussian
PSF forward model (scripts/lfp_forward_model_sweep.py), measured against the simulator's labels.

The rule: fit the forward model once more with a fringe column (the Laplacian of the blurred NMC mask) and
take X = median over the bulk slices of that column's coefficient per unit NMC/matrix contrast (voxel^2),
divided by the fitted PSF sigma^2 (voxel^2). X estimates minus the phase-contrast fringe over the blur,
-c / s^2, that the Gaussian could not absorb (to first order a fringe c only narrows the apparent PSF,
s_eff^2 = s^2 - 2c; what is left scales with c / s^2). Where X < -threshold the fringe is too strong for
the Gaussian forward model (its near-NMC column takes up the fringe's dark halo) and the shipped route is
kept; otherwise the forward model's profile is used. In both cases the profile is scaled to the shipped
route's bulk mean (the route only reshapes the profile; the level stays that of the calibration or of
--lfp-mean), so the mean criterion is the shipped route's. The threshold (default 0.28) was set between
the acceptance cases' two clusters (PSF 0.4 um + fringe 0.05 um^2: X -0.32 to -0.39; all others >= -0.21)
before the held-out conditions were scored (docs/validation.md, #16 stop 19: any threshold in 0.16-0.32
meets the 36 F/H acceptance cases).

Inputs: SAMPLE folders of `emorph synth --xct` with seg.tif (`emorph segment xct.tif seg.tif --classes
matrix,NMC`, see scripts/lfp_fringe_estimate.py) and SAMPLE_known_mean/results.json (analyze with
--lfp-mean/--pore-grey); SAMPLE_calibration/results.json is scored too when present. Tolerances as the
acceptance: slope within 20 % or 0.02 vol%/um, RSD within 2 points (mean: the shipped route's level).

usage: lfp_route_decision.py SAMPLE... [--threshold 0.28]
"""
import argparse
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lfp_forward_model_sweep import estimate_psf_sigma, forward_model_matrix_grey, load_case  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("samples", nargs="+")
    ap.add_argument("--threshold", type=float, default=0.28)
    a = ap.parse_args()
    print("| sample | route | X (fringe/blur) | true c/s^2 | picks | true slope | shipped | forward model | rule | "
          "true RSD | shipped | forward model | rule | ok: shipped / forward model / rule |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    met = {}
    for d in a.samples:
        d = d.rstrip("/")
        truth = json.load(open(os.path.join(d, "truth.json")))
        res, grey, labels, nmc, voxel, sl, pos = load_case(d, d + "_known_mean", os.path.join(d, "seg.tif"))
        g_nmc = res["grey_profile"]["bright_mean_grey"]
        zero = truth["xct"]["grey_of_phase"]["pore"]
        sigma = estimate_psf_sigma(grey, nmc)
        g_fm = forward_model_matrix_grey(grey, nmc, g_nmc, sigma, voxel)
        _, fringe = forward_model_matrix_grey(grey, nmc, g_nmc, sigma, voxel, fringe_column=True)
        x = np.nanmedian(fringe[sl]) / sigma ** 2
        use_model = x >= -a.threshold
        matrix_fraction = np.clip((g_nmc - grey.mean((1, 2))) / (g_nmc - g_fm), 0, 1)
        model_shape = (g_fm - zero) * matrix_fraction
        lfp_true = (labels == 2).mean((1, 2))
        fit = lambda y: 100 * np.polyfit(pos[sl], y[sl], 1)[0]
        rsd = lambda y: 100 * y[sl].std() / y[sl].mean()
        t_slope, t_rsd = fit(lfp_true), rsd(lfp_true)
        tol = max(0.2 * abs(t_slope), 0.02)
        ok = lambda y: abs(fit(y) - t_slope) <= tol and abs(rsd(y) - t_rsd) <= 2
        p, c = truth["xct"]["psf_sigma_um"], truth["xct"]["phase_contrast_um2"]
        for route in ("known_mean", "calibration"):
            path = os.path.join(f"{d}_{route}", "results.json")
            if not os.path.exists(path):
                continue
            shipped = np.array(json.load(open(path))["results"]["profiles"]["phases"]["LFP"]["fraction"], float)
            model = model_shape * shipped[sl].mean() / model_shape[sl].mean()
            rule = model if use_model else shipped
            oks = [ok(v) for v in (shipped, model, rule)]
            met.setdefault(route, []).append(oks)
            print(f"| {os.path.basename(d)} | {route} | {x:+.3f} | {c / p ** 2:.2f} | {'model' if use_model else 'shipped'} | "
                  f"{t_slope:.4f} | " + " | ".join(f"{fit(v):.4f}" for v in (shipped, model, rule)) + f" | {t_rsd:.2f} | " +
                  " | ".join(f"{rsd(v):.2f}" for v in (shipped, model, rule)) + " | " +
                  " / ".join("yes" if o else "NO" for o in oks) + " |", flush=True)
    for route, rows in met.items():
        n = np.sum(rows, 0)
        broken = sum(s and not r for s, _, r in rows)
        print(f"{route}: met shipped {n[0]}, forward model {n[1]}, rule {n[2]} of {len(rows)}; "
              f"cases the rule breaks (shipped met, rule not): {broken}")


if __name__ == "__main__":
    main()
