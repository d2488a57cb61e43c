#!/usr/bin/env bash
# Configures and builds emorph (Release, -O3) into build/; as root also installs the `emorph` command
# and the Python module (for Debian's /usr/bin/python3) under /usr/local, and lets a `python3` on PATH of
# the same version (e.g. pyenv's) import it too (python/install_python_path.sh, docs/python.md).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --preset release -DPython3_EXECUTABLE=/usr/bin/python3 >/dev/null
cmake --build build -j"$(nproc)"
if [ "$(id -u)" -eq 0 ]; then
  cmake --install build >/dev/null
  bash python/install_python_path.sh
fi
