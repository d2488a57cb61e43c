"""Particles, local thickness and size distributions: parity with the CLI, scipy and brute force."""
import csv

import numpy as np
import pytest
from scipy import ndimage

import emorph
from conftest import assert_same


def balls(shape, centres, radii, label=1):
    """A label volume with digital balls (voxel centres within r of the centre) of `label`."""
    z, y, x = np.indices(shape)
    out = np.zeros(shape, np.uint8)
    for (cz, cy, cx), r in zip(centres, radii):
        out[(z - cz) ** 2 + (y - cy) ** 2 + (x - cx) ** 2 <= r * r] = label
    return out


@pytest.fixture
def particle_file(tmp_path):
    """NMC balls, two of them touching, one cut by the volume's face; spacing anisotropic."""
    labels = balls((30, 36, 40), [(8, 9, 10), (8, 9, 21), (20, 25, 28), (24, 6, 34), (0, 30, 6)], [5, 5, 6, 3, 4])
    path = tmp_path / "particles.tif"
    emorph.write(str(path), labels, spacing=(0.4, 0.3, 0.3))
    return path, labels, emorph.read(str(path))[1]["spacing"]  # as the CLI reads it (TIFF stores float32)


def test_particles_parity_with_cli_json_and_csv(particle_file, run_cli, tmp_path):
    path, labels, spacing = particle_file
    csv_path = tmp_path / "p.csv"
    cli = run_cli("particles", path, "--phase", "NMC", "--csv", csv_path)
    py = emorph.particles(labels, "NMC", spacing=spacing)
    table = py.pop("table")
    assert_same(py, cli)
    assert py["count"] == 5  # the touching pair is split
    with open(csv_path) as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == len(table["label"])
    for column, values in table.items():
        expected = [row[column] for row in rows]
        if values.dtype == bool:
            np.testing.assert_array_equal(values, [e == "1" for e in expected])
        else:  # the CSV holds 17 significant digits: the round trip is exact
            np.testing.assert_array_equal(values, np.array(expected, dtype=float).astype(values.dtype), err_msg=column)


def test_particles_options_parity(particle_file, run_cli):
    path, labels, spacing = particle_file
    cli = run_cli("particles", path, "--phase", "NMC", "--no-separate", "--connectivity", "6", "--exclude-border",
                  "--bins", "7", "--quantile", "0.2", "--axis", "2", "--min-volume", "10")
    py = emorph.particles(labels, "NMC", spacing=spacing, separate=False, connectivity=6, exclude_border=True,
                          bins=7, quantile=0.2, axis=2, min_volume=10)
    py.pop("table")
    assert_same(py, cli)
    assert py["excluded_small"] == 1  # the radius-3 ball: 123 voxels of 0.036 um3 = 4.4 um3


def test_particles_match_scipy_components(particle_file):
    """Without separation: scipy's labels, volumes and centroids (anisotropic voxels)."""
    _, labels, spacing = particle_file
    r = emorph.particles(labels, "NMC", spacing=spacing, separate=False, connectivity=26, return_labels=True)
    ref, n = ndimage.label(labels == 1, structure=np.ones((3, 3, 3)))
    assert r["count"] == n == 4  # the touching pair is one component
    np.testing.assert_array_equal(r["labels"], ref)  # same raster numbering
    t = r["table"]
    index = np.arange(1, n + 1)
    voxel_um3 = np.prod(spacing)
    np.testing.assert_allclose(t["volume_um3"], ndimage.sum_labels(np.ones_like(ref), ref, index) * voxel_um3,
                               rtol=1e-12)
    np.testing.assert_allclose(t["equivalent_diameter_um"], np.cbrt(6 * t["volume_um3"] / np.pi), rtol=1e-12)
    com = np.array(ndimage.center_of_mass(np.ones_like(ref), ref, index))  # voxel indices
    centroid = np.stack([t["centroid_z_um"], t["centroid_y_um"], t["centroid_x_um"]], axis=1)
    np.testing.assert_allclose(centroid, (com + 0.5) * np.array(spacing), rtol=1e-12)
    assert list(t["touches_border"]) == [True, False, False, False]  # the ball at z = 0 comes first


