// BPX export from a results document with known values: fields, consistency (a R / 3 = eps), template
// merge, blends, schema checks and the errors for missing analysis steps.
#include <gtest/gtest.h>

#include <fstream>

#include "emorph/error.hpp"
#include "emorph/report/export_bpx.hpp"
#include "support/test_support.hpp"

using namespace emorph;

namespace {

// An analysis of a 100 um electrode (slices of 10 um) with pore 0.3, NMC 0.5, LFP 0.1, CBD 0.1.
Json results_doc() {
  std::vector<double> pos;
  for (int i = 0; i < 12; ++i) pos.push_back(5.0 + 10.0 * i);  // collector slice 0, electrode 1..10, 11 above
  auto flat = [&](double v) { return std::vector<double>(pos.size(), v); };
  Json r = {{"sample", {{"axis", 0}, {"thickness_um", 100.0}, {"source", "test"},
                        {"electrode_region", {{"start_um", 10.0}, {"end_um", 110.0}}}}},
            {"fractions", {{"phases", {{"pore", {{"volume_fraction", 0.28}, {"electrode_volume_fraction", 0.3}}},
                                       {"NMC", {{"volume_fraction", 0.45}, {"electrode_volume_fraction", 0.5}}},
                                       {"LFP", {{"volume_fraction", 0.09}, {"electrode_volume_fraction", 0.1}}},
                                       {"CBD", {{"volume_fraction", 0.09}, {"electrode_volume_fraction", 0.1}}}}}}},
            {"surface", {{"phases", {{"NMC", {{"specific_surface_phase_per_um", 0.6}}},   // R = 5 um
                                     {"LFP", {{"specific_surface_phase_per_um", 6.0}}},   // R = 0.5 um
                                     {"CBD", {{"specific_surface_phase_per_um", 10.0}}},
                                     {"pore", {{"specific_surface_phase_per_um", 3.0}}}}}}},
            {"tortuosity", {{"pore", {{"tau", 2.5}, {"deff_over_d0", 0.112}}}}},
            {"profiles", {{"phases", {{"pore", {{"position_um", pos}, {"fraction", flat(0.3)}}},
                                      {"NMC", {{"position_um", pos}, {"fraction", flat(0.5)}}},
                                      {"LFP", {{"position_um", pos}, {"fraction", flat(0.1)}}}}}}}};
  return {{"results", r}};
}

const Json& positive(const ExportBpxResult& r) { return r.bpx["Parameterisation"]["Positive electrode"]; }

}  // namespace

TEST(ExportBpx, SingleMaterialFields) {
  ExportBpxParams p;
  p.materials = {"NMC"};
  const auto r = export_bpx(results_doc(), "/nonexistent", p);
  const Json& e = positive(r);
  EXPECT_DOUBLE_EQ(e["Porosity"].get<double>(), 0.3);  // electrode region, not the whole volume
  EXPECT_DOUBLE_EQ(e["Transport efficiency"].get<double>(), 0.3 / 2.5);
  EXPECT_DOUBLE_EQ(e["Thickness [m]"].get<double>(), 100e-6);
  EXPECT_NEAR(e["Particle radius [m]"].get<double>(), 5e-6, 1e-18);
  // The consistency the export exists for: a R / 3 gives back the measured active fraction.
  EXPECT_NEAR(e["Surface area per unit volume [m-1]"].get<double>() * e["Particle radius [m]"].get<double>() / 3, 0.5, 1e-12);
  EXPECT_EQ(r.bpx["Header"]["Model"], "Partial");
  EXPECT_NO_THROW(validate_bpx(r.bpx, "export"));
  // The table: the 10 electrode slices, distance from the electrode start.
  ASSERT_EQ(r.csv_rows.size(), 10u);
  EXPECT_DOUBLE_EQ(r.csv_rows[0][0], 5e-6);
  EXPECT_DOUBLE_EQ(r.csv_rows[0][1], 0.3);
  EXPECT_DOUBLE_EQ(r.csv_rows[0][2], 0.5);
  EXPECT_DOUBLE_EQ(r.csv_rows[0][3], 5e-6);  // no particle table: the constant radius, and a note
  EXPECT_EQ(r.notes.size(), 1u);
}

TEST(ExportBpx, BlendGetsOneParticleEntryPerMaterial) {
  const auto r = export_bpx(results_doc(), "/nonexistent");  // default materials: NMC and LFP
  const Json& e = positive(r);
  ASSERT_TRUE(e.contains("Particle"));
  EXPECT_FALSE(e.contains("Particle radius [m]"));
  EXPECT_NEAR(e["Particle"]["LFP"]["Particle radius [m]"].get<double>(), 0.5e-6, 1e-18);
  EXPECT_NEAR(e["Particle"]["LFP"]["Surface area per unit volume [m-1]"].get<double>() * 0.5e-6 / 3, 0.1, 1e-12);
  EXPECT_NEAR(e["Particle"]["NMC"]["Surface area per unit volume [m-1]"].get<double>() * 5e-6 / 3, 0.5, 1e-12);
  EXPECT_EQ(r.csv_header.size(), 6u);
}

