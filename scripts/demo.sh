#!/usr/bin/env bash
# Sets up, builds and runs the main job on the built-in synthetic sample; results in demo-out/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
mkdir -p demo-out
./build/bin/emorph synth --preset F --size 128 --voxel 0.32 --seed 7 --out demo-out/sample
./build/bin/emorph info demo-out/sample/labels.tif
