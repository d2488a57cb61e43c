// End-to-end regression tests of issue #15's output side: no output over any input (sidecars,
// detached data, masks, series, configs) or over another output, HDF5 datasets added not replaced,
// all outputs validated before work and committed together, temporaries removed on signals, write
// errors naming the output, and compare warning about unusable results.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "emorph/io.hpp"
#include "io/io_test_util.hpp"
#include "cli/cli_test.hpp"

using namespace emorph;

namespace {

std::set<std::string> names_in(const fs::path& dir) {
  std::set<std::string> n;
  for (const auto& e : fs::directory_iterator(dir)) n.insert(e.path().filename().string());
  return n;
}

Volume<uint8_t> labels() {
  Volume<uint8_t> v({8, 8, 8}, {0.5, 0.5, 0.5});
  for (int64_t i = 0; i < v.size(); ++i) v.data()[i] = static_cast<uint8_t>((i / 7) % 4);
  return v;
}

// Starts `emorph --quiet args...` in a child process that first runs prepare() and sends its stderr to
// stderr_path; returns the child's pid.
template <class Prepare>
pid_t start_cli(const std::vector<std::string>& args, const std::string& stderr_path, Prepare&& prepare) {
  std::vector<char*> argv{const_cast<char*>(EMORPH_CLI), const_cast<char*>("--quiet")};
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    prepare();
    ::freopen(stderr_path.c_str(), "w", stderr);
    ::execv(EMORPH_CLI, argv.data());
    ::_exit(127);
  }
  return pid;
}

}  // namespace

TEST(CliOutputs, OutputOverARawSidecarOrDetachedDataIsRefused) {
  TempDir d;
  write_volume(d / "v.raw", labels());
  const std::string raw = test::read_text(d / "v.raw"), side = test::read_text(d / "v.json");
  expect_input_error(run_cli("fractions " + quoted(d / "v.raw") + " --json " + quoted(d / "v.json")), {"v.json", "equals the input"});
  expect_input_error(run_cli("fractions " + quoted(d / "v.raw") + " --csv " + quoted(d / "v.json")), {"v.json", "equals the input"});
  expect_input_error(run_cli("convert " + quoted(d / "v.raw") + " " + quoted(d / "v.nhdr")), {"v.raw", "equals the input"});
  expect_input_error(run_cli("convert " + quoted(d / "v.raw") + " " + quoted(d / "v.mhd")), {"v.raw", "equals the input"});
  write_volume(d / "w.nhdr", labels());
  const std::string data = test::read_text(d / "w.raw");
  expect_input_error(run_cli("info " + quoted(d / "w.nhdr") + " --json " + quoted(d / "w.raw")), {"w.raw", "equals the input"});
  EXPECT_EQ(raw, test::read_text(d / "v.raw"));
  EXPECT_EQ(side, test::read_text(d / "v.json"));
  EXPECT_EQ(data, test::read_text(d / "w.raw"));
  EXPECT_EQ(names_in(d.path()), (std::set<std::string>{"v.raw", "v.json", "w.nhdr", "w.raw"}));
}

TEST(CliOutputs, OutputOverAMaskSeriesOrConfigIsRefused) {
  TempDir d;
  write_volume(d / "v.tif", labels());
  write_volume(d / "m.tif", labels());
  write_volume(d / "s.tif", labels());
  ASSERT_EQ(run_cli("init-config " + quoted(d / "c.toml")).exit_code, 0);
  const std::string mask = test::read_text(d / "m.tif"), series = test::read_text(d / "s.tif"),
                    config = test::read_text(d / "c.toml");
  expect_input_error(run_cli("histogram " + quoted(d / "v.tif") + " --mask " + quoted(d / "m.tif") + " --csv " + quoted(d / "m.tif")),
             {"--mask", "m.tif", "equals the input"});
  expect_input_error(run_cli("segment " + quoted(d / "v.tif") + " " + quoted(d / "m.tif") + " --mask " + quoted(d / "m.tif")),
             {"m.tif", "equals the input"});
  expect_input_error(run_cli("tortuosity " + quoted(d / "v.tif") + " --phase pore --series " + quoted(d / "s.tif") + " --field " + quoted(d / "s.tif")),
             {"--series", "equals the input"});
  expect_input_error(run_cli("analyze " + quoted(d / "v.tif") + " --config " + quoted(d / "c.toml") + " --out " + quoted(d / "c.toml")),
             {"c.toml"});
  EXPECT_EQ(mask, test::read_text(d / "m.tif"));
  EXPECT_EQ(series, test::read_text(d / "s.tif"));
  EXPECT_EQ(config, test::read_text(d / "c.toml"));
}