TEST(ExportBpx, TemplateKeepsElectrochemistry) {
  Json tmpl = {{"Header", {{"BPX", "0.4.0"}, {"Model", "DFN"}}},
               {"Parameterisation",
                {{"Negative electrode", {{"Porosity", 0.25}}},
                 {"Positive electrode",
                  {{"Porosity", 0.9}, {"Conductivity [S.m-1]", 0.789}, {"OCP [V]", "4.2 - x"},
                   {"Particle radius [m]", 1e-6}, {"Maximum concentration [mol.m-3]", 46200}}}}}};
  ExportBpxParams p;
  p.materials = {"NMC"};
  p.bpx_template = tmpl;
  const auto r = export_bpx(results_doc(), "/nonexistent", p);
  const Json& e = positive(r);
  EXPECT_DOUBLE_EQ(e["Porosity"].get<double>(), 0.3);
  EXPECT_NEAR(e["Particle radius [m]"].get<double>(), 5e-6, 1e-18);
  EXPECT_EQ(e["OCP [V]"], "4.2 - x");
  EXPECT_EQ(e["Maximum concentration [mol.m-3]"], 46200);
  EXPECT_EQ(r.bpx["Parameterisation"]["Negative electrode"]["Porosity"], 0.25);
  EXPECT_EQ(r.bpx["Header"]["Model"], "DFN");
  // A single-material template cannot take a blend.
  p.materials = {"NMC", "LFP"};
  EXPECT_THROW(export_bpx(results_doc(), "/nonexistent", p), InputError);
  // The negative electrode is chosen by --electrode.
  p.materials = {"NMC"};
  p.electrode = "negative";
  EXPECT_DOUBLE_EQ(export_bpx(results_doc(), "/nonexistent", p).bpx["Parameterisation"]["Negative electrode"]["Porosity"].get<double>(), 0.3);
}

TEST(ExportBpx, RadiusProfileFromTheParticleTable) {
  test::TempDir dir;
  {
    std::ofstream csv(dir / "particles_NMC.csv");
    csv << "label,volume_um3,equivalent_diameter_um,surface_area_um2,sphericity,centroid_z_um,centroid_y_um,centroid_x_um,touches_border\n";
    // Small particles near the collector (V/S = 1), large ones near the top (V/S = 3).
    csv << "1,10,0,10,1,20,0,0,0\n2,30,0,10,1,100,0,0,0\n";
  }
  ExportBpxParams p;
  p.materials = {"NMC"};
  const auto r = export_bpx(results_doc(), dir.path().string(), p);
  EXPECT_TRUE(r.notes.empty());
  // Global V/S = 40/20 = 2: the small end is at half the phase radius, the large end at 1.5 times.
  EXPECT_NEAR(r.csv_rows.front()[3], 5e-6 * 0.5, 1e-15);
  EXPECT_NEAR(r.csv_rows.back()[3], 5e-6 * 1.5, 1e-15);
}

TEST(ExportBpx, MissingStepsNameTheAnalyzeOption) {
  auto without = [](const std::string& key) {
    Json d = results_doc();
    d["results"].erase(key);
    return d;
  };
  auto message = [](const Json& d) {
    try {
      export_bpx(d, "/nonexistent");
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(message(without("tortuosity")).find("[measure] tortuosity"), std::string::npos);
  EXPECT_NE(message(without("surface")).find("[measure] surface"), std::string::npos);
  EXPECT_NE(message(without("fractions")).find("[measure] fractions"), std::string::npos);
  EXPECT_NE(message(without("profiles")).find("[measure] profiles"), std::string::npos);
  Json nonperc = results_doc();
  nonperc["results"]["tortuosity"]["pore"]["tau"] = nullptr;
  EXPECT_NE(message(nonperc).find("percolate"), std::string::npos);
  ExportBpxParams bad;
  bad.electrode = "middle";
  EXPECT_THROW(export_bpx(results_doc(), "/nonexistent", bad), InputError);
}

TEST(ExportBpx, SchemaChecks) {
  Json ok = {{"Header", {{"BPX", "1.0.0"}, {"Model", "DFN"}}}, {"Parameterisation", Json::object()}};
  EXPECT_NO_THROW(validate_bpx(ok, "doc"));
  Json bad_model = ok;
  bad_model["Header"]["Model"] = "P2D";
  EXPECT_THROW(validate_bpx(bad_model, "doc"), InputError);
  Json bad_field = ok;
  bad_field["Parameterisation"]["Positive electrode"] = {{"Porosity ", 0.3}};
  EXPECT_THROW(validate_bpx(bad_field, "doc"), InputError);
  Json blend_with_electrode_radius = ok;
  blend_with_electrode_radius["Parameterisation"]["Positive electrode"] = {
      {"Particle", {{"NMC", {{"Particle radius [m]", 1e-6}}}}}, {"Particle radius [m]", 1e-6}};
  EXPECT_THROW(validate_bpx(blend_with_electrode_radius, "doc"), InputError);
  Json bad_porosity = ok;
  bad_porosity["Parameterisation"]["Positive electrode"] = {{"Porosity", 1.5}};
  EXPECT_THROW(validate_bpx(bad_porosity, "doc"), InputError);
}
