// Multiscale decomposition (Etiemble et al. 2017, Table 2 and section 3.3.3): electrode vol% of NMC
// from XCT, the XCT matrix split into LFP, CBD and pores by the FIB/SEM matrix shares.
#include "emorph/report/multiscale.hpp"

#include "emorph/error.hpp"
#include "emorph/results/measure_results.hpp"

namespace emorph {
namespace {

// Electrode-level fraction of a phase (inside the detected electrode), 0 when absent.
double electrode_fraction(const Json& results, const std::string& name) {
  const Json& phases = results["fractions"]["phases"];
  if (!phases.contains(name)) return 0.0;
  const Json& p = phases[name];
  return p.contains("electrode_volume_fraction") ? p["electrode_volume_fraction"].get<double>() : p["volume_fraction"].get<double>();
}

}  // namespace

std::string result_scale(const Json& r) {
  if (!r.is_object() || !r.contains("fractions") || !r["fractions"].contains("phases")) return "";
  const Json& p = r["fractions"]["phases"];
  if (p.contains("matrix")) return "xct";
  const bool lfp_resolved = p.contains("LFP") && p["LFP"].value("resolved", true);
  if (lfp_resolved && p.contains("pore") && p.contains("CBD")) return "fibsem";
  if (p.contains("NMC") && !p.contains("LFP")) return "xct";
  return "";
}

Json multiscale_decomposition(const Json& xct, const Json& fibsem) {
  require(result_scale(xct) == "xct", "compare: the first multiscale result is not an XCT analysis (NMC against the matrix)");
  require(result_scale(fibsem) == "fibsem", "compare: the second multiscale result is not a FIB/SEM analysis (LFP, CBD, pore)");
  const double nmc = electrode_fraction(xct, "NMC");
  const double collector = electrode_fraction(xct, "collector");
  const double matrix = 1.0 - nmc - collector;
  const double lfp = electrode_fraction(fibsem, "LFP"), cbd = electrode_fraction(fibsem, "CBD"),
               pore = electrode_fraction(fibsem, "pore");
  const double fib_matrix = lfp + cbd + pore;
  require(fib_matrix > 0, "compare: the FIB/SEM result has no LFP, CBD or pore volume");
  Json out;
  out["fibsem_ratios"] = {{"lfp_over_pore", number_or_null(pore > 0 ? lfp / pore : NAN)},
                          {"lfp_over_cbd", number_or_null(cbd > 0 ? lfp / cbd : NAN)},
                          {"lfp_share_of_matrix", lfp / fib_matrix},
                          {"cbd_share_of_matrix", cbd / fib_matrix},
                          {"pore_share_of_matrix", pore / fib_matrix}};
  out["xct_matrix_vol_percent"] = 100 * matrix;
  out["phases"] = {{"NMC", {{"vol_percent", 100 * nmc}, {"from", "XCT segmentation"}}},
                   {"LFP", {{"vol_percent", 100 * matrix * lfp / fib_matrix}, {"from", "XCT matrix x FIB/SEM LFP share"}}},
                   {"CBD", {{"vol_percent", 100 * matrix * cbd / fib_matrix}, {"from", "XCT matrix x FIB/SEM CBD share"}}},
                   {"pore", {{"vol_percent", 100 * matrix * pore / fib_matrix}, {"from", "XCT matrix x FIB/SEM pore share"}}}};
  // The paper's bulk (XCT grey) against surface (FIB/SEM) LFP: with the XCT grey LFP, the rest of the
  // matrix splits by the FIB/SEM CBD/pore ratio.
  if (xct.contains("lfp") && xct["lfp"].contains("electrode_mean_fraction") && cbd + pore > 0) {
    const double lfp_xct = xct["lfp"]["electrode_mean_fraction"].get<double>();
    const double rest = matrix - lfp_xct;
    out["lfp_xct_grey_vol_percent"] = 100 * lfp_xct;
    out["phases_with_xct_lfp"] = {{"NMC", 100 * nmc},
                                  {"LFP", 100 * lfp_xct},
                                  {"CBD", 100 * rest * cbd / (cbd + pore)},
                                  {"pore", 100 * rest * pore / (cbd + pore)}};
  }
  return out;
}

}  // namespace emorph
