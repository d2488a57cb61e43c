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

#include "emorph/io.hpp"
#include "io/io_test_util.hpp"
#include "support/test_support.hpp"

namespace fs = std::filesystem;
using namespace emorph;
using emorph::test::run_cli;
using emorph::test::TempDir;

namespace {

std::string q(const std::string& s) { return "'" + s + "'"; }

void expect_bad(const test::CliResult& r, std::initializer_list<std::string> fragments) {
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(r.err.rfind("emorph: error: ", 0), 0u) << r.err;
  for (const auto& f : fragments) EXPECT_NE(r.err.find(f), std::string::npos) << r.err << " lacks " << f;
}

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

}  // namespace

TEST(CliOutputs, OutputOverARawSidecarOrDetachedDataIsRefused) {
  TempDir d;
  write_volume(d / "v.raw", labels());
  const std::string raw = test::file_bytes(d / "v.raw"), side = test::file_bytes(d / "v.json");
  expect_bad(run_cli("fractions " + q(d / "v.raw") + " --json " + q(d / "v.json")), {"v.json", "equals the input"});
  expect_bad(run_cli("fractions " + q(d / "v.raw") + " --csv " + q(d / "v.json")), {"v.json", "equals the input"});
  expect_bad(run_cli("convert " + q(d / "v.raw") + " " + q(d / "v.nhdr")), {"v.raw", "equals the input"});
  expect_bad(run_cli("convert " + q(d / "v.raw") + " " + q(d / "v.mhd")), {"v.raw", "equals the input"});
  write_volume(d / "w.nhdr", labels());
  const std::string data = test::file_bytes(d / "w.raw");
  expect_bad(run_cli("info " + q(d / "w.nhdr") + " --json " + q(d / "w.raw")), {"w.raw", "equals the input"});
  EXPECT_EQ(raw, test::file_bytes(d / "v.raw"));
  EXPECT_EQ(side, test::file_bytes(d / "v.json"));
  EXPECT_EQ(data, test::file_bytes(d / "w.raw"));
  EXPECT_EQ(names_in(d.path()), (std::set<std::string>{"v.raw", "v.json", "w.nhdr", "w.raw"}));
}

TEST(CliOutputs, OutputOverAMaskSeriesOrConfigIsRefused) {
  TempDir d;
  write_volume(d / "v.tif", labels());
  write_volume(d / "m.tif", labels());
  write_volume(d / "s.tif", labels());
  ASSERT_EQ(run_cli("init-config " + q(d / "c.toml")).exit_code, 0);
  const std::string mask = test::file_bytes(d / "m.tif"), series = test::file_bytes(d / "s.tif"),
                    config = test::file_bytes(d / "c.toml");
  expect_bad(run_cli("histogram " + q(d / "v.tif") + " --mask " + q(d / "m.tif") + " --csv " + q(d / "m.tif")),
             {"--mask", "m.tif", "equals the input"});
  expect_bad(run_cli("segment " + q(d / "v.tif") + " " + q(d / "m.tif") + " --mask " + q(d / "m.tif")),
             {"m.tif", "equals the input"});
  expect_bad(run_cli("tortuosity " + q(d / "v.tif") + " --phase pore --series " + q(d / "s.tif") + " --field " + q(d / "s.tif")),
             {"--series", "equals the input"});
  expect_bad(run_cli("analyze " + q(d / "v.tif") + " --config " + q(d / "c.toml") + " --out " + q(d / "c.toml")),
             {"c.toml"});
  EXPECT_EQ(mask, test::file_bytes(d / "m.tif"));
  EXPECT_EQ(series, test::file_bytes(d / "s.tif"));
  EXPECT_EQ(config, test::file_bytes(d / "c.toml"));
}

TEST(CliOutputs, TwoOutputsOfOneCommandMayNotShareAFile) {
  TempDir d;
  write_volume(d / "v.tif", labels());
  expect_bad(run_cli("fractions " + q(d / "v.tif") + " --json " + q(d / "x") + " --csv " + q(d / "x")),
             {"equals the output"});
  expect_bad(run_cli("tortuosity " + q(d / "v.tif") + " --phase pore --field " + q(d / "f.tif") + " --flux-field " +
                     q(d / "f.tif")),
             {"--field", "--flux-field", "equals the output"});
  // A raw output's own sidecar is o.json: --json o.json would be written twice.
  expect_bad(run_cli("crop " + q(d / "v.tif") + " " + q(d / "o.raw") + " --box 0:2,0:2,0:2 --json " + q(d / "o.json")),
             {"o.json", "equals the output"});
  EXPECT_EQ(names_in(d.path()), (std::set<std::string>{"v.tif"}));
}

TEST(CliOutputs, ConvertIntoAnHdf5FileAddsTheDataset) {
  TempDir d;
  const auto v = labels();
  write_volume(d / "multi.h5:/a", v);
  write_volume(d / "multi.h5:/b", v);
  write_volume(d / "x.tif", v);
  ASSERT_EQ(run_cli("convert " + q(d / "x.tif") + " " + q(d / "multi.h5:/c")).exit_code, 0);
  for (const char* ds : {"/a", "/b", "/c"}) EXPECT_EQ(read_info(d / (std::string("multi.h5:") + ds)).shape.nz, 8) << ds;
  expect_bad(run_cli("convert " + q(d / "multi.h5:/a") + " " + q(d / "multi.h5:/a")), {"equals the input"});
  EXPECT_EQ(names_in(d.path()), (std::set<std::string>{"multi.h5", "x.tif"}));
}

