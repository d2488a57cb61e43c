"""The numpy bridge: zero-copy inputs, owned outputs, the GIL released, clear errors on bad arrays."""
import gc
import threading

import numpy as np
import pytest

import emorph
from conftest import ticks_in_middle_half


def test_version():
    assert isinstance(emorph.__version__, str)
    assert emorph.__version__.count(".") >= 1


def test_output_owns_the_library_buffer():
    mask = np.ones((3, 4, 5), np.uint8)
    mask[1, 2, 3] = 0
    d = emorph.distance_transform(mask)
    # numpy does not own the data: a capsule holding the C++ volume does (no copy on return).
    assert not d.flags.owndata
    assert d.base is not None and type(d.base).__name__ == "PyCapsule"
    assert d.flags.c_contiguous and d.flags.writeable
    view = d[1]
    del d
    gc.collect()
    assert view[2, 3] == 0 and view[0, 0] == pytest.approx(np.sqrt(4 + 9))  # still alive through the view


def test_input_is_read_in_place_and_not_modified():
    mask = (np.arange(4 * 5 * 6).reshape(4, 5, 6) % 7 != 0).astype(np.uint8)
    before = mask.copy()
    mask.flags.writeable = False  # read-only input is fine: emorph never writes to inputs
    emorph.distance_transform(mask)
    assert emorph._core._debug_last_input_address() == mask.ctypes.data
    np.testing.assert_array_equal(mask, before)


def test_bool_mask_is_viewed_as_uint8_without_copy():
    mask = np.zeros((5, 5, 5), bool)
    mask[1:4, 1:4, 1:4] = True
    d = emorph.distance_transform(mask)
    assert emorph._core._debug_last_input_address() == mask.ctypes.data
    assert d[2, 2, 2] == 2.0


def test_distance_transform_512_cubed_no_copy_and_gil_released():
    """Acceptance: 512^3 input, pointer identity (no copy) and a Python thread runs during the call."""
    n = 512
    mask = np.ones((n, n, n), np.uint8)
    mask[::64, ::64, ::64] = 0
    d, inside, seconds = ticks_in_middle_half(lambda: emorph.distance_transform(mask), tick_s=0.001, settle_s=0.05)
    assert emorph._core._debug_last_input_address() == mask.ctypes.data  # the library read numpy's buffer
    assert d.shape == mask.shape and d.dtype == np.float32
    assert d[0, 0, 0] == 0 and d[32, 32, 32] == pytest.approx(np.sqrt(3 * 32**2))
    # With the GIL held for the whole call the counter could not tick in its middle half.
    assert inside >= 5, f"counter ticked {inside} times during the middle of a {seconds:.2f} s call"


def test_two_threads_compute_concurrently_with_identical_results(rng):
    mask = (rng.random((64, 64, 64)) > 0.3).astype(np.uint8)
    expected = emorph.distance_transform(mask, spacing=(0.5, 0.3, 0.3))
    results = [None, None]

    def work(i):
        results[i] = emorph.distance_transform(mask, spacing=(0.5, 0.3, 0.3))

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for r in results:
        np.testing.assert_array_equal(r, expected)


def test_2d_array_raises_value_error():
    with pytest.raises(ValueError, match=r"mask must be a 3D array \(z, y, x\), got a 2D array of shape \(4, 5\)"):
        emorph.distance_transform(np.ones((4, 5), np.uint8))


def test_4d_and_0d_arrays_raise():
    with pytest.raises(ValueError, match="3D array"):
        emorph.distance_transform(np.ones((2, 3, 4, 5), np.uint8))
    with pytest.raises(ValueError, match="3D array"):
        emorph.distance_transform(np.array(1, np.uint8))


def test_empty_array_raises():
    with pytest.raises(ValueError, match="empty"):
        emorph.distance_transform(np.ones((0, 3, 4), np.uint8))


@pytest.mark.parametrize("make_view", [
    lambda a: a[:, :, ::2],
    lambda a: a.transpose(2, 1, 0),
    lambda a: np.asfortranarray(a),
    lambda a: a[:, 1:3, :],
])
def test_non_contiguous_view_raises_with_hint(make_view):
    a = np.ones((6, 6, 6), np.uint8)
    view = make_view(a)
    assert not view.flags.c_contiguous
    with pytest.raises(ValueError, match=r"C-contiguous.*numpy.ascontiguousarray\(mask\)"):
        emorph.distance_transform(view)
    # the hinted explicit copy works
    assert emorph.distance_transform(np.ascontiguousarray(view)).shape == view.shape


def test_contiguous_slab_view_is_accepted_without_copy():
    a = np.ones((6, 6, 6), np.uint8)
    slab = a[2:5]  # a z-slab of a C array is itself C-contiguous
    emorph.distance_transform(slab)
    assert emorph._core._debug_last_input_address() == slab.ctypes.data


@pytest.mark.parametrize("dtype", [np.int64, np.float64, np.float32, np.uint16, np.complex64])
def test_wrong_dtype_raises_type_error(dtype):
    with pytest.raises(TypeError, match=r"mask must have dtype uint8 \(or bool\), got .*mask.astype\(np.uint8\)"):
        emorph.distance_transform(np.ones((3, 3, 3), dtype))


def test_byte_swapped_dtype_is_refused():
    a = np.ones((3, 3, 3), np.dtype(">u2"))
    with pytest.raises(TypeError, match="dtype"):
        emorph.write("/nonexistent/never.tif", a)


def test_not_an_array_raises_type_error():
    with pytest.raises(TypeError, match=r"numpy.ndarray.*numpy.asarray"):
        emorph.distance_transform([[[1, 0], [1, 1]]])


def test_nan_in_float_input_raises(tmp_path):
    a = np.zeros((4, 4, 4), np.float32)
    a[1, 2, 3] = np.nan
    with pytest.raises(ValueError, match=r"NaN or infinite values \(first at z=1, y=2, x=3\)"):
        emorph.write(str(tmp_path / "nan.tif"), a)
    assert not (tmp_path / "nan.tif").exists()
    a[1, 2, 3] = np.inf
    with pytest.raises(ValueError, match="NaN or infinite"):
        emorph.write(str(tmp_path / "inf.tif"), a)


@pytest.mark.parametrize("spacing, message", [
    ((1, 2), "3 values"),
    ((1, 0, 1), "positive and finite"),
    (-1.0, "positive and finite"),
    (float("nan"), "positive and finite"),
    ("0.3", "string"),
    ((1, "a", 1), "numbers"),
])
def test_bad_spacing_raises(spacing, message):
    with pytest.raises((ValueError, TypeError), match=message):
        emorph.distance_transform(np.ones((3, 3, 3), np.uint8), spacing=spacing)


def test_spacing_accepts_scalars_sequences_and_arrays():
    mask = np.ones((5, 5, 5), np.uint8)
    mask[2, 2, 2] = 0
    for s in (2, 2.0, np.float32(2), [2, 2, 2], (2.0, 2.0, 2.0), np.array([2.0, 2.0, 2.0])):
        assert emorph.distance_transform(mask, spacing=s)[2, 2, 4] == 4.0


def test_library_input_error_is_a_value_error():
    assert issubclass(emorph.InputError, ValueError)
    with pytest.raises(emorph.InputError):
        emorph.label(np.ones((3, 3, 3), np.uint8), connectivity=5)
