// Generated robustness sweep (issue #15): bad inputs x every command that reads or writes, from the
// command table in commands.hpp. Each case runs the emorph binary in its own folder holding copies of
// the fixtures it names, and asserts: the exit code (0 for the baseline, 2 for every bad case), the
// message prefix "emorph: error:" and what it names, no signal, no output or temporary file left (the
// folder holds exactly the files it held before), and every input byte unchanged (hash before/after).
//
// usage: robustness_sweep EMORPH_BINARY [--jobs N] [--filter TEXT] [--verbose]
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "commands.hpp"
#include "emorph/io.hpp"
#include "emorph/volume.hpp"

extern char** environ;

namespace fs = std::filesystem;
using namespace emorph::robustness;

namespace {

// ---------------------------------------------------------------------------------------------------
// Fixtures: small valid volumes in every format, and the bad files the cases point at.

constexpr int kN = 16;  // fixture edge: every command runs in milliseconds

emorph::Volume<uint8_t> make_labels() {
  emorph::Volume<uint8_t> v(emorph::Shape{kN, kN, kN}, emorph::Spacing{0.5, 0.5, 0.5});
  for (int z = 0; z < kN; ++z)
    for (int y = 0; y < kN; ++y)
      for (int x = 0; x < kN; ++x) {
        uint8_t l = 0;
        for (auto [cz, cy, cx] : {std::array{4, 4, 4}, std::array{11, 11, 11}, std::array{4, 11, 8}})
          if ((z - cz) * (z - cz) + (y - cy) * (y - cy) + (x - cx) * (x - cx) <= 9) l = 1;  // NMC balls
        if (l == 0 && z >= 10 && z < 13 && y < 5 && x < 5) l = 2;                          // an LFP block
        if (l == 0 && x < 8 && (x + y + z) % 7 == 0) l = 3;                                 // CBD specks
        v(z, y, x) = l;
      }
  return v;
}

void write_file(const fs::path& p, const std::string& bytes) {
  std::ofstream f(p, std::ios::binary);
  f << bytes;
}

std::string read_file(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

void truncate_copy(const fs::path& from, const fs::path& to, double keep) {
  const std::string b = read_file(from);
  write_file(to, b.substr(0, static_cast<std::size_t>(static_cast<double>(b.size()) * keep)));
}

void make_fixtures(const fs::path& d, const std::string& emorph) {
  const auto labels = make_labels();
  emorph::Volume<uint8_t> greyv(labels.shape(), labels.spacing()), mask(labels.shape(), labels.spacing()),
      zeros(labels.shape(), labels.spacing());
  emorph::Volume<float> floats(labels.shape(), labels.spacing());
  std::mt19937 rng(7);
  for (int64_t i = 0; i < labels.size(); ++i) {
    greyv.data()[i] = static_cast<uint8_t>(40 + 120 * (labels.data()[i] == 1) + 40 * (labels.data()[i] > 1) + rng() % 16);
    floats.data()[i] = static_cast<float>(labels.data()[i]) + 0.25f;
  }
  for (int z = 0; z < kN; ++z)
    for (int y = 0; y < kN; ++y)
      for (int x = 0; x < kN; ++x) mask(z, y, x) = (x > 0 && x < kN - 1);
  emorph::write_volume(d / "lab.tif", labels);
  emorph::write_volume(d / "ser.tif", labels);
  emorph::write_volume(d / "grey.tif", greyv);
  emorph::write_volume(d / "mask.tif", mask);
  emorph::write_volume(d / "zeros.tif", zeros);  // an all-pore volume: every solid phase is empty
  emorph::write_volume(d / "flt.tif", floats);    // float32 where labels are expected
  emorph::write_volume(d / "labr.raw", labels);   // + labr.json
  emorph::write_volume(d / "labn.nhdr", labels);  // + labn.raw
  emorph::write_volume(d / "labm.mhd", labels);   // + labm.raw
  emorph::write_volume(d / "laba.nrrd", labels);
  emorph::write_volume(d / "labh.h5:/a", labels);
  emorph::write_volume(d / "labh.h5:/b", labels);  // a second dataset: /a alone must be named
  emorph::write_volume(d / "labf/", labels);       // a folder of slices

  // Bad files. Empty ones in every format, folders named like files, truncations, broken sidecars.
  for (const char* e : {"empty.tif", "empty.raw", "empty.nhdr", "empty.nrrd", "empty.mha", "empty.h5", "empty.toml"})
    write_file(d / e, "");
  write_file(d / "empty.json", R"({"shape": [16, 16, 16], "dtype": "uint8", "voxel_um": [0.5, 0.5, 0.5]})");
  for (const char* e : {"dir.tif", "dir.raw", "dir.nrrd", "dir.mha", "dir.h5", "dir.toml"}) fs::create_directory(d / e);
  fs::create_directory(d / "emptydir");
  truncate_copy(d / "lab.tif", d / "trunc.tif", 0.5);
  truncate_copy(d / "labr.raw", d / "trunc.raw", 0.5);
  fs::copy_file(d / "labr.json", d / "trunc.json");
  truncate_copy(d / "laba.nrrd", d / "trunc.nrrd", 0.5);
  truncate_copy(d / "labh.h5", d / "trunc.h5", 0.5);
  fs::copy_file(d / "labr.raw", d / "sideshape.raw");
  write_file(d / "sideshape.json", R"({"shape": [16, 16, 17], "dtype": "uint8", "voxel_um": [0.5, 0.5, 0.5]})");
  fs::copy_file(d / "labr.raw", d / "sidejunk.raw");
  write_file(d / "sidejunk.json", R"({"shape": [16, 16, )");
  fs::copy_file(d / "labr.raw", d / "sidenone.raw");
  // A raw file with no sidecar beside it, read through the global --sidecar or --raw-shape/--raw-dtype.
  fs::copy_file(d / "labr.raw", d / "labs.raw");
  fs::copy_file(d / "labr.json", d / "meta.json");
  fs::copy_file(d / "labr.raw", d / "dtype64.raw");
  write_file(d / "dtype64.json", R"({"shape": [16, 16, 2], "dtype": "float64", "voxel_um": [0.5, 0.5, 0.5]})");
  fs::copy_file(d / "labr.raw", d / "sidecontra.raw");
  write_file(d / "sidecontra.json",
             R"({"shape": [16, 16, 8], "dtype": ">u2", "byte_order": "little", "voxel_um": [0.5, 0.5, 0.5]})");
  const std::string n = read_file(d / "laba.nrrd");
  std::string dbl = n;
  dbl.replace(dbl.find("type: uint8"), 11, "type: double");
  write_file(d / "dtype64.nrrd", dbl);
  std::string spacing = n;
  const auto at = spacing.find("spacings: ");
  spacing.replace(at, spacing.find('\n', at) - at, "spacings: -1 nan 0");
  write_file(d / "badspacing.nrrd", spacing);

  // A results folder of analyze (compare's input), a failed one, and non-analyze JSON.
  fs::create_directories(d / "res");
  write_file(d / "res" / "results.json",
             R"({"command": "analyze", "results": {"fractions": {"phases": {"pore": {"volume_fraction": 0.4}, )"
             R"("NMC": {"volume_fraction": 0.6}}}, "failed_steps": []}})");
  fs::create_directories(d / "failedres");
  write_file(d / "failedres" / "results.json",
             R"({"command": "analyze", "results": {"failed_steps": [{"step": "load", "error": "x.tif: no such file"}]}})");
  fs::create_directories(d / "otherres");
  write_file(d / "otherres" / "results.json", R"({"command": "fractions", "results": {}})");
  fs::create_directories(d / "junkres");
  write_file(d / "junkres" / "results.json", "{not json");

  // A valid config (the commented example) and a broken one.
  const std::string cmd = emorph + " --quiet init-config " + (d / "cfg.toml").string() + " >/dev/null";
  if (std::system(cmd.c_str()) != 0) throw std::runtime_error("cannot write the example config with " + emorph);
  write_file(d / "junk.toml", "[input\npath = ");
}

// ---------------------------------------------------------------------------------------------------
// Cases.

struct Case {
  std::string label;           // what it tries, for the report
  std::vector<std::string> args;
  int expect_exit = 2;
  std::vector<std::string> mentions;  // stderr must contain one of these (empty: no check)
};

// Argument tokens: "@name" = the fixture `name` copied into the case folder (with the files sharing
// its stem: a sidecar, detached data); "%name" = a path in the case folder that does not exist yet.
std::string fixture_of(const std::string& token) {
  std::string name = token.substr(1);
  if (auto p = name.find(":/"); p != std::string::npos) name = name.substr(0, p);
  while (name.size() > 1 && name.back() == '/') name.pop_back();
  return name;
}

struct BadInput {
  std::string token, label;
  std::vector<std::string> mentions;
  std::vector<std::string> options = {};  // global options the input comes with (a raw layout)
};

std::vector<BadInput> bad_volumes(bool labels_expected) {
  std::vector<BadInput> v = {
      {"%nope.tif", "missing tif", {"nope"}},
      {"%nope.raw", "missing raw", {"nope"}},
      {"%nope.nhdr", "missing nhdr", {"nope"}},
      {"%nope.mha", "missing mha", {"nope"}},
      {"%nope.h5:/a", "missing h5", {"nope"}},
      {"%nope_slices/", "missing folder", {"nope"}},
      {"@labh.h5:/missing", "missing dataset", {"missing"}},
      {"@labh.h5", "ambiguous h5 datasets", {"labh"}},
      {"@empty.tif", "empty tif", {"empty"}},
      {"@empty.raw", "empty raw", {"empty"}},
      {"@empty.nhdr", "empty nhdr", {"empty"}},
      {"@empty.nrrd", "empty nrrd", {"empty"}},
      {"@empty.mha", "empty mha", {"empty"}},
      {"@empty.h5", "empty h5", {"empty"}},
      {"@emptydir/", "folder without slices", {"emptydir"}},
      {"@dir.tif", "folder named .tif", {"dir"}},
      {"@dir.raw", "folder named .raw", {"dir"}},
      {"@dir.nrrd", "folder named .nrrd", {"dir"}},
      {"@dir.mha", "folder named .mha", {"dir"}},
      {"@dir.h5", "folder named .h5", {"dir"}},
      {"@trunc.tif", "truncated tif", {"trunc"}},
      {"@trunc.raw", "truncated raw", {"trunc"}},
      {"@trunc.nrrd", "truncated nrrd", {"trunc"}},
      {"@trunc.h5:/a", "truncated h5", {"trunc"}},
      {"@sideshape.raw", "sidecar shape disagrees", {"sideshape"}},
      {"@sidejunk.raw", "sidecar not JSON", {"sidejunk"}},
      {"@sidenone.raw", "sidecar missing", {"sidenone"}},
      {"@dtype64.raw", "unsupported dtype (raw float64)", {"dtype64", "float64"}},
      {"@dtype64.nrrd", "unsupported dtype (nrrd double)", {"dtype64", "double"}},
      // Contradictions and invalid spacings (once resolved silently).
      {"@sidecontra.raw", "sidecar dtype/byte_order contradiction", {"sidecontra"}},
      {"@badspacing.nrrd", "invalid spacings in the header", {"badspacing", "spacing"}},
      {"@labs.raw", "--raw-shape disagrees with the file size", {"labs"}, {"--raw-shape", "16,16,17", "--raw-dtype", "uint8"}},
      {"@labs.raw", "--raw-shape contradicts --sidecar", {"--raw-shape"}, {"--sidecar", "@meta.json", "--raw-shape", "16,16,8"}},
  };
  if (labels_expected) v.push_back({"@flt.tif", "float32 where labels are expected", {"flt", "uint8", "label"}});
  return v;
}

std::vector<BadInput> bad_inputs(InputRole role) {
  switch (role) {
    case InputRole::any: return bad_volumes(false);
    case InputRole::labels:
    case InputRole::series: return bad_volumes(true);
    case InputRole::grey:
    case InputRole::mask: return bad_volumes(role == InputRole::mask);
    case InputRole::config:
      return {{"%nope.toml", "missing config", {"nope"}},
              {"@dir.toml", "folder named .toml", {"dir"}},
              {"@junk.toml", "config not TOML", {"junk"}}};
    case InputRole::results:
      return {{"%nope_res", "missing results folder", {"nope"}},
              {"@emptydir", "folder without results.json", {"emptydir"}},
              {"@otherres", "results of another command", {"otherres"}},
              {"@junkres", "results not JSON", {"junkres"}},
              {"@failedres", "only a failed analysis", {"failedres"}}};
  }
  return {};
}

// Valid alternative fixtures of a volume input, with the files a writer could clobber.
struct Fixture {
  std::string token;
  std::vector<std::string> files;  // every file behind it (tokens)
  std::vector<std::string> options = {};  // global options it is read with
};

std::vector<Fixture> input_formats(InputRole role, const std::string& fixture) {
  if (role == InputRole::labels || role == InputRole::any)
    return {{"@lab.tif", {"@lab.tif"}},
            {"@labr.raw", {"@labr.raw", "@labr.json"}},
            {"@labn.nhdr", {"@labn.nhdr", "@labn.raw"}},
            {"@labm.mhd", {"@labm.mhd", "@labm.raw"}},
            {"@labh.h5:/a", {"@labh.h5"}},
            {"@labs.raw", {"@labs.raw", "@meta.json"}, {"--sidecar", "@meta.json"}},
            {"@labs.raw", {"@labs.raw"}, {"--raw-shape", "16,16,16", "--raw-dtype", "uint8", "--voxel", "0.5"}}};
  return {{"@" + fixture, {"@" + fixture}}};
}

std::string output_token(const OutputSlot& o, int index, const std::string& ext) {
  return "%out" + std::to_string(index) + (o.role == OutputRole::folder ? "_dir" : ext);
}

std::vector<std::string> slot_args(const std::string& flag, const std::string& value) {
  if (flag.empty()) return {value};
  return {flag, value};
}

// A folder where no file can be created. Root ignores permission bits; /proc refuses new files to all.
std::string read_only_location(const fs::path& root) {
  if (::geteuid() == 0) return "/proc";
  const fs::path d = root / "readonly";
  fs::create_directories(d);
  fs::permissions(d, fs::perms::owner_read | fs::perms::owner_exec);
  return d.string();
}

std::vector<Case> generate(const std::vector<Command>& table, const std::string& read_only_dir) {
  std::vector<Case> cases;
  for (const auto& c : table) {
    // The baseline: valid inputs and outputs; used by every case with one thing changed.
    std::vector<std::string> in_values, out_values;
    for (const auto& i : c.inputs) in_values.push_back("@" + i.fixture);
    for (std::size_t k = 0; k < c.outputs.size(); ++k) out_values.push_back(output_token(c.outputs[k], k, c.outputs[k].extension));
    auto build_with = [&](const std::vector<std::string>& ins, const std::vector<std::string>& outs,
                          const std::vector<std::string>& extra, const std::vector<std::string>& fixed) {
      std::vector<std::string> a = {c.name};
      for (std::size_t k = 0; k < c.inputs.size(); ++k) {
        const auto s = slot_args(c.inputs[k].flag, ins[k]);
        a.insert(a.end(), s.begin(), s.end());
      }
      for (std::size_t k = 0; k < c.outputs.size(); ++k) {
        const auto s = slot_args(c.outputs[k].flag, outs[k]);
        a.insert(a.end(), s.begin(), s.end());
      }
      a.insert(a.end(), fixed.begin(), fixed.end());
      a.insert(a.end(), extra.begin(), extra.end());
      return a;
    };
    auto build = [&](const std::vector<std::string>& ins, const std::vector<std::string>& outs,
                     const std::vector<std::string>& extra) { return build_with(ins, outs, extra, c.fixed); };
    cases.push_back({c.name + ": baseline", build(in_values, out_values, {}), 0, {}});

    // Output formats a volume slot may take; bad cases are tried with each.
    auto formats_of = [](const OutputSlot& o) -> std::vector<std::string> {
      if (o.role == OutputRole::volume) return {".tif", ".raw", ".nhdr", ".mha", ".h5", "_slices/"};
      return {o.extension};
    };
    auto outputs_with_format = [&](const std::string& ext) {
      std::vector<std::string> outs = out_values;
      for (std::size_t k = 0; k < c.outputs.size(); ++k)
        if (c.outputs[k].role == OutputRole::volume) outs[k] = output_token(c.outputs[k], k, ext);
      return outs;
    };
    std::vector<std::string> volume_formats = {".tif"};
    for (const auto& o : c.outputs)
      if (o.role == OutputRole::volume) volume_formats = formats_of(o);

    // Bad inputs, one slot at a time, with every output format.
    for (std::size_t k = 0; k < c.inputs.size(); ++k)
      for (const auto& bad : bad_inputs(c.inputs[k].role))
        for (const auto& ext : volume_formats) {
          auto ins = in_values;
          ins[k] = bad.token;
          cases.push_back({c.name + ": " + (c.inputs[k].flag.empty() ? "input" : c.inputs[k].flag) + " " +
                                          bad.label + " -> " + ext,
                           build(ins, outputs_with_format(ext), bad.options), 2, bad.mentions});
        }

    // Outputs that would overwrite an input (every file behind it, every input format) or another output.
    for (std::size_t o = 0; o < c.outputs.size(); ++o) {
      const OutputSlot& slot = c.outputs[o];
      const std::string oname = slot.flag.empty() ? "output" : slot.flag;
      for (std::size_t k = 0; k < c.inputs.size(); ++k) {
        if (c.inputs[k].role == InputRole::results) continue;
        for (const auto& f : input_formats(c.inputs[k].role, c.inputs[k].fixture)) {
          for (const auto& file : f.files) {
            auto ins = in_values;
            ins[k] = f.token;
            auto outs = out_values;
            // An HDF5 output adds its dataset to an existing file: the clash is the same dataset.
            outs[o] = slot.role == OutputRole::volume && file == "@labh.h5" ? f.token : file;
            cases.push_back({c.name + ": " + oname + " = input " + outs[o] + " (of " + f.token + ")",
                             build(ins, outs, f.options), 2,
                             slot.role == OutputRole::folder ? std::vector<std::string>{"equals", "not a folder"}
                                                             : std::vector<std::string>{"equals", "unknown volume format"}});
          }
          if (slot.role == OutputRole::volume) {
            // A volume whose companion is the input: X.nhdr / X.mhd write X.raw, X.raw writes X.json.
            const std::string stem = fixture_of(f.token).substr(0, fixture_of(f.token).find('.'));
            for (const std::string ext : {".nhdr", ".mhd", ".raw"}) {
              const std::string companion = ext == ".raw" ? "json" : "raw";
              bool clobbers = false;
              for (const auto& file : f.files) clobbers |= file == "@" + stem + "." + companion;
              if (!clobbers) continue;
              auto ins = in_values;
              ins[k] = f.token;
              auto outs = out_values;
              outs[o] = "@" + stem + ext;
              cases.push_back({c.name + ": " + oname + " " + stem + ext + " writes input " + stem + "." + companion,
                               build(ins, outs, {}), 2, {"equals"}});
            }
          }
        }
      }
      for (std::size_t p = 0; p < c.outputs.size(); ++p) {
        if (p == o) continue;
        // Same name for two outputs; a volume and its own sidecar or header.
        auto outs = out_values;
        outs[o] = output_token(c.outputs[o], static_cast<int>(o), c.outputs[p].extension);
        outs[p] = outs[o];
        if (c.outputs[o].role == OutputRole::folder || c.outputs[p].role == OutputRole::folder) continue;
        cases.push_back({c.name + ": " + oname + " = " + (c.outputs[p].flag.empty() ? "output" : c.outputs[p].flag),
                         build(in_values, outs, {}), 2, {"equals", "unknown volume format"}});
        if (c.outputs[o].role == OutputRole::volume && c.outputs[p].extension == ".json") {
          outs = out_values;
          outs[o] = "%shared.raw";
          outs[p] = "%shared.json";
          cases.push_back({c.name + ": " + oname + " .raw whose sidecar is " + c.outputs[p].flag,
                           build(in_values, outs, {}), 2, {"equals"}});
        }
      }
      // Locations that cannot be written: a missing folder, a read-only place, an existing folder.
      for (const auto& ext : formats_of(slot)) {
        const std::string leaf = "out" + std::to_string(o) + (slot.role == OutputRole::folder ? "_dir" : ext);
        std::vector<std::pair<std::string, std::vector<std::string>>> places = {
            {"%nodir/" + leaf, {"does not exist", "nodir"}}};
        if (slot.role == OutputRole::folder) places = {{"@lab.tif", {"not a folder", "lab.tif"}}};
        places.push_back({read_only_dir + "/emorph-" + leaf, {"cannot write"}});
        if (slot.role == OutputRole::file) places.push_back({"@emptydir", {"directory", "folder"}});
        if (slot.role == OutputRole::volume && ext == ".tif") places.push_back({"%out.xyz", {"unknown volume format"}});
        if (slot.role == OutputRole::volume && ext == "_slices/") places.push_back({"@labf/", {"not empty", "labf"}});
        for (const auto& [place, mentions] : places) {
          auto outs = slot.role == OutputRole::volume ? outputs_with_format(ext) : out_values;
          outs[o] = place;
          cases.push_back({c.name + ": " + oname + " into " + place, build(in_values, outs, {}), 2, mentions});
        }
      }
    }

    // Impossible options, and voxel sizes that are not sizes.
    for (const auto& opts : c.impossible) {
      std::string what;
      for (const auto& s : opts) what += s + " ";
      // Library checks name the parameter without the dashes ("connectivity must be 6, 18 or 26").
      const std::string bare = opts.front().substr(2);
      const std::vector<std::string> mentions = {opts.front(), bare, bare.substr(0, bare.find('-'))};
      for (const auto& ext : volume_formats)
        cases.push_back({c.name + ": " + what + "-> " + ext, build(in_values, outputs_with_format(ext), opts), 2,
                         mentions});
    }
    if (c.takes_voxel && !c.inputs.empty())
      for (const std::string v : {"0", "-1", "1,2", "abc"})
        cases.push_back({c.name + ": --voxel " + v, build(in_values, out_values, {"--voxel", v}), 2, {"--voxel"}});
    // Spacings that are not numbers, and an empty value (never read as "from the file").
    if (c.takes_voxel && !c.inputs.empty())
      for (const std::string v : {"nan", "inf", ""})
        cases.push_back({c.name + ": --voxel '" + v + "'", build(in_values, out_values, {"--voxel", v}), 2, {"--voxel"}});

    // The analysed phase is absent: an all-pore volume.
    if (!c.phase_option.empty()) {
      auto ins = in_values;
      ins[0] = "@zeros.tif";
      auto fixed = c.fixed;
      auto at = std::find(fixed.begin(), fixed.end(), c.phase_option);
      if (at != fixed.end() && at + 1 != fixed.end())
        *(at + 1) = "NMC";
      else
        fixed.insert(fixed.end(), {c.phase_option, "NMC"});
      cases.push_back({c.name + ": empty phase NMC", build_with(ins, out_values, {}, fixed), 2, {"NMC"}});
    }
  }
  return cases;
}

// ---------------------------------------------------------------------------------------------------
// Running and checking one case.

uint64_t fnv1a(const std::string& bytes) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : bytes) h = (h ^ c) * 1099511628211ull;
  return h;
}