TEST(CliOutputs, TwoOutputsOfOneCommandMayNotShareAFile) {
  TempDir d;
  write_volume(d / "v.tif", labels());
  expect_input_error(run_cli("fractions " + quoted(d / "v.tif") + " --json " + quoted(d / "x") + " --csv " + quoted(d / "x")),
             {"equals the output"});
  expect_input_error(run_cli("tortuosity " + quoted(d / "v.tif") + " --phase pore --field " + quoted(d / "f.tif") + " --flux-field " +
                     quoted(d / "f.tif")),
             {"--field", "--flux-field", "equals the output"});
  // A raw output's own sidecar is o.json: --json o.json would be written twice.
  expect_input_error(run_cli("crop " + quoted(d / "v.tif") + " " + quoted(d / "o.raw") + " --box 0:2,0:2,0:2 --json " + quoted(d / "o.json")),
             {"o.json", "equals the output"});
  EXPECT_EQ(names_in(d.path()), (std::set<std::string>{"v.tif"}));
}

TEST(CliOutputs, ConvertIntoAnHdf5FileAddsTheDataset) {
  TempDir d;
  const auto v = labels();
  write_volume(d / "multi.h5:/a", v);
  write_volume(d / "multi.h5:/b", v);
  write_volume(d / "x.tif", v);
  ASSERT_EQ(run_cli("convert " + quoted(d / "x.tif") + " " + quoted(d / "multi.h5:/c")).exit_code, 0);
  for (const char* ds : {"/a", "/b", "/c"}) EXPECT_EQ(read_info(d / (std::string("multi.h5:") + ds)).shape.nz, 8) << ds;
  expect_input_error(run_cli("convert " + quoted(d / "multi.h5:/a") + " " + quoted(d / "multi.h5:/a")), {"equals the input"});
  EXPECT_EQ(names_in(d.path()), (std::set<std::string>{"multi.h5", "x.tif"}));
}

TEST(CliOutputs, AFailingLaterOutputLeavesNoEarlierOutput) {
  TempDir d;
  write_volume(d / "v.tif", labels());
  const std::string box = " --box 0:4,0:4,0:4";
  for (const std::string& cmd :
       {"crop " + quoted(d / "v.tif") + " " + quoted(d / "o.tif") + box, "edt " + quoted(d / "v.tif") + " " + quoted(d / "o.tif"),
        "rescale " + quoted(d / "v.tif") + " " + quoted(d / "o.tif"), "slice " + quoted(d / "v.tif") + " " + quoted(d / "o.png"),
        "localthickness " + quoted(d / "v.tif") + " " + quoted(d / "o.tif") + " --phase NMC",
        "denoise " + quoted(d / "v.tif") + " " + quoted(d / "o.tif") + " --filter median:1",
        "segment " + quoted(d / "v.tif") + " " + quoted(d / "o.tif") + " --method otsu --classes pore,NMC",
        "fibsem-prep " + quoted(d / "v.tif") + " " + quoted(d / "o.tif")}) {
    expect_input_error(run_cli(cmd + " --json " + quoted(d / "missing/r.json")), {"missing", "does not exist"});
    EXPECT_EQ(names_in(d.path()), (std::set<std::string>{"v.tif"})) << cmd;
  }
  expect_input_error(run_cli("histogram " + quoted(d / "v.tif") + " --csv " + quoted(d / "h.csv") + " --png " + quoted(d / "missing/h.png")),
             {"does not exist"});
  EXPECT_EQ(names_in(d.path()), (std::set<std::string>{"v.tif"}));
  // And all of them when the command succeeds.
  ASSERT_EQ(run_cli("crop " + quoted(d / "v.tif") + " " + quoted(d / "o.tif") + box + " --json " + quoted(d / "r.json")).exit_code, 0);
  EXPECT_EQ(names_in(d.path()), (std::set<std::string>{"v.tif", "o.tif", "r.json"}));
}

TEST(CliOutputs, OutputsInUnwritablePlacesAreRefusedBeforeAnyWork) {
  TempDir d;
  write_volume(d / "v.tif", labels());
  expect_input_error(run_cli("convert " + quoted(d / "v.tif") + " " + quoted(d / "o.xyz")), {"o.xyz", "unknown volume format"});
  expect_input_error(run_cli("info " + quoted(d / "v.tif") + " --json " + quoted(d.path().string())), {"is a directory"});
  if (::geteuid() == 0)
    expect_input_error(run_cli("convert " + quoted(d / "v.tif") + " /proc/emorph-o.tif"), {"/proc", "cannot write"});
  EXPECT_EQ(names_in(d.path()), (std::set<std::string>{"v.tif"}));
}

