#!/usr/bin/env bash
# Sets up, builds and runs the main job on the built-in sample: a synthetic NMC/LFP electrode (the
# paper's sample F) imaged by a simulated XCT, analysed end to end. Results: demo-out/report.html.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
./build/bin/emorph analyze --demo --out demo-out
echo "open demo-out/report.html"
