#pragma once
// The particle-separation options shared by `emorph particles` and `emorph contacts` (the same
// separation, so the same options, defaults, help and JSON echo): declared once here.
#include <CLI/CLI.hpp>

#include "checks.hpp"
#include "emorph/result.hpp"
#include "emorph/segment/separate_particles.hpp"

namespace emorph::cli {

struct SeparationOptions {
  double h_um = 0;  // 0: the library's default (2 voxels)
  bool no_separate = false;
  bool exclude_border = false;
  int connectivity = 26;
  double min_volume_um3 = 0;

  void add_to(CLI::App* sub) {
    sub->add_option("--hmax", h_um,
                    "Depth in um a distance-map maximum needs to seed its own particle (default 2 voxels): "
                    "lower splits more, higher merges more")
        ->check(CLI::PositiveNumber);
    sub->add_flag("--no-separate", no_separate, "Connected components only (no watershed separation)");
    sub->add_option("--connectivity", connectivity, "Connectivity of the components with --no-separate (6, 18, 26)")
        ->capture_default_str()
        ->check(connectivity_value());
    sub->add_flag("--exclude-border", exclude_border, "Leave out particles cut by a face of the volume");
    sub->add_option("--min-volume", min_volume_um3,
                    "Leave out particles smaller than this volume in um^3 (threshold specks); default 0: keep all")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
  }

  // The separation and measurement parameters these options set (the rest keeps the defaults).
  void apply(ParticleAnalysisParams& p) const {
    p.separate = !no_separate;
    if (h_um != 0) p.separation.h_um = h_um;
    p.separation.exclude_border = exclude_border;
    p.connectivity = connectivity;
    p.measures.min_volume_um3 = min_volume_um3;
  }

  // The JSON `parameters` echo: separate, hmax_um (null: default), exclude_border, min_volume_um3, connectivity.
  Json json() const {
    return {{"separate", !no_separate},
            {"hmax_um", h_um != 0 ? Json(h_um) : Json(nullptr)},
            {"exclude_border", exclude_border},
            {"min_volume_um3", min_volume_um3},
            {"connectivity", connectivity}};
  }
};

}  // namespace emorph::cli
