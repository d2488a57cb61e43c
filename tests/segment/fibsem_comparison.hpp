#pragma once
// `segment --method fibsem` run twice on one image, with the default parameters and with one change to
// them, each labelling scored against the truth: the comparisons of the column-model and shine tests.
#include <utility>

#include "emorph/phase_table.hpp"
#include "emorph/segment/segment.hpp"
#include "fibsem_model.hpp"

namespace emorph::test {

struct ScoredSegmentation {
  SegmentResult result;
  std::pair<double, double> score;  // pore Dice, worst vol% error (pore_dice_and_worst_error)
};

// The route up to the column model: the rims, the step after it, left to the watershed (the rim model's
// own figures: FibsemRims and FibsemPores.RimModelRaisesThePoreDiceOfAnLfpCube). These tests' bounds were
// measured on the column step.
inline SegmentParams column_step_alone() {
  SegmentParams p;
  p.fibsem_rims.enabled = false;
  return p;
}

// {start (the default parameters unless given), start after change(params)}.
template <class Change>
std::pair<ScoredSegmentation, ScoredSegmentation> segment_fibsem_default_and_changed(const Volume<uint8_t>& image,
                                                                                     const Volume<uint8_t>& truth,
                                                                                     Change&& change,
                                                                                     const SegmentParams& start = {}) {
  SegmentParams params = start;
  params.method = "fibsem";
  auto run = [&] {
    ScoredSegmentation s{segment(AnyVolume(image.clone()), params, PhaseTable::default_table()), {}};
    s.score = pore_dice_and_worst_error(s.result.labels, truth);
    return s;
  };
  auto by_default = run();
  change(params);
  return {std::move(by_default), run()};
}

}  // namespace emorph::test
