"""Chord lengths, two-point correlation and REV: numpy/scipy references and parity with the CLI."""
import numpy as np
import pytest
from scipy import ndimage

import emorph
from conftest import assert_same, random_labels

SPACING = (0.5, 1.25, 2.0)


def numpy_chords(mask, axis, include_border=False):
    """Run lengths along `axis` from the starts and ends of the zero-padded lines (np.diff)."""
    m = np.moveaxis(mask, axis, -1).reshape(-1, mask.shape[axis]).astype(np.int8)
    padded = np.pad(m, ((0, 0), (1, 1)))
    d = np.diff(padded, axis=1)
    starts = np.nonzero(d == 1)
    ends = np.nonzero(d == -1)
    lengths = ends[1] - starts[1]
    border = (starts[1] == 0) | (ends[1] == mask.shape[axis])
    return lengths if include_border else lengths[~border]


def numpy_s2(mask, axis, max_lag):
    """Non-periodic autocorrelation per axis with numpy's FFT (float64), divided by the pair counts."""
    m = np.moveaxis(mask.astype(np.float64), axis, -1)
    n = m.shape[-1]
    f = np.fft.rfft(m, n=2 * n, axis=-1)
    c = np.fft.irfft((np.abs(f) ** 2).sum(axis=(0, 1)), n=2 * n)[: max_lag + 1]
    pairs = (n - np.arange(max_lag + 1)) * (mask.size // n)
    return c / pairs


def test_chords_match_numpy_runs(rng):
    labels = random_labels(rng, (14, 17, 21), phases=3, smooth=1)
    mask = labels == 1
    for include_border in (False, True):
        py = emorph.chords(labels, "NMC", spacing=SPACING, include_border=include_border)
        for axis in range(3):
            lengths = numpy_chords(mask, axis, include_border)
            a = py["axes"][axis]
            counts = np.bincount(lengths)[1:]
            np.testing.assert_array_equal(a["count"], counts)
            np.testing.assert_allclose(a["chord_um"], np.arange(1, len(counts) + 1) * SPACING[axis])
            np.testing.assert_allclose(a["frequency"], counts / counts.sum())
            assert a["mean_chord_um"] == pytest.approx(lengths.mean() * SPACING[axis], rel=1e-12)


@pytest.mark.parametrize("method", ["direct", "fft"])
def test_correlation_matches_numpy_fft(rng, method):
    labels = random_labels(rng, (15, 22, 79), phases=2, smooth=1.5)
    mask = labels == 0
    py = emorph.correlation(labels, "pore", spacing=SPACING, method=method)
    assert py["method"] == method
    assert py["volume_fraction"] == mask.mean()
    for axis in range(3):
        a = py["axes"][axis]
        max_lag = mask.shape[axis] // 2
        # exact counts, or FFTW in float, against numpy in double: 1e-5 absolute
        np.testing.assert_allclose(a["s2"], numpy_s2(mask, axis, max_lag), atol=1e-5)
        assert a["s2"][0] == mask.mean()
        np.testing.assert_allclose(a["r_um"], np.arange(max_lag + 1) * SPACING[axis])


def numpy_rev(mask, edge_voxels):
    """Fractions of all cubes on a grid of step edge/4 from a cumulative-sum table (scipy-free twin)."""
    t = np.zeros(tuple(s + 1 for s in mask.shape), np.int64)
    t[1:, 1:, 1:] = mask.cumsum(0).cumsum(1).cumsum(2)
    w = edge_voxels
    idx = [np.arange(0, n - wi + 1, max(1, wi // 4)) for n, wi in zip(mask.shape, w)]
    a, b, c = np.ix_(*idx)
    s = (t[a + w[0], b + w[1], c + w[2]] - t[a, b + w[1], c + w[2]] - t[a + w[0], b, c + w[2]]
         - t[a + w[0], b + w[1], c] + t[a, b, c + w[2]] + t[a, b + w[1], c] + t[a + w[0], b, c] - t[a, b, c])
    return s / np.prod(w)


def test_rev_matches_numpy_windows(rng):
    labels = random_labels(rng, (24, 30, 36), phases=2, smooth=2)
    mask = labels == 1
    sizes = [2.0, 5.0, 10.0]
    py = emorph.rev(labels, "NMC", spacing=SPACING, sizes=sizes)
    for i, edge in enumerate(sizes):
        # round half up, as C++ llround (Python round() goes to even: 2.5 -> 2)
        w = [min(n, max(1, int(np.floor(edge / d + 0.5)))) for n, d in zip(mask.shape, SPACING)]
        f = numpy_rev(mask, w)
        assert py["subvolumes"][i] == f.size
        assert py["mean_fraction"][i] == pytest.approx(f.mean(), rel=1e-12)
        assert py["std_fraction"][i] == pytest.approx(f.std(), rel=1e-9)
        assert py["volumes_um3"][i] == pytest.approx(np.prod(w) * np.prod(SPACING))
    assert py["volume_fraction"] == mask.mean()


def test_chords_on_scipy_balls_give_four_thirds_radius():
    """Separate balls drawn with scipy's distance transform: mean chord 4R/3 on every axis (3 %)."""
    seeds = np.zeros((96, 96, 96), bool)
    seeds[16::32, 16::32, 16::32] = True
    balls = ndimage.distance_transform_edt(~seeds) <= 12
    py = emorph.chords(balls.astype(np.uint8), "NMC")
    for a in py["axes"]:
        assert a["mean_chord_um"] == pytest.approx(16.0, rel=0.03)


@pytest.mark.parametrize("command, function, extra", [
    ("chords", emorph.chords, ()),
    ("correlation", emorph.correlation, ("--max-lag", "3")),
    ("rev", emorph.rev, ("--sizes", "1,2.5,4")),
])
def test_stats_parity_with_cli(rng, tmp_path, run_cli, command, function, extra):
    labels = random_labels(rng, (12, 16, 20), phases=4, smooth=1)
    path = tmp_path / "labels.tif"
    emorph.write(str(path), labels, spacing=(0.5, 0.25, 0.25))
    spacing = emorph.read(str(path))[1]["spacing"]
    cli = run_cli(command, path, "--phase", "CBD", *extra)
    kwargs = {"chords": {}, "correlation": {"max_lag": 3.0}, "rev": {"sizes": [1.0, 2.5, 4.0]}}[command]
    assert_same(function(labels, "CBD", spacing=spacing, **kwargs), cli)


def test_bad_phase_names_the_argument():
    labels = np.zeros((4, 4, 4), np.uint8)
    with pytest.raises(ValueError, match="phase"):
        emorph.chords(labels, "nope")
