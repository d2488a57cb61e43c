#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/) with clang in build-fuzz/ and runs each for N seconds.
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET=60] [TARGET...]
# Targets: fuzz_nrrd_header fuzz_metaimage_header fuzz_raw_sidecar fuzz_tiff fuzz_config (default: all).
# New corpus entries go to build-fuzz/fuzz/corpus-<name>/ (the seeds in fuzz/corpus stay untouched);
# a crash or leak is written to build-fuzz/fuzz/artifacts/ and makes the script exit non-zero.
# Add a crashing input to fuzz/corpus/<name>/ once fixed, so that the normal suite replays it
# (tests/io/test_fuzz_replay.cpp). Installs clang from Debian when absent (not needed by CI).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-60}"
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(fuzz_nrrd_header fuzz_metaimage_header fuzz_raw_sidecar fuzz_tiff fuzz_config)

fuzzer_lib() { ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a 2>/dev/null | head -1; }
if ! command -v clang++ >/dev/null || [ -z "$(fuzzer_lib)" ]; then
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  # libFuzzer's runtime lives in libclang-rt-<version>-dev (Debian 12: clang 14).
  version="$($sudo_cmd apt-cache depends clang 2>/dev/null | sed -n 's/.*Depends: clang-\([0-9]*\)$/\1/p' | head -1)"
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq clang "libclang-rt-${version:-14}-dev"
fi

build="$root/build-fuzz"
CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DEMORPH_BUILD_FUZZ=ON -DEMORPH_BUILD_PYTHON=OFF >/dev/null
cmake --build "$build" --target "${targets[@]}" -j"${JOBS:-2}"

mkdir -p "$build/fuzz/artifacts"
status=0
for t in "${targets[@]}"; do
  corpus="${t#fuzz_}"
  corpus="${corpus%_header}"
  [ "$corpus" = raw_sidecar ] && corpus=sidecar
  mkdir -p "$build/fuzz/corpus-$corpus"
  echo "== $t: ${seconds} s on fuzz/corpus/$corpus"
  if ! "$build/fuzz/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="$build/fuzz/artifacts/$t-" "$build/fuzz/corpus-$corpus" "$root/fuzz/corpus/$corpus" \
      >"$build/fuzz/$t.log" 2>&1; then
    echo "   FAILED: see $build/fuzz/$t.log and $build/fuzz/artifacts/"
    grep -E "ERROR|SUMMARY" "$build/fuzz/$t.log" | head -3 || true
    status=1
  else
    grep -E "^Done|stat::number_of_executed_units" "$build/fuzz/$t.log" | head -1
  fi
done
exit $status
