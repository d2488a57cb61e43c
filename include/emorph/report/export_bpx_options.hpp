#pragma once
// The options of `emorph export-bpx` declared once (param_table.hpp): the table drives the CLI options,
// the JSON echo of `parameters` and docs/parameters.md, and names emorph.export_bpx's keywords (which
// also take a list where the CLI takes a comma-separated one). The paths (RESULTS_DIR, --template,
// --out, --csv) are the command's own.
#include <string>

#include "emorph/param_table.hpp"
#include "emorph/report/export_bpx.hpp"

namespace emorph {

struct ExportBpxOptions {
  std::string electrode = ExportBpxParams{}.electrode;
  std::string materials;  // comma-separated, as typed (echoed as typed)
};

// electrode, materials (Python: a list or a comma-separated str, documented with the function).
const ParamTable<ExportBpxOptions>& export_bpx_param_table();

// The materials split at commas (empty names dropped).
ExportBpxParams export_bpx_params(const ExportBpxOptions& options);

}  // namespace emorph
