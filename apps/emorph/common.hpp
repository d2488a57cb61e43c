#pragma once
// Options shared by many subcommands, declared once so every command spells them the same way.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "emorph/io.hpp"
#include "emorph/io/path_overlap.hpp"
#include "emorph/phase_table.hpp"
#include "emorph/result.hpp"

namespace emorph::cli {

// The voxel-size rule (CONTRACT.md "Volumes and axes"): a command whose results or options are in
// micrometres sets needs_voxel_size; without --voxel and without a size in the file it then exits 2
// asking for --voxel instead of assuming 1 um. Commands reporting only counts and fractions run
// without one. Every JSON records where the size came from: input.voxel_source.
// Declares that `option` names a path the command reads or writes (the value is taken from `bound`,
// the variable the option fills, so defaults count). Before the command runs, main checks every
// declared path at once: no output over an input (sidecars, detached data, HDF5 datasets included) or
// over another output, every output location writable; the declared outputs are then committed
// together when the command succeeds, and none is left when it fails.
CLI::Option* declare_path(CLI::Option* option, PathKind kind, const std::string& bound);
CLI::Option* declare_path(CLI::Option* option, PathKind kind, const std::vector<std::string>& bound);

// The declared paths of a parsed subcommand, checked; returns the output files to commit together.
std::vector<std::filesystem::path> check_declared_paths(const CLI::App& command);

// The input volumes a parsed subcommand names (its declared input_volume paths that were given).
std::vector<std::string> declared_input_volumes(const CLI::App& command);

// The global --raw-shape, --raw-dtype, --raw-byte-order and --sidecar options (raw_input_options.cpp);
// apply_raw_input_options hands them to the readers once parsing is complete (InputError when malformed,
// contradictory, or given to a command that reads no .raw input).
void add_raw_input_options(CLI::App& app);
void apply_raw_input_options(const CLI::App& command);

struct InputOptions {
  std::string input;
  std::string voxel;  // "0.32" or "DZ,DY,DX"; empty: from the file
  bool needs_voxel_size = false;
  ReadOptions read_options() const;
  // "option" (--voxel), "file" (the file's metadata) or "none" (no size known: 1 um placeholder).
  std::string voxel_source() const;
  // Throws InputError asking for --voxel when voxel_source() is "none"; `why` says what needs it.
  void require_voxel_size(const std::string& why) const;
};
// Adds the positional input and --voxel.
void add_input_options(CLI::App* cmd, InputOptions& o, const std::string& what = "Input volume");

struct PhaseOptions {
  std::string phases;   // --phases pore=0,NMC=1,...
  std::string density;  // --density NMC=4.75,...
  PhaseTable table() const;
};
void add_phase_options(CLI::App* cmd, PhaseOptions& o);

// The mask of `phase` in the label volume `in` reads (the phase must be present; `option` names it in
// errors); an empty `phase` selects every non-zero voxel of a volume of any dtype.
Volume<uint8_t> read_phase_mask(const InputOptions& in, const PhaseTable& table, const std::string& phase,
                                const std::string& option = "--phase");

struct OutputOptions {
  std::string json;  // --json PATH
  std::string csv;   // --csv PATH
};
void add_json_option(CLI::App* cmd, OutputOptions& o);
void add_csv_option(CLI::App* cmd, OutputOptions& o);

// The options of a command reading one volume with a phase table: the input, --voxel, the phase
// table and --json.
struct VolumeCommandOptions {
  InputOptions in;
  PhaseOptions phases;
  OutputOptions out;
};
void add_volume_command_options(CLI::App* cmd, VolumeCommandOptions& o,
                                const std::string& input_help = "Label volume (uint8)");

// A command measuring one phase of a label volume in um: the options above (voxel size required)
// and --phase.
struct PhaseInputOptions : VolumeCommandOptions {
  std::string phase;
  Volume<uint8_t> read_mask() const { return read_phase_mask(in, phases.table(), phase); }
  // The parameters such a command echoes first: voxel, phase, phases.
  Json params() const;
};
// Adds the options above and --phase (returned, for ->required()).
CLI::Option* add_phase_input_options(CLI::App* cmd, PhaseInputOptions& o,
                                     const std::string& input_help = "Label volume (uint8)",
                                     const std::string& phase_help = "Phase to analyse (name in the phase table)");

// Writes the JSON envelope to --json (if given) and a compact summary of `results` to stdout.
void emit_results(const OutputOptions& o, const std::string& command, const Json& parameters,
                  const std::string& input, const Json& results);
// The same for a command reading `in`: the envelope's input also carries voxel_source.
void emit_results(const OutputOptions& o, const std::string& command, const Json& parameters, const InputOptions& in,
                  const Json& results);
// The JSON envelope of a command reading `in` (input.path, input.sha256, input.voxel_source).
Json input_envelope(const std::string& command, const Json& parameters, const InputOptions& in, const Json& results);

}  // namespace emorph::cli
