// Parameter table of `emorph export-bpx` (see export_bpx_options.hpp).
#include "emorph/report/export_bpx_options.hpp"

#include <sstream>

namespace emorph {

ExportBpxParams export_bpx_params(const ExportBpxOptions& o) {
  ExportBpxParams p;
  p.electrode = o.electrode;
  std::stringstream ss(o.materials);
  for (std::string m; std::getline(ss, m, ',');)
    if (!m.empty()) p.materials.push_back(m);
  return p;
}

namespace {

const ParamTable<ExportBpxOptions> kExportBpxTable = {
    {"electrode", &ExportBpxOptions::electrode, "", "positive | negative"},
    {"materials", &ExportBpxOptions::materials, "",
     "Active materials, comma-separated (default: every solid phase but CBD, collector, matrix); several make a "
     "blended electrode",
     "", "none"},
};

}  // namespace

const ParamTable<ExportBpxOptions>& export_bpx_param_table() { return kExportBpxTable; }

}  // namespace emorph
