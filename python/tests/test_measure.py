"""Measurements against scipy / scikit-image and against the CLI on the same data."""
import numpy as np
import pytest
from scipy import ndimage

import emorph
from conftest import random_labels, ticks_in_middle_half


@pytest.mark.parametrize("spacing", [None, 0.32, (1.0, 0.5, 0.25), (0.3, 0.7, 0.45)])
def test_distance_transform_matches_scipy(rng, spacing):
    mask = rng.random((23, 31, 37)) > 0.05
    mask[0, 0, 0] = False
    ours = emorph.distance_transform(mask.astype(np.uint8), spacing=spacing)
    sampling = None if spacing is None else np.broadcast_to(spacing, 3)
    ref = ndimage.distance_transform_edt(mask, sampling=sampling)
    # float32 output vs scipy's float64: relative rounding of the square root only.
    np.testing.assert_allclose(ours, ref, rtol=2e-7 * 4, atol=0)


def test_distance_transform_sparse_background_matches_scipy(rng):
    mask = np.ones((40, 24, 30), np.uint8)
    idx = rng.integers(0, mask.size, 6)
    mask.flat[idx] = 0
    np.testing.assert_allclose(emorph.distance_transform(mask, spacing=(0.8, 0.3, 0.3)),
                               ndimage.distance_transform_edt(mask, sampling=(0.8, 0.3, 0.3)), rtol=1e-6)


def test_distance_transform_without_background_is_infinite():
    assert np.isinf(emorph.distance_transform(np.ones((3, 3, 3), np.uint8))).all()


@pytest.mark.parametrize("connectivity, rank", [(6, 1), (18, 2), (26, 3)])
def test_label_matches_scipy(rng, connectivity, rank):
    mask = rng.random((30, 28, 26)) > 0.7
    ours, count = emorph.label(mask, connectivity=connectivity)
    ref, ref_count = ndimage.label(mask, structure=ndimage.generate_binary_structure(3, rank))
    assert ours.dtype == np.uint32
    assert count == ref_count
    # same partition: each emorph label maps to exactly one scipy label and back
    pairs = np.unique(np.stack([ours[mask], ref[mask]]), axis=1)
    assert pairs.shape[1] == count
    np.testing.assert_array_equal(ours == 0, ref == 0)
    # and the same numbering (raster order of each component's first voxel)
    np.testing.assert_array_equal(ours, ref)


def test_label_default_connectivity_is_26():
    mask = np.zeros((3, 3, 3), np.uint8)
    mask[0, 0, 0] = mask[1, 1, 1] = 1
    assert emorph.label(mask)[1] == 1
    assert emorph.label(mask, connectivity=6)[1] == 2


def test_label_bad_connectivity_names_it():
    with pytest.raises(ValueError, match="connectivity"):
        emorph.label(np.ones((3, 3, 3), np.uint8), connectivity=8)


def test_read_write_roundtrip_every_dtype(tmp_path, rng):
    for dtype in (np.uint8, np.int8, np.uint16, np.int16, np.uint32, np.int32, np.float32):
        info = np.iinfo(dtype) if np.issubdtype(dtype, np.integer) else None
        a = (rng.integers(info.min, info.max, (4, 5, 6), endpoint=True, dtype=dtype) if info
             else rng.standard_normal((4, 5, 6)).astype(dtype))
        for ext in ("tif", "raw"):
            path = tmp_path / f"v_{np.dtype(dtype).name}.{ext}"
            emorph.write(str(path), a, spacing=(0.5, 0.25, 0.125))
            b, meta = emorph.read(str(path))
            assert b.dtype == a.dtype, ext
            np.testing.assert_array_equal(a, b)
            assert meta["spacing"] == (0.5, 0.25, 0.125)
            assert meta["spacing_from_file"] is True
            assert meta["shape"] == (4, 5, 6)
            assert emorph.read_info(str(path))["dtype"] == np.dtype(dtype).name


def test_read_spacing_override_and_bool_write(tmp_path):
    path = tmp_path / "mask.tif"
    emorph.write(str(path), np.ones((2, 3, 4), bool))
    a, meta = emorph.read(str(path), spacing=0.32)
    assert a.dtype == np.uint8 and a.sum() == 24
    assert meta["spacing"] == (0.32, 0.32, 0.32) and meta["spacing_from_file"] is False


def test_read_missing_file_names_it(tmp_path):
    missing = str(tmp_path / "nope.tif")
    with pytest.raises(emorph.InputError, match="nope.tif"):
        emorph.read(missing)


def test_info_matches_cli(tmp_path, run_cli, rng):
    path = tmp_path / "labels.tif"
    emorph.write(str(path), random_labels(rng, (12, 14, 16)), spacing=0.5)
    assert emorph.info(str(path)) == run_cli("info", path)


def test_fractions_without_electrode_region_warns():
    """The CLI prints "emorph: warning: no electrode region ..."; Python issues a UserWarning instead."""
    with pytest.warns(UserWarning, match="no electrode region"):
        r = emorph.fractions(np.zeros((6, 4, 4), np.uint8))
    assert "electrode_region" not in r and r["phases"]["pore"]["volume_fraction"] == 1.0


def test_errors_name_python_keywords(rng):
    labels = random_labels(rng, (12, 8, 8))
    with pytest.raises(emorph.InputError, match="^bulk excludes exclude_collector"):
        emorph.profile(labels, bulk=(1, 4), exclude_surface=1)
    with pytest.raises(emorph.InputError, match="^window must be an odd"):
        emorph.profile(labels, bulk=(1, 4), window=2)
    with pytest.raises(emorph.InputError, match="^phase: "):
        emorph.fractions(labels, phase="collector")  # absent from the volume


@pytest.mark.parametrize("call", [
    lambda a: emorph.local_thickness(a, spacing=0.5),
    lambda a: emorph.particles(a, spacing=0.5, surface=False),
], ids=["local_thickness", "particles"])
def test_new_functions_read_in_place_and_release_the_gil(call):
    """Zero copy (pointer identity) and another Python thread runs while emorph computes."""
    mask = np.zeros((96, 96, 96), np.uint8)
    z, y, x = np.indices(mask.shape)
    for c in ((30, 30, 30), (60, 62, 58), (30, 66, 64)):
        mask[(z - c[0]) ** 2 + (y - c[1]) ** 2 + (x - c[2]) ** 2 <= 20 ** 2] = 1
    _, inside, seconds = ticks_in_middle_half(lambda: call(mask), tick_s=0.0005, settle_s=0.02)
    assert emorph._core._debug_last_input_address() == mask.ctypes.data
    # With the GIL held throughout, the counter could not tick inside the middle half of the call.
    assert inside >= 2, f"{seconds:.3f} s call"