def test_particles_mask_input_and_errors(particle_file):
    _, labels, spacing = particle_file
    by_phase = emorph.particles(labels, "NMC", spacing=spacing, surface=False)
    by_mask = emorph.particles(labels == 1, spacing=spacing, surface=False)
    assert by_mask["d50_um"] == by_phase["d50_um"] and by_mask["phase"] is None
    assert np.isnan(by_mask["table"]["sphericity"]).all()  # surface=False
    with pytest.raises(emorph.InputError, match="phase"):
        emorph.particles(labels, "Graphite")
    with pytest.raises(ValueError, match="3D"):
        emorph.particles(labels[0], "NMC")


def brute_force_local_thickness(mask, spacing):
    """2 r of the largest opening by the discrete ball {o: sum (o_i d_i)^2 <= r^2} that keeps each voxel,
    r = k * min(spacing); the outside counts as phase for the erosion (scikit-image's binary_opening)."""
    step = min(spacing)
    out = np.zeros(mask.shape, np.float32)
    k = 1
    while True:
        r = k * step
        half = [int(np.floor(r / d + 1e-9)) for d in spacing]
        oz, oy, ox = np.meshgrid(*[np.arange(-h, h + 1) * d for h, d in zip(half, spacing)], indexing="ij")
        ball = oz ** 2 + oy ** 2 + ox ** 2 <= r * r * (1 + 1e-9)
        eroded = ndimage.binary_erosion(mask, ball, border_value=1)
        if not eroded.any():
            return out
        opened = ndimage.binary_dilation(eroded, ball) & mask
        out[opened] = np.float32(2 * r)
        k += 1


@pytest.mark.parametrize("spacing", [(1.0, 1.0, 1.0), (0.6, 0.3, 0.3)])
def test_local_thickness_equals_brute_force_openings(rng, spacing):
    mask = ndimage.gaussian_filter(rng.standard_normal((22, 24, 26)), 2.5) > 0.05
    lt = emorph.local_thickness(mask, spacing=spacing)
    assert lt.dtype == np.float32 and lt.shape == mask.shape
    np.testing.assert_array_equal(lt, brute_force_local_thickness(mask, spacing))


def test_local_thickness_of_a_sphere():
    """Every voxel of a digital ball of radius 6 lies in its own opening by ball(6): thickness 12 voxels."""
    sphere = balls((21, 21, 21), [(10, 10, 10)], [6])
    lt = emorph.local_thickness(sphere, spacing=0.5)
    np.testing.assert_array_equal(lt[sphere == 1], 6.0)  # 2 * 6 voxels * 0.5 um
    assert (lt[sphere == 0] == 0).all()


def test_local_thickness_parity_with_cli(particle_file, tmp_path, run_cli):
    path, labels, spacing = particle_file
    out = tmp_path / "lt.tif"
    cli = run_cli("localthickness", path, out, "--phase", "NMC")
    lt = emorph.local_thickness(labels, "NMC", spacing=spacing)
    np.testing.assert_array_equal(lt, emorph.read(str(out))[0])
    assert cli["max_thickness_um"] == pytest.approx(float(lt.max()), rel=1e-6)


def test_size_distribution_quantiles_by_midpoint_rule(rng):
    d = rng.uniform(1, 10, 50)
    v = np.pi / 6 * d ** 3
    r = emorph.size_distribution(d, v, bins=10)
    order = np.argsort(d)
    ds, vs = d[order], v[order]
    for weights, prefix in [(vs, ""), (np.ones_like(vs), "number_")]:
        mid = (np.cumsum(weights) - weights / 2) / weights.sum()  # each weight centred on its value
        for q in (10, 50, 90):
            assert r[f"{prefix}d{q}_um"] == pytest.approx(np.interp(q / 100, mid, ds), rel=1e-12)
    np.testing.assert_allclose(r["cumulative_volume"], np.cumsum(vs) / vs.sum(), rtol=1e-12)
    np.testing.assert_allclose(r["bin_edges_um"], np.geomspace(ds[0], ds[-1], 11), rtol=1e-12)
    assert sum(r["number_fraction"]) == pytest.approx(1.0) and r["count"] == 50
    assert r["mean_diameter_um"] == pytest.approx(d.mean(), rel=1e-12)
