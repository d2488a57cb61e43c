"""Issue 17 (CLI and Python): emorph.analyze takes a numpy array (with its voxel size) as well as a path,
and emorph.particles leaves out the particles analyze leaves out by default (27 voxels)."""
import copy

import numpy as np
import pytest

import emorph
from conftest import write_synth_sample

SPACING = 0.5
PHASES = {"pore": 0, "NMC": 1, "LFP": 2, "CBD": 3}
CONFIG = """[measure]
granulometry = ["NMC"]
particles = ["NMC"]
tortuosity = []
[output]
slices = false
labels = false
"""


def without_run_details(results):
    """The figures only: timings and the input's name differ between two runs of one volume."""
    r = copy.deepcopy(results)
    r.pop("timings_s", None)
    r["sample"].pop("source", None)
    return r


@pytest.fixture(scope="module")
def labels_and_path(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("array")
    return (*write_synth_sample(tmp, SPACING, 4, CONFIG), tmp)


def test_array_gives_the_results_of_its_file(labels_and_path):
    labels, path, config, tmp = labels_and_path
    from_file = emorph.analyze(path, out_dir=tmp / "file", config=config, phases=PHASES, spacing=SPACING)
    from_array = emorph.analyze(labels, out_dir=tmp / "array", config=config, phases=PHASES, spacing=SPACING)
    assert from_array["sample"]["source"] == "numpy array"
    assert from_array["sample"]["shape"] == [40, 40, 40]
    assert from_array["sample"]["voxel_um"] == [SPACING] * 3
    assert without_run_details(from_array) == without_run_details(from_file)
    assert (tmp / "array" / "results.json").exists() and (tmp / "array" / "report.html").exists()
    # The array is not changed (analyze works on its own copy).
    assert np.array_equal(labels, emorph.read(str(path))[0])


def test_array_needs_its_voxel_size_and_a_supported_dtype(labels_and_path):
    labels, _, config, tmp = labels_and_path
    with pytest.raises(ValueError, match="spacing"):
        emorph.analyze(labels, out_dir=tmp / "nospacing", config=config)
    with pytest.raises(TypeError, match="input"):
        emorph.analyze(labels.astype(np.float64), out_dir=tmp / "f64", config=config, spacing=SPACING)
    with pytest.raises(emorph.InputError, match="demo"):
        emorph.analyze(labels, demo=True, spacing=SPACING, out_dir=tmp / "both")


def test_particles_default_minimum_volume_is_analyzes(labels_and_path):
    labels, path, config, tmp = labels_and_path
    analyzed = emorph.analyze(path, out_dir=tmp / "particles", config=config, phases=PHASES)["particles"]["NMC"]
    default = emorph.particles(labels, "NMC", spacing=SPACING, phases=PHASES)
    explicit = emorph.particles(labels, "NMC", spacing=SPACING, phases=PHASES, min_volume=27 * SPACING ** 3)
    keep_all = emorph.particles(labels, "NMC", spacing=SPACING, phases=PHASES, min_volume=0)
    for key in ("count", "excluded_small", "d50_um"):
        assert default[key] == analyzed[key] == explicit[key], key
    # The default does leave something out here, so the check above is not vacuous.
    assert default["excluded_small"] > 0
    assert keep_all["count"] == default["count"] + default["excluded_small"]
