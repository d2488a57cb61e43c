// emorph fractions LABELS: voxel counts and volume fractions of every phase, in the whole volume and in
// the electrode region detected along the thickness axis, plus phase ratios.
#include <iostream>
#include <memory>

#include "command.hpp"
#include "common.hpp"
#include "emorph/io.hpp"
#include "emorph/measure/electrode_region.hpp"
#include "emorph/measure/fractions.hpp"
#include "emorph/measure/label_volume.hpp"
#include "emorph/measure/phase_ratios.hpp"
#include "emorph/measure/phase_selection.hpp"

namespace {

using emorph::Json;

struct FractionsOptions {
  emorph::cli::InputOptions in;
  emorph::cli::PhaseOptions phases;
  emorph::cli::OutputOptions out;
  int axis = 0;
  std::vector<std::string> only;
  std::string ratios;
};

Json region_json(const emorph::ElectrodeRegion& r) {
  return {{"first_slice", r.first_slice}, {"last_slice", r.last_slice}, {"collector_slices", r.collector_slices},
          {"start_um", r.start_um},       {"end_um", r.end_um},         {"thickness_um", r.thickness_um}};
}

Json ratios_json(const std::vector<emorph::PhaseRatio>& ratios) {
  Json j = Json::object();
  for (const auto& r : ratios) j[r.name] = r.ratio;
  return j;
}

void run_fractions(const FractionsOptions& o) {
  const emorph::PhaseTable table = o.phases.table();
  const auto labels = emorph::to_label_volume(emorph::read_volume(o.in.input, o.in.read_options()), o.in.input);
  emorph::require(o.axis >= 0 && o.axis <= 2, "--axis must be 0, 1 or 2 (got " + std::to_string(o.axis) + ")");
  const auto counts = emorph::slice_label_counts(labels.view(), {o.axis});
  const auto all = emorph::phase_fractions(counts, 0, counts.slices - 1);

  std::optional<emorph::ElectrodeRegion> region;
  try {
    region = emorph::electrode_region(counts, labels.spacing()[o.axis], emorph::electrode_region_params(table));
  } catch (const emorph::InputError& e) {
    std::cerr << "emorph: warning: no electrode region: " << e.what() << "\n";
  }
  std::optional<emorph::PhaseFractions> inside;
  if (region) inside = emorph::phase_fractions(counts, region->first_slice, region->last_slice);

  Json phases = Json::object();
  std::vector<std::vector<std::string>> rows;
  for (const auto& p : emorph::select_phases(table, all.voxels, o.only)) {
    Json j = {{"label", p.label}, {"voxels", all.count(p.label)}, {"volume_fraction", all.fraction(p.label)}};
    std::vector<std::string> row = {p.name, std::to_string(p.label), std::to_string(all.count(p.label)),
                                    emorph::Json(all.fraction(p.label)).dump()};
    if (inside) {
      j["region_voxels"] = inside->count(p.label);
      j["region_volume_fraction"] = inside->fraction(p.label);
      row.push_back(std::to_string(inside->count(p.label)));
      row.push_back(emorph::Json(inside->fraction(p.label)).dump());
    } else {
      row.insert(row.end(), {"", ""});
    }
    phases[p.name] = j;
    rows.push_back(row);
  }
  Json results = {{"phases", phases},
                  {"total_voxels", all.total},
                  {"axis", o.axis},
                  {"ratios", ratios_json(emorph::phase_ratios(all, table, o.ratios))}};
  if (region) {
    results["electrode_region"] = region_json(*region);
    results["region_ratios"] = ratios_json(emorph::phase_ratios(*inside, table, o.ratios));
  }
  if (!o.out.csv.empty()) {
    emorph::check_output_differs(o.in.input, o.out.csv);
    emorph::write_csv(o.out.csv, {"phase", "label", "voxels", "volume_fraction", "region_voxels", "region_volume_fraction"},
                      rows);
  }
  const Json params = {{"voxel", o.in.voxel}, {"phases", o.phases.phases}, {"axis", o.axis}, {"phase", o.only},
                       {"ratios", o.ratios}};
  emorph::cli::emit_results(o.out, "fractions", params, o.in.input, results);
}

void setup_fractions(CLI::App& app) {
  auto o = std::make_shared<FractionsOptions>();
  auto* sub = app.add_subcommand("fractions", "Volume fractions of each phase (whole volume and electrode region)");
  emorph::cli::add_input_options(sub, o->in, "Label volume (uint8)");
  emorph::cli::add_phase_options(sub, o->phases);
  sub->add_option("--axis", o->axis, "Thickness axis (collector at index 0)")->capture_default_str();
  sub->add_option("--phase", o->only, "Report only these phases (each must be present)");
  sub->add_option("--ratios", o->ratios, "Fraction ratios, e.g. LFP/pore,LFP/CBD (default: solids over pore and CBD)");
  emorph::cli::add_json_option(sub, o->out);
  emorph::cli::add_csv_option(sub, o->out);
  sub->callback([o] { run_fractions(*o); });
}

}  // namespace

EMORPH_COMMAND(setup_fractions);
