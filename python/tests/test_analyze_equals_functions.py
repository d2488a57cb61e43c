"""Issue 17 (one results layer): every step of emorph.analyze reports what the module's standalone
function (= the CLI command) reports on the same label volume with the same options.

analyze may add keys of its own (declared per step below); every key the function reports must be in
analyze's step with the same value (timings aside). Both go through the same library functions on the
same voxels, so values are compared up to the JSON round trip only (analyze's results come back from
the same Json object the file is written from; the functions' through the same conversion).
"""
import csv
import json
import math
import types

import numpy as np

import pytest

import emorph
from conftest import assert_same, write_synth_sample

PHASES = {"pore": 0, "NMC": 1, "LFP": 2, "CBD": 3}
SPACING = 0.5
MIN_VOXELS = 27
TIMING_KEYS = {"seconds"}
CONFIG = f"""[profile]
auto_bulk = false
[measure]
granulometry = ["NMC"]
particles = ["NMC"]
tortuosity = ["pore"]
chords = ["pore"]
correlation = ["pore"]
rev = ["pore"]
contacts = ["NMC"]
tpb = true
anisotropy = ["pore"]
export_bpx = true
min_particle_voxels = {MIN_VOXELS}
[output]
slices = false
labels = false
"""


def assert_step_equal(function, analyze, extras, path):
    """Every key of `function` in `analyze` with an equal value; analyze-only keys must be in `extras`."""
    if not isinstance(function, dict):
        assert_same(analyze, function, path)
        return
    assert isinstance(analyze, dict), path
    for key, value in function.items():
        if key in TIMING_KEYS:
            continue
        assert key in analyze, f"{path}.{key}: reported by the function, missing in analyze"
        assert_step_equal(value, analyze[key], extras, f"{path}.{key}")
    for key in analyze:
        assert key in function or key in extras, f"{path}.{key}: in analyze only, not a declared extension"


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """A 40^3 synthetic label volume without a collector (analyze's electrode region = the volume)."""
    tmp = tmp_path_factory.mktemp("equal")
    labels, path, config = write_synth_sample(tmp, SPACING, 5, CONFIG)
    results = emorph.analyze(path, config=config, phases=PHASES, out_dir=tmp / "res")
    return types.SimpleNamespace(labels=labels, results=results, out_dir=tmp / "res")


def test_fractions(sample):
    labels, a = sample.labels, sample.results
    assert_step_equal(emorph.fractions(labels, spacing=SPACING, phases=PHASES), a["fractions"],
                      {"electrode_volume_fraction"}, "fractions")


def test_profile(sample):
    labels, a = sample.labels, sample.results
    assert_step_equal(emorph.profile(labels, spacing=SPACING, phases=PHASES), a["profiles"], {"bulk_selection"},
                      "profiles")


def test_surface(sample):
    labels, a = sample.labels, sample.results
    assert_step_equal(emorph.surface(labels, spacing=SPACING, phases=PHASES), a["surface"], set(), "surface")


def test_granulometry(sample):
    labels, a = sample.labels, sample.results
    assert_step_equal(emorph.granulometry(labels, "NMC", spacing=SPACING, phases=PHASES), a["granulometry"]["NMC"],
                      set(), "granulometry.NMC")


def test_particles(sample):
    labels, a = sample.labels, sample.results
    p = emorph.particles(labels, "NMC", spacing=SPACING, phases=PHASES, min_volume=MIN_VOXELS * SPACING ** 3)
    table = p.pop("table")  # the per-particle columns: analyze writes them to particles_NMC.csv
    assert_step_equal(p, a["particles"]["NMC"],
                      {"min_volume_um3", "bin_edges_um", "number_fraction", "volume_fraction"}, "particles.NMC")
    # One particle table: the CSV's columns are Python's plus `phase`, row for row.
    with open(sample.out_dir / "particles_NMC.csv") as f:
        rows = list(csv.DictReader(f))
    assert set(rows[0]) == set(table) | {"phase"}
    assert len(rows) == len(table["label"])
    for name, column in table.items():
        for row, value in zip(rows, column):
            assert float(row[name]) == pytest.approx(float(value), rel=1e-15, abs=0), name


def test_tortuosity(sample):
    labels, a = sample.labels, sample.results
    t = a["tortuosity"]["pore"]
    assert_step_equal(emorph.tortuosity(labels, "pore", axis=0, spacing=SPACING, phases=PHASES), t,
                      {"macmullin", "slices", "tau_null_reason"}, "tortuosity.pore")
    assert t["macmullin"] == t["macmullin_number"]


