#include "emorph/report/analysis_config.hpp"

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <type_traits>
#include <utility>
#include <toml++/toml.h>

#include "emorph/error.hpp"
#include "emorph/report/analysis_param_tables.hpp"
#include "analysis_settings.hpp"
#include "emorph/memory_budget.hpp"

namespace emorph {
namespace {

struct Reader {
  std::string source;

  // A value given on the command line (`--set SECTION.KEY=VALUE`) carries its option as its source
  // path (analysis_settings.cpp): the error names the option instead of a file line.
  [[noreturn]] void fail(const toml::node& n, const std::string& key, const std::string& what) const {
    if (const auto& path = n.source().path; path && path->rfind("--set ", 0) == 0)
      throw InputError(*path + ": key '" + key + "': " + what);
    throw InputError(source + ":" + std::to_string(n.source().begin.line) + ": key '" + key + "': " + what);
  }

  void check_keys(const toml::table& t, const std::string& section, const std::set<std::string>& allowed) const {
    for (const auto& [k, v] : t) {
      const std::string key(k.str());
      if (!allowed.count(key)) {
        std::string list;
        for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
        fail(v, section.empty() ? key : section + "." + key, "unknown key (allowed here: " + list + ")");
      }
    }
  }

  template <class T>
  void get(const toml::table& t, const std::string& section, const char* key, T& out) const {
    const toml::node* n = t.get(key);
    if (!n) return;
    auto v = n->value<T>();
    if (!v) {
      const char* expected = std::is_same_v<T, bool> ? "true or false" : std::is_same_v<T, std::string> ? "a string" : "an integer";
      fail(*n, section + "." + key, std::string("wrong type (expected ") + expected + ")");
    }
    out = *v;
  }

  // toml++ gives no double for an integer that a double cannot hold exactly (found by fuzz_config:
  // value<double>().value() threw bad_optional_access); such integers are converted, not refused.
  double number(const toml::node& n, const std::string& key) const {
    if (auto d = n.value<double>()) return *d;
    if (auto i = n.value<int64_t>()) return static_cast<double>(*i);
    fail(n, key, "expected a number");
  }

  void get_number(const toml::table& t, const std::string& section, const char* key, double& out) const {
    const toml::node* n = t.get(key);
    if (!n) return;
    if (!n->is_number()) fail(*n, section + "." + key, "expected a number");
    out = number(*n, section + "." + key);
  }

  void get_strings(const toml::table& t, const std::string& section, const char* key, std::vector<std::string>& out) const {
    const toml::node* n = t.get(key);
    if (!n) return;
    const toml::array* a = n->as_array();
    if (!a) fail(*n, section + "." + key, "expected an array of strings");
    out.clear();
    for (const auto& e : *a) {
      auto s = e.value<std::string>();
      if (!s) fail(e, section + "." + key, "expected an array of strings");
      out.push_back(*s);
    }
  }

  // Every key of `table` present in the section, read with its type's checks.
  template <class P>
  void get_params(const toml::table& t, const std::string& section, const ParamTable<P>& table, P& out) const {
    for (const auto& param : table)
      visit_param(param, out, [&](auto& value) {
        using T = std::decay_t<decltype(value)>;
        const toml::node* n = t.get(param.key);
        if constexpr (std::is_same_v<T, double>) {
          get_number(t, section, param.key.c_str(), value);
        } else if constexpr (std::is_same_v<T, std::optional<double>>) {
          if (n) value = number(*n, section + "." + param.key);
        } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
          get_strings(t, section, param.key.c_str(), value);
        } else if constexpr (std::is_same_v<T, std::vector<double>>) {
          if (!n) return;
          const toml::array* a = n->as_array();
          if (!a) fail(*n, section + "." + param.key, "expected an array of numbers");
          value.clear();
          for (const auto& e : *a) value.push_back(number(e, section + "." + param.key));
        } else if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
          int64_t v = static_cast<int64_t>(value);
          get(t, section, param.key.c_str(), v);
          if (!std::in_range<T>(v)) fail(*n, section + "." + param.key, "out of range");
          value = static_cast<T>(v);
        } else {
          get(t, section, param.key.c_str(), value);
        }
      });
  }

  std::set<std::string> keys(const auto& table) const {
    std::set<std::string> out;
    for (const auto& param : table) out.insert(param.key);
    return out;
  }

  std::string name_values(const toml::table& t, const std::string& section) const {
    std::string spec;
    for (const auto& [k, v] : t) {
      if (!v.is_number()) fail(v, section + "." + std::string(k.str()), "expected a number");
      std::ostringstream o;
      o << number(v, section + "." + std::string(k.str()));
      if (!spec.empty()) spec += ',';
      spec.append(k.str()).append("=").append(o.str());
    }
    return spec;
  }
};

