"""PoreSpy-equivalent chord-length and two-point correlation in numpy/scipy (PoreSpy itself is not
installable here), timed on the raw volume bench_stats writes. Prints key=value lines.

Chords: PoreSpy's apply_chords(trim_edges=True) + chord_length_distribution label every line segment
of the phase (scipy.ndimage.label with a line structuring element), drop those touching the border
and measure each label's size; here on every line (PoreSpy's default spacing skips every other one).
Two-point correlation: PoreSpy's two_point_correlation (FFT form) takes |fftn(im)|^2 and its inverse
transform over the whole, periodic volume. PoreSpy does it in complex128 (16 bytes/voxel per array);
we use scipy.fft.rfftn on float32 (complex64, half spectrum), which is faster and lighter, then read
the three axes out of the 3D autocorrelation.

Usage: /usr/bin/python3 stats_peer.py RAW N chords|s2 [WORKERS]  (one kernel per process: separate peaks)
"""
import resource
import sys
import time

import numpy as np
import scipy.fft as sp_fft
from scipy import ndimage


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def chord_lengths(im, axis):
    """PoreSpy apply_chords + chord_length_distribution: sizes of border-free chords along `axis`."""
    structure = np.zeros((3, 3, 3), bool)
    index = [1, 1, 1]
    for i in range(3):
        index[axis] = i
        structure[tuple(index)] = True
    labels, n = ndimage.label(im, structure=structure)
    sizes = np.bincount(labels.ravel())
    border = np.zeros(n + 1, bool)
    first = np.take(labels, 0, axis=axis)
    last = np.take(labels, -1, axis=axis)
    border[first.ravel()] = True
    border[last.ravel()] = True
    border[0] = True
    lengths = sizes[~border]
    return np.bincount(lengths)


def two_point(im, workers):
    """|FFT|^2 -> inverse FFT (periodic), S2 along each axis from the 3D autocorrelation."""
    f = sp_fft.rfftn(im.astype(np.float32), workers=workers)
    np.multiply(f, np.conj(f), out=f)
    autoc = sp_fft.irfftn(f, s=im.shape, workers=workers)
    del f
    n = im.size
    return [autoc[: im.shape[0] // 2 + 1, 0, 0] / n, autoc[0, : im.shape[1] // 2 + 1, 0] / n, autoc[0, 0, : im.shape[2] // 2 + 1] / n]


def main():
    raw, n, which = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    workers = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    im = np.fromfile(raw, dtype=np.uint8).reshape(n, n, n).astype(bool)
    base = peak_mb()
    t = time.perf_counter()
    c = time.process_time()
    if which == "chords":
        counts = [chord_lengths(im, a) for a in range(3)]
        print(f"peer_chords_s={time.perf_counter() - t:.3f}")
        print(f"peer_chords_cpu_s={time.process_time() - c:.3f}")
        print(f"peer_chords_extra_mb={peak_mb() - base:.1f}")
        for a, c in enumerate(counts):
            print(f"peer_mean_chord_{a}={(np.arange(len(c)) * c).sum() / c.sum():.9f}")
    else:
        s2 = two_point(im, workers)
        print(f"peer_s2_s={time.perf_counter() - t:.3f}")
        print(f"peer_s2_cpu_s={time.process_time() - c:.3f}")
        print(f"peer_s2_extra_mb={peak_mb() - base:.1f}")
        for a in range(3):
            print(f"peer_s2_{a}_at_8={s2[a][8]:.9f}")


if __name__ == "__main__":
    main()
