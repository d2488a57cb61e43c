// The registry of parameter tables and the parameters page generated from it (see parameter_docs.hpp).
#include "emorph/report/parameter_docs.hpp"

#include <sstream>

#include "emorph/fields.hpp"
#include "emorph/filter/fibsem_prep_options.hpp"
#include "emorph/filter/rescale_options.hpp"
#include "emorph/measure/composition_options.hpp"
#include "emorph/report/export_bpx_options.hpp"
#include "emorph/measure/descriptor_param_tables.hpp"
#include "emorph/measure/report_param_tables.hpp"
#include "emorph/report/analysis_param_tables.hpp"
#include "emorph/segment/histogram_options.hpp"
#include "emorph/segment/particle_options.hpp"
#include "emorph/segment/segment_options.hpp"
#include "emorph/synth/imaging_params.hpp"
#include "emorph/transport/connectivity_options.hpp"
#include "emorph/transport/tortuosity_options.hpp"

namespace emorph {

namespace {

// A table that drives the CLI command and the Python function of its name and echoes in `parameters`.
template <class P>
CommandParams command(const char* name, const char* summary, const ParamTable<P>& table) {
  return {name, name, name, "parameters", "", summary, param_rows(table)};
}

EMORPH_JSON_FIELDS(param_row_json, ParamRow, key, cli, python, type, default_value, unit, help, echo)
EMORPH_JSON_FIELDS(command_params_json, CommandParams, name, command, python, json, toml, summary)

std::string code(const std::string& s) { return s.empty() ? "" : "`" + s + "`"; }

// A table cell's text with its pipes escaped (segment's --method lists its methods as a | b).
std::string cell(const std::string& s) {
  std::string out;
  for (char c : s) out += c == '|' ? std::string("\\|") : std::string(1, c);
  return out;
}

}  // namespace

std::vector<CommandParams> parameter_tables() {
  return {
      command("fractions", "Volume fractions of each phase", fractions_param_table()),
      command("profile", "Phase fraction profiles along an axis", profile_param_table()),
      command("particles", "Separate, measure and size the particles of a phase", particles_param_table()),
      command("contacts", "Contact areas of the particles of a phase", separation_param_table()),
      command("granulometry", "Size distribution of a phase by openings", granulometry_param_table()),
      command("tortuosity", "Tortuosity factor and effective diffusivity", tortuosity_param_table()),
      command("connectivity", "Percolating, dead-end and isolated fractions of each phase", connectivity_param_table()),
      command("surface", "Surface areas of phases and interfaces, specific surfaces", surface_param_table()),
      command("tpb", "Triple-phase boundary length per volume", tpb_param_table()),
      command("chords", "Chord-length distribution of a phase along each axis", chords_param_table()),
      command("correlation", "Two-point correlation S2(r) of a phase along each axis", correlation_param_table()),
      command("rev", "Volume-fraction variance over growing subvolumes, integral range", rev_param_table()),
      command("segment", "Grey volume -> phase map (uint8 labels) by histogram thresholds", segment_param_table()),
      command("histogram", "Grey-value histogram with automatic thresholds (range echoed as typed)",
              histogram_param_table()),
      {"rescale", "rescale", "", "parameters", "", "Downsampling by an integer factor (block mean or majority vote)",
       param_rows(rescale_param_table())},
      {"synth-xct", "synth", "simulate_xct", "", "", "XCT imaging of a synthetic electrode",
       param_rows(synth::xct_param_table())},
      {"synth-fibsem", "synth", "simulate_fibsem", "", "", "FIB/SEM imaging of a synthetic electrode",
       param_rows(synth::fibsem_param_table())},
      command("composition", "Electrode composition from wt%, densities and porosity (no image)",
              composition_param_table()),
      {"export-bpx", "export-bpx", "export_bpx", "parameters", "", "BPX export of an analysis",
       param_rows(export_bpx_param_table())},
      // fibsem-prep: one table per step, each also the keywords of the step's Python function.
      {"fibsem-prep", "fibsem-prep", "", "parameters", "",
       "FIB/SEM stack preparation: the steps, methods by name, lists as typed", param_rows(fibsem_prep_tables().options)},
      {"fibsem-prep-destripe", "fibsem-prep", "destripe", "parameters", "", "FIB/SEM curtaining removal",
       param_rows(fibsem_prep_tables().destripe)},
      {"fibsem-prep-shading", "fibsem-prep", "correct_shading", "parameters", "", "FIB/SEM shading along y",
       param_rows(fibsem_prep_tables().shading)},
      {"fibsem-prep-intensity", "fibsem-prep", "normalise_intensity", "parameters", "", "FIB/SEM contrast along z",
       param_rows(fibsem_prep_tables().intensity)},
      {"fibsem-prep-align", "fibsem-prep", "align_slices", "parameters", "", "FIB/SEM slice alignment",
       param_rows(fibsem_prep_tables().drift)},
      {"analyze-profile", "", "", "", "profile", "The bulk window of analyze's profiles (keys of emorph profile's table)",
       param_rows(analysis_profile_table())},
      {"analyze-particles", "", "", "", "particles",
       "The sizing of analyze's particles step (keys of emorph particles' table)", param_rows(analysis_particles_table())},
      {"analyze-segment", "", "", "", "segment", "The segmentation of analyze's grey inputs (method: emorph segment's table)",
       param_rows(analysis_segment_table())},
      {"analyze-preprocess", "", "", "", "preprocess", "The pre-filter of analyze's grey inputs (emorph segment's denoise)",
       param_rows(analysis_preprocess_table())},
  };
}


std::string parameters_markdown() {
  std::ostringstream md;
  md << "# Parameters\n\n"
        "Generated from the parameter tables (include/emorph/param_table.hpp) by `build/bin/emorph-params "
        "--markdown > docs/parameters.md`;\nthe test `parameters_doc` fails when this page differs from the "
        "tables. Each row is one parameter: its key\n(the JSON echo in `parameters`, the TOML key), its CLI "
        "option, its Python keyword, type, default, unit and help.\nA blank cell: that front end does not "
        "take the parameter (a command-wide option or another keyword sets it).\n";
  for (const auto& t : parameter_tables()) {
    md << "\n## " << t.name << "\n\n" << t.summary << ":";
    if (!t.command.empty()) md << " `emorph " << t.command << "`";
    if (!t.python.empty()) md << (t.command.empty() ? "" : ",") << " `emorph." << t.python << "`";
    if (!t.toml.empty()) md << " `emorph analyze`'s TOML section `[" << t.toml << "]`, or `--set " << t.toml << ".KEY=VALUE`";
    md << ".\n\n| key | CLI | Python | type | default | unit | help |\n|---|---|---|---|---|---|---|\n";
    for (const auto& r : t.rows)
      md << "| " << code(r.key) << " | " << code(r.cli) << " | " << code(r.python) << " | " << r.type << " | "
         << code(r.default_value) << " | " << r.unit << " | " << cell(r.help) << " |\n";
    for (const auto& a : analysis_config_aliases())
      if (a.section == t.toml)
        md << "\nOlder spelling, still read: `[" << a.old_section << "] " << a.old_key << "` for `" << a.key << "`"
           << (a.note.empty() ? "" : ", " + a.note) << "; giving both is an error.\n";
  }
  return md.str();
}

Json parameters_json() {
  Json out = Json::array();
  for (const auto& t : parameter_tables()) {
    Json params = Json::array();
    for (const auto& r : t.rows) params.push_back(param_row_json(r));
    Json table = command_params_json(t);
    table["params"] = params;
    out.push_back(table);
  }
  return out;
}

}  // namespace emorph
