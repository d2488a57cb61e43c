#pragma once
// Export of an analysis (results.json of `emorph analyze`) to the Battery Parameter eXchange format
// (BPX, Faraday Institution): the electrode fields that microstructure determines, merged into a
// template that holds the electrochemical ones, and a through-thickness table for PyBaMM.
// Field names and structure follow the published BPX schema (docs/bpx.md).
#include <optional>
#include <string>
#include <vector>

#include "emorph/result.hpp"

namespace emorph {

struct ExportBpxParams {
  std::string electrode = "positive";  // positive | negative: Parameterisation."<Positive|Negative> electrode"
  // Active materials (phase names); empty: every solid phase measured other than CBD, collector,
  // matrix and separator. One material: the electrode-level particle fields; several: a blend, one
  // "Particle" entry per material (BPX's blended electrode).
  std::vector<std::string> materials;
  std::string pore_phase = "pore";
  std::optional<Json> bpx_template;  // a BPX document; its other fields are kept
};

struct BpxMaterial {
  std::string name;
  double volume_fraction = 0;              // in the electrode region (same basis as the porosity)
  double particle_radius_m = 0;            // Sauter radius 3 V / S of the phase
  double surface_area_per_volume_m = 0;    // 3 eps / R, per m
};

struct ExportBpxResult {
  Json bpx;  // the whole document
  double porosity = 0;
  double tau = 0;  // through-plane (the analysis' thickness axis)
  double transport_efficiency = 0;  // porosity / tau
  double thickness_m = 0;
  std::vector<BpxMaterial> materials;
  // The PyBaMM table: distance from the collector side of the electrode region, porosity, then per
  // material its volume fraction and particle radius.
  std::vector<std::string> csv_header;
  std::vector<std::vector<double>> csv_rows;
  std::vector<std::string> notes;  // what was approximated (a radius profile left constant, ...)
};

// results: the parsed results.json (the envelope or its "results"); results_dir: where it was read,
// for the per-particle tables (particles_<material>.csv) of the radius profile. Throws InputError
// naming the analyze option a missing step needs.
ExportBpxResult export_bpx(const Json& results, const std::string& results_dir, const ExportBpxParams& params = {});

// Checks a BPX document against the schema facts this export relies on (header version and model,
// electrode objects, single or blended particle fields, value ranges of the measured fields); throws
// InputError naming the first offending field (`what` names the document).
void validate_bpx(const Json& bpx, const std::string& what);

}  // namespace emorph
