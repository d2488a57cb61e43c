// analyze's chords / correlation / rev steps: the standalone commands' functions and results objects.
#include "emorph/report/statistics_step.hpp"

#include "emorph/measure/chord_length.hpp"
#include "emorph/measure/rev.hpp"
#include "emorph/results/stats_results.hpp"
#include "emorph/measure/two_point_correlation.hpp"

namespace emorph {

Json statistics_step_results(const std::string& step, VolumeView<const uint8_t> mask, const std::string& phase) {
  if (step == "chords") return chords_results(chord_lengths(mask), phase, ChordLengthParams{}.include_border_chords);
  if (step == "correlation") return correlation_results(two_point_correlation(mask), phase);
  if (step == "rev") return rev_results(representative_volume(mask), phase);
  throw InputError("analyze: unknown statistics step " + step);
}

}  // namespace emorph
