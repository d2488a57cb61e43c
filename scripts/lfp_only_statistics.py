#!/usr/bin/env python3
"""Issue 16 point 4 / issue 14: can one grey volume, without the grey of zero attenuation, tell an LFP-only
electrode's bright class (dense LFP agglomerates, presets J and K) from NMC? Measures, on the default
segmentation's bright class (`emorph segment`, its brightest label):

- texture: the bright class's interior (> 3 voxels deep) grey variance over the matrix interior's
  (vb/vm), the interiors' lag-1 autocorrelation along x (rb, rm: white noise ~0, blurred sub-voxel
  texture > 0), their product rb*vb/(rm*vm) (correlated variance, bright over matrix), and the interior
  standard deviation over the bright-matrix contrast (sb/C);
- size: the 90th percentile of the bright voxels' depth (EDT, voxels) and the object count.

usage: lfp_only_statistics.py EMORPH_BINARY OUT_DIR synth PRESETS SEEDS [CONDITIONS]
       lfp_only_statistics.py EMORPH_BINARY OUT_DIR real SLICE_DIR   (N.tif of the nano-CT slices)
Prints one line per volume (96^3 at 0.32 um for synth).
"""
import os
import subprocess
import sys

import numpy as np
import tifffile
from scipy import ndimage as ndi

# PSF sigma um, noise (CNR on the simulator's 0.7 NMC-matrix contrast), phase contrast, bits.
CONDITIONS = {
    "default": [],
    "psf0.16_cnr20": ["--psf", "0.16", "--noise-sigma", "0.035"],
    "psf0.64_cnr3": ["--psf", "0.64", "--noise-sigma", "0.233"],
    "psf0.32_cnr8_fringes": ["--psf", "0.32", "--noise-sigma", "0.0875", "--phase-contrast", "0.05"],
    "psf0.48_cnr8_8bit": ["--psf", "0.48", "--noise-sigma", "0.0875", "--bits", "8"],
}


def statistics(grey, bright):
    g = grey.astype(np.float64)
    depth_b = ndi.distance_transform_edt(bright)
    depth_m = ndi.distance_transform_edt(~bright)
    bi, mi = depth_b > 3, depth_m > 3
    if bi.sum() < 50 or mi.sum() < 50:
        return None

    def lag1(inside):
        pair = inside[..., :-1] & inside[..., 1:]
        return np.corrcoef(g[..., :-1][pair], g[..., 1:][pair])[0, 1]

    vb, vm = g[bi].var(), g[mi].var()
    rb, rm = lag1(bi), lag1(mi)
    contrast = g[bi].mean() - g[mi].mean()
    _, objects = ndi.label(bright)
    return {"vb/vm": vb / vm, "rb": rb, "rm": rm, "texture": rb * vb / max(rm * vm, 1e-3 * vm),
            "sb/C": np.sqrt(vb) / contrast, "depth_p90": np.quantile(depth_b[bright], 0.9), "objects": objects}


def show(name, s):
    if s is None:
        print(f"{name:28s} bright or matrix interior too small")
        return
    print(f"{name:28s} " + " ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in s.items()), flush=True)


def segment(emorph, grey_path, seg_path):
    r = subprocess.run([emorph, "segment", grey_path, seg_path], capture_output=True, text=True)
    return r.returncode, r.stderr.strip().splitlines()[-1] if r.stderr.strip() else ""


def main():
    emorph, out, mode = sys.argv[1], sys.argv[2], sys.argv[3]
    os.makedirs(out, exist_ok=True)
    if mode == "real":
        for n in (1, 100, 200, 300, 400):
            g = tifffile.imread(os.path.join(sys.argv[4], f"{n}.tif")).astype(np.float32)
            path = os.path.join(out, f"real{n}.tif")
            tifffile.imwrite(path, g[None])
            rc, err = segment(emorph, path, path.replace(".tif", "_seg.tif"))
            if rc:
                print(f"real{n} segment exit {rc}: {err}")
                continue
            s = tifffile.imread(path.replace(".tif", "_seg.tif")).squeeze()
            show(f"real{n}", statistics(g, s == s.max()))
        return
    conditions = sys.argv[6].split(",") if len(sys.argv) > 6 else list(CONDITIONS)
    for preset in sys.argv[4].split(","):
        for condition in conditions:
            for seed in sys.argv[5].split(","):
                name = f"{preset}_{condition}_{seed}"
                d = os.path.join(out, name)
                if not os.path.exists(os.path.join(d, "xct.tif")):
                    r = subprocess.run([emorph, "synth", "--preset", preset, "--size", "96", "--seed", seed, "--xct",
                                        "--out", d] + CONDITIONS[condition], capture_output=True, text=True)
                    if r.returncode:
                        print(f"{name:28s} synth exit {r.returncode}: {r.stderr.strip().splitlines()[-1]}")
                        continue
                rc, err = segment(emorph, os.path.join(d, "xct.tif"), os.path.join(d, "seg.tif"))
                if rc:
                    print(f"{name:28s} segment exit {rc}: {err[-90:]}")
                    continue
                s = tifffile.imread(os.path.join(d, "seg.tif"))
                show(name, statistics(tifffile.imread(os.path.join(d, "xct.tif")), s == s.max()))


if __name__ == "__main__":
    main()
