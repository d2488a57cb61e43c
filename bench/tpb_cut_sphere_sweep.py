"""Cut-sphere sweep of `emorph.tpb` estimators (issue 20): balls of R voxels, centre off the lattice,
cut by the plane n . (p - c) = h, CBD on the positive side and pore on the other; truth 2 pi sqrt(R^2 - h^2).
Same cases as TripleLine.CutSphereSweepOverRadiusDepthAndOrientation. Prints one markdown row per (R, h/R)
with the error in % of each estimator for the four normals and two centre offsets.

    PYTHONPATH=build/python /usr/bin/python3 bench/tpb_cut_sphere_sweep.py [--estimators hybrid,polyline]
"""
import argparse
import math

import numpy as np

import emorph

NORMALS = [(1, 0, 0), (0, 1, 1), (1, 1, 1), (0.3, 0.5, 0.81)]
OFFSETS = [(0.25, 0.35, 0.15), (0.4, 0.1, 0.45)]


def cut_ball(R, h, n, c, size):
    n = np.asarray(n, float) / np.linalg.norm(n)
    z, y, x = np.meshgrid(*(np.arange(size) - c[a] for a in range(3)), indexing="ij")
    labels = np.where(n[0] * z + n[1] * y + n[2] * x > h, 3, 0).astype(np.uint8)
    labels[z * z + y * y + x * x <= R * R] = 1
    return labels


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--estimators", default="hybrid,polyline,intersection")
    ap.add_argument("--radii", default="6,8,12,16,24")
    ap.add_argument("--depths", default="0,0.4,0.7,0.85,0.9")
    a = ap.parse_args()
    estimators = a.estimators.split(",")
    print("| estimator | R | h/R | r | " + " | ".join(f"off{o + 1} {n}" for o in range(2) for n in NORMALS) + " | share |")
    for R in map(float, a.radii.split(",")):
        for f in map(float, a.depths.split(",")):
            rows = {e: [None] * 8 for e in estimators}
            share = []
            for o, off in enumerate(OFFSETS):
                for k, n in enumerate(NORMALS):
                    size = int(2 * R + 10)
                    h = f * R
                    c = [size / 2 + off[0], size / 2 + off[1], size / 2 + off[2]]
                    if n[1] == 0 and n[2] == 0:
                        c[0] = math.floor(c[0] + h) + 0.5 - h  # plane half-way between layers
                    labels = cut_ball(R, h, n, c, size)
                    truth = 2 * math.pi * math.sqrt(R * R - h * h)
                    for e in estimators:
                        res = emorph.tpb(labels, spacing=1.0, phases={"pore": 0, "NMC": 1, "CBD": 3}, estimator=e)
                        rows[e][o * 4 + k] = 100 * (res["length_um"] / truth - 1)
                        if e == "hybrid":
                            share.append(res["intersection_share"])
            r = math.sqrt(R * R - (f * R) ** 2)
            for e in estimators:
                extra = f"{min(share):.2f}" if e == "hybrid" and share else ""
                print(f"| {e} | {R:g} | {f:.2f} | {r:.1f} | " + " | ".join(f"{v:+.1f}" for v in rows[e]) + f" | {extra} |",
                      flush=True)


if __name__ == "__main__":
    main()
