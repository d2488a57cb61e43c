// The paths each subcommand declared (inputs, outputs), read back after parsing and checked together
// before the command runs.
#include <map>

#include "common.hpp"
#include "emorph/io/raw_input.hpp"

namespace emorph::cli {
namespace {

struct DeclaredPath {
  PathKind kind;
  std::function<std::vector<std::string>()> values;
};

std::map<const CLI::Option*, DeclaredPath>& declared() {
  static std::map<const CLI::Option*, DeclaredPath> paths;
  return paths;
}

}  // namespace

CLI::Option* declare_path(CLI::Option* option, PathKind kind, const std::string& bound) {
  declared()[option] = {kind, [&bound] { return std::vector<std::string>{bound}; }};
  return option;
}

CLI::Option* declare_path(CLI::Option* option, PathKind kind, const std::vector<std::string>& bound) {
  declared()[option] = {kind, [&bound] { return bound; }};
  return option;
}

std::vector<std::string> declared_input_volumes(const CLI::App& command) {
  std::vector<std::string> inputs;
  for (const auto* o : command.get_options()) {
    const auto found = declared().find(o);
    if (found == declared().end() || found->second.kind != PathKind::input_volume) continue;
    for (const auto& v : found->second.values())
      if (!v.empty()) inputs.push_back(v);
  }
  return inputs;
}

std::vector<std::filesystem::path> check_declared_paths(const CLI::App& command) {
  std::vector<PathUse> uses;
  // The global --sidecar is an input of whichever command reads the .raw file it describes.
  if (const std::string& sidecar = raw_input_options().sidecar; !sidecar.empty())
    uses.push_back({"--sidecar", sidecar, PathKind::input_file});
  bool compress = false;
  for (const auto* o : command.get_options()) {
    if (o->get_name() == "--compress" && o->count() > 0) compress = o->as<bool>();
    const auto found = declared().find(o);
    if (found == declared().end()) continue;
    for (const auto& v : found->second.values())
      if (!v.empty() && v != "-") uses.push_back({o->get_name(), v, found->second.kind});  // "-": standard output
  }
  WriteOptions w;
  w.compress = compress;
  check_output_locations(uses, w);
  check_no_overlap(uses, w);
  std::vector<std::filesystem::path> held;
  for (const auto& u : uses)
    if (u.kind == PathKind::output_volume || u.kind == PathKind::output_file)
      for (const auto& f : files_of(u, w)) held.push_back(f.path);
  return held;
}

}  // namespace emorph::cli
