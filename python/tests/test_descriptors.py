"""Issue 20 descriptors from Python: surface shares, contacts, triple-phase boundary, BPX export."""
import math

import numpy as np
import pytest

import emorph
from conftest import assert_same, random_labels


def ball_grid(shape):
    z, y, x = np.indices(shape)
    return z, y, x


def test_surface_shares_sum_to_one(rng):
    labels = random_labels(rng, (24, 26, 28), phases=3)
    res = emorph.surface(labels, spacing=0.5, phases="pore=0,NMC=1,CBD=2")
    for name, p in res["phases"].items():
        shares = p["surface_shares"]
        assert set(shares) == {"pore", "NMC", "CBD"} - {name}
        assert sum(shares.values()) == pytest.approx(1.0, abs=1e-12)
    # Each share is the interface area over the phase's interfaces (volume faces not counted).
    nmc = res["phases"]["NMC"]["surface_shares"]
    a = res["interfaces"]["pore|NMC"]["area_um2"]
    b = res["interfaces"]["NMC|CBD"]["area_um2"]
    assert nmc["pore"] == pytest.approx(a / (a + b), rel=1e-12)


def test_contacts_two_balls_and_cli_parity(tmp_path, run_cli):
    R, d = 12.0, 16.0
    z, y, x = ball_grid((32, 32, 48))
    labels = np.zeros((32, 32, 48), np.uint8)
    for cx in (24 - d / 2, 24 + d / 2):
        labels[(z - 16) ** 2 + (y - 16) ** 2 + (x - cx) ** 2 <= R * R] = 1
    res = emorph.contacts(labels, "NMC", spacing=0.5)
    assert res["count"] == 2 and res["contacting_pairs"] == 1
    expected = math.pi * (R * R - d * d / 4) * 0.25
    assert res["contact_area_um2_total"] == pytest.approx(expected, rel=0.10)
    assert res["coordination_number"] == [1, 1]
    assert res["pairs"][0][:2] == (1, 2)
    path = tmp_path / "two.npy"
    raw = tmp_path / "two.raw"
    labels.tofile(raw)
    (tmp_path / "two.json").write_text('{"shape": [32, 32, 48], "dtype": "uint8", "byte_order": "little", "voxel_um": 0.5}')
    cli = run_cli("contacts", raw, "--phase", "NMC")
    py = {k: v for k, v in res.items() if k not in ("pairs", "coordination_number")}
    assert_same(py, cli)


def test_tpb_cut_ball():
    R, h = 14.0, 5.3
    n = 40
    z, y, x = ball_grid((n, n, n))
    c = n / 2 + 0.25
    labels = np.where(z - c > h, 3, 0).astype(np.uint8)
    labels[(z - c) ** 2 + (y - c) ** 2 + (x - c) ** 2 <= R * R] = 1
    res = emorph.tpb(labels, spacing=0.5)
    expected = 2 * math.pi * math.sqrt(R * R - h * h) * 0.5
    assert res["length_um"] == pytest.approx(expected, rel=0.05)
    assert res["length_per_um2"] == pytest.approx(res["length_um"] / (n ** 3 * 0.125))
    with pytest.raises(ValueError):
        emorph.tpb(labels, active="NMC", conductor="NMC")
    crossed = emorph.tpb(labels, spacing=0.5, estimator="intersection")
    assert crossed["length_um"] == pytest.approx(expected, rel=0.05)
    assert crossed["method"] != res["method"]
    # The default hybrid measures this planar CBD|pore interface by the intersection throughout.
    assert res["intersection_share"] == 1.0
    assert res["length_um"] == pytest.approx(crossed["length_um"], rel=1e-12)
    lattice = emorph.tpb(labels, spacing=0.5, estimator="polyline")
    assert lattice["length_um"] == pytest.approx(expected, rel=0.05)
    assert lattice["intersection_share"] == 0.0
    with pytest.raises(ValueError):
        emorph.tpb(labels, estimator="nope")


def test_export_bpx_consistency():
    pos = [5.0 + 10 * i for i in range(12)]
    results = {
        "sample": {"axis": 0, "thickness_um": 100.0, "electrode_region": {"start_um": 10.0, "end_um": 110.0}},
        "fractions": {"phases": {"pore": {"volume_fraction": 0.3}, "NMC": {"volume_fraction": 0.6},
                                 "CBD": {"volume_fraction": 0.1}}},
        "surface": {"phases": {"NMC": {"specific_surface_phase_per_um": 0.5}}},
        "tortuosity": {"pore": {"tau": 3.0}},
        "profiles": {"phases": {"pore": {"position_um": pos, "fraction": [0.3] * 12},
                                "NMC": {"position_um": pos, "fraction": [0.6] * 12}}},
    }
    out = emorph.export_bpx(results)
    e = out["bpx"]["Parameterisation"]["Positive electrode"]
    assert e["Porosity"] == 0.3
    assert e["Transport efficiency"] == pytest.approx(0.1)
    assert e["Particle radius [m]"] == pytest.approx(6e-6)
    assert e["Surface area per unit volume [m-1]"] * e["Particle radius [m]"] / 3 == pytest.approx(0.6)
    assert out["columns"][:2] == ["Distance from electrode start [m]", "Porosity"]
    assert len(out["rows"]) == 10
    del results["tortuosity"]
    with pytest.raises(ValueError, match=r"\[measure\] tortuosity"):
        emorph.export_bpx(results)