TEST(CliOutputs, AFailingLaterOutputLeavesNoEarlierOutput) {
  TempDir d;
  write_volume(d / "v.tif", labels());
  const std::string box = " --box 0:4,0:4,0:4";
  for (const std::string cmd :
       {"crop " + q(d / "v.tif") + " " + q(d / "o.tif") + box, "edt " + q(d / "v.tif") + " " + q(d / "o.tif"),
        "rescale " + q(d / "v.tif") + " " + q(d / "o.tif"), "slice " + q(d / "v.tif") + " " + q(d / "o.png"),
        "localthickness " + q(d / "v.tif") + " " + q(d / "o.tif") + " --phase NMC",
        "denoise " + q(d / "v.tif") + " " + q(d / "o.tif") + " --filter median:1",
        "segment " + q(d / "v.tif") + " " + q(d / "o.tif") + " --method otsu --classes pore,NMC",
        "fibsem-prep " + q(d / "v.tif") + " " + q(d / "o.tif")}) {
    expect_bad(run_cli(cmd + " --json " + q(d / "missing/r.json")), {"missing", "does not exist"});
    EXPECT_EQ(names_in(d.path()), (std::set<std::string>{"v.tif"})) << cmd;
  }
  expect_bad(run_cli("histogram " + q(d / "v.tif") + " --csv " + q(d / "h.csv") + " --png " + q(d / "missing/h.png")),
             {"does not exist"});
  EXPECT_EQ(names_in(d.path()), (std::set<std::string>{"v.tif"}));
  // And all of them when the command succeeds.
  ASSERT_EQ(run_cli("crop " + q(d / "v.tif") + " " + q(d / "o.tif") + box + " --json " + q(d / "r.json")).exit_code, 0);
  EXPECT_EQ(names_in(d.path()), (std::set<std::string>{"v.tif", "o.tif", "r.json"}));
}

TEST(CliOutputs, OutputsInUnwritablePlacesAreRefusedBeforeAnyWork) {
  TempDir d;
  write_volume(d / "v.tif", labels());
  expect_bad(run_cli("convert " + q(d / "v.tif") + " " + q(d / "o.xyz")), {"o.xyz", "unknown volume format"});
  expect_bad(run_cli("info " + q(d / "v.tif") + " --json " + q(d.path().string())), {"is a directory"});
  if (::geteuid() == 0)
    expect_bad(run_cli("convert " + q(d / "v.tif") + " /proc/emorph-o.tif"), {"/proc", "cannot write"});
  EXPECT_EQ(names_in(d.path()), (std::set<std::string>{"v.tif"}));
}

// A write error (here a file-size limit: EFBIG, as ENOSPC would be) names the user's output folder,
// never the internal temporary folder, and leaves nothing behind.
TEST(CliOutputs, WriteErrorNamesTheOutputNotTheTemporaryFolder) {
  TempDir d;
  Volume<uint8_t> v({3, 128, 128}, {1, 1, 1});
  write_volume(d / "v.tif", v);
  const pid_t pid = ::fork();
  if (pid == 0) {
    std::signal(SIGXFSZ, SIG_IGN);
    rlimit limit{8192, 8192};
    ::setrlimit(RLIMIT_FSIZE, &limit);
    const std::string err = d / "err";
    ::freopen(err.c_str(), "w", stderr);
    ::execl(EMORPH_CLI, EMORPH_CLI, "--quiet", "convert", (d / "v.tif").c_str(), (d / "slices/").c_str(), nullptr);
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 2);
  const std::string err = test::file_bytes(d / "err");
  EXPECT_NE(err.find("slices"), std::string::npos) << err;
  EXPECT_EQ(err.find(".tmp-emorph"), std::string::npos) << err;
  EXPECT_EQ(names_in(d.path()), (std::set<std::string>{"v.tif", "err"}));
}

TEST(CliOutputs, SigtermDuringAWriteLeavesNoTemporary) {
  TempDir d;
  // Large enough that the write is still running when the signal comes (64 MiB of float32).
  Volume<float> big({256, 256, 256}, {1, 1, 1});
  write_volume(d / "big.raw", big);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::freopen("/dev/null", "w", stderr);
    ::execl(EMORPH_CLI, EMORPH_CLI, "--quiet", "convert", (d / "big.raw").c_str(), (d / "out.nrrd").c_str(), "--compress",
            nullptr);
    ::_exit(127);
  }
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

TEST(CliOutputs, CompareWarnsAboutFailedResultsAndRefusesWhenNoneIsUsable) {
  TempDir d;
  fs::create_directories(d / "good");
  fs::create_directories(d / "failed");
  test::put_file(d / "good/results.json",
                 R"({"command": "analyze", "results": {"fractions": {"phases": {"pore": {"volume_fraction": 0.4}}}, "failed_steps": []}})");
  test::put_file(d / "failed/results.json",
                 R"({"command": "analyze", "results": {"failed_steps": [{"step": "load", "error": "x.tif: no such file"}]}})");
  const auto r = run_cli("compare " + q(d / "good") + " " + q(d / "failed") + " --out " + q(d / "cmp"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("emorph: warning: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("failed"), std::string::npos) << r.err;
  const auto j = test::read_json(d / "cmp/compare.json");
  ASSERT_EQ(j["warnings"].size(), 2u);  // the failed step, and no fractions
  expect_bad(run_cli("compare " + q(d / "failed") + " --out " + q(d / "cmp2")), {"no", "usable"});
  EXPECT_FALSE(fs::exists(d / "cmp2"));
}
