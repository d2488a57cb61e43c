"""Issue 17 (one results layer): every step of emorph.analyze reports what the module's standalone
function (= the CLI command) reports on the same label volume with the same options.

analyze may add keys of its own (declared per step below); every key the function reports must be in
analyze's step with the same value (timings aside). Both go through the same library functions on the
same voxels, so values are compared up to the JSON round trip only (analyze's results come back from
the same Json object the file is written from; the functions' through the same conversion).
"""
import csv
import types

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
