// Outputs committed together (OutputTransaction) and temporaries removed on SIGINT/SIGTERM.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>

#include "emorph/atomic_file.hpp"
#include "emorph/error.hpp"
#include "emorph/output_transaction.hpp"
#include "support/test_support.hpp"

namespace fs = std::filesystem;
using namespace emorph;
using emorph::test::TempDir;

namespace {

// Runs `body` in a child with the signal handlers installed; returns the child's wait status.
template <class F>
int in_child(F&& body) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    remove_temporaries_on_signals();
    body();
    ::_exit(0);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return status;
}

}  // namespace

TEST(OutputTransaction, HeldOutputsAppearOnlyAtCommit) {
  TempDir d;
  {
    OutputTransaction t({d / "a.txt", d / "b.txt"});
    write_text_atomic(d / "a.txt", "a");
    write_text_atomic(d / "c.txt", "c");  // not held: renamed at once
    EXPECT_FALSE(fs::exists(d / "a.txt"));
    EXPECT_TRUE(fs::exists(d / "c.txt"));
    write_text_atomic(d / "b.txt", "b");
    t.commit();
  }
  EXPECT_TRUE(fs::exists(d / "a.txt"));
  EXPECT_TRUE(fs::exists(d / "b.txt"));
  EXPECT_EQ(test::entry_count(d.path()), 3u);  // no temporaries
}

TEST(OutputTransaction, FailureBeforeCommitLeavesNoHeldOutput) {
  TempDir d;
  try {
    OutputTransaction t({d / "a.txt", d / "b.txt"});
    write_text_atomic(d / "a.txt", "a");
    write_text_atomic(d / "missing/b.txt", "b");  // fails: the folder does not exist
    t.commit();
    FAIL() << "expected an InputError";
  } catch (const InputError&) {
  }
  EXPECT_EQ(test::entry_count(d.path()), 0u);
}

TEST(OutputTransaction, SignalRemovesTemporaryFilesAndFoldersAndEndsByTheSignal) {
  for (int sig : {SIGTERM, SIGINT}) {
    TempDir d;
    const int status = in_child([&] {
      AtomicOutput out(d / "v.tif");
      std::ofstream(out.temp_path()) << "partial";
      const fs::path folder = d / "slices.tmp-emorph-x";
      fs::create_directory(folder);
      register_temporary(folder, true);
      std::ofstream(folder / "slice_0000.tif") << "partial";
      std::raise(sig);
      ::_exit(0);  // not reached: the handler ends the process by the signal
    });
    ASSERT_TRUE(WIFSIGNALED(status)) << status;
    EXPECT_EQ(WTERMSIG(status), sig);
    EXPECT_EQ(test::entry_count(d.path()), 0u) << "temporaries left after signal " << sig;
  }
}

TEST(OutputTransaction, SignalAfterDeferredCommitRemovesTheHeldTemporary) {
  TempDir d;
  const int status = in_child([&] {
    OutputTransaction t({d / "a.txt"});
    write_text_atomic(d / "a.txt", "a");  // finished, waiting for commit under a temporary name
    std::raise(SIGTERM);
  });
  ASSERT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(test::entry_count(d.path()), 0u);
}
