#include "support/test_support.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>

namespace fs = std::filesystem;

namespace emorph::test {

TempDir::TempDir() {
  static std::atomic<int> counter{0};
  std::random_device rd;
  path_ = fs::temp_directory_path() /
          ("emorph-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" + std::to_string(rd()));
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

static std::string slurp(const fs::path& p) {
  std::ifstream f(p);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

CliResult run_shell(const std::string& command) {
  TempDir tmp;
  const std::string cmd = command + " >" + (tmp / "out") + " 2>" + (tmp / "err");
  int status = std::system(cmd.c_str());
  CliResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(tmp / "out");
  r.err = slurp(tmp / "err");
  return r;
}

CliResult run_cli(const std::string& args) {
#ifdef EMORPH_CLI
  return run_shell(std::string(EMORPH_CLI) + " --quiet " + args);
#else
  return {};
#endif
}

nlohmann::json read_json(const std::string& path) {
  std::ifstream f(path);
  return nlohmann::json::parse(f);
}

std::string write_raw(const TempDir& dir, const std::string& name, const Volume<uint8_t>& labels) {
  const std::string raw = dir / (name + ".raw");
  std::ofstream(raw, std::ios::binary).write(reinterpret_cast<const char*>(labels.data()), labels.size());
  const nlohmann::json meta = {{"shape", {labels.nz(), labels.ny(), labels.nx()}},
                               {"dtype", "uint8"},
                               {"byte_order", "little"},
                               {"voxel_um", {labels.spacing().dz, labels.spacing().dy, labels.spacing().dx}}};
  std::ofstream(dir / (name + ".json")) << meta.dump();
  return raw;
}

std::string shared_data(const std::string& relative) {
#ifdef EMORPH_SHARED_DATA
  fs::path p = fs::path(EMORPH_SHARED_DATA) / "real" / relative;
  std::error_code ec;
  if (fs::exists(p, ec)) return p.string();
#endif
  return "";
}

}  // namespace emorph::test
