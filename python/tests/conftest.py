"""Shared fixtures: the emorph CLI built beside the module (for parity tests) and small volumes."""
import json
import math
import os
import pathlib
import subprocess
import threading
import time

import numpy as np
import pytest

import emorph


def cli_path():
    """The `emorph` binary of the same build tree as the imported module, or $EMORPH_CLI."""
    if os.environ.get("EMORPH_CLI"):
        return pathlib.Path(os.environ["EMORPH_CLI"])
    # <build>/python/emorph/__init__.py -> <build>/bin/emorph
    return pathlib.Path(emorph.__file__).resolve().parents[2] / "bin" / "emorph"


@pytest.fixture
def run_cli(tmp_path):
    """run_cli(args...) -> results dict of the CLI's --json envelope (skips when the CLI or command is absent)."""
    exe = cli_path()
    if not exe.exists():
        pytest.skip(f"emorph CLI not built at {exe}")

    def run(*args):
        out = tmp_path / "cli.json"
        proc = subprocess.run([str(exe), "--quiet", *map(str, args), "--json", str(out)],
                              capture_output=True, text=True)
        if proc.returncode != 0 and ("requires a subcommand" in proc.stderr or "not found" in proc.stderr.lower()
                                     and args[0] in proc.stderr):
            pytest.skip(f"CLI command {args[0]} not built yet: {proc.stderr.strip()}")
        assert proc.returncode == 0, proc.stderr
        return json.loads(out.read_text())["results"]

    return run


@pytest.fixture
def rng():
    return np.random.default_rng(12345)


def random_labels(rng, shape, phases=4, smooth=2):
    """Blobby label volume 0..phases-1: smoothed noise cut at quantiles (phases of comparable fractions)."""
    from scipy import ndimage

    noise = ndimage.gaussian_filter(rng.standard_normal(shape), smooth, mode="wrap")
    edges = np.quantile(noise, np.linspace(0, 1, phases + 1)[1:-1])
    return np.digitize(noise, edges).astype(np.uint8)


def assert_same(py, cli, path="results", rel=1e-15):
    """Equal JSON trees; floats equal up to the JSON round trip (17 significant digits), NaN as null."""
    if isinstance(cli, dict):
        assert isinstance(py, dict), path
        assert sorted(py) == sorted(cli), path
        for k in cli:
            assert_same(py[k], cli[k], f"{path}.{k}", rel)
    elif isinstance(cli, list):
        assert isinstance(py, list) and len(py) == len(cli), path
        for i, (a, b) in enumerate(zip(py, cli)):
            assert_same(a, b, f"{path}[{i}]", rel)
    elif cli is None:
        assert py is None or (isinstance(py, float) and not math.isfinite(py)), path
    elif isinstance(cli, float):
        assert py == pytest.approx(cli, rel=rel, abs=1e-300), path
    else:
        assert py == cli, path


def write_synth_sample(tmp, spacing, seed, config_text):
    """A 40^3 preset-F label volume (no collector) as tmp/labels.tif at `spacing` um, and tmp/config.toml
    holding config_text: returns (labels, path, config)."""
    labels, _ = emorph.synth("F", size=40, voxel_um=spacing, seed=seed)
    path = tmp / "labels.tif"
    emorph.write(str(path), labels, spacing=spacing)
    config = tmp / "config.toml"
    config.write_text(config_text)
    return labels, path, config


def ticks_in_middle_half(call, tick_s, settle_s):
    """Runs call() while another Python thread ticks every tick_s seconds (started settle_s before):
    returns (call's result, ticks inside the middle half of the call, the call's duration in s). With
    the GIL held for the whole call the counter could not tick there."""
    ticks = []
    stop = threading.Event()

    def counter():
        while not stop.is_set():
            ticks.append(time.perf_counter())
            time.sleep(tick_s)

    thread = threading.Thread(target=counter)
    thread.start()
    try:
        time.sleep(settle_s)
        t0 = time.perf_counter()
        result = call()
        t1 = time.perf_counter()
    finally:
        stop.set()
        thread.join()
    lo, hi = t0 + 0.25 * (t1 - t0), t0 + 0.75 * (t1 - t0)
    return result, sum(lo <= t <= hi for t in ticks), t1 - t0
