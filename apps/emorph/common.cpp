#include "common.hpp"
#include "streaming.hpp"

#include <iostream>

#include "emorph/atomic_file.hpp"
#include "emorph/measure/components.hpp"
#include "emorph/measure/label_volume.hpp"
#include "emorph/measure/phase_selection.hpp"
#include "emorph/parse.hpp"

namespace emorph::cli {

ReadOptions InputOptions::read_options() const {
  ReadOptions r;
  if (!voxel.empty()) r.voxel = parse_spacing(voxel, "--voxel");
  if (needs_voxel_size) require_voxel_size("this command reports lengths, areas or volumes");
  return r;
}

std::string InputOptions::voxel_source() const {
  if (!voxel.empty()) return "option";
  return read_info(input).spacing_from_file ? "file" : "none";
}

void InputOptions::require_voxel_size(const std::string& why) const {
  if (voxel_source() == "none")
    throw InputError(input + ": the file records no voxel size and none was given: pass --voxel UM (" + why +
                     "; emorph never assumes 1 um)");
}

void add_input_options(CLI::App* cmd, InputOptions& o, const std::string& what) {
  declare_path(cmd->add_option("input", o.input, what + " (file, folder of slices, or file.h5:/dataset)")->required(),
               PathKind::input_volume, o.input);
  cmd->add_option("--voxel", o.voxel, "Voxel size in um: 0.32 or DZ,DY,DX (default: from the file)");
  cmd->parse_complete_callback([cmd, &o] { check_in_core_need(cmd->get_name(), o.input); });  // --memory-limit
}

PhaseTable PhaseOptions::table() const {
  PhaseTable t = phases.empty() ? PhaseTable::default_table() : PhaseTable::parse(phases, "--phases");
  if (!density.empty()) t.set_densities(density, "--density");
  return t;
}

void add_phase_options(CLI::App* cmd, PhaseOptions& o) {
  cmd->add_option("--phases", o.phases, "Phase labels, e.g. pore=0,NMC=1,LFP=2,CBD=3 (default table)");
  cmd->add_option("--density", o.density, "Densities in g/cm3, e.g. NMC=4.75,LFP=3.57,CBD=1.8");
}

void add_json_option(CLI::App* cmd, OutputOptions& o) {
  declare_path(cmd->add_option("--json", o.json, "Write results as JSON to this path (- for standard output)"),
               PathKind::output_file, o.json);
}

void add_csv_option(CLI::App* cmd, OutputOptions& o) {
  declare_path(cmd->add_option("--csv", o.csv, "Write the result table as CSV to this path"), PathKind::output_file,
               o.csv);
}

Volume<uint8_t> read_phase_mask(const InputOptions& in, const PhaseTable& table, const std::string& phase,
                                const std::string& option) {
  if (phase.empty()) return nonzero_mask(read_volume(in.input, in.read_options()));
  const Phase& selected = table.at(phase, option);
  const auto labels = to_label_volume(read_volume(in.input, in.read_options()), in.input);
  require_phase_present(labels.view(), selected, option);
  return label_mask(labels.view(), selected.label);
}

void add_volume_command_options(CLI::App* cmd, VolumeCommandOptions& o, const std::string& input_help) {
  add_input_options(cmd, o.in, input_help);
  add_phase_options(cmd, o.phases);
  add_json_option(cmd, o.out);
}

Json PhaseInputOptions::params() const { return {{"voxel", in.voxel}, {"phase", phase}, {"phases", phases.phases}}; }

CLI::Option* add_phase_input_options(CLI::App* cmd, PhaseInputOptions& o, const std::string& input_help,
                                     const std::string& phase_help) {
  add_volume_command_options(cmd, o, input_help);
  o.in.needs_voxel_size = true;  // results in um
  return cmd->add_option("--phase", o.phase, phase_help);
}

Json input_envelope(const std::string& command, const Json& parameters, const InputOptions& in, const Json& results) {
  Json envelope = result_envelope(command, parameters, in.input, results);
  envelope["input"]["voxel_source"] = in.voxel_source();
  if (Json memory = memory_section(); !memory.is_null()) envelope["memory"] = std::move(memory);
  return envelope;
}

namespace {
// CONTRACT: labels outside the phase table are measured as label_<n>, with this warning.
void warn_unlisted_labels(const Json& results) {
  if (results.contains("unlisted_labels"))
    std::cerr << "emorph: warning: " << unlisted_labels_warning(results["unlisted_labels"].get<std::vector<uint8_t>>())
              << "\n";
}
}  // namespace

void emit_results(const OutputOptions& o, const std::string& command, const Json& parameters, const InputOptions& in,
                  const Json& results) {
  warn_unlisted_labels(results);
  if (!o.json.empty()) {
    if (o.json != "-") check_output_differs(in.input, o.json);
    write_json(o.json, input_envelope(command, parameters, in, results));
  }
  if (o.json != "-") std::cout << summarize_results(results);
}

void emit_results(const OutputOptions& o, const std::string& command, const Json& parameters,
                  const std::string& input, const Json& results) {
  warn_unlisted_labels(results);
  if (!o.json.empty()) {
    if (o.json != "-") check_output_differs(input, o.json);
    write_json(o.json, result_envelope(command, parameters, input, results));
  }
  if (o.json != "-") std::cout << summarize_results(results);
}

}  // namespace emorph::cli
