#!/usr/bin/env python3
"""Issue 16's Table 1 form (Etiemble et al. 2017, Table 1): `emorph analyze --demo --preset P` for each
preset, NMC and LFP bulk mean vol%, RSD % and slope vol%/um, measured and true (the demo's
`results.truth.bulk_profiles`, over the bulk window analyze chose).

usage: lfp_table1.py EMORPH_BINARY OUT_DIR [--presets A,B,..] [--size 128] [--seed 7]
Prints a Markdown table (measured (true)); '-' where a preset has no such phase or it was skipped.
"""
import argparse
import json
import os
import subprocess

FAST_TOML = ("[measure]\nsurface = false\ngranulometry = []\nparticles = []\ntortuosity = []\n"
             "[output]\nlabels = false\nslices = false\n")


def cell(measured, truth, key, scale, digits):
    if key not in measured or measured[key] is None or truth is None or truth.get(key) is None:
        return "–"
    return f"{scale * measured[key]:.{digits}f} ({scale * truth[key]:.{digits}f})"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("emorph")
    ap.add_argument("out")
    ap.add_argument("--presets", default="A,B,C,D,E,F,G,H,I,J,K")
    ap.add_argument("--size", type=int, default=128)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    fast = os.path.join(a.out, "fast.toml")
    with open(fast, "w") as f:
        f.write(FAST_TOML)
    print("| preset | NMC mean vol% | NMC RSD % | NMC slope vol%/um | LFP mean vol% | LFP RSD % | LFP slope vol%/um |")
    print("|---|---|---|---|---|---|---|")
    for p in a.presets.split(","):
        out = os.path.join(a.out, p)
        subprocess.run([a.emorph, "analyze", "--demo", "--preset", p, "--size", str(a.size), "--seed", str(a.seed),
                        "--out", out, "--config", fast], check=True, capture_output=True)
        res = json.load(open(os.path.join(out, "results.json")))["results"]
        truth = res.get("truth", {}).get("bulk_profiles", {})
        row = [p]
        for phase in ("NMC", "LFP"):
            m = res["profiles"]["phases"].get(phase, {})
            t = truth.get(phase)
            row += [cell(m, t, "mean_fraction", 100, 1), cell(m, t, "rsd_percent", 1, 1), cell(m, t, "slope_per_um", 100, 3)]
        print("| " + " | ".join(row) + " |", flush=True)


if __name__ == "__main__":
    main()
