#!/usr/bin/env bash
# Installs emorph's build and test dependencies from Debian packages. Idempotent: quick when all is present.
set -euo pipefail
PACKAGES=(
  build-essential cmake ninja-build pkg-config git time bc
  libtiff-dev libhdf5-dev zlib1g-dev libfftw3-dev libssl-dev
  libhypre-dev libopenmpi-dev openmpi-bin
  libcli11-dev nlohmann-json3-dev libtomlplusplus-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  pybind11-dev python3-dev python3-numpy python3-pytest
  python3-scipy python3-skimage python3-matplotlib python3-pil
  chromium  # headless, for the report rendering test (python/tests/test_report_render.py)
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
