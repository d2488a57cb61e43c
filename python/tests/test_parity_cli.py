"""Python results equal the CLI's JSON `results` on the same file (same keys, same numbers)."""
import math

import numpy as np
import pytest

import emorph
from conftest import assert_same, random_labels


@pytest.fixture
def electrode_file(tmp_path, rng):
    """A layered label volume with a collector slab at z = 0: an electrode region is found."""
    labels = random_labels(rng, (40, 24, 28), phases=4)
    labels[:3] = 4  # collector
    path = tmp_path / "labels.tif"
    spacing = (0.5, 0.32, 0.32)
    emorph.write(str(path), labels, spacing=spacing)
    return path, labels, spacing


def test_fractions_parity(electrode_file, run_cli):
    path, labels, spacing = electrode_file
    cli = run_cli("fractions", path)
    py = emorph.fractions(labels, spacing=spacing)
    assert_same(py, cli)
    assert py["phases"]["collector"]["voxels"] == 3 * 24 * 28
    assert py["total_voxels"] == labels.size
    for name, label in emorph.default_phases().items():
        assert py["phases"][name]["volume_fraction"] == np.count_nonzero(labels == label) / labels.size


def test_fractions_options_parity(electrode_file, run_cli):
    path, labels, spacing = electrode_file
    cli = run_cli("fractions", path, "--phases", "pore=0,NMC=1,LFP=2,CBD=3,collector=4", "--phase", "NMC",
                  "--phase", "pore", "--ratios", "NMC/pore", "--axis", "1")
    py = emorph.fractions(labels, spacing=spacing, phases={"pore": 0, "NMC": 1, "LFP": 2, "CBD": 3, "collector": 4},
                          phase=["NMC", "pore"], ratios="NMC/pore", axis=1)
    assert_same(py, cli)


def test_profile_parity(electrode_file, run_cli):
    path, labels, spacing = electrode_file
    assert_same(emorph.profile(labels, spacing=spacing), run_cli("profile", path))
    assert_same(emorph.profile(labels, spacing=spacing, bulk=(3, 15), window=3),
                run_cli("profile", path, "--bulk", "3:15", "--window", "3"))
    assert_same(emorph.profile(labels, spacing=spacing, exclude_collector=2, exclude_surface=1.5),
                run_cli("profile", path, "--exclude-collector", "2", "--exclude-surface", "1.5"))
    assert_same(emorph.profile(labels, spacing=spacing, exclude_depleted=True, depleted_phase="LFP"),
                run_cli("profile", path, "--exclude-depleted", "--depleted-phase", "LFP"))
    assert_same(emorph.profile(labels, spacing=spacing, axis=2, bulk=(0, 100)),
                run_cli("profile", path, "--axis", "2", "--bulk", "0:100"))


def test_profile_matches_numpy(electrode_file):
    _, labels, spacing = electrode_file
    p = emorph.profile(labels, spacing=spacing, bulk=(2.0, 17.0))
    nmc = p["phases"]["NMC"]
    np.testing.assert_allclose(nmc["position_um"], (np.arange(40) + 0.5) * 0.5)
    per_slice = (labels == 1).mean(axis=(1, 2))
    np.testing.assert_allclose(nmc["fraction"], per_slice, rtol=1e-12)
    inside = (np.arange(40) + 0.5) * 0.5
    sel = (inside >= 2.0) & (inside <= 17.0)
    slope, _ = np.polyfit(inside[sel], per_slice[sel], 1)
    assert nmc["mean_fraction"] == pytest.approx(per_slice[sel].mean(), rel=1e-12)
    assert nmc["slope_per_um"] == pytest.approx(slope, rel=1e-9, abs=1e-15)
    assert nmc["rsd_percent"] == pytest.approx(100 * per_slice[sel].std(ddof=1) / per_slice[sel].mean(), rel=1e-9)


def test_profile_empty_bulk_window_raises(electrode_file):
    _, labels, spacing = electrode_file
    with pytest.raises(ValueError, match="bulk"):
        emorph.profile(labels, spacing=spacing, bulk=(1000, 2000))
    with pytest.raises(ValueError, match="bulk"):
        emorph.profile(labels, spacing=spacing, bulk=(5, 1))


