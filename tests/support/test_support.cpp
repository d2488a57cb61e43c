#include "support/test_support.hpp"
#include "support/checks.hpp"

#include <gtest/gtest.h>

#include <algorithm>

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

std::size_t entry_count(const fs::path& dir) {
  std::size_t n = 0;
  for (auto it = fs::directory_iterator(dir); it != fs::directory_iterator(); ++it) ++n;
  return n;
}

std::string read_text(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
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
  r.out = read_text(tmp / "out");
  r.err = read_text(tmp / "err");
  return r;
}

CliResult run_cli(const std::string& args) {
#ifdef EMORPH_CLI
  return run_shell(std::string(EMORPH_CLI) + " --quiet " + args);
#else
  return {};
#endif
}

std::string quoted(const std::string& path) { return "'" + path + "'"; }

void run_cli_json(const std::string& args, const std::string& json_path, nlohmann::json& out) {
  const CliResult r = run_cli(args + " --json " + quoted(json_path));
  ASSERT_EQ(r.exit_code, 0) << args << "\n" << r.err;
  out = read_json(json_path);
}

void expect_exit_2(const CliResult& r, std::initializer_list<std::string> fragments, const std::string& what) {
  EXPECT_EQ(r.exit_code, 2) << what << "\n" << r.err;
  for (const auto& f : fragments) EXPECT_NE(r.err.find(f), std::string::npos) << what << ": " << r.err << " lacks " << f;
}

void expect_input_error(const CliResult& r, std::initializer_list<std::string> fragments, const std::string& what) {
  expect_exit_2(r, fragments, what);
  EXPECT_EQ(r.err.rfind("emorph: error: ", 0), 0u) << what << "\n" << r.err;
}

void expect_one_line_input_error(const CliResult& r, std::initializer_list<std::string> fragments,
                                 const std::string& what) {
  expect_input_error(r, fragments, what);
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << what << "\n" << r.err;
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
