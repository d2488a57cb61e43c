// `emorph analyze --set SECTION.KEY=VALUE` (analysis_settings.cpp): every key of the TOML config is
// reachable, with the config reader's own type checks and unknown-key errors.
#include <gtest/gtest.h>

#include <functional>
#include <tuple>

#include "emorph/error.hpp"
#include "emorph/report/analysis_config.hpp"
#include "emorph/report/analysis_param_tables.hpp"
#include "emorph/segment/particle_options.hpp"

using namespace emorph;

namespace {

AnalysisConfig with(const std::vector<std::string>& settings) { return parse_analysis_config("", "--set", settings); }

std::string error_of(const std::vector<std::string>& settings, const std::string& toml = "") {
  try {
    parse_analysis_config(toml, "c.toml", settings);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

// One setting per key of every section of the example config (and the keys it leaves commented out):
// each must change the parsed value away from its default.
TEST(AnalysisSettings, ReachEveryKey) {
  using Check = std::function<bool(const AnalysisConfig&)>;
  const std::vector<std::pair<std::string, Check>> cases = {
      {"input.path=a.tif", [](auto& c) { return c.input == "a.tif"; }},
      {"input.voxel_um=0.5", [](auto& c) { return c.voxel && *c.voxel == (Spacing{0.5, 0.5, 0.5}); }},
      {"input.voxel_um=[0.1,0.2,0.3]", [](auto& c) { return c.voxel && *c.voxel == (Spacing{0.1, 0.2, 0.3}); }},
      {"input.kind=labels", [](auto& c) { return c.kind == "labels"; }},
      {"input.axis=2", [](auto& c) { return c.axis == 2; }},
      {"demo.preset=A", [](auto& c) { return c.demo && c.demo_preset == "A"; }},
      {"demo.size=64", [](auto& c) { return c.demo && c.demo_size == 64; }},
      {"demo.voxel_um=0.5", [](auto& c) { return c.demo_voxel_um == 0.5; }},
      {"demo.seed=11", [](auto& c) { return c.demo_seed == 11u; }},
      {"preprocess.denoise=none", [](auto& c) { return c.denoise == "none"; }},
      {"segment.method=manual:50,120", [](auto& c) { return c.method == "manual:50,120"; }},
      {"segment.classes=[pore,LFP,NMC]", [](auto& c) { return c.classes == std::vector<std::string>{"pore", "LFP", "NMC"}; }},
      {"phases.fiber=1", [](auto& c) { return c.phases == "fiber=1"; }},
      {"density.NMC=4.7", [](auto& c) { return c.density == "NMC=4.7"; }},
      {"profile.exclude_collector_um=3.5", [](auto& c) { return c.exclude_collector_um == 3.5; }},
      {"profile.exclude_surface_um=2", [](auto& c) { return c.exclude_surface_um == 2; }},
      {"profile.auto_bulk=false", [](auto& c) { return !c.auto_bulk; }},
      {"profile.window=3", [](auto& c) { return c.window == 3; }},
      {"lfp.calibration=cal.json", [](auto& c) { return c.lfp.calibration == "cal.json"; }},
      {"lfp.mean=0.3", [](auto& c) { return c.lfp.mean == 0.3; }},
      {"lfp.pore_grey=6000", [](auto& c) { return c.lfp.pore_grey == 6000.0; }},
      {"lfp.composition=NMC=44,LFP=44", [](auto& c) { return c.lfp.composition == "NMC=44,LFP=44"; }},
      {"lfp.porosity=29", [](auto& c) { return c.lfp.porosity_percent == 29.0; }},
      {"lfp.loading=12.5", [](auto& c) { return c.lfp.loading_mg_per_cm2 == 12.5; }},
      {"lfp.thickness=80", [](auto& c) { return c.lfp.thickness_um == 80.0; }},
      {"lfp.bet=NMC=0.28", [](auto& c) { return c.lfp.bet == "NMC=0.28"; }},
      {"lfp.erosion_um=1.5", [](auto& c) { return c.lfp.erosion_um == 1.5; }},
      {"measure.fractions=false", [](auto& c) { return !c.fractions; }},
      {"measure.profiles=false", [](auto& c) { return !c.profiles; }},
      {"measure.surface=false", [](auto& c) { return !c.surface; }},
      {"measure.granulometry=[fiber]", [](auto& c) { return c.granulometry == std::vector<std::string>{"fiber"}; }},
      {"measure.particles=[fiber]", [](auto& c) { return c.particles == std::vector<std::string>{"fiber"}; }},
      {"measure.tortuosity=[]", [](auto& c) { return c.tortuosity.empty(); }},
      {"measure.size_class_quantile=0.1", [](auto& c) { return c.size_class_quantile == 0.1; }},
      {"measure.min_particle_voxels=8", [](auto& c) { return c.min_particle_voxels == 8; }},
      {"particles.quantile=0.1", [](auto& c) { return c.size_class_quantile == 0.1; }},
      {"particles.min_volume_um3=2.5", [](auto& c) { return c.min_particle_volume_um3 == 2.5; }},
      {"measure.chords=[NMC, pore]", [](auto& c) { return c.chords == std::vector<std::string>{"NMC", "pore"}; }},
      {"measure.correlation=[pore]", [](auto& c) { return c.correlation == std::vector<std::string>{"pore"}; }},
      {"measure.rev=[\"NMC\"]", [](auto& c) { return c.rev == std::vector<std::string>{"NMC"}; }},
      {"measure.contacts=[NMC]", [](auto& c) { return c.contacts == std::vector<std::string>{"NMC"}; }},
      {"measure.tpb=true", [](auto& c) { return c.tpb; }},
      {"measure.anisotropy=[pore]", [](auto& c) { return c.anisotropy == std::vector<std::string>{"pore"}; }},
      {"measure.export_bpx=true", [](auto& c) { return c.export_bpx; }},
      {"output.dir=out folder", [](auto& c) { return c.out_dir == "out folder"; }},
      {"output.labels=false", [](auto& c) { return !c.write_labels; }},
      {"output.slices=false", [](auto& c) { return !c.write_slices; }},
  };
  for (const auto& [setting, check] : cases) {
    SCOPED_TRACE(setting);
    AnalysisConfig c;
    ASSERT_NO_THROW(c = with({setting}));
    EXPECT_TRUE(check(c));
  }
}

TEST(AnalysisSettings, ReplaceTheFileAndLaterWins) {
  const std::string toml = "[measure]\ntortuosity = [\"pore\"]\nparticles = [\"NMC\"]\n[phases]\npore = 0\nNMC = 1\n";
  const AnalysisConfig c = parse_analysis_config(toml, "c.toml", {"measure.tortuosity=[]", "phases.fiber=2",
                                                                  "profile.window=2", "profile.window=5"});
  EXPECT_TRUE(c.tortuosity.empty());
  EXPECT_EQ(c.particles, std::vector<std::string>{"NMC"});  // untouched keys of the file are kept
  for (const char* entry : {"pore=0", "NMC=1", "fiber=2"}) EXPECT_NE(c.phases.find(entry), std::string::npos) << c.phases;
  EXPECT_EQ(c.window, 5);
}

TEST(AnalysisSettings, ErrorsNameTheOption) {
  std::string m = error_of({"measure.tortuosty=[pore]"});
  EXPECT_NE(m.find("--set measure.tortuosty=[pore]"), std::string::npos) << m;
  EXPECT_NE(m.find("unknown key"), std::string::npos) << m;
  EXPECT_NE(m.find("tortuosity"), std::string::npos) << m;  // the allowed keys are listed
  m = error_of({"mesure.tpb=true"});
  EXPECT_NE(m.find("--set mesure.tpb=true"), std::string::npos) << m;
  EXPECT_NE(m.find("unknown key"), std::string::npos) << m;
  // Type checks: a word where a number or boolean is expected, a scalar where a list is.
  for (const std::string bad : {"profile.window=three", "measure.tpb=yes", "measure.particles=NMC", "input.axis=1.5",
                                "demo.size=8", "input.voxel_um=-1", "measure.size_class_quantile=0.7"}) {
    m = error_of({bad});
    EXPECT_NE(m.find("--set " + bad), std::string::npos) << bad << ": " << m;
  }
  for (const std::string bad : {"tpb=true", "measure.tpb", ".tpb=1", "measure.=1", "a.b.c=1", "measure.tpb=",
                                "measure.tpb=true\n[input]"}) {
    EXPECT_FALSE(error_of({bad}).empty()) << bad;
  }
}

// [particles] spells particle sizing with emorph particles' keys and units; the older [measure] keys
// still load, and giving a parameter in both spellings is an error naming both.
TEST(AnalysisSettings, ParticlesKeysFromTheParticlesTableAndTheirOlderSpellings) {
  const AnalysisConfig now = parse_analysis_config("[particles]\nquantile = 0.1\nmin_volume_um3 = 3\n", "c.toml");
  EXPECT_EQ(now.size_class_quantile, 0.1);
  EXPECT_EQ(now.min_particle_volume_um3, 3.0);
  const AnalysisConfig before =
      parse_analysis_config("[measure]\nsize_class_quantile = 0.1\nmin_particle_voxels = 8\n", "c.toml");
  EXPECT_EQ(before.size_class_quantile, 0.1);
  EXPECT_EQ(before.min_particle_voxels, 8);
  EXPECT_FALSE(before.min_particle_volume_um3);  // analyze converts the voxels with the voxel size
  using Both = std::tuple<std::string, std::vector<std::string>, std::string, std::string>;  // file, --set, keys
  const std::vector<Both> both = {
      {"[measure]\nsize_class_quantile = 0.1\n[particles]\nquantile = 0.2\n", {}, "measure.size_class_quantile",
       "particles.quantile"},
      {"", {"measure.min_particle_voxels=8", "particles.min_volume_um3=1"}, "measure.min_particle_voxels",
       "particles.min_volume_um3"}};
  for (const auto& [file, settings, old_key, key] : both) {
    const std::string m = error_of(settings, file);
    EXPECT_NE(m.find(old_key), std::string::npos) << m;
    EXPECT_NE(m.find(key), std::string::npos) << m;
  }
  for (const std::string bad : {"particles.quantile=0.7", "particles.min_volume_um3=-1", "particles.hmax_um=1"})
    EXPECT_NE(error_of({bad}).find("--set " + bad), std::string::npos) << bad;
  // The keys, units and help are particles' own.
  for (const auto& row : param_rows(analysis_particles_table())) {
    bool found = false;
    for (const auto& p : param_rows(particles_param_table()))
      if (p.key == row.key) found = p.unit == row.unit && p.help == row.help && p.type == row.type;
    EXPECT_TRUE(found) << row.key;
  }
}
