#!/usr/bin/env bash
# Full default `emorph analyze` of a synthetic XCT volume (preset F, 16-bit): wall time and peak memory
# of the analysis alone (issue 8 scale target: 1024 x 1024 x 512 under 5 min and 8 GiB on 2 cores).
# Usage: bench/bench_analyze.sh [NZ,NY,NX] [THREADS]   (default 512,1024,1024 and 2)
# No peer runs the whole pipeline; the per-kernel peers are in the other bench programs.
set -euo pipefail
SHAPE=${1:-512,1024,1024}
THREADS=${2:-2}
BIN=${EMORPH:-$(dirname "$0")/../build/bin/emorph}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$BIN" --quiet synth --preset F --shape "$SHAPE" --voxel 0.32 --seed 7 --xct --out "$tmp/sample" >/dev/null
/usr/bin/time -f "%e %M" -o "$tmp/time" "$BIN" --quiet --threads "$THREADS" analyze "$tmp/sample/xct.tif" \
  --out "$tmp/res" >/dev/null
read -r wall kb < "$tmp/time"
voxels=$(echo "$SHAPE" | tr ',' '*' | bc)
echo "bench_analyze shape=$SHAPE voxels=$voxels threads=$THREADS wall_s=$wall peak_rss_gib=$(echo "scale=2; $kb/1048576" | bc)"
/usr/bin/python3 -c "
import json; r = json.load(open('$tmp/res/results.json'))['results']
print('steps_s', {k: round(v, 1) for k, v in r['timings_s'].items()})
print('failed', r['failed_steps'])"
