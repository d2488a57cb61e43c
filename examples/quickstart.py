#!/usr/bin/env python3
"""emorph quickstart: a synthetic electrode, imaged by simulated XCT, segmented, measured and plotted.

    PYTHONPATH=build/python python3 examples/quickstart.py --size 96 --out quickstart.png

1. generate a synthetic NMC/LFP/CBD cathode with exact ground truth (the paper's sample F),
2. simulate a synchrotron XCT grey volume of it,
3. segment it as the paper does at XCT scale: NMC against the unresolved LFP + CBD + pore matrix
   (3x3x3 median, then the two-peak intermodes threshold, as `emorph analyze` by default),
4. measure phase fractions (segmented vs truth) and thickness profiles,
   NMC particle sizes (watershed-separated, D50) and the NMC local thickness,
5. plot the profiles and a slice with matplotlib (Agg backend) into a PNG.
"""
import argparse

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import emorph  # noqa: E402

PHASES = ("NMC", "matrix")  # XCT at ~0.3 um resolves NMC; LFP, CBD and pores form one matrix


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=96, help="cube side in voxels")
    parser.add_argument("--voxel", type=float, default=0.32, help="voxel size in um")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", default="quickstart.png", help="PNG to write")
    args = parser.parse_args(argv)

    labels, truth = emorph.synth("F", size=args.size, voxel_um=args.voxel, seed=args.seed)
    spacing = (args.voxel,) * 3

    grey, _ = emorph.simulate_xct(labels, spacing=spacing, seed=args.seed)
    segmented, seg = emorph.segment(grey, method="intermodes", classes="matrix,NMC", denoise="median:1", spacing=spacing)

    # The truth in the same two phases: everything but NMC is matrix (label 5 of the default table).
    truth_two = np.where(labels == 1, 1, 5).astype(np.uint8)
    true_fractions = emorph.fractions(truth_two, spacing=spacing)["phases"]
    seg_fractions = emorph.fractions(segmented, spacing=spacing)["phases"]
    print(f"thresholds (grey): {[round(t, 1) for t in seg['thresholds']]}")
    print(f"{'phase':>6} {'truth':>8} {'segmented':>10}")
    for name in PHASES:
        print(f"{name:>6} {true_fractions[name]['volume_fraction']:8.3f} {seg_fractions[name]['volume_fraction']:10.3f}")

    particles = emorph.particles(segmented, "NMC", spacing=spacing, surface=False)
    thickness = emorph.local_thickness(segmented, "NMC", spacing=spacing)
    d50 = particles["d50_um"]
    print(f"NMC: {particles['count']} particles, D50 {d50 if d50 is None else round(d50, 2)} um (volume-weighted "
          f"equivalent diameter); mean local thickness {thickness[segmented == 1].mean():.2f} um")

    true_profile = emorph.profile(truth_two, spacing=spacing, axis=0, bulk=(0, args.size * args.voxel))
    seg_profile = emorph.profile(segmented, spacing=spacing, axis=0, bulk=(0, args.size * args.voxel))

    fig, (ax_img, ax_prof) = plt.subplots(1, 2, figsize=(11, 4.5))
    mid = labels.shape[1] // 2
    ax_img.imshow(grey[:, mid, :], cmap="gray", origin="lower",
                  extent=(0, labels.shape[2] * args.voxel, 0, labels.shape[0] * args.voxel))
    ax_img.set_title(f"simulated XCT, section y = {mid * args.voxel:.1f} um")
    ax_img.set_xlabel("x (um)")
    ax_img.set_ylabel("z, thickness (um)")
    colours = {"NMC": "#e4572e", "matrix": "#4a5a7a"}
    for name in PHASES:
        t, s = true_profile["phases"][name], seg_profile["phases"][name]
        ax_prof.plot(t["position_um"], t["fraction"], color=colours[name], label=f"{name} truth")
        ax_prof.plot(s["position_um"], s["fraction"], color=colours[name], ls="--", label=f"{name} segmented")
    ax_prof.set_xlabel("position along thickness (um)")
    ax_prof.set_ylabel("volume fraction")
    ax_prof.set_title("phase fraction profiles")
    ax_prof.legend(fontsize=7, ncol=2)
    fig.suptitle(f"emorph {emorph.__version__} quickstart: synthetic sample F, {args.size}^3 voxels of {args.voxel} um")
    fig.tight_layout()
    fig.savefig(args.out, dpi=110)
    print(f"wrote {args.out}")
    return {name: (true_fractions[name]["volume_fraction"], seg_fractions[name]["volume_fraction"]) for name in PHASES}


if __name__ == "__main__":
    main()