const toml::table* section(const toml::table& root, const char* name, const Reader& r) {
  const toml::node* n = root.get(name);
  if (!n) return nullptr;
  if (!n->is_table()) r.fail(*n, name, "expected a [" + std::string(name) + "] table");
  return n->as_table();
}

// [particles]: keys of emorph particles' table; their older [measure] spellings still load, both is an error.
void read_particles_section(const toml::table& t, const toml::table* measure, const Reader& r, AnalysisConfig& c) {
  r.check_keys(t, "particles", r.keys(analysis_particles_table()));
  for (const auto& a : analysis_config_aliases()) {
    const toml::node* n = t.get(a.key);
    if (n && measure && a.old_section == "measure" && measure->get(a.old_key))
      r.fail(*n, a.section + "." + a.key,
             "also given as " + a.old_section + "." + a.old_key + " (its older spelling): give one of them");
  }
  r.get_params(t, "particles", analysis_particles_table(), c);
  if (const toml::node* n = t.get("quantile"); n && !(c.size_class_quantile > 0 && c.size_class_quantile < 0.5))
    r.fail(*n, "particles.quantile", "expected a value in (0, 0.5)");
  if (const toml::node* n = t.get("min_volume_um3"); n && !(*c.min_particle_volume_um3 >= 0))
    r.fail(*n, "particles.min_volume_um3", "must be >= 0 um^3");
}

}  // namespace

