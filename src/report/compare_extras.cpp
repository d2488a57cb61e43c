// compare's composition (Tables 1, 4) and multiscale (Table 2) sections, from analyze results.
#include "emorph/report/compare_extras.hpp"

#include <cstdio>
#include <filesystem>
#include <set>

#include "emorph/report/multiscale.hpp"

namespace fs = std::filesystem;

namespace emorph {
namespace {

std::string cell(const Json& v) {
  if (!v.is_number()) return "";
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.4g", v.get<double>());
  return buf;
}

void composition_table(HtmlReport& rep, const std::vector<Json>& all, const std::vector<std::string>& names,
                       const fs::path& out) {
  std::set<std::string> phases;
  for (const auto& r : all)
    if (r.contains("composition_check") && r["composition_check"].contains("phases"))
      for (const auto& [ph, _] : r["composition_check"]["phases"].items()) phases.insert(ph);
  if (phases.empty()) return;
  std::vector<std::string> header = {"sample"};
  for (const auto& ph : phases) header.insert(header.end(), {ph + "_measured_vol_percent", ph + "_composition_vol_percent"});
  header.insert(header.end(), {"measured_ssa_m2_per_g", "theoretical_ssa_m2_per_g"});
  std::vector<std::vector<std::string>> rows;
  for (std::size_t i = 0; i < all.size(); ++i) {
    const Json c = all[i].value("composition_check", Json::object());
    std::vector<std::string> row = {names[i]};
    for (const auto& ph : phases) {
      const Json e = c.value("phases", Json::object()).value(ph, Json::object());
      row.push_back(cell(e.value("measured_vol_percent", Json())));
      row.push_back(cell(e.value("composition_vol_percent", Json())));
    }
    const Json ssa = c.value("ssa", Json::object());
    row.push_back(cell(ssa.value("measured_m2_per_g", Json())));
    row.push_back(cell(ssa.value("theoretical_m2_per_g", Json())));
    rows.push_back(row);
  }
  rep.table(header, rows, "Composition against measurement: electrode vol% (Table 1) and specific surface (Table 4)");
  write_csv((out / "composition.csv").string(), header, rows);
}

void multiscale_table(HtmlReport& rep, const std::vector<Json>& all, const std::vector<std::string>& names, const fs::path& out) {
  std::vector<std::size_t> xct, fib;
  for (std::size_t i = 0; i < all.size(); ++i) {
    const std::string scale = result_scale(all[i]);
    if (scale == "xct") xct.push_back(i);
    if (scale == "fibsem") fib.push_back(i);
  }
  if (xct.size() != 1 || fib.size() != 1) return;
  Json m = multiscale_decomposition(all[xct[0]], all[fib[0]]);
  m["xct"] = names[xct[0]];
  m["fibsem"] = names[fib[0]];
  write_json((out / "multiscale.json").string(), m);
  std::vector<std::vector<std::string>> rows;
  for (const char* ph : {"NMC", "LFP", "CBD", "pore"}) {
    const Json& with_lfp = m.value("phases_with_xct_lfp", Json::object());
    rows.push_back({ph, cell(m["phases"][ph]["vol_percent"]), cell(with_lfp.value(ph, Json())), m["phases"][ph]["from"].get<std::string>()});
  }
  write_csv((out / "multiscale.csv").string(), {"phase", "vol_percent", "vol_percent_with_xct_grey_lfp", "from"}, rows);
  const Json& r = m["fibsem_ratios"];
  rep.table({"phase", "electrode vol%", "with XCT grey LFP", "from"}, rows,
            "Multiscale: " + names[xct[0]] + " (XCT) matrix split by " + names[fib[0]] + " (FIB/SEM): LFP/pore " +
                cell(r["lfp_over_pore"]) + ", LFP/CBD " + cell(r["lfp_over_cbd"]));
}

}  // namespace

void compare_composition_and_scales(HtmlReport& rep, const std::vector<Json>& all, const std::vector<std::string>& names,
                                    const std::string& out_dir) {
  composition_table(rep, all, names, out_dir);
  multiscale_table(rep, all, names, out_dir);
}

}  // namespace emorph
