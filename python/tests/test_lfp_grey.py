"""The LFP grey route from Python: the same keywords as `emorph analyze --lfp-mean --pore-grey`."""
import emorph


def test_analyze_demo_lfp_from_known_mean(tmp_path):
    # The demo J at 48^3 (0.64 um voxels): its LFP comes from the matrix grey, never from a threshold.
    r = emorph.analyze(demo=True, preset="J", size=48, spacing=0.64, out_dir=tmp_path / "j",
                       lfp_mean=0.539, pore_grey=10922.5)
    lfp = r["profiles"]["phases"]["LFP"]
    assert lfp["source"] == "grey_calibration"
    assert r["lfp"]["route"] == "known_mean"
    assert r["lfp"]["known_mean_source"] == "--lfp-mean"
    assert abs(r["lfp"]["electrode_mean_fraction"] - 0.539) < 1e-9
    assert "LFP" not in r["fractions"]["phases"]
    # No NMC in an LFP-only electrode: the profile keeps the eroded route, and says why (issue 16).
    assert r["lfp"]["profile_route"] == "eroded" and r["lfp"]["fringe_over_blur"] is None
    assert "no NMC" in r["lfp"]["profile_route_reason"]


def test_analyze_lfp_profile_route_follows_the_fringe_rule(tmp_path):
    # A blend with NMC: the forward model's fringe measure X picks the profile's shape (X >= -0.28: the model).
    r = emorph.analyze(demo=True, preset="F", size=64, out_dir=tmp_path / "f", lfp_mean=0.3, pore_grey=10922.5)
    lfp = r["lfp"]
    x, threshold = lfp["fringe_over_blur"], lfp["forward_model"]["fringe_threshold"]
    assert isinstance(x, float) and threshold == 0.28
    assert lfp["profile_route"] == ("forward_model" if x >= -threshold else "eroded")
    assert r["profiles"]["phases"]["LFP"]["profile_route"] == lfp["profile_route"]
    assert lfp["forward_model"]["psf_sigma_um"] > 0
