#!/usr/bin/env python3
"""Issue 16 (stop 20): the prototype's numbers for the C++ port's equality test
(tests/cli/test_cli_lfp_route.cpp). Runs scripts/lfp_route_decision.py's rule on one analyze output with
analyze's own NMC labels (labels.tif) and its recorded zero grey, and prints what `emorph analyze` records:
the PSF sigma (um), X, the pick, and the reported profile's bulk slope (vol%/um) and RSD (%, n - 1 as
profile_stats).

usage: lfp_route_reference.py SAMPLE_DIR ANALYZE_OUT [--threshold 0.28]
Needs numpy, scipy, tifffile (Debian's /usr/bin/python3).
"""
import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lfp_forward_model_sweep import estimate_psf_sigma, forward_model_matrix_grey, load_case  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("sample")
    ap.add_argument("out")
    ap.add_argument("--threshold", type=float, default=0.28)
    a = ap.parse_args()
    res, grey, _, nmc, voxel, sl, pos = load_case(a.sample, a.out, os.path.join(a.out, "labels.tif"))
    g_nmc = res["grey_profile"]["bright_mean_grey"]
    zero = res["lfp"]["zero_grey"]
    sigma = estimate_psf_sigma(grey, nmc)
    g_fm = forward_model_matrix_grey(grey, nmc, g_nmc, sigma, voxel)
    _, fringe = forward_model_matrix_grey(grey, nmc, g_nmc, sigma, voxel, fringe_column=True)
    x = np.nanmedian(fringe[sl]) / sigma ** 2
    use_model = x >= -a.threshold
    shipped = np.array(res["profiles"]["phases"]["LFP"]["fraction"], float)
    if use_model:
        matrix_fraction = np.clip((g_nmc - grey.mean((1, 2))) / (g_nmc - g_fm), 0, 1)
        shape = (g_fm - zero) * matrix_fraction
        profile = shape * shipped[sl].mean() / shape[sl].mean()
    else:
        profile = shipped
    slope = 100 * np.polyfit(pos[sl], profile[sl], 1)[0]
    rsd = 100 * profile[sl].std(ddof=1) / profile[sl].mean()
    print(f"sigma_um {sigma * voxel:.6f} X {x:+.6f} picks {'forward_model' if use_model else 'eroded'} "
          f"slope {slope:.6f} rsd {rsd:.6f} mean {100 * profile[sl].mean():.6f}")


if __name__ == "__main__":
    main()
