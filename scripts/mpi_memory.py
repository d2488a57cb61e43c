#!/usr/bin/python3
"""Peak RSS (VmHWM) and CPU seconds per MPI rank of emorph's distributed commands (issue 19).

Each command runs once without mpirun ("np 0", the single process) and under `mpirun -np N` for each
N asked; every process (each rank) runs inside `/usr/bin/time -f "%M %U %S %e"`, whose %M is the
kernel's VmHWM of that process (KiB). The outputs of every run are checked against np 0: the JSON
`results` must be equal (parsed), every output volume and CSV byte-identical (cmp), else the row says
DIFFERENT. The bound is the issue's "single-process memory / N + halos + 10 %" (halo: one slice of the
input per rank for surface, none otherwise).

    nice -n 19 ionice -c3 scripts/mpi_memory.py --emorph build/bin/emorph --input e256.nrrd \
        --phases pore=0,NMC=85,CBD=170 --np 2,4 --out /tmp/mem256 [--commands edt,label]

Run it under `nice`; it runs one command at a time. Environment: OpenMPI over self,vader without a
network (the settings of tests/mpi/test_mpi_distributed.cpp), set here unless already set.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

MPI_ENV = {
    "OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1", "OMPI_MCA_btl": "self,vader",
    "OMPI_MCA_btl_vader_single_copy_mechanism": "none", "OMPI_MCA_plm": "isolated", "OMPI_MCA_plm_rsh_agent": "false",
    "OMPI_MCA_rmaps_base_oversubscribe": "1", "OMPI_MCA_hwloc_base_binding_policy": "none",
    "OMPI_MCA_orte_tmpdir_base": "/tmp", "PMIX_MCA_gds": "hash", "OMP_WAIT_POLICY": "passive",
}


def commands(phases, voxel):
    """name -> (argument list with {in} and {o} (output stem), output files relative to {o}, halo slices)."""
    p = ["--phases", phases]
    v = ["--voxel", voxel]
    return {
        "fractions": (["fractions", "{in}", *p, "--axis", "0"], [], 0),
        "profile": (["profile", "{in}", *p, *v, "--axis", "0", "--csv", "{o}.csv"], [".csv"], 0),
        "surface": (["surface", "{in}", *p, *v], [], 1),
        "edt": (["edt", "{in}", "{o}.nrrd", *p, *v, "--phase", "pore"], [".nrrd"], 0),
        "label": (["label", "{in}", "{o}.nrrd", *p, *v, "--phase", "CBD", "--connectivity", "6", "--csv", "{o}.csv"],
                  [".nrrd", ".csv"], 0),
        "connectivity": (["connectivity", "{in}", *p, *v, "--phase", "pore", "--axis", "0", "--out", "{o}.nrrd"], [".nrrd"], 0),
        "granulometry": (["granulometry", "{in}", *v, *p, "--phase", "NMC", "--local-thickness", "{o}.nrrd",
                          "--csv", "{o}.csv"], [".nrrd", ".csv"], 0),
        "tortuosity": (["tortuosity", "{in}", *v, *p, "--phase", "pore", "--axis", "0", "--solver", "hypre-boomeramg"], [], 1),
    }


def run_one(args, name, argv, np_, out):
    stem = out / f"{name}_np{np_}"
    for f in out.glob(f"{name}_np{np_}*"):
        f.unlink()
    full = [a.replace("{in}", args.input).replace("{o}", str(stem)) for a in argv]
    tail = [args.emorph, "--quiet", "--threads", str(args.threads), *full, "--json", f"{stem}.json"]
    timing = f"{stem}.time"
    if np_ == 0:
        cmd = ["/usr/bin/time", "-f", "%M %U %S %e", "-o", f"{timing}.0", *tail]
    else:
        wrap = 'exec /usr/bin/time -f "%M %U %S %e" -o "$0.${OMPI_COMM_WORLD_RANK:-0}" "$@"'
        cmd = [args.mpirun, "--oversubscribe", "-np", str(np_), "sh", "-c", wrap, timing, *tail]
    env = dict(os.environ)
    for k, val in MPI_ENV.items():
        env.setdefault(k, val)
    for kv in args.env:
        k, _, val = kv.partition("=")
        env[k] = val
    t0 = time.time()
    r = subprocess.run(cmd, env=env, capture_output=True, text=True)
    wall = time.time() - t0
    if r.returncode != 0:
        sys.stderr.write(f"{name} np {np_}: exit {r.returncode}\n{r.stderr[-3000:]}\n")
        return None
    ranks = []
    for i in range(max(np_, 1)):
        kib, user, sys_, _ = open(f"{timing}.{i}").read().split()[-4:]
        ranks.append((int(kib) / 1024.0, float(user) + float(sys_)))
    return {"stem": stem, "ranks": ranks, "wall": wall}


def same_outputs(ref, got, suffixes):
    a = json.load(open(f"{ref['stem']}.json"))["results"]
    b = json.load(open(f"{got['stem']}.json"))["results"]
    strip = lambda d: {k: v for k, v in d.items() if k not in ("output", "outputs", "csv")} if isinstance(d, dict) else d
    if strip(a) != strip(b):
        return "results differ"
    for s in suffixes:
        files = [f"{ref['stem']}{s}", f"{got['stem']}{s}"]
        if subprocess.run(["cmp", "-s", *files]).returncode != 0:
            return f"{s} differs"
        if s == ".nrrd":  # a detached header names its data file; compare the data too
            for raw in (".raw", ".raw.gz"):
                if Path(files[0][:-5] + raw).exists():
                    if subprocess.run(["cmp", "-s", files[0][:-5] + raw, files[1][:-5] + raw]).returncode != 0:
                        return f"{raw} differs"
    return "identical"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--emorph", required=True)
    ap.add_argument("--mpirun", default="mpirun")
    ap.add_argument("--input", required=True)
    ap.add_argument("--phases", default="pore=0,NMC=85,CBD=170")
    ap.add_argument("--voxel", default="0.390625")
    ap.add_argument("--np", default="1,2,4", help="ranks besides the single process (np 0)")
    ap.add_argument("--commands", default="fractions,profile,surface,edt,label,connectivity,granulometry")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--env", action="append", default=[], help="KEY=VALUE for the mpirun runs (repeatable)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--keep", action="store_true", help="keep the output volumes")
    ap.add_argument("--hello", help="also measure this MPI program that does nothing (scripts/mpi_hello.c, compiled) at each np")
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if not shutil.which("/usr/bin/time"):
        sys.exit("needs /usr/bin/time")
    table = commands(args.phases, args.voxel)
    nps = [int(n) for n in args.np.split(",")]
    if args.hello:
        env = dict(os.environ)
        for k, val in MPI_ENV.items():
            env.setdefault(k, val)
        for n in nps:
            timing = out / f"hello_np{n}.time"
            wrap = 'exec /usr/bin/time -f "%M %U %S %e" -o "$0.${OMPI_COMM_WORLD_RANK:-0}" "$@"'
            subprocess.run([args.mpirun, "--oversubscribe", "-np", str(n), "sh", "-c", wrap, str(timing), args.hello],
                           env=env, check=True)
            rss = [int(open(f"{timing}.{i}").read().split()[-4]) / 1024.0 for i in range(n)]
            print(f"hello np {n}: {', '.join(f'{r:.1f}' for r in rss)} MiB per rank", flush=True)
    slice_mib = None
    rows = []
    for name in args.commands.split(","):
        argv, suffixes, halo = table[name]
        ref = run_one(args, name, argv, 0, out)
        if ref is None:
            continue
        single = ref["ranks"][0][0]
        print(f"{name} np 0: {single:.1f} MiB, {ref['ranks'][0][1]:.2f} CPU s, {ref['wall']:.1f} s wall", flush=True)
        rows.append({"command": name, "np": 0, "rss": [single], "cpu": [ref["ranks"][0][1]], "wall": ref["wall"],
                     "bound": None, "check": "reference"})
        for n in nps:
            got = run_one(args, name, argv, n, out)
            if got is None:
                rows.append({"command": name, "np": n, "check": "failed"})
                continue
            check = same_outputs(ref, got, suffixes)
            if slice_mib is None:
                subprocess.run([args.emorph, "--quiet", "info", args.input, "--json", str(out / "info.json")], capture_output=True)
                info = json.load(open(out / "info.json"))["results"]
                shape = info["shape"]  # z, y, x
                slice_mib = shape[1] * shape[2] * info["memory_bytes"] / info["voxels"] / 2**20
            bound = single / n * 1.1 + halo * slice_mib
            rss = [r[0] for r in got["ranks"]]
            row = {"command": name, "np": n, "rss": rss, "cpu": [r[1] for r in got["ranks"]], "wall": got["wall"],
                   "bound": bound, "check": check}
            rows.append(row)
            print(f"{name} np {n}: max {max(rss):.1f} MiB per rank (bound {bound:.1f}), CPU "
                  f"{', '.join(f'{c:.2f}' for c in row['cpu'])} s, {got['wall']:.1f} s wall, {check}", flush=True)
            if not args.keep:
                for s in suffixes:
                    for f in out.glob(f"{name}_np{n}{s}*"):
                        f.unlink()
        if not args.keep:
            for s in suffixes:
                for f in out.glob(f"{name}_np0{s}*"):
                    f.unlink()
    json.dump(rows, open(out / "rows.json", "w"), indent=1)


if __name__ == "__main__":
    main()
