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
