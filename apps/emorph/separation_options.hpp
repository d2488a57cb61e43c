#pragma once
// The particle-separation options shared by `emorph particles` and `emorph contacts` (the same
// separation, so the same options, defaults, help and JSON echo): the table's options with their checks.
#include <CLI/CLI.hpp>

#include "checks.hpp"
#include "param_options.hpp"
#include "emorph/segment/particle_options.hpp"

namespace emorph::cli {

// The options of `table` (the separation table or one that extends it) on `sub`; the CLI keeps all
// particles by default (min_volume_um3 = 0).
template <class Options>
void add_separation_options(CLI::App* sub, Options& options, const ParamTable<Options>& table) {
  options.min_volume_um3 = 0.0;
  add_param_options(sub, options, table);
  sub->get_option("--hmax")->check(CLI::PositiveNumber);
  sub->get_option("--connectivity")->check(connectivity_value());
  sub->get_option("--min-volume")->check(CLI::NonNegativeNumber);
}

}  // namespace emorph::cli
