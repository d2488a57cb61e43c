"""emorph.analyze (the whole pipeline), grey-level profiles and the grey -> density calibration."""
import json

import numpy as np
import pytest

import emorph
from conftest import assert_same, cli_path, random_labels


def test_analyze_demo_equals_cli_results_json(tmp_path):
    """Same results.json `results` as `emorph analyze --demo` with the same options (but the timings)."""
    import subprocess

    exe = cli_path()
    if not exe.exists():
        pytest.skip(f"emorph CLI not built at {exe}")
    py = emorph.analyze(demo=True, size=32, spacing=0.6, seed=3, out_dir=tmp_path / "py")
    proc = subprocess.run([str(exe), "--quiet", "analyze", "--demo", "--size", "32", "--voxel", "0.6", "--seed", "3",
                           "--out", str(tmp_path / "cli")], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    cli = json.loads((tmp_path / "cli" / "results.json").read_text())["results"]
    written = json.loads((tmp_path / "py" / "results.json").read_text())["results"]
    for r in (py, cli, written):
        r.pop("timings_s")
    assert_same(py, written)
    assert_same(py, cli)
    assert py["failed_steps"] == [] and (tmp_path / "py" / "report.html").exists()
    assert 0 < py["fractions"]["phases"]["NMC"]["volume_fraction"] < 1


def test_analyze_errors(tmp_path):
    with pytest.raises(emorph.InputError, match="no input volume"):
        emorph.analyze(out_dir=tmp_path)
    with pytest.raises(emorph.InputError, match="not both"):
        emorph.analyze(tmp_path / "x.tif", demo=True, out_dir=tmp_path)
    with pytest.raises(emorph.InputError, match="nope.tif"):
        emorph.analyze(tmp_path / "nope.tif", out_dir=tmp_path / "res")


@pytest.fixture
def grey_and_labels(tmp_path, rng):
    labels = random_labels(rng, (20, 16, 18), phases=4)
    grey = (rng.integers(0, 1000, labels.shape) + 500 * labels).astype(np.uint16)
    lpath, gpath = tmp_path / "labels.tif", tmp_path / "grey.tif"
    emorph.write(str(lpath), labels, spacing=0.5)
    emorph.write(str(gpath), grey, spacing=0.5)
    return lpath, gpath, labels, grey, emorph.read(str(lpath))[1]["spacing"]


def test_grey_profile_matches_numpy_and_cli(grey_and_labels, run_cli):
    lpath, gpath, labels, grey, spacing = grey_and_labels
    r = emorph.grey_profile(grey, labels, ["pore", "LFP"], spacing=spacing, calibration=(0.002, 1.5))
    mask = (labels == 0) | (labels == 2)
    expected = np.array([grey[z][mask[z]].astype(np.float64).mean() for z in range(labels.shape[0])])
    np.testing.assert_allclose(r["mean_grey"], expected, rtol=1e-14)
    np.testing.assert_array_equal(r["voxels"], mask.sum(axis=(1, 2)))
    np.testing.assert_allclose(r["density_g_cm3"], 1.5 + 0.002 * expected, rtol=1e-14)
    cli = run_cli("profile", lpath, "--grey", gpath, "--grey-phases", "pore,LFP", "--calibration", "0.002,1.5",
                  "--bulk", "0:100")["grey_profile"]
    assert cli.pop("path") == str(gpath) and cli.pop("phases") == "pore,LFP"
    assert r.pop("phases") == ["pore", "LFP"]
    assert_same(r, cli)


def test_grey_profile_float_axis_and_errors(grey_and_labels):
    _, _, labels, grey, _ = grey_and_labels
    as_float = emorph.grey_profile(grey.astype(np.float32), labels, "NMC", axis=2)
    as_int = emorph.grey_profile(grey, labels, "NMC", axis=2)
    np.testing.assert_allclose(as_float["mean_grey"], as_int["mean_grey"], rtol=1e-12)
    assert len(as_int["position_um"]) == labels.shape[2] and "density_g_cm3" not in as_int
    with pytest.raises(emorph.InputError, match="shape"):
        emorph.grey_profile(grey[:, :8].copy(), labels, "NMC")
    with pytest.raises(emorph.InputError, match="phase"):
        emorph.grey_profile(grey, labels, "Graphite")


def test_calibrate_matches_polyfit_and_cli(run_cli):
    grey, density = [100.0, 120.0, 150.0, 171.0], [2.5, 2.9, 3.5, 3.9]
    r = emorph.calibrate(grey, density)
    slope, intercept = np.polyfit(grey, density, 1)
    assert r["slope_g_cm3_per_grey"] == pytest.approx(slope, rel=1e-12)
    assert r["intercept_g_cm3"] == pytest.approx(intercept, rel=1e-12)
    assert r["r_squared"] == pytest.approx(np.corrcoef(grey, density)[0, 1] ** 2, rel=1e-12)
    assert_same(r, run_cli("calibrate", "--grey", "100,120,150,171", "--density", "2.5,2.9,3.5,3.9"))
    # The calibration string feeds grey_profile like --calibration.
    assert r["calibration"] == f"{json.dumps(r['slope_g_cm3_per_grey'])},{json.dumps(r['intercept_g_cm3'])}"
    with pytest.raises(emorph.InputError, match="at least 2"):
        emorph.calibrate([100.0], [2.5])
