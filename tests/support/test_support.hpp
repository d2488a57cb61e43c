#pragma once
// Helpers shared by the test programs: scratch folders, running the CLI, small volumes.
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "emorph/volume.hpp"

namespace emorph::test {

// A fresh folder under the system temp dir, removed when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

struct CliResult {
  int exit_code = -1;
  std::string out, err;
};

// How many entries a folder holds (files and folders, not recursing): a test's check that nothing,
// temporaries included, was left behind.
std::size_t entry_count(const std::filesystem::path& dir);

// Runs the built emorph binary with the given argument string (shell-quoted by the caller).
CliResult run_cli(const std::string& args);
// Runs a shell command line, capturing its standard output and error.
CliResult run_shell(const std::string& command);

// Parses a JSON file (a command's --json output).
nlohmann::json read_json(const std::string& path);

// Writes labels as NAME.raw + NAME.json (CONTRACT's raw sidecar) in dir and returns the .raw path.
std::string write_raw(const TempDir& dir, const std::string& name, const Volume<uint8_t>& labels);

// ../shared/data/real/<name> if present, else empty (tests then GTEST_SKIP).
std::string shared_data(const std::string& relative);

}  // namespace emorph::test
