// Issue 20 end to end: surface shares, contacts, tpb, the optional analyze steps and export-bpx
// (outputs, template merge, RESULTS_DIR left untouched, errors naming the missing analyze option).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/cli_test.hpp"
#include "emorph/report/export_bpx_options.hpp"

namespace {

// name -> (size, last write time) of every file under dir.
std::map<std::string, std::pair<uintmax_t, fs::file_time_type>> snapshot(const std::string& dir) {
  std::map<std::string, std::pair<uintmax_t, fs::file_time_type>> out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) out[e.path().string()] = {e.file_size(), e.last_write_time()};
  return out;
}

int count_lines(const std::string& path) {
  std::ifstream in(path);
  int n = 0;
  for (std::string line; std::getline(in, line);) ++n;
  return n;
}

}  // namespace

TEST(CliDescriptors, AnalyzeStepsThenExportBpx) {
  TempDir dir;
  ASSERT_EQ(run_cli("synth --preset F --size 40 --voxel 0.5 --seed 3 --out " + (dir / "s")).exit_code, 0);
  const std::string cfg = dir / "desc.toml";
  std::ofstream(cfg) << "[measure]\ngranulometry = []\nparticles = [\"NMC\"]\ncontacts = [\"NMC\"]\ntpb = true\n"
                        "anisotropy = [\"pore\"]\nexport_bpx = true\n[output]\nslices = false\n";
  auto r = run_cli("analyze " + (dir / "s/labels.tif") + " --config " + cfg + " --out " + (dir / "res"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto res = read_json(dir / "res/results.json")["results"];
  EXPECT_TRUE(res["failed_steps"].empty()) << res["failed_steps"].dump();
  EXPECT_GT(res["contacts"]["NMC"]["count"].get<int>(), 0);
  EXPECT_GT(res["tpb"]["length_um"].get<double>(), 0);
  ASSERT_EQ(res["anisotropy"]["pore"]["axes"].size(), 3u);
  // The thickness axis reuses the tortuosity step's solve.
  EXPECT_EQ(res["anisotropy"]["pore"]["axes"][0]["tau"], res["tortuosity"]["pore"]["tau"]);
  EXPECT_TRUE(res["surface"]["phases"]["NMC"].contains("surface_shares"));
  ASSERT_TRUE(fs::exists(dir / "res/bpx.json"));
  ASSERT_TRUE(fs::exists(dir / "res/contacts_NMC.csv"));
  const std::string html = [&] {
    std::ifstream in(dir / "res/report.html");
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }();
  EXPECT_NE(html.find("Battery model parameters (BPX)"), std::string::npos);
  EXPECT_NE(html.find("Particle contacts"), std::string::npos);

  // export-bpx reads the results folder and writes elsewhere; the folder is left as it was.
  const auto before = snapshot(dir / "res");
  r = run_cli("export-bpx " + (dir / "res") + " --out " + (dir / "cell.json") + " --materials NMC,LFP --json " +
              (dir / "x.json"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(snapshot(dir / "res"), before);
  // `parameters` echoes the parameter table (as typed) and the command's own paths.
  nlohmann::json echo = emorph::params_json(emorph::ExportBpxOptions{"positive", "NMC,LFP"},
                                            emorph::export_bpx_param_table());
  echo["results_dir"] = dir / "res";
  echo["template"] = "";
  EXPECT_EQ(read_json(dir / "x.json")["parameters"], echo);
  const auto bpx = read_json(dir / "cell.json");
  const auto& e = bpx["Parameterisation"]["Positive electrode"];
  const double eps = res["fractions"]["phases"]["pore"]["electrode_volume_fraction"];
  EXPECT_DOUBLE_EQ(e["Porosity"].get<double>(), eps);
  EXPECT_DOUBLE_EQ(e["Transport efficiency"].get<double>(), eps / res["tortuosity"]["pore"]["tau"].get<double>());
  for (const char* m : {"NMC", "LFP"}) {
    const auto& p = e["Particle"][m];
    EXPECT_NEAR(p["Surface area per unit volume [m-1]"].get<double>() * p["Particle radius [m]"].get<double>() / 3,
                res["fractions"]["phases"][m]["electrode_volume_fraction"].get<double>(), 1e-12);
  }
  EXPECT_GT(count_lines(dir / "cell_profile.csv"), 10);

  // A template keeps its other fields.
  std::ofstream(dir / "tmpl.json") << R"({"Header": {"BPX": "0.4.0", "Model": "DFN"}, "Parameterisation":
      {"Positive electrode": {"Conductivity [S.m-1]": 0.79, "OCP [V]": "4.2 - x"}}})";
  r = run_cli("export-bpx " + (dir / "res") + " --out " + (dir / "merged.json") + " --materials NMC --template " +
              (dir / "tmpl.json"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto merged = read_json(dir / "merged.json")["Parameterisation"]["Positive electrode"];
  EXPECT_EQ(merged["OCP [V]"], "4.2 - x");
  EXPECT_TRUE(merged.contains("Particle radius [m]"));

  // Outputs over an input or over each other are refused before any work (issue 15), nothing written.
  const std::string tmpl_before = [&] {
    std::ifstream in(dir / "tmpl.json");
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }();
  for (const std::string& clash : {" --out " + (dir / "o.json") + " --json " + (dir / "o.json"),
                                   " --out " + (dir / "o.json") + " --csv " + (dir / "o.json"),
                                   " --out " + (dir / "o.json") + " --csv " + (dir / "c.csv") + " --json " + (dir / "c.csv"),
                                   " --out " + (dir / "tmpl.json") + " --template " + (dir / "tmpl.json")}) {
    r = run_cli("export-bpx " + (dir / "res") + clash);
    EXPECT_EQ(r.exit_code, 2) << clash << "\n" << r.err;
    EXPECT_NE(r.err.find("equals"), std::string::npos) << clash << "\n" << r.err;
    EXPECT_FALSE(fs::exists(dir / "o.json")) << clash;
    EXPECT_FALSE(fs::exists(dir / "c.csv")) << clash;
  }
  std::ifstream tmpl_in(dir / "tmpl.json");
  std::stringstream tmpl_after;
  tmpl_after << tmpl_in.rdbuf();
  EXPECT_EQ(tmpl_after.str(), tmpl_before);

  // Writing into RESULTS_DIR is refused; so is a results folder without the pore's tortuosity.
  r = run_cli("export-bpx " + (dir / "res") + " --out " + (dir / "res/bpx2.json"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_FALSE(fs::exists(dir / "res/bpx2.json"));
  const std::string no_tau = dir / "notau.toml";
  std::ofstream(no_tau) << "[measure]\ngranulometry = []\nparticles = []\ntortuosity = []\n[output]\nslices = false\n";
  ASSERT_EQ(run_cli("analyze " + (dir / "s/labels.tif") + " --config " + no_tau + " --out " + (dir / "res2")).exit_code, 0);
  r = run_cli("export-bpx " + (dir / "res2") + " --out " + (dir / "b.json"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("[measure] tortuosity"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir / "b.json"));
  r = run_cli("export-bpx " + (dir / "nowhere") + " --out " + (dir / "b.json"));
  EXPECT_EQ(r.exit_code, 2);
}

TEST(CliDescriptors, ContactsTpbAndSurfaceShares) {
  TempDir dir;
  ASSERT_EQ(run_cli("synth --preset F --size 40 --voxel 0.5 --seed 4 --out " + (dir / "s")).exit_code, 0);
  const std::string labels = dir / "s/labels.tif";
  auto r = run_cli("contacts " + labels + " --phase NMC --json " + (dir / "c.json") + " --csv " + (dir / "c.csv") +
                   " --particles-csv " + (dir / "p.csv"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto c = read_json(dir / "c.json")["results"];
  EXPECT_EQ(count_lines(dir / "c.csv"), 1 + c["contacting_pairs"].get<int>());
  EXPECT_EQ(count_lines(dir / "p.csv"), 1 + c["count"].get<int>());
  // The same particles as `emorph particles` (same separation and defaults).
  ASSERT_EQ(run_cli("particles " + labels + " --phase NMC --json " + (dir / "pa.json")).exit_code, 0);
  EXPECT_EQ(c["count"], read_json(dir / "pa.json")["results"]["count"]);
  EXPECT_TRUE(c.contains("mean_coordination_number"));
  EXPECT_TRUE(c["contact_with"].contains("pore"));

  r = run_cli("tpb " + labels + " --json " + (dir / "t.json"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_GT(read_json(dir / "t.json")["results"]["length_per_um2"].get<double>(), 0);
  EXPECT_EQ(read_json(dir / "t.json")["parameters"]["estimator"], "hybrid");
  EXPECT_TRUE(read_json(dir / "t.json")["results"].contains("intersection_share"));
  ASSERT_EQ(run_cli("tpb " + labels + " --estimator polyline --json " + (dir / "tp.json")).exit_code, 0);
  EXPECT_NE(read_json(dir / "tp.json")["results"]["method"], read_json(dir / "t.json")["results"]["method"]);
  EXPECT_EQ(run_cli("tpb " + labels + " --active nope").exit_code, 2);
  r = run_cli("tpb " + labels + " --estimator intersection --json " + (dir / "ti.json"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto ti = read_json(dir / "ti.json");
  EXPECT_EQ(ti["parameters"]["estimator"], "intersection");
  EXPECT_NE(ti["results"]["method"], read_json(dir / "t.json")["results"]["method"]);
  EXPECT_EQ(run_cli("tpb " + labels + " --estimator nope").exit_code, 2);

  ASSERT_EQ(run_cli("surface " + labels + " --json " + (dir / "s.json")).exit_code, 0);
  double sum = 0;
  const auto shares = read_json(dir / "s.json")["results"]["phases"]["NMC"]["surface_shares"];
  for (const auto& [other, share] : shares.items()) sum += share.get<double>();
  EXPECT_NEAR(sum, 1.0, 1e-12);
}
