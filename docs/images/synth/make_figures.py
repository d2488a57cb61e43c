"""Regenerates the synthetic-sample figures of docs/synth.md from the built CLI.

    /usr/bin/python3 docs/images/synth/make_figures.py build/bin/emorph
"""
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import tifffile

EMORPH = sys.argv[1] if len(sys.argv) > 1 else "build/bin/emorph"
HERE = Path(__file__).resolve().parent
COLOURS = np.array([[25, 25, 35], [225, 225, 225], [200, 95, 45], [70, 165, 70], [120, 130, 210]], np.uint8)


def synth(tmp, name, args):
    out = Path(tmp) / name
    subprocess.run([EMORPH, "--quiet", "synth", "--out", str(out)] + args, check=True, stdout=subprocess.DEVNULL)
    return out


def main():
    presets = "ABCDEFGHIJK"
    with tempfile.TemporaryDirectory() as tmp:
        # XCT scale (Fig. 2): 77 um thick (collector at the bottom), 0.32 um voxels, phase contrast.
        fig, axes = plt.subplots(2, len(presets), figsize=(2.0 * len(presets), 4.6))
        for i, p in enumerate(presets):
            out = synth(tmp, p, ["--preset", p, "--shape", "240,96,160", "--voxel", "0.32", "--seed", "7",
                                 "--collector", "4", "--xct", "--phase-contrast", "0.02"])
            labels = tifffile.imread(out / "labels.tif")
            xct = tifffile.imread(out / "xct.tif")
            truth = json.loads((out / "truth.json").read_text())
            axes[0, i].imshow(COLOURS[labels[:, 48, :]], origin="lower")
            axes[1, i].imshow(xct[:, 48, :], origin="lower", cmap="gray", vmin=8000, vmax=62000)
            fr = truth["phases"]
            axes[0, i].set_title(f"{p}: NMC {100 * fr['NMC']['electrode_volume_fraction']:.0f}% "
                                 f"LFP {100 * fr['LFP']['electrode_volume_fraction']:.0f}%", fontsize=7)
            for a in axes[:, i]:
                a.set_xticks([]), a.set_yticks([])
        axes[0, 0].set_ylabel("labels", fontsize=8)
        axes[1, 0].set_ylabel("XCT grey", fontsize=8)
        fig.suptitle("emorph synth presets A-K, 0.32 um voxels (collector at the bottom; pore black, NMC white, "
                     "LFP orange, CB+PVdF green, Al blue)", fontsize=9)
        fig.tight_layout()
        fig.savefig(HERE / "presets_xct.png", dpi=90)

        # FIB/SEM scale (Figs. 3-4): 10 nm voxels, windows of A, F, H, J.
        fib = "AFHJ"
        fig, axes = plt.subplots(2, len(fib), figsize=(3.2 * len(fib), 6.6))
        for i, p in enumerate(fib):
            out = synth(tmp, "fib" + p, ["--preset", p, "--size", "200", "--voxel", "0.01", "--seed", "5", "--fibsem"])
            labels = tifffile.imread(out / "labels.tif")
            img = tifffile.imread(out / "fibsem.tif")
            axes[0, i].imshow(COLOURS[labels[100]])
            axes[1, i].imshow(img[100], cmap="gray", vmin=0, vmax=255)
            axes[0, i].set_title(f"{p}: labels (slice 100)", fontsize=9)
            axes[1, i].set_title(f"{p}: simulated BSE (shine-through, curtains)", fontsize=9)
            for a in axes[:, i]:
                a.set_xticks([]), a.set_yticks([])
        fig.suptitle("emorph synth at FIB/SEM scale: 2 um windows, 10 nm voxels", fontsize=10)
        fig.tight_layout()
        fig.savefig(HERE / "fibsem_AFHJ.png", dpi=80)


if __name__ == "__main__":
    main()
