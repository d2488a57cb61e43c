#!/usr/bin/env python3
"""Issue 16 (stop 20): held-out volumes (folders of `emorph synth --xct`, listed one a line in LIST files, with
P.toml beside them) with the product: analyze --lfp-mean (true) --pore-grey (scan's), scored as the acceptance
(mean 1.5 vol%, slope 20 % or 0.02 vol%/um, RSD 2 points) against the labels; the eroded route from
results.lfp.forward_model. usage: lfp_heldout_check.py EMORPH OUT LIST..."""
import json, os, subprocess, sys
E, OUT = sys.argv[1], sys.argv[2]
lists = sys.argv[3:]
os.makedirs(OUT, exist_ok=True)
def run(c): subprocess.run(c, check=True, capture_output=True, text=True)
tot = {}
for lst in lists:
    for d in open(lst).read().split():
        name = os.path.basename(d); preset = name[0]
        t = json.load(open(os.path.join(d, "truth.json")))
        o = os.path.join(OUT, name + "_known_mean")
        cfg = os.path.join(os.path.dirname(d), preset + ".toml")
        if not os.path.exists(os.path.join(o, "results.json")):
            run([E, "analyze", os.path.join(d, "xct.tif"), "--out", o, "--config", cfg, "--lfp-mean", str(t["phases"]["LFP"]["volume_fraction"]),
                 "--pore-grey", str(t["xct"]["grey_of_phase"]["pore"])])
        r = json.load(open(os.path.join(o, "results.json")))["results"]
        b = r["profiles"]["bulk"]
        run([E, "profile", os.path.join(d, "labels.tif"), "--axis", "0", "--bulk", f"{b['start_um']}:{b['end_um']}", "--json", o + "/truth_profile.json"])
        tr = json.load(open(o + "/truth_profile.json"))["results"]["phases"]["LFP"]
        m = r["profiles"]["phases"]["LFP"]; l = r["lfp"]
        ts = 100 * tr["slope_per_um"]; tol = max(0.2 * abs(ts), 0.02)
        def ok(s, rsd, mean): return abs(100 * mean - 100 * tr["mean_fraction"]) <= 1.5 and abs(100 * s - ts) <= tol and abs(rsd - tr["rsd_percent"]) <= 2
        shipped_ok = ok(l["forward_model"]["eroded_slope_per_um"], l["forward_model"]["eroded_rsd_percent"], m["mean_fraction"])
        now_ok = ok(m["slope_per_um"], m["rsd_percent"], m["mean_fraction"])
        tot.setdefault(lst, []).append((shipped_ok, now_ok))
        print(f"| {name} | {l['fringe_over_blur']:+.3f} | {l['profile_route']} | {ts:.4f} | {100*l['forward_model']['eroded_slope_per_um']:.4f} | "
              f"{100*m['slope_per_um']:.4f} | {tr['rsd_percent']:.2f} | {l['forward_model']['eroded_rsd_percent']:.2f} | {m['rsd_percent']:.2f} | "
              f"{100*m['mean_fraction']:.2f} ({100*tr['mean_fraction']:.2f}) | {'yes' if shipped_ok else 'NO'} | {'yes' if now_ok else 'NO'} |", flush=True)
for lst, rows in tot.items():
    print(f"{lst}: eroded route met {sum(a for a, _ in rows)}, product (rule) met {sum(b for _, b in rows)} of {len(rows)}; "
          f"broken {sum(a and not b for a, b in rows)}")
