"""CONTRACT: labels outside the phase table are measured as label_<n>, with a warning (issue #14)."""
import warnings

import numpy as np
import pytest

import emorph


def three_labels():
    # Blocks of 0, 85 and 170 (the TauFactor volume's labels) along x.
    v = np.zeros((12, 12, 12), np.uint8)
    v[:, :, 4:8] = 85
    v[:, :, 8:] = 170
    return v


def test_fractions_profile_surface_measure_unlisted_labels_with_a_warning():
    v = three_labels()
    for call in (emorph.fractions, emorph.profile, emorph.surface):
        with pytest.warns(UserWarning, match="labels 85, 170 not in the phase table"):
            r = call(v)
        assert {"label_85", "label_170"} <= set(r["phases"]), call.__name__
        assert r["unlisted_labels"] == [85, 170]
    with pytest.warns(UserWarning):
        r = emorph.fractions(v)
    assert sum(p["volume_fraction"] for p in r["phases"].values()) == pytest.approx(1.0, abs=1e-12)
    assert r["phases"]["label_85"]["volume_fraction"] == pytest.approx(1 / 3)


def test_named_table_gives_no_warning_and_label_name_reaches_a_phase():
    v = three_labels()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = emorph.fractions(v, phases={"pore": 0, "NMC": 85, "CBD": 170})
    assert r["phases"]["NMC"]["voxels"] == 12 * 12 * 4
    p = emorph.particles(v, phase="label_85", spacing=1.0)
    assert p["count"] == 1
