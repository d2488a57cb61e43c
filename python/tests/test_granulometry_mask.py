"""emorph.granulometry accepts a boolean mask like emorph.particles (issue 17): the same distribution as
naming the phase in a label volume."""
import numpy as np

import emorph
from conftest import random_labels


def test_boolean_mask_equals_the_named_phase(rng):
    labels = random_labels(rng, (24, 24, 24), phases=3, smooth=2)  # 0 pore, 1 NMC, 2 LFP
    by_name = emorph.granulometry(labels, phase="NMC", spacing=0.5)
    by_mask = emorph.granulometry(labels == 1, spacing=0.5)
    by_01 = emorph.granulometry((labels == 1).astype(np.uint8), spacing=0.5)
    assert by_mask["phase"] is None
    for result in (by_mask, by_01):
        assert result["phase_voxels"] == by_name["phase_voxels"] == int((labels == 1).sum())
        assert result["radius_um"] == by_name["radius_um"]
        assert result["opening_voxels"] == by_name["opening_voxels"]
        assert result["d50_um"] == by_name["d50_um"]