AnalysisConfig parse_analysis_config(const std::string& text, const std::string& source_name,
                                     const std::vector<std::string>& settings) {
  toml::table root;
  try {
    root = toml::parse(text, source_name);
  } catch (const toml::parse_error& e) {
    throw InputError(source_name + ":" + std::to_string(e.source().begin.line) + ": " + std::string(e.description()));
  }
  for (const auto& setting : settings) apply_config_setting(root, setting);
  Reader r{source_name};
  r.check_keys(root, "", {"input", "demo", "preprocess", "segment", "phases", "density", "profile", "lfp", "measure", "particles",
                      "output", "resources"});
  AnalysisConfig c;
  if (auto* t = section(root, "input", r)) {
    r.check_keys(*t, "input", {"path", "voxel_um", "kind", "axis"});
    r.get(*t, "input", "path", c.input);
    if (const toml::node* v = t->get("voxel_um")) {
      if (v->is_number()) {
        const double d = r.number(*v, "input.voxel_um");
        if (d <= 0) r.fail(*v, "input.voxel_um", "must be positive");
        c.voxel = Spacing{d, d, d};
      } else if (const toml::array* a = v->as_array(); a && a->size() == 3) {
        double d[3];
        for (int i = 0; i < 3; ++i) {
          auto x = (*a)[i].value<double>();
          if (!x || *x <= 0) r.fail(*v, "input.voxel_um", "expected three positive numbers [dz, dy, dx]");
          d[i] = *x;
        }
        c.voxel = Spacing{d[0], d[1], d[2]};
      } else {
        r.fail(*v, "input.voxel_um", "expected a number or [dz, dy, dx]");
      }
    }
    r.get(*t, "input", "kind", c.kind);
    if (c.kind != "auto" && c.kind != "grey" && c.kind != "labels")
      r.fail(*t->get("kind"), "input.kind", "expected auto, grey or labels");
    int64_t axis = c.axis;
    r.get(*t, "input", "axis", axis);
    if (axis < 0 || axis > 2) r.fail(*t->get("axis"), "input.axis", "expected 0, 1 or 2");
    c.axis = static_cast<int>(axis);
  }
  if (auto* t = section(root, "demo", r)) {
    r.check_keys(*t, "demo", {"preset", "size", "voxel_um", "seed"});
    c.demo = true;
    r.get(*t, "demo", "preset", c.demo_preset);
    int64_t size = c.demo_size, seed = static_cast<int64_t>(c.demo_seed);
    r.get(*t, "demo", "size", size);
    r.get(*t, "demo", "seed", seed);
    r.get_number(*t, "demo", "voxel_um", c.demo_voxel_um);
    if (size < 16 || size > 4096) r.fail(*t->get("size"), "demo.size", "expected 16..4096");
    c.demo_size = static_cast<int>(size);
    c.demo_seed = static_cast<uint64_t>(seed);
  }
  if (c.demo && !c.input.empty())
    r.fail(*root.get("demo"), "demo", "the config names both [input] path and [demo]: give one or the other");
  if (auto* t = section(root, "preprocess", r)) {
    r.check_keys(*t, "preprocess", r.keys(analysis_preprocess_table()));
    r.get_params(*t, "preprocess", analysis_preprocess_table(), c);
  }
  if (auto* t = section(root, "segment", r)) {
    r.check_keys(*t, "segment", r.keys(analysis_segment_table()));
    r.get_params(*t, "segment", analysis_segment_table(), c);
  }
  if (auto* t = section(root, "phases", r)) c.phases = r.name_values(*t, "phases");
  if (auto* t = section(root, "density", r)) c.density = r.name_values(*t, "density");
  if (auto* t = section(root, "profile", r)) {
    r.check_keys(*t, "profile", r.keys(analysis_profile_table()));
    r.get_params(*t, "profile", analysis_profile_table(), c);
    for (const char* key : {"exclude_collector_um", "exclude_surface_um"})
      if (const toml::node* n = t->get(key); n && !(r.number(*n, std::string("profile.") + key) >= 0))
        r.fail(*n, std::string("profile.") + key, "must be >= 0 um");
    if (c.window < 1) r.fail(*t->get("window"), "profile.window", "must be >= 1");
  }
  if (auto* t = section(root, "lfp", r)) {
    r.check_keys(*t, "lfp", {"calibration", "mean", "pore_grey", "composition", "porosity", "loading", "thickness", "bet", "erosion_um"});
    r.get(*t, "lfp", "calibration", c.lfp.calibration);
    r.get(*t, "lfp", "composition", c.lfp.composition);
    r.get(*t, "lfp", "bet", c.lfp.bet);
    for (auto [key, out] : {std::pair{"mean", &c.lfp.mean}, {"pore_grey", &c.lfp.pore_grey}, {"porosity", &c.lfp.porosity_percent},
                            {"loading", &c.lfp.loading_mg_per_cm2}, {"thickness", &c.lfp.thickness_um}, {"erosion_um", &c.lfp.erosion_um}}) {
      double v = 0;
      if (!t->get(key)) continue;
      r.get_number(*t, "lfp", key, v);
      *out = v;
    }
  }
  if (auto* t = section(root, "measure", r)) {
    r.check_keys(*t, "measure", {"fractions", "profiles", "surface", "granulometry", "particles", "tortuosity",
                                 "size_class_quantile", "min_particle_voxels", "chords", "correlation", "rev",
                                 "contacts", "tpb", "anisotropy", "export_bpx"});
    // The on/off steps and the steps run on a list of phases.
    for (const auto& [key, on] : {std::pair{"fractions", &c.fractions}, std::pair{"profiles", &c.profiles},
                                  std::pair{"surface", &c.surface}, std::pair{"tpb", &c.tpb},
                                  std::pair{"export_bpx", &c.export_bpx}})
      r.get(*t, "measure", key, *on);
    for (const auto& [key, names] :
         {std::pair{"granulometry", &c.granulometry}, std::pair{"particles", &c.particles},
          std::pair{"tortuosity", &c.tortuosity}, std::pair{"chords", &c.chords}, std::pair{"correlation", &c.correlation},
          std::pair{"rev", &c.rev}, std::pair{"contacts", &c.contacts}, std::pair{"anisotropy", &c.anisotropy}})
      r.get_strings(*t, "measure", key, *names);
    r.get_number(*t, "measure", "size_class_quantile", c.size_class_quantile);
    r.get(*t, "measure", "min_particle_voxels", c.min_particle_voxels);
    if (c.min_particle_voxels < 0) r.fail(*t->get("min_particle_voxels"), "measure.min_particle_voxels", "must be >= 0");
    if (c.size_class_quantile <= 0 || c.size_class_quantile >= 0.5)
      r.fail(*t->get("size_class_quantile"), "measure.size_class_quantile", "expected a value in (0, 0.5)");
  }
  if (auto* t = section(root, "particles", r)) read_particles_section(*t, section(root, "measure", r), r, c);
  if (auto* t = section(root, "resources", r)) {
    r.check_keys(*t, "resources", {"memory_limit"});
    r.get(*t, "resources", "memory_limit", c.memory_limit);
    try {
      if (!c.memory_limit.empty()) parse_memory_size(c.memory_limit, "resources.memory_limit");
    } catch (const InputError&) {
      r.fail(*t->get("memory_limit"), "resources.memory_limit", "expected a size such as 512MiB or 4GiB");
    }
  }
  if (auto* t = section(root, "output", r)) {
    r.check_keys(*t, "output", {"dir", "labels", "slices"});
    r.get(*t, "output", "dir", c.out_dir);
    r.get(*t, "output", "labels", c.write_labels);
    r.get(*t, "output", "slices", c.write_slices);
  }
  return c;
}

