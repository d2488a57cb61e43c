"""FIB/SEM preparation steps: known drifts, stripes and shading are removed; same output as the CLI."""
import numpy as np
import pytest
from scipy import ndimage

import emorph

SHIFTS = [(0, 0), (2, -1), (3, 1), (1, 4), (-2, 3), (0, 5)]  # [dy, dx] of each slice's content, pixels


@pytest.fixture
def scene(rng):
    """A textured plane with features of about 2 pixels (coarser texture on 64^2 slices leaves too few
    features for the tapered phase correlation: 0.3 px bias at sigma 2, 0.03 px at sigma 1)."""
    return ndimage.gaussian_filter(rng.standard_normal((112, 112)), 1.0).astype(np.float32) * 100 + 1000


def drifted_stack(scene):
    """Slice z shows the scene with its content moved by SHIFTS[z] (an integer crop of a larger scene)."""
    return np.stack([scene[16 - dy:16 - dy + 64, 16 - dx:16 - dx + 64] for dy, dx in SHIFTS]).astype(np.float32)


def prep_cli(tmp_path, run_cli, stack, *flags):
    """Runs emorph fibsem-prep with these flags: (output stack, results)."""
    src, out = tmp_path / "stack.tif", tmp_path / "out.tif"
    emorph.write(str(src), stack)
    results = run_cli("fibsem-prep", src, out, *flags)
    return emorph.read(str(out))[0], results


def test_align_recovers_known_drift_and_matches_cli(scene, tmp_path, run_cli):
    stack = drifted_stack(scene)
    aligned, info = emorph.align_slices(stack)
    assert info["drift_px"].shape == (len(SHIFTS), 2)
    # Integer shifts of a smooth texture: phase correlation is sub-pixel accurate (0.1 px is loose).
    np.testing.assert_allclose(info["drift_px"], SHIFTS, atol=0.1)
    inner = (slice(None), slice(8, -8), slice(8, -8))  # away from the edge-filled borders
    residual = aligned[inner] - aligned[0][np.newaxis][inner]  # sub-pixel errors of ~0.03 px interpolated
    assert np.sqrt(np.mean(residual ** 2)) < 0.1 * stack.std()
    cli_out, cli = prep_cli(tmp_path, run_cli, stack, "--align")
    np.testing.assert_array_equal(info["drift_px"], np.array(cli["drift_px"]))
    np.testing.assert_array_equal(aligned, cli_out)
    assert info["drift_max_px"] == cli["drift_max_px"]


def test_align_region_and_integer_input(scene):
    stack = drifted_stack(scene)
    as_float, _ = emorph.align_slices(stack, region=((8, 56), (8, 56)))
    as_uint16, info = emorph.align_slices(stack.astype(np.uint16), region=((8, 56), (8, 56)))
    np.testing.assert_allclose(info["drift_px"], SHIFTS, atol=0.1)
    assert as_uint16.dtype == np.float32
    with pytest.raises(ValueError, match="3D"):
        emorph.align_slices(stack[0])
    with pytest.raises(emorph.InputError):
        emorph.align_slices(stack, region=((0, 8), (0, 8)))  # under 16 x 16 pixels


def test_destripe_removes_vertical_stripes_and_matches_cli(scene, rng, tmp_path, run_cli):
    clean = np.stack([scene[:64, :64]] * 3)
    stripes = np.repeat(rng.normal(0, 30, (1, 1, 64)), 64, axis=1).astype(np.float32)  # constant along y
    striped = clean + stripes
    out, info = emorph.destripe(striped)
    # The default method removes most of the stripe band's energy (docs/benchmarks.md, FIB/SEM).
    assert info["stripe_band_power_removed_percent"] > 50
    assert np.abs(out - clean).std() < 0.5 * np.abs(striped - clean).std()
    cli_out, cli = prep_cli(tmp_path, run_cli, striped, "--destripe")
    np.testing.assert_array_equal(out, cli_out)
    assert info["stripe_band_power_after"] == pytest.approx(cli["destripe"]["stripe_band_power_after"], rel=1e-12)


def test_shading_and_intensity_match_cli_flatten(scene, tmp_path, run_cli):
    y = np.arange(64, dtype=np.float32)
    gain = (1 + 0.3 * y / 63)[np.newaxis, :, np.newaxis]  # multiplicative shading along y
    contrast = np.array([1.0, 1.2, 0.9, 1.1], np.float32)[:, np.newaxis, np.newaxis]  # slice contrast along z
    stack = np.stack([scene[:64, :64]] * 4) * gain * contrast
    shaded, info = emorph.correct_shading(stack)
    assert info["background"].shape == (64,)
    rows = shaded.mean(axis=(0, 2))
    assert rows.std() / rows.mean() < 0.3 * (stack.mean(axis=(0, 2)).std() / stack.mean())
    flat, stats = emorph.normalise_intensity(shaded)
    means = flat.mean(axis=(1, 2))
    np.testing.assert_allclose(means, stats["target_mean"], rtol=1e-4)
    cli_out, cli = prep_cli(tmp_path, run_cli, stack, "--flatten", "--intensity", "meanstd")
    np.testing.assert_array_equal(flat, cli_out)
    np.testing.assert_allclose(info["background"], cli["shading"]["background"], rtol=1e-15)
    assert stats["target_std"] == pytest.approx(cli["intensity"]["target_std"], rel=1e-15)
    with pytest.raises(ValueError, match="mode"):
        emorph.correct_shading(stack, mode="multiply")
