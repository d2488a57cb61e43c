// The readable cross-sample table of `emorph compare` (issue 17): grouped headers with units, values
// rounded to what the measurement supports, no snake_case; table.csv keeps the machine names.
#include "emorph/report/compare_table.hpp"

#include <cstdio>

#include "report_numbers.hpp"

namespace emorph {
namespace {

using report_numbers::at_path;

std::string fixed(const Json& v, double scale, int decimals) {
  if (!v.is_number()) return "–";
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, scale * v.get<double>());
  return buf;
}

std::string significant(const Json& v, int digits = 3) {
  if (!v.is_number()) return "–";
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*g", digits, v.get<double>());
  return buf;
}

}  // namespace

std::string sample_colour(std::size_t index) {
  static const char* palette[] = {"#e4572e", "#17bebb", "#ffc914", "#2e282a", "#76b041", "#4c78a8", "#b279a2", "#9d755d"};
  return palette[index % 8];
}

bool is_electrode_phase(const std::string& phase) { return phase != "collector"; }

void readable_compare_table(HtmlReport& report, const std::vector<Json>& results, const std::vector<std::string>& names,
                            const std::set<std::string>& phases) {
  std::vector<std::string> electrode;
  for (const auto& ph : phases)
    if (is_electrode_phase(ph)) electrode.push_back(ph);
  std::set<std::string> sized, surfaced;
  bool tau = false;
  for (const auto& r : results) {
    for (const auto& [ph, _] : at_path(r, {"particles"}).items()) sized.insert(ph);
    for (const auto& [ph, _] : at_path(r, {"surface", "phases"}).items())
      if (is_electrode_phase(ph)) surfaced.insert(ph);
    tau = tau || at_path(r, {"tortuosity", "pore", "tau"}).is_number();
  }

  // Columns by group; three tables (fractions; profiles; sizes, surfaces and transport) keep each one
  // narrow enough to read without scrolling.
  struct Group {
    std::string label;
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> cells;  // per sample
  };
  auto add = [&](std::vector<Group>& table, std::string label, std::vector<std::string> header) -> Group& {
    table.push_back({std::move(label), std::move(header), std::vector<std::vector<std::string>>(results.size())});
    return table.back();
  };
  std::vector<Group> profiles_table, sizes_table;
  Group& sample = add(profiles_table, "sample", {"name", "thickness (um)"});
  Group& fractions = add(profiles_table, "vol% of the electrode", electrode);
  for (std::size_t i = 0; i < results.size(); ++i) {
    const Json& r = results[i];
    sample.cells[i] = {names[i], fixed(at_path(r, {"sample", "thickness_um"}), 1, 1)};
    for (const auto& ph : electrode) {
      const Json& f = at_path(r, {"fractions", "phases", ph.c_str()});
      const Json& v = at_path(f, {"electrode_volume_fraction"}).is_number() ? at_path(f, {"electrode_volume_fraction"}) : at_path(f, {"volume_fraction"});
      fractions.cells[i].push_back(fixed(v, 100, 1));
    }
  }
  // Profiles in long form, one row per sample and phase: five phases side by side would not fit a page.
  std::vector<std::vector<std::string>> profile_rows;
  for (std::size_t i = 0; i < results.size(); ++i)
    for (const auto& ph : electrode) {
      const Json& p = at_path(results[i], {"profiles", "phases", ph.c_str()});
      if (!p.is_object()) continue;
      profile_rows.push_back({names[i], ph, fixed(at_path(p, {"mean_fraction"}), 100, 1), fixed(at_path(p, {"rsd_percent"}), 1, 1),
                              report_numbers::slope(p), report_numbers::slope_band(p)});
    }
  add(sizes_table, "sample", {"name"}).cells = [&] {
    std::vector<std::vector<std::string>> c;
    for (const auto& n : names) c.push_back({n});
    return c;
  }();
  for (const auto& ph : sized) {
    Group& g = add(sizes_table, ph + " particles (um)", {"D10", "D50", "D90"});
    for (std::size_t i = 0; i < results.size(); ++i)
      for (const char* k : {"d10_um", "d50_um", "d90_um"}) g.cells[i].push_back(fixed(at_path(results[i], {"particles", ph.c_str(), k}), 1, 2));
  }
  for (const auto& ph : surfaced) {
    Group& g = add(sizes_table, ph + " surface", {"1/um", "m2/g"});
    for (std::size_t i = 0; i < results.size(); ++i)
      g.cells[i] = {significant(at_path(results[i], {"surface", "phases", ph.c_str(), "specific_surface_per_um"})),
                    significant(at_path(results[i], {"surface", "phases", ph.c_str(), "specific_surface_m2_per_g"}))};
  }
  if (tau) {
    Group& g = add(sizes_table, "pore", {"tortuosity factor"});
    for (std::size_t i = 0; i < results.size(); ++i) g.cells[i] = {fixed(at_path(results[i], {"tortuosity", "pore", "tau"}), 1, 2)};
  }
  auto emit = [&](const std::vector<Group>& table, const std::string& caption) {
    std::vector<std::pair<std::string, int>> groups;
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows(results.size());
    for (const auto& g : table) {
      groups.push_back({g.label, static_cast<int>(g.header.size())});
      header.insert(header.end(), g.header.begin(), g.header.end());
      for (std::size_t i = 0; i < results.size(); ++i) rows[i].insert(rows[i].end(), g.cells[i].begin(), g.cells[i].end());
    }
    report.grouped_table(groups, header, rows, caption);
  };
  emit(profiles_table, "Volume fractions of the electrode (table.csv holds every value unrounded)");
  report.grouped_table({{"", 2}, {"bulk window of the thickness profile", 4}},
                       {"sample", "phase", "mean vol%", "RSD %", "slope vol%/um ± SE", "slope band vol%/um"}, profile_rows,
                       "Thickness profiles (the paper's Table 1 layout)");
  if (sizes_table.size() > 1) emit(sizes_table, "Particle sizes (volume-weighted), specific surfaces and transport");
}

std::vector<std::string> partial_input_warnings(const std::vector<Json>& results, const std::vector<std::string>& names) {
  std::vector<std::string> warnings;
  for (const char* step : {"profiles", "surface", "particles", "granulometry", "tortuosity"}) {
    auto has = [&](const Json& r) { return r.contains(step) && r[step].is_object() && !r[step].empty(); };
    bool any = false;
    for (const auto& r : results) any = any || has(r);
    if (!any) continue;
    for (std::size_t i = 0; i < results.size(); ++i)
      if (!has(results[i])) warnings.push_back(names[i] + ": no " + step + " results (not measured); its " + step + " cells are blank");
  }
  return warnings;
}

}  // namespace emorph