AnalysisConfig read_analysis_config(const std::string& path, const std::vector<std::string>& settings) {
  if (path.empty()) return parse_analysis_config("", "--set", settings);
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw InputError(path + ": is a folder, not a config file");
  std::ifstream f(path);
  if (!f) throw InputError(path + ": cannot open config file");
  std::stringstream ss;
  ss << f.rdbuf();
  if (f.bad()) throw InputError(path + ": cannot read config file");
  return parse_analysis_config(ss.str(), path, settings);
}

std::string example_analysis_config() {
  return R"(# emorph analyze configuration. Every key is optional: the values shown are the defaults.

[input]
# path = "electrode.tif"     # grey (XCT, FIB/SEM) or label volume; also file.h5:/dataset, .nrrd, .mha, .raw
# voxel_um = 0.32            # or [dz, dy, dx]; default: from the file's metadata
kind = "auto"                # auto | grey | labels (auto: uint8 with <= 8 distinct values = labels; float32 with <= 8 = refused)
axis = 0                     # thickness axis: current collector at index 0

# [demo]                     # analyse a synthetic electrode instead of an input
# preset = "F"               # the paper's samples A..K
# size = 128
# voxel_um = 0.32
# seed = 7

[preprocess]
denoise = "median:1"         # median:1 (3x3x3) | auto (median when the estimated contrast-to-noise is low) | none | gaussian:1.0

[segment]
method = "mixture:otsu-volume"  # Otsu, capped at the model's posterior crossing and moved to restore the median's volume loss; refused (exit 2) when the model finds one phase or the input contrast-to-noise is below 1.8 | mixture:otsu (not moved) | mixture (model's own threshold) | otsu | intermodes | minimum | multiotsu:N | manual:T1,T2 | fibsem
classes = ["matrix", "NMC"]  # phase of each grey class, darkest first. XCT at ~0.3 um: NMC against the
                             # LFP+CBD+pore matrix (its density follows from its mean grey, see profiles);
                             # a FIB/SEM stack: method = "fibsem", classes = ["pore", "CBD", "LFP", "NMC"]

# [phases]                   # label of each phase in the label volume (default table shown)
# pore = 0
# NMC = 1
# LFP = 2
# CBD = 3
# collector = 4
# matrix = 5

# [density]                  # g/cm3, for specific surfaces in m2/g
# NMC = 4.75
# LFP = 3.57
# CBD = 1.8

[profile]
exclude_collector_um = 0     # bulk window = electrode region minus these layers
exclude_surface_um = 0
auto_bulk = true             # also trim the depleted / surface layers detected on the NMC (or LFP) profile
window = 1                   # slices averaged per profile point

# [lfp]                      # the LFP profile from the matrix grey (XCT; the paper's Figure S5), one of:
# calibration = "cal.json"   # emorph calibrate --grey ... --lfp-fraction ... --json cal.json
# mean = 0.306               # the electrode's LFP volume fraction, known from its composition
# composition = "NMC=44,LFP=44,PVdF=7.5,CB=4.5"  # wt%, with porosity = 29 (or loading + thickness)
# pore_grey = 6000           # grey of zero LFP (pores/air) for mean/composition; default: air above the electrode
# bet = "NMC=0.28,LFP=18.3,CB=65"  # powders' BET m2/g: theoretical SSA next to the measured one
# erosion_um = 1.0           # matrix grey kept this far from NMC; default: the measured blur width

[measure]
fractions = true
profiles = true
surface = true
granulometry = ["NMC", "pore"]
particles = ["NMC"]
tortuosity = ["pore"]
# chords = ["NMC", "pore"]     # chord-length distributions per axis (off by default)
# correlation = ["pore"]       # two-point correlation S2(r) per axis
# rev = ["NMC", "pore"]        # fraction variance over growing cubes, integral range, error bars
contacts = []                # e.g. ["NMC"]: particle contact areas and coordination numbers
tpb = false                  # triple-phase boundary length (NMC or LFP / CBD / pore)
anisotropy = []              # e.g. ["pore"]: tau along all three axes, Bruggeman exponents (2 more solves)
export_bpx = false           # bpx.json + bpx_profile.csv for battery models (needs tortuosity of pore)

[particles]                  # sizing of the [measure] particles phases (keys of emorph particles' table)
quantile = 0.25              # smallest / largest quarter of particles for size-class profiles
# min_volume_um3 = 0.88      # smaller objects are threshold noise: excluded (and counted); default: 27 voxels
# Older spellings, still read: [measure] size_class_quantile = 0.25, min_particle_voxels = 27 (in voxels)

[resources]
# memory_limit = "4GiB"      # memory budget (default: half the physical memory; --memory-limit wins)

[output]
dir = "emorph-results"
labels = true                # write labels.tif
slices = true                # write PNG slice views
)";
}

}  // namespace emorph
