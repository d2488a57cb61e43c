#!/bin/bash
# Builds the size benchmarks with g++ alone (no CMake, only the sources they need) and runs them with
# two threads pinned to two cores, peers (scipy / scikit-image) on the same cores right after ours.
# Usage: docs/bench/sizes_device.sh OUTDIR [N=512] [GRANULOMETRY_PEER_N=96] [PEER_RADIUS=12]
set -u
out=${1:?output folder}; n=${2:-512}; gn=${3:-96}; pr=${4:-12}
mkdir -p "$out/obj"
{ nproc; lscpu | grep -E "Model name|L3"; g++ --version | head -1;
  /usr/bin/python3 -c "import numpy, scipy, skimage; print('numpy', numpy.__version__, 'scipy', scipy.__version__, 'skimage', skimage.__version__)"; } > "$out/env.txt" 2>&1
srcs="src/core/volume.cpp src/core/dtype.cpp src/core/parallel.cpp src/core/progress.cpp
      src/measure/edt.cpp src/measure/components.cpp src/measure/granulometry.cpp src/measure/particles.cpp
      src/measure/surface_area.cpp src/measure/size_distribution.cpp src/measure/size_class_profile.cpp
      src/segment/watershed.cpp src/segment/hmaxima.cpp src/segment/separate_particles.cpp"
flags="-std=c++20 -O3 -DNDEBUG -fopenmp -Iinclude -Isrc"
for f in $srcs; do g++ $flags -c "$f" -o "$out/obj/$(basename "$f" .cpp).o" & done; wait
for b in edt label granulometry separate; do
  g++ $flags "bench/bench_$b.cpp" "$out"/obj/*.o -o "$out/bench_$b" >> "$out/build.log" 2>&1 &
done; wait
rm -rf "$out/obj"
run() { local name=$1 cores=$2; shift 2; ( OMP_NUM_THREADS=2 taskset -c "$cores" "$out/bench_$name" "$@" > "$out/$name-$*.txt" 2>&1 ) & }
# Four programs at once on disjoint core pairs (each program runs ours, then its peer, on its pair).
run edt 0,1 "$n"
run label 2,3 "$n"
run separate 4,5 "$n"
run granulometry 6,7 "$gn" 20 "$pr"
run granulometry 8,9 "$n" 20 0
wait
