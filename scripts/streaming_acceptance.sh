#!/usr/bin/env bash
# Issue 18 acceptance: each streaming kernel on an N^3 synthetic label volume, in core and under
# --memory-limit LIMIT; the results and parameters JSON must be equal (timing and memory keys apart,
# output paths normalised), every output volume identical byte for byte, and the streamed peak RSS at
# most LIMIT x 1.25 + 48 MiB. Prints a Markdown table (wall time and peak RSS by /usr/bin/time -v) for
# docs/benchmarks.md; exits 1 on any difference or a peak above the bound.
#   [SYNTH=DIR] scripts/streaming_acceptance.sh [N=512] [LIMIT=16MiB] [KERNELS="fractions ... localthickness"]
# The grey kernels (median gaussian bilateral segment) run on the synthetic XCT volume (uint16).
# Run it niced on a shared machine: at 512^3 the in-core granulometry alone keeps ~1.7 GiB.
set -euo pipefail
N=${1:-512}
LIMIT=${2:-16MiB}
KERNELS=${3:-"fractions profile surface median gaussian bilateral segment edt label connectivity granulometry localthickness"}
EMORPH=${EMORPH:-$(dirname "$0")/../build/bin/emorph}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/emorph-stream-accept.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
# SYNTH=DIR reuses the labels.tif and xct.tif of an earlier `synth --preset F --size N --seed 7 --xct`.
SYNTH=${SYNTH:-$WORK/synth}
[ -e "$SYNTH/xct.tif" ] || "$EMORPH" --quiet synth --preset F --size "$N" --seed 7 --xct --out "$SYNTH" >/dev/null
LABELS="$SYNTH/labels.tif"
GREY="$SYNTH/xct.tif"
BOUND_MIB=$(python3 -c "import re,sys; m=re.fullmatch(r'(\d+(?:\.\d+)?)([KMG])iB', sys.argv[1]); print(float(m[1]) * {'K': 1/1024, 'M': 1, 'G': 1024}[m[2]] * 1.25 + 48)" "$LIMIT")

declare -A ARGS=(
  [fractions]="fractions $LABELS"
  [profile]="profile $LABELS --axis 0"
  [surface]="surface $LABELS"
  [median]="denoise $GREY OUT.nrrd --filter median:1"
  [gaussian]="denoise $GREY OUT.nrrd --filter gaussian:1.5"
  [bilateral]="denoise $GREY OUT.nrrd --filter bilateral:1,2000"
  [segment]="segment $GREY OUT.nrrd --method otsu --denoise median:1"
  [edt]="edt $LABELS OUT.nrrd --phase NMC"
  [label]="label $LABELS OUT.nrrd --phase NMC"
  [connectivity]="connectivity $LABELS --phase pore --axis 0 --out OUT.nrrd"
  [granulometry]="granulometry $LABELS --phase NMC --local-thickness OUT.nrrd"
  [localthickness]="localthickness $LABELS OUT.nrrd --phase CBD"
)

# Runs one kernel with TAG's global options; prints "wall_s peak_MiB".
run() {
  local kernel=$1 tag=$2 global=$3 out="$WORK/$1_$2"
  local args=${ARGS[$kernel]//OUT/$out}
  /usr/bin/time -v -o "$out.time" "$EMORPH" $global --quiet $args --json "$out.json" >/dev/null
  python3 - "$out.time" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", t)
h, m, s = wall.groups()
peak = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1))
print(f"{(int(h or 0) * 60 + int(m)) * 60 + float(s):.1f} {peak / 1024:.1f}")
PY
}

# The envelope's results and parameters with the output paths of TAG replaced by OUT.
same_results() {
  python3 - "$WORK" "$1" <<'PY'
import json, sys
work, kernel = sys.argv[1], sys.argv[2]
def load(tag):
    text = open(f"{work}/{kernel}_{tag}.json").read().replace(f"{work}/{kernel}_{tag}", "OUT")
    j = json.loads(text)
    return {k: j[k] for k in ("results", "parameters")}, j.get("memory")
core, core_memory = load("core")
streamed, memory = load("streamed")
ok = core == streamed and core_memory is None and memory and memory.get("streamed") is True
print("equal" if ok else "DIFFERENT", memory.get("slab_slices") if memory else "-", memory.get("slabs") if memory else "-")
PY
}

echo "| kernel | results | outputs | slab slices / slabs | in core: wall s, peak MiB | --memory-limit $LIMIT: wall s, peak MiB | peak <= $BOUND_MIB MiB |"
echo "|---|---|---|---|---|---|---|"
status=0
for kernel in $KERNELS; do
  core=$(run "$kernel" core "")
  streamed=$(run "$kernel" streamed "--memory-limit $LIMIT")
  read -r verdict slab slabs < <(same_results "$kernel")
  outputs="-"
  if [ -e "$WORK/${kernel}_core.nrrd" ]; then
    if cmp -s "$WORK/${kernel}_core.nrrd" "$WORK/${kernel}_streamed.nrrd"; then outputs="identical"; else outputs="DIFFERENT"; fi
  fi
  [ "$verdict" = equal ] && [ "$outputs" != DIFFERENT ] || status=1
  read -r cw cp <<<"$core"
  read -r sw spk <<<"$streamed"
  within=$(python3 -c "import sys; print('yes' if float(sys.argv[1]) <= float(sys.argv[2]) else 'NO')" "$spk" "$BOUND_MIB")
  [ "$within" = yes ] || status=1
  echo "| $kernel | $verdict | $outputs | $slab / $slabs | $cw, $cp | $sw, $spk | $within |"
  rm -f "$WORK/${kernel}"_*.nrrd
done
exit $status
