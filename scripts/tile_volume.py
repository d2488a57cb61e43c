#!/usr/bin/python3
"""Writes a large volume slice by slice by mirror-tiling a smaller one (issue 18's scale run).

The tile (an emorph-written .nhdr with a detached raw file, e.g. `emorph convert xct.tif tile.nhdr` of
`emorph synth --preset F --size 512 --seed 7 --xct`) is repeated along z, y and x with every second copy
mirrored, so the structure and the grey values run on across the seams without a jump; the output is a
detached NRRD (.nhdr + .raw) of NZ x NY x NX voxels, written one z slice at a time (memory: the tile's
memory map and one output slice). The same tile gives the same bytes.
  /usr/bin/python3 scripts/tile_volume.py TILE.nhdr OUT.nhdr NZ NY NX
"""
import os
import re
import sys

import numpy as np

TYPES = {"uint8": np.uint8, "uint16": np.uint16, "int16": np.int16, "float": np.float32}


def mirrored(n, period):
    """Index into a tile of `period` samples for positions 0..n-1: 0 1 .. p-1 p-1 .. 1 0 0 1 .."""
    i = np.arange(n) % (2 * period)
    return np.where(i < period, i, 2 * period - 1 - i)


def main():
    tile_header, out_header, nz, ny, nx = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:6])
    text = open(tile_header).read()
    field = lambda name: re.search(rf"^{name}: (.*)$", text, re.M).group(1).strip()
    assert field("encoding") == "raw" and field("endian") == "little", "tile: raw little-endian NRRD expected"
    dtype = TYPES[field("type")]
    tx, ty, tz = map(int, field("sizes").split())
    data = os.path.join(os.path.dirname(tile_header), field("data file"))
    tile = np.memmap(data, dtype=dtype, mode="r", shape=(tz, ty, tx))
    ys, xs, zs = mirrored(ny, ty), mirrored(nx, tx), mirrored(nz, tz)
    raw_name = os.path.splitext(os.path.basename(out_header))[0] + ".raw"
    raw_path = os.path.join(os.path.dirname(out_header) or ".", raw_name)
    for written in (raw_path, out_header):  # the tile is an input: never replace it
        if os.path.exists(written) and any(os.path.samefile(written, read) for read in (tile_header, data)):
            sys.exit(f"tile_volume: output {written} is the tile's own file; choose another output name")
    with open(raw_path + ".part", "wb") as out:
        for z in range(nz):
            out.write(np.ascontiguousarray(tile[zs[z]][np.ix_(ys, xs)]).tobytes())
            if z % 64 == 63 or z == nz - 1:
                print(f"tile_volume: {z + 1} / {nz} slices", file=sys.stderr, flush=True)
    os.replace(raw_path + ".part", raw_path)
    header = re.sub(r"^sizes: .*$", f"sizes: {nx} {ny} {nz}", text, flags=re.M)
    header = re.sub(r"^data file: .*$", f"data file: {raw_name}", header, flags=re.M)
    with open(out_header + ".part", "w") as f:
        f.write(header)
    os.replace(out_header + ".part", out_header)


if __name__ == "__main__":
    main()