// Every entry under `root` (relative path -> content hash; folders hash to 0).
std::map<std::string, uint64_t> snapshot(const fs::path& root) {
  std::map<std::string, uint64_t> s;
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator(); ++it) {
    const std::string rel = fs::relative(it->path(), root).string();
    s[rel] = it->is_directory() ? 0 : fnv1a(read_file(it->path()));
  }
  return s;
}

void copy_fixture(const fs::path& fixtures, const std::string& name, const fs::path& to) {
  std::string stem = name.substr(0, name.find('.'));
  for (const auto& e : fs::directory_iterator(fixtures)) {
    const std::string n = e.path().filename().string();
    if (n != name && n.rfind(stem + ".", 0) != 0) continue;
    if (fs::exists(to / n)) continue;
    if (e.is_directory())
      fs::copy(e.path(), to / n, fs::copy_options::recursive);
    else
      fs::copy_file(e.path(), to / n);
  }
}

struct Running {
  pid_t pid;
  std::size_t index;
  fs::path dir;
  std::map<std::string, uint64_t> before;
};

std::string check(const Case& c, int status, const fs::path& dir, const std::map<std::string, uint64_t>& before) {
  std::ostringstream why;
  if (WIFSIGNALED(status)) why << "killed by signal " << WTERMSIG(status) << "; ";
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (code != c.expect_exit) why << "exit " << code << " (expected " << c.expect_exit << "); ";
  const std::string err = read_file(dir / ".stderr");
  fs::remove(dir / ".stderr");
  fs::remove(dir / ".stdout");
  if (c.expect_exit == 2) {
    if (err.find("emorph: error: ") == std::string::npos) why << "no 'emorph: error: ' message; ";
    bool named = c.mentions.empty();
    for (const auto& m : c.mentions) named |= err.find(m) != std::string::npos;
    if (!named) why << "message names none of the expected words; ";
  }
  const auto after = snapshot(dir);
  for (const auto& [name, hash] : before) {
    auto it = after.find(name);
    if (it == after.end())
      why << "input " << name << " deleted; ";
    else if (it->second != hash)
      why << "input " << name << " changed; ";
  }
  // A failed analyze keeps its log: the results folder may hold analyze.log and nothing else (CONTRACT).
  const bool analyze = !c.args.empty() && c.args[0] == "analyze";
  std::set<std::string> log_folders;
  if (analyze)
    for (const auto& [name, hash] : after)
      if (!before.count(name) && fs::path(name).filename() == "analyze.log") log_folders.insert(fs::path(name).parent_path().string());
  auto kept_log = [&](const std::string& name) {
    return log_folders.count(name) || (fs::path(name).filename() == "analyze.log" && log_folders.count(fs::path(name).parent_path().string()));
  };
  for (const auto& [name, hash] : after)
    if (!before.count(name) && (c.expect_exit != 0 || name.find(".tmp-emorph-") != std::string::npos) &&
        !(c.expect_exit == 2 && kept_log(name)))
      why << "left " << name << "; ";
  if (c.expect_exit == 0) {
    std::size_t outputs = 0;
    for (const auto& [name, hash] : after) outputs += !before.count(name);
    if (outputs == 0) why << "baseline wrote nothing; ";
  }
  std::string s = why.str();
  if (!s.empty()) s += "stderr: " + err.substr(0, 400);
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: robustness_sweep EMORPH [--jobs N] [--filter TEXT] [--verbose]\n";
    return 2;
  }
  const std::string emorph = argv[1];
  std::string filter;
  int jobs = 2;
  bool verbose = false;
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--jobs" && i + 1 < argc) jobs = std::max(1, std::atoi(argv[++i]));
    else if (a == "--filter" && i + 1 < argc) filter = argv[++i];
    else if (a == "--verbose") verbose = true;
  }
  const fs::path root = fs::temp_directory_path() / ("emorph-robustness-" + std::to_string(::getpid()));
  fs::remove_all(root);
  const fs::path fixtures = root / "fixtures";
  fs::create_directories(fixtures);
  make_fixtures(fixtures, emorph);

  const std::string read_only = read_only_location(root);
  std::vector<Case> all = generate(commands(), read_only);
  std::vector<Case> cases;
  for (auto& c : all)
    if (filter.empty() || c.label.find(filter) != std::string::npos) cases.push_back(c);

  std::size_t failed = 0, next = 0;
  std::vector<Running> running;
  auto start = [&](std::size_t i) {
    const Case& c = cases[i];
    const fs::path dir = root / ("case" + std::to_string(i));
    fs::create_directories(dir);
    std::vector<std::string> args = {emorph, "--quiet"};
    for (const auto& a : c.args) {
      if (!a.empty() && (a[0] == '@' || a[0] == '%')) {
        if (a[0] == '@') copy_fixture(fixtures, fixture_of(a), dir);
        args.push_back((dir / a.substr(1)).string());
      } else {
        args.push_back(a);
      }
    }
    Running r{0, i, dir, snapshot(dir)};
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, (dir / ".stdout").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&fa, 2, (dir / ".stderr").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addchdir_np(&fa, dir.c_str());
    std::vector<char*> cargs;
    for (auto& a : args) cargs.push_back(a.data());
    cargs.push_back(nullptr);
    if (posix_spawn(&r.pid, emorph.c_str(), &fa, nullptr, cargs.data(), environ) != 0)
      throw std::runtime_error("cannot start " + emorph);
    posix_spawn_file_actions_destroy(&fa);
    running.push_back(std::move(r));
  };
  while (next < cases.size() || !running.empty()) {
    while (next < cases.size() && static_cast<int>(running.size()) < jobs) start(next++);
    int status = 0;
    const pid_t pid = ::wait(&status);
    auto it = std::find_if(running.begin(), running.end(), [&](const Running& r) { return r.pid == pid; });
    if (it == running.end()) continue;
    const Case& c = cases[it->index];
    const std::string why = check(c, status, it->dir, it->before);
    if (!why.empty()) {
      ++failed;
      std::cout << "FAIL " << c.label << "\n  args:";
      for (const auto& a : c.args) std::cout << " " << a;
      std::cout << "\n  " << why << "\n";
    } else if (verbose) {
      std::cout << "ok   " << c.label << "\n";
    }
    fs::remove_all(it->dir);
    running.erase(it);
  }
  if (read_only.rfind(root.string(), 0) == 0) fs::permissions(read_only, fs::perms::owner_all);
  fs::remove_all(root);
  std::cout << "robustness sweep: " << cases.size() << " cases run, " << cases.size() - failed
            << " held, " << failed << " failed\n";
  return failed == 0 && !cases.empty() ? 0 : 1;
}
