#!/usr/bin/env bash
# Sets up, builds and runs every test: the GoogleTest suites (CTest) and the Python tests (pytest).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
ctest --preset release -LE slow
if [ -d python/tests ] && ls python/tests/test_*.py >/dev/null 2>&1; then
  PYTHONPATH="$PWD/build/python" /usr/bin/python3 -m pytest -q python/tests
fi
