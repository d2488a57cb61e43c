"""Drift between the front ends: each parameter table (emorph-params --json, the source of docs/parameters.md)
lists the same parameters as the CLI's --help, the Python keywords and the JSON echo of `parameters`."""
import json
import re
import subprocess

import numpy as np
import pytest

import emorph
from conftest import cli_path, random_labels

# What each command takes or echoes beyond its table (command-wide options, inputs, outputs).
CLI_WIDE_ECHO = {"voxel", "phases"}
EXTRA_ECHO = {
    "fractions": set(),
    "profile": {"bulk", "grey", "grey_phases", "calibration"},
    "particles": {"phase"},
    "contacts": {"phase"},
    "granulometry": {"phase"},
    "tortuosity": {"conductivity", "field", "flux_field", "series"},
    "connectivity": {"out"},
    "surface": {"density", "mesh", "phase"},
    "tpb": set(),
    "chords": {"phase"},
    "correlation": {"phase"},
    "rev": {"phase"},
    "fibsem-prep": set(),
    "composition": set(),
    # segment: its paths, and the range echoed as range_min / range_max (method fibsem's parameters are
    # nested under `fibsem`, tests/cli/test_cli_segment.cpp)
    "segment": {"mask", "mask_fix", "mask_label", "output", "range_min", "range_max"},
    "histogram": {"mask"},
    "rescale": set(),
}
# fibsem-prep and histogram echo no phase table; composition reads no image; rescale echoes neither.
CLI_WIDE_ECHO_OF = {"fibsem-prep": {"voxel"}, "histogram": {"voxel"}, "composition": set(), "rescale": set()}
NO_INPUT = {"composition"}
# export-bpx reads an analyze results folder: its echo is checked in tests/cli/test_cli_descriptors.cpp.
ECHO_CHECKED_ELSEWHERE = {"export-bpx"}
EXTRA_KEYWORDS = {"labels", "spacing", "phases", "phase", "bulk", "conductivity", "density", "image", "mask"}
# The FIB/SEM step functions take a stack and spell their method, lists and region the Python way.
EXTRA_KEYWORDS_OF = {"destripe": {"stack", "method", "offset_lags"}, "correct_shading": {"stack", "mode"},
                     "normalise_intensity": {"stack", "method"},
                     "align_slices": {"stack", "lags", "region", "fill_zero"},
                     "export_bpx": {"results", "results_dir", "materials", "template"}}
CLI_ARGS = {"particles": ["--phase", "NMC"], "contacts": ["--phase", "NMC"], "granulometry": ["--phase", "NMC"],
            "tortuosity": ["--phase", "pore"], "chords": ["--phase", "NMC"], "correlation": ["--phase", "NMC"],
            "rev": ["--phase", "NMC"], "fibsem-prep": ["{out}.tif", "--destripe"],
            "composition": ["--wt", "NMC=96,CB=4"], "rescale": ["{out}.tif"],
            "segment": ["{out}.tif", "--method", "otsu", "--range", "0,3", "--pore-grey", "0"]}


@pytest.fixture(scope="module")
def tables():
    exe = cli_path().parent / "emorph-params"
    if not exe.exists():
        pytest.skip(f"emorph-params not built at {exe}")
    return json.loads(subprocess.run([str(exe), "--json"], capture_output=True, text=True, check=True).stdout)


def python_keywords(function):
    """The keywords a function documents: its signature's names and the "name : type" entries of its
    docstring's Parameters section."""
    doc = function.__doc__
    signature = doc.splitlines()[0]
    parameters = doc.split("Parameters\n----------\n", 1)[-1].split("\nReturns\n-------", 1)[0]
    return set(re.findall(r"(\w+): ", signature)) | set(re.findall(r"^(\w+) : ", parameters, re.MULTILINE))


def test_every_table_drives_a_front_end(tables):
    names = {t["name"] for t in tables}
    assert {"fractions", "profile", "particles", "contacts", "granulometry", "tortuosity", "connectivity", "surface",
            "tpb", "chords", "correlation", "rev", "synth-xct", "synth-fibsem", "analyze-profile",
            "analyze-particles", "composition", "export-bpx", "fibsem-prep", "fibsem-prep-destripe", "fibsem-prep-shading",
            "fibsem-prep-intensity", "fibsem-prep-align", "segment", "analyze-segment", "analyze-preprocess",
            "histogram", "rescale"} <= names
    for t in tables:
        assert t["params"], t["name"]
        assert t["command"] or t["python"] or t["toml"], t["name"]
        assert len({p["key"] for p in t["params"]}) == len(t["params"]), t["name"]