def test_surface_parity(electrode_file, run_cli):
    path, labels, spacing = electrode_file
    assert_same(emorph.surface(labels, spacing=spacing), run_cli("surface", path))
    assert_same(emorph.surface(labels, spacing=spacing, count_boundary=True, density={"NMC": 4.7, "LFP": 3.6, "CBD": 1.9,
                                                                                      "collector": 2.7}),
                run_cli("surface", path, "--count-boundary", "--density", "NMC=4.7,LFP=3.6,CBD=1.9,collector=2.7"))


def test_composition_parity(run_cli):
    kw = dict(wt={"NMC": 44, "LFP": 44, "PVdF": 7.5, "CB": 4.5}, density="PVdF=1.78,CB=1.9", porosity=29,
              bet={"NMC": 0.28, "LFP": 18.3, "CB": 65})
    cli = run_cli("composition", "--wt", "NMC=44,LFP=44,PVdF=7.5,CB=4.5", "--density", "PVdF=1.78,CB=1.9",
                  "--porosity", "29", "--bet", "NMC=0.28,LFP=18.3,CB=65")
    py = emorph.composition(**kw)
    assert_same(py, cli)
    assert py["no_bet"] == ["PVdF"]
    assert sum(py["vol_percent"].values()) == pytest.approx(71.0)


@pytest.fixture
def porous_file(tmp_path, rng):
    labels = random_labels(rng, (24, 20, 22), phases=3)  # 0 pore, 1 NMC, 2 LFP, about a third each
    path = tmp_path / "porous.tif"
    emorph.write(str(path), labels, spacing=(0.4, 0.3, 0.3))
    # the spacing as the CLI reads it back (TIFF stores the voxel size with float rounding)
    return path, labels, emorph.read(str(path))[1]["spacing"]


def test_tortuosity_parity(porous_file, run_cli):
    path, labels, spacing = porous_file
    py = emorph.tortuosity(labels, phase="pore", axis=0, spacing=spacing)
    cli = run_cli("tortuosity", path, "--phase", "pore", "--axis", "0")
    for key in ("seconds",):  # wall time differs
        py.pop(key), cli.pop(key)
    # The solver's floating-point reductions depend on the thread schedule: the same solution to within
    # its stopping tolerance (relative residual 1e-6), not bit for bit.
    assert_same({k: v for k, v in py.items() if k not in ("iterations", "relative_residual", "flux_mismatch")},
                {k: v for k, v in cli.items() if k not in ("iterations", "relative_residual", "flux_mismatch")},
                rel=1e-5)
    assert py["percolating"] and py["tau"] >= 1.0


def test_tortuosity_straight_channels_is_one():
    labels = np.ones((12, 10, 10), np.uint8)
    labels[:, 2:5, 3:7] = 0
    r = emorph.tortuosity(labels, phase="pore", axis=0, fields=True)
    assert r["tau"] == pytest.approx(1.0, rel=1e-5)
    assert r["volume_fraction"] == pytest.approx(12 / 100)
    assert r["concentration"].shape == labels.shape and r["concentration"].dtype == np.float32


def test_tortuosity_not_percolating_is_inf():
    labels = np.zeros((6, 6, 6), np.uint8)
    labels[3] = 1
    r = emorph.tortuosity(labels, phase="pore", axis=0)
    assert r["tau"] == float("inf") and r["deff_over_d0"] == 0 and r["percolating_fraction"] == 0


def test_connectivity_parity(porous_file, run_cli):
    path, labels, spacing = porous_file
    assert_same(emorph.connectivity(labels, axis=1), run_cli("connectivity", path, "--axis", "1"))
    r = emorph.connectivity(labels, phase="NMC", return_classes=True)
    assert set(np.unique(r["classes"])) <= {0, 1, 2, 3}
    np.testing.assert_array_equal(r["classes"] > 0, labels == 1)


def test_granulometry_parity(porous_file, run_cli):
    path, labels, spacing = porous_file
    assert_same(emorph.granulometry(labels, "NMC", spacing=spacing), run_cli("granulometry", path, "--phase", "NMC"))
