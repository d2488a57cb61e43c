#!/usr/bin/env bash
# Configures and builds emorph (Release, -O3) into build/.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --preset release -DPython3_EXECUTABLE=/usr/bin/python3 >/dev/null
cmake --build build -j"$(nproc)"