def test_cli_help_lists_each_table_option(tables):
    for t in (t for t in tables if t["command"]):
        help_text = subprocess.run([str(cli_path()), t["command"], "--help"], capture_output=True, text=True).stdout
        options = set(re.findall(r"(--[a-z][a-z0-9-]*)", help_text))
        wanted = {p["cli"] for p in t["params"] if p["cli"]}
        assert wanted <= options, (t["name"], wanted - options)


def test_python_keywords_are_the_table_keywords(tables):
    for t in (t for t in tables if t["python"]):
        documented = python_keywords(getattr(emorph, t["python"]))
        wanted = {p["python"] for p in t["params"] if p["python"]}
        assert wanted <= documented, (t["name"], wanted - documented)
        extra = EXTRA_KEYWORDS_OF.get(t["python"], EXTRA_KEYWORDS)
        assert documented - wanted <= extra, (t["name"], documented - wanted)


def test_json_echo_is_the_table(tables, tmp_path, rng):
    labels = random_labels(rng, (24, 20, 20), phases=4)
    path = tmp_path / "labels.tif"
    emorph.write(str(path), labels, spacing=0.5)
    # A command with several tables (fibsem-prep: one per step) echoes all of them.
    wanted = {}
    for t in (t for t in tables if t["json"] == "parameters"):
        wanted.setdefault(t["command"], set()).update(p["key"] for p in t["params"] if p["echo"])
    assert "fibsem-prep" in wanted
    for command, keys in wanted.items():
        if command in ECHO_CHECKED_ELSEWHERE:
            continue
        out = tmp_path / (command + ".json")
        args = [a.format(out=tmp_path / command) for a in CLI_ARGS.get(command, [])]
        inputs = [] if command in NO_INPUT else [str(path)]
        proc = subprocess.run([str(cli_path()), "--quiet", command, *inputs, *args, "--json", str(out)],
                              capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
        echoed = set(json.loads(out.read_text())["parameters"])
        assert echoed == keys | CLI_WIDE_ECHO_OF.get(command, CLI_WIDE_ECHO) | EXTRA_ECHO[command], command


def test_python_rejects_a_keyword_outside_the_table(rng):
    labels = random_labels(rng, (12, 10, 10), phases=4)
    for call in (lambda: emorph.fractions(labels, no_such=1), lambda: emorph.profile(labels, no_such=1),
                 lambda: emorph.particles(labels, "NMC", no_such=1), lambda: emorph.contacts(labels, "NMC", no_such=1),
                 lambda: emorph.connectivity(labels, no_such=1), lambda: emorph.surface(labels, no_such=1),
                 lambda: emorph.tpb(labels, no_such=1), lambda: emorph.chords(labels, "NMC", no_such=1),
                 lambda: emorph.correlation(labels, "NMC", no_such=1), lambda: emorph.rev(labels, "NMC", no_such=1),
                 lambda: emorph.segment(labels, no_such=1)):
        with pytest.raises(TypeError, match="no_such"):
            call()


def test_python_refuses_positional_calls_written_for_the_earlier_argument_order(rng):
    # Before the tables, tortuosity's 4th positional was spacing (now tolerance), fractions' 4th was phases
    # (now phase), profile's 5th was bulk, particles' 9th surface and connectivity's 4th phases (now phase):
    # such a call must fail loudly.
    labels = random_labels(rng, (12, 10, 10), phases=4)
    for call, keyword in ((lambda: emorph.tortuosity(labels, "pore", 0, 0.5), "tolerance"),
                          (lambda: emorph.fractions(labels, 0.5, 0, "pore=0,NMC=1"), "phase"),
                          (lambda: emorph.profile(labels, 0.5, 0, 1, (0.0, 2.0)), "exclude_collector"),
                          (lambda: emorph.particles(labels, "NMC", 0.5, None, True, None, False, 26, True),
                           "min_volume"),
                          (lambda: emorph.connectivity(labels, 0, 6, "pore=0,NMC=1"), "phase")):
        with pytest.raises(TypeError, match=keyword):
            call()
    assert emorph.fractions(labels, 0.5, 0)["phases"]  # the positional prefix that kept its order still works
    assert emorph.connectivity(labels, 1, 26)["connectivity"] == 26


def test_positional_arguments_land_on_the_same_parameters_as_before(rng):
    # The tables of these functions list their parameters in the old signature's order, so positional
    # calls keep working: each value must reach its parameter (seen in the result).
    labels = random_labels(rng, (16, 12, 12), phases=4)
    assert emorph.chords(labels, "NMC", 1.0, None, True)["include_border_chords"] is True
    assert emorph.rev(labels, "NMC", 1.0, None, [2.0, 4.0])["sizes_um"] == [2.0, 4.0]
    assert emorph.surface(labels, 1.0, None, None, True)["count_volume_boundary"] is True
    direct = emorph.correlation(labels, "NMC", 1.0, None, 3.0, "direct")
    assert direct["method"] == "direct" and direct["axes"][0]["r_um"][-1] == 3.0
    # A ball of NMC cut by the CBD|pore plane: its triple line is a circle, whose raw polyline is longer
    # than the smoothed one.
    z, y, x = np.mgrid[:24, :24, :24]
    ball = np.where(y < 12, 0, 3).astype(np.uint8)
    ball[(z - 12) ** 2 + (y - 12) ** 2 + (x - 12) ** 2 <= 64] = 1
    positional = emorph.tpb(ball, 1.0, None, "NMC", "CBD", "pore", 0, 2.0, "polyline")["length_um"]
    assert positional == emorph.tpb(ball, smoothing=0, chord_voxels=2.0, estimator="polyline")["length_um"]
    assert positional > 0 and positional != emorph.tpb(ball)["length_um"]  # the values did reach the parameters
    with pytest.raises(ValueError) as error:  # an unknown phase names the keyword, not the CLI's --active
        emorph.tpb(labels, active="nope")
    assert "active" in str(error.value) and "--active" not in str(error.value)


def test_segment_takes_the_cli_spellings_of_range_and_mask(rng, tmp_path):
    # Python takes what the CLI takes: range also as "LO,HI" (as --range) and mask also as the path of a uint8
    # volume (as --mask); the earlier positional order (method, classes, denoise, bins, range, mask, phases,
    # spacing, pore_grey) still lands on the same parameters.
    z, y, x = np.mgrid[:20, :24, :24]
    bright = (z % 10 - 5) ** 2 + (y % 12 - 6) ** 2 + (x % 12 - 6) ** 2 < 16
    grey = np.clip(np.where(bright, 180, 60) + rng.normal(0, 12, bright.shape), 0, 255).astype(np.uint8)
    mask = np.zeros(grey.shape, np.uint8)
    mask[2:18, 3:21, 3:21] = 1
    emorph.write(str(tmp_path / "mask.tif"), mask)
    positional = emorph.segment(grey, "otsu", "pore,NMC", "none", 0, (20, 230), mask, None, 0.5)
    spelt = emorph.segment(grey, method="otsu", classes="pore,NMC", denoise="none", range="20,230",
                           mask=str(tmp_path / "mask.tif"), spacing=0.5)
    assert np.array_equal(positional[0], spelt[0]) and positional[1] == spelt[1]
    assert positional[1]["counted_voxels"] == int(mask.sum())  # the mask and the range reached the run
    assert not positional[0][mask == 0].any()
    assert positional[1]["histogram"] != emorph.segment(grey, "otsu", "pore,NMC", "none")[1]["histogram"]
    with pytest.raises(ValueError, match="range"):
        emorph.segment(grey, range="230,20")
    with pytest.raises(TypeError, match="positional"):
        emorph.segment(grey, "otsu", "", "none", 0, None, None, None, None, None, 7)
    with pytest.raises(TypeError, match="multiple values for argument 'method'"):
        emorph.segment(grey, "otsu", method="otsu")


def test_histogram_range_as_typed(rng, tmp_path):
    # The CLI echoes --range as typed (CONTRACT.md), not as parsed numbers; emorph.histogram takes the same
    # "LO,HI" as well as (lo, hi), with the same counts, and refuses LO >= HI either way.
    grey = rng.integers(0, 250, (12, 14, 16)).astype(np.uint8)
    path = tmp_path / "grey.tif"
    emorph.write(str(path), grey)
    out = tmp_path / "h.json"
    proc = subprocess.run([str(cli_path()), "--quiet", "histogram", str(path), "--range", "20.0,230", "--bins", "50",
                           "--json", str(out)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    document = json.loads(out.read_text())
    assert document["parameters"]["range"] == "20.0,230" and document["parameters"]["bins"] == 50
    spelt = emorph.histogram(grey, 50, "20.0,230")
    assert np.array_equal(spelt["counts"], emorph.histogram(grey, 50, (20, 230))["counts"])
    assert spelt["counts"].tolist() == document["results"]["counts"]
    assert spelt["excluded"] == int(((grey < 20) | (grey > 230)).sum()) > 0
    for bad in ("230,20", (230, 20)):
        with pytest.raises(ValueError, match="range"):
            emorph.histogram(grey, range=bad)