@pytest.mark.parametrize("step", ["chords", "correlation", "rev"])
def test_statistics(sample, step):
    labels, a = sample.labels, sample.results
    function = getattr(emorph, step)
    assert_step_equal(function(labels, "pore", spacing=SPACING, phases=PHASES), a[step]["pore"], set(), f"{step}.pore")


def test_contacts(sample):
    labels, a = sample.labels, sample.results
    c = emorph.contacts(labels, "NMC", spacing=SPACING, phases=PHASES, min_volume=MIN_VOXELS * SPACING ** 3)
    for key in ("pairs", "coordination_number"):  # the per-pair table (analyze writes contacts_NMC.csv)
        c.pop(key)
    assert_step_equal(c, a["contacts"]["NMC"], set(), "contacts.NMC")


def test_tpb(sample):
    labels, a = sample.labels, sample.results
    assert_step_equal(emorph.tpb(labels, spacing=SPACING, phases=PHASES), a["tpb"], set(), "tpb")


def test_anisotropy_every_axis(sample):
    """Every axis of analyze's anisotropy is emorph.tortuosity along it (axis 0: the tortuosity step's
    solve on the electrode region, here the whole volume); the Bruggeman exponent, tau = eps^(1 - alpha),
    from the function's numbers (same doubles and formula, 1e-15 for the logs)."""
    labels, axes = sample.labels, sample.results["anisotropy"]["pore"]["axes"]
    assert len(axes) == 3
    for axis in range(3):
        t = emorph.tortuosity(labels, "pore", axis=axis, spacing=SPACING, phases=PHASES)
        for key in ("tau", "deff_over_d0", "volume_fraction", "converged"):
            assert_same(axes[axis][key], t[key], f"anisotropy.pore.axes[{axis}].{key}")
        expected = 1 - math.log(t["tau"]) / math.log(t["volume_fraction"])
        assert axes[axis]["bruggeman_exponent"] == pytest.approx(expected, rel=1e-15)


def test_export_bpx(sample):
    """emorph.export_bpx on analyze's results.json and folder gives analyze's bpx.json, table and notes."""
    with open(sample.out_dir / "results.json") as f:
        results = json.load(f)
    b = emorph.export_bpx(results, str(sample.out_dir))
    with open(sample.out_dir / "bpx.json") as f:
        assert_same(json.load(f), b["bpx"], "bpx")
    assert b["notes"] == sample.results["export_bpx"]["notes"]
    with open(sample.out_dir / "bpx_profile.csv") as f:
        rows = list(csv.reader(f))
    assert rows[0] == list(b["columns"])
    assert len(rows) - 1 == len(b["rows"])
    for row, expected in zip(rows[1:], b["rows"]):
        assert [float(v) for v in row] == pytest.approx(expected, rel=1e-15)


def test_grey_segment_and_grey_profile(tmp_path):
    """The grey route: analyze on a simulated XCT scan (defaults: mixture:otsu-volume after median:1,
    classes matrix,NMC; no collector or air layer, so the whole volume is segmented) against
    emorph.segment with the same defaults, and its grey profile against emorph.grey_profile."""
    labels, _ = emorph.synth("F", size=40, voxel_um=SPACING, seed=5)
    grey, _ = emorph.simulate_xct(labels, spacing=SPACING)
    path = tmp_path / "xct.tif"
    emorph.write(str(path), grey, spacing=SPACING)
    config = tmp_path / "grey.toml"
    config.write_text("[profile]\nauto_bulk = false\n[output]\nslices = false\nlabels = true\n")
    a = emorph.analyze(path, config=config, out_dir=tmp_path / "res")
    seg_labels, seg = emorph.segment(grey, classes="matrix,NMC", spacing=SPACING)
    seg.pop("histogram")  # analyze keeps the histogram out of results.json
    assert_step_equal(seg, a["segmentation"], set(), "segmentation")
    analyze_labels, _ = emorph.read(str(tmp_path / "res" / "labels.tif"))
    np.testing.assert_array_equal(analyze_labels, seg_labels)
    g = emorph.grey_profile(grey, seg_labels, ["matrix"], spacing=SPACING)
    for key in ("position_um", "mean_grey", "voxels"):  # the lfp step adds keys of its own to grey_profile
        assert_same(a["grey_profile"][key], g[key], f"grey_profile.{key}")
