#!/usr/bin/python3
"""Issue 14 point 2: the default grey route on sphere packings that emorph did not generate.

scipy sphere packings (radii 3-16 voxels, NMC fractions 0.15-0.35), imaged with a Gaussian PSF of 1 to
1.5 voxels and Gaussian noise of 8 to 30 grey levels on a 110-level contrast (uint16, matrix 200,
NMC 310), 128^3. Each volume is segmented by `emorph segment` with its default route and, for
comparison, by scipy 3x3x3 median + skimage Otsu and by the best single global threshold on the raw
grey (chosen with the truth). Prints per condition and seed: NMC fraction error (vol%) and Dice.

Usage: /usr/bin/python3 scripts/independent_packings.py [--emorph build/bin/emorph] [--seeds 2] [--size 128]
Needs numpy, scipy, scikit-image, tifffile (Debian's /usr/bin/python3).
"""
import argparse
import os
import subprocess
import tempfile

import numpy as np
import tifffile
from scipy import ndimage as ndi
from skimage.filters import threshold_otsu
from sphere_packing import sphere_packing  # scripts/sphere_packing.py

DARK, BRIGHT = 200.0, 310.0  # a 110-level contrast
# (PSF sigma voxels, noise sigma grey, radius min, radius max, NMC fraction)
CONDITIONS = [
    (1.0, 8, 3, 8, 0.25),
    (1.0, 30, 6, 16, 0.15),
    (1.25, 20, 8, 16, 0.20),
    (1.5, 15, 5, 12, 0.30),
    (1.5, 30, 3, 8, 0.35),
    (1.5, 8, 3, 16, 0.35),
]


def image(labels, psf, noise, rng):
    grey = np.where(labels, BRIGHT, DARK).astype(np.float64)
    grey = ndi.gaussian_filter(grey, psf, mode="reflect")
    grey += rng.normal(0, noise, grey.shape)
    return np.clip(np.round(grey), 0, 65535).astype(np.uint16)


def dice(a, b):
    return 2.0 * np.count_nonzero(a & b) / (np.count_nonzero(a) + np.count_nonzero(b))


def oracle_dice(grey, truth):
    levels = int(grey.max()) + 1
    all_counts = np.bincount(grey.ravel(), minlength=levels)
    pos_counts = np.bincount(grey[truth].ravel(), minlength=levels)
    above_all = np.cumsum(all_counts[::-1])[::-1]
    above_pos = np.cumsum(pos_counts[::-1])[::-1]
    return float(np.max(2.0 * above_pos / (truth.sum() + above_all)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--emorph", default="build/bin/emorph")
    ap.add_argument("--seeds", type=int, default=2)
    ap.add_argument("--size", type=int, default=128)
    ap.add_argument("--method", default=None, help="passed to emorph segment --method (default: its default)")
    args = ap.parse_args()
    print("condition (psf, noise, radii, f)   seed  truth   default: err vol%  Dice   | median+Otsu: err  Dice   | oracle Dice")
    with tempfile.TemporaryDirectory() as tmp:
        for psf, noise, rmin, rmax, fraction in CONDITIONS:
            for seed in range(1, args.seeds + 1):
                rng = np.random.default_rng(1000 * seed + int(100 * psf) + noise + rmin)
                truth = sphere_packing(args.size, rmin, rmax, fraction, rng)
                grey = image(truth, psf, noise, rng)
                src, out = os.path.join(tmp, "grey.tif"), os.path.join(tmp, "labels.tif")
                tifffile.imwrite(src, grey)
                cmd = [args.emorph, "segment", src, out, "--classes", "matrix,NMC"]
                if args.method:
                    cmd += ["--method", args.method]
                run = subprocess.run(cmd, capture_output=True, text=True)
                med = ndi.median_filter(grey, size=3)
                mo = med > threshold_otsu(med)
                cond = f"psf {psf:<4} noise {noise:<2} r{rmin}-{rmax} f{fraction:.2f}"
                base = f"{cond:34s} {seed:4d}  {truth.mean():.4f}"
                tail = (f"| {100 * (mo.mean() - truth.mean()):+6.2f} {dice(mo, truth):.4f} | "
                        f"{oracle_dice(grey, truth):.4f}")
                if run.returncode != 0:
                    print(f"{base}   refused (exit {run.returncode}): {run.stderr.strip()[:80]} {tail}", flush=True)
                    continue
                nmc = tifffile.imread(out) == 1
                print(f"{base}   {100 * (nmc.mean() - truth.mean()):+6.2f}  {dice(nmc, truth):.4f} {tail}", flush=True)


if __name__ == "__main__":
    main()