// A write error (here a file-size limit: EFBIG, as ENOSPC would be) names the user's output folder,
// never the internal temporary folder, and leaves nothing behind.
TEST(CliOutputs, WriteErrorNamesTheOutputNotTheTemporaryFolder) {
  TempDir d;
  Volume<uint8_t> v({3, 128, 128}, {1, 1, 1});
  write_volume(d / "v.tif", v);
  const pid_t pid = start_cli({"convert", d / "v.tif", d / "slices/"}, d / "err", [] {
    std::signal(SIGXFSZ, SIG_IGN);
    rlimit limit{8192, 8192};
    ::setrlimit(RLIMIT_FSIZE, &limit);
  });
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 2);
  const std::string err = test::read_text(d / "err");
  EXPECT_NE(err.find("slices"), std::string::npos) << err;
  EXPECT_EQ(err.find(".tmp-emorph"), std::string::npos) << err;
  EXPECT_EQ(names_in(d.path()), (std::set<std::string>{"v.tif", "err"}));
}

TEST(CliOutputs, SigtermDuringAWriteLeavesNoTemporary) {
  TempDir d;
  // Large enough that the write is still running when the signal comes (64 MiB of float32).
  Volume<float> big({256, 256, 256}, {1, 1, 1});
  write_volume(d / "big.raw", big);
  const pid_t pid = start_cli({"convert", d / "big.raw", d / "out.nrrd", "--compress"}, "/dev/null", [] {});
  // Wait until the temporary output exists, then interrupt.
  bool started = false;
  for (int i = 0; i < 2000 && !started; ++i) {
    for (const auto& e : fs::directory_iterator(d.path()))
      started |= e.path().filename().string().find(".tmp-emorph-") != std::string::npos;
    if (!started) ::usleep(1000);
  }
  ::kill(pid, SIGTERM);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (!started || WIFEXITED(status)) GTEST_SKIP() << "the conversion finished before the signal";
  EXPECT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(WTERMSIG(status), SIGTERM);
  for (const auto& e : fs::directory_iterator(d.path()))
    EXPECT_EQ(e.path().filename().string().find(".tmp-emorph-"), std::string::npos) << e.path();
  EXPECT_FALSE(fs::exists(d / "out.nrrd"));
}

// An interrupted analysis removes its staging folder (.out.tmp-N, which holds labels and scratch
// stores: 4 GiB at the 8 GiB scale run) and keeps the earlier results folder as it was.
TEST(CliOutputs, SigtermDuringAnalyzeLeavesNoStagingFolderAndKeepsEarlierResults) {
  TempDir d;
  ASSERT_EQ(run_cli("synth --preset F --size 64 --seed 1 --out " + quoted(d / "s")).exit_code, 0);
  fs::create_directories(d / "out");
  test::put_file(d / "out/results.json", R"({"command": "analyze", "earlier": true})");
  // A small memory limit streams every step, so the analysis is still running when the signal comes.
  const pid_t pid = start_cli({"--memory-limit", "2MiB", "analyze", d / "s/labels.tif", "--out", d / "out"}, "/dev/null", [] {});
  auto staging = [&] {
    for (const auto& e : fs::directory_iterator(d.path()))
      if (e.path().filename().string().rfind(".out.tmp-", 0) == 0) return e.path();
    return fs::path();
  };
  bool started = false;
  for (int i = 0; i < 20000 && !started; ++i) {
    const fs::path s = staging();
    started = !s.empty() && fs::exists(s / "analyze.log");
    if (!started) ::usleep(1000);
  }
  ::usleep(200000);  // into the steps, past the folder's creation
  ::kill(pid, SIGTERM);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (!started || WIFEXITED(status)) GTEST_SKIP() << "the analysis finished before the signal";
  EXPECT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(WTERMSIG(status), SIGTERM);
  EXPECT_EQ(staging(), fs::path());
  EXPECT_EQ(names_in(d / "out"), (std::set<std::string>{"results.json"}));
  EXPECT_TRUE(test::read_json(d / "out/results.json")["earlier"].get<bool>());
}

TEST(CliOutputs, CompareWarnsAboutFailedResultsAndRefusesWhenNoneIsUsable) {
  TempDir d;
  fs::create_directories(d / "good");
  fs::create_directories(d / "failed");
  test::put_file(d / "good/results.json",
                 R"({"command": "analyze", "results": {"fractions": {"phases": {"pore": {"volume_fraction": 0.4}}}, "failed_steps": []}})");
  test::put_file(d / "failed/results.json",
                 R"({"command": "analyze", "results": {"failed_steps": [{"step": "load", "error": "x.tif: no such file"}]}})");
  const auto r = run_cli("compare " + quoted(d / "good") + " " + quoted(d / "failed") + " --out " + quoted(d / "cmp"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("emorph: warning: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("failed"), std::string::npos) << r.err;
  const auto j = test::read_json(d / "cmp/compare.json");
  ASSERT_EQ(j["warnings"].size(), 2u);  // the failed step, and no fractions
  expect_input_error(run_cli("compare " + quoted(d / "failed") + " --out " + quoted(d / "cmp2")), {"no", "usable"});
  EXPECT_FALSE(fs::exists(d / "cmp2"));
}
