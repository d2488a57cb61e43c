#pragma once
// The commands the robustness sweep drives, each declared once with its input and output slots; the
// sweep generates every case (bad inputs, bad outputs, colliding paths, impossible options) from this
// table, so a new command is covered by adding one entry here.
#include <string>
#include <vector>

namespace emorph::robustness {

// What an input slot reads; decides which bad inputs it gets.
enum class InputRole { any, labels, grey, mask, series, config, results };

struct InputSlot {
  std::string flag;     // "" for the positional input
  InputRole role;
  std::string fixture;  // the valid fixture file the baseline run reads
};

// What an output slot writes; decides which output formats and bad locations it gets.
enum class OutputRole { volume, file, folder };

struct OutputSlot {
  std::string flag;       // "" for the positional output
  OutputRole role;
  std::string extension;  // of the baseline output (".tif", ".json", ".png", "" for a folder)
};

struct Command {
  std::string name;
  std::vector<InputSlot> inputs;
  std::vector<OutputSlot> outputs;
  std::vector<std::string> fixed;                    // options every run needs (--phase NMC, --box ...)
  std::vector<std::vector<std::string>> impossible;  // option sets that must be refused with exit 2
  std::string phase_option;  // the option naming the analysed phase (empty-phase cases); added when not in `fixed`
  bool takes_voxel = true;   // has --voxel (spacing cases)
};

inline std::vector<Command> commands() {
  using IR = InputRole;
  using OR = OutputRole;
  const InputSlot labels{"", IR::labels, "lab.tif"}, grey{"", IR::grey, "grey.tif"}, any{"", IR::any, "lab.tif"};
  const OutputSlot json{"--json", OR::file, ".json"}, csv{"--csv", OR::file, ".csv"};
  const OutputSlot volume{"", OR::volume, ".tif"};
  return {
      {"info", {any}, {json}, {}, {}, "", true},
      {"convert", {any}, {volume}, {}, {}, "", true},
      {"crop", {any}, {volume, json}, {"--box", "0:8,0:8,0:8"}, {{"--box", "0:99,0:8,0:8"}, {"--box", "6:2,0:8,0:8"}, {"--box", "0:8"}}, "", true},
      {"rescale", {any}, {volume, json}, {"--factor", "2"}, {{"--factor", "0"}, {"--factor", "-2"}, {"--mode", "bogus"}}, "", true},
      {"slice", {any}, {{"", OR::file, ".png"}, json}, {}, {{"--axis", "3"}, {"--index", "999"}, {"--low", "90", "--high", "10"}}, "", true},
      {"edt", {any}, {volume, json}, {}, {{"--phase", "nosuchphase"}}, "--phase", true},
      {"label", {any}, {volume, json, csv}, {}, {{"--connectivity", "5"}, {"--phase", "nosuchphase"}}, "--phase", true},
      {"localthickness", {labels}, {volume, json}, {"--phase", "NMC"}, {{"--max-radius", "-1"}, {"--phase", "nosuchphase"}}, "--phase", true},
      {"segment", {grey, {"--mask", IR::mask, "mask.tif"}}, {volume, json}, {"--method", "otsu", "--classes", "pore,NMC"},
       {{"--method", "multiotsu:0"}, {"--method", "bogus"}, {"--bins", "-5"}}, "", true},
      {"denoise", {grey}, {volume, json}, {"--filter", "median:1"}, {{"--filter", "median:-1"}, {"--filter", "bogus:1"}}, "", true},
      {"fibsem-prep", {grey}, {volume, json, {"--drift-csv", OR::file, ".csv"}, {"--drift-plot", OR::file, ".svg"}}, {},
       {{"--shading-order", "99"}, {"--intensity", "bogus"}}, "", true},
      {"histogram", {grey, {"--mask", IR::mask, "mask.tif"}}, {json, csv, {"--png", OR::file, ".png"}}, {},
       {{"--range", "5,1"}, {"--bins", "-1"}}, "", true},
      {"fractions", {labels}, {json, csv}, {}, {{"--axis", "3"}, {"--phase", "nosuchphase"}}, "", true},
      {"profile", {labels, {"--grey", IR::grey, "grey.tif"}}, {json, csv}, {"--grey-phases", "pore"}, {{"--axis", "3"}, {"--window", "2"}}, "", true},
      {"surface", {labels}, {json, csv, {"--mesh", OR::file, ".ply"}}, {"--phase", "NMC"}, {{"--phase", "nosuchphase"}}, "--phase", true},
      {"granulometry", {labels}, {json, csv, {"--local-thickness", OR::volume, ".tif"}}, {"--phase", "NMC"},
       {{"--max-radius", "0"}, {"--step", "-1"}}, "--phase", true},
      {"particles", {labels}, {json, csv, {"--labels-out", OR::volume, ".tif"}}, {"--phase", "NMC"},
       {{"--bins", "0"}, {"--quantile", "2"}, {"--connectivity", "5"}}, "--phase", true},
      {"connectivity", {labels}, {json, {"--out", OR::volume, ".tif"}}, {"--phase", "pore"},
       {{"--connectivity", "7"}, {"--axis", "5"}}, "--phase", true},
      {"tortuosity", {labels, {"--series", IR::series, "mask.tif"}}, {json, {"--field", OR::volume, ".tif"}, {"--flux-field", OR::volume, ".tif"}},
       {"--phase", "pore"}, {{"--axis", "3"}, {"--tolerance", "-1"}}, "--phase", true},
      {"chords", {labels}, {json, csv}, {"--phase", "NMC"}, {{"--phase", "nosuchphase"}}, "--phase", true},
      {"correlation", {labels}, {json, csv}, {"--phase", "NMC"}, {{"--method", "bogus"}, {"--max-lag", "-1"}}, "--phase", true},
      {"rev", {labels}, {json, csv}, {"--phase", "NMC"}, {{"--sizes", "-1"}}, "--phase", true},
      {"contacts", {labels}, {json, csv, {"--particles-csv", OR::file, ".csv"}}, {"--phase", "NMC"},
       {{"--connectivity", "5"}, {"--min-volume", "-1"}}, "--phase", true},
      {"tpb", {labels}, {json}, {"--active", "NMC"}, {{"--active", "nosuchphase"}, {"--smoothing", "-1"}}, "--active", true},
      {"composition", {}, {json, csv}, {"--wt", "NMC=50,LFP=50", "--porosity", "40"}, {{"--porosity", "150"}}, "", false},
      {"calibrate", {}, {json, {"--plot", OR::file, ".svg"}}, {"--grey", "10,20,30", "--lfp-fraction", "0.1,0.2,0.3"}, {{"--lfp-fraction", "0.1,0.2"}}, "", false},
      {"compare", {{"", IR::results, "res"}}, {{"--out", OR::folder, ""}}, {}, {{"--names", "a,b,c"}}, "", false},
      {"analyze", {labels, {"--config", IR::config, "cfg.toml"}}, {{"--out", OR::folder, ""}}, {},
       {{"--axis", "7"}}, "", true},
      {"synth", {}, {{"--out", OR::folder, ""}}, {"--size", "24", "--voxel", "1"}, {{"--size", "-3"}, {"--voxel", "0"}}, "", false},
      {"init-config", {}, {{"", OR::file, ".toml"}}, {}, {}, "", false},
  };
}

}  // namespace emorph::robustness
