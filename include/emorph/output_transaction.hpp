#pragma once
// A command's outputs are committed together: while an OutputTransaction is open, the final rename of
// each output it holds waits for commit(), so a failure anywhere (a later output, a later step) leaves
// none of them behind. Temporary output files and folders are also recorded in a signal-safe registry
// so that SIGINT/SIGTERM removes them before the process ends.
#include <filesystem>
#include <utility>
#include <vector>

namespace emorph {

class OutputTransaction {
 public:
  // `held`: the targets whose rename waits for commit(); every other output is renamed at once.
  explicit OutputTransaction(std::vector<std::filesystem::path> held);
  ~OutputTransaction();  // removes the temporaries of held outputs unless commit() ran
  OutputTransaction(const OutputTransaction&) = delete;
  OutputTransaction& operator=(const OutputTransaction&) = delete;
  // Renames every finished held output onto its target; throws InputError naming the target on failure.
  void commit();

 private:
  friend void finish_output(const std::filesystem::path&, const std::filesystem::path&);
  std::vector<std::filesystem::path> held_;
  std::vector<std::pair<std::filesystem::path, std::filesystem::path>> ready_;  // temp, target
  bool committed_ = false;
};

// Renames the finished temporary `temp` (file or folder) onto `target`, or, when the open transaction
// holds `target`, leaves it for the transaction's commit. Throws InputError naming `target`.
void finish_output(const std::filesystem::path& temp, const std::filesystem::path& target);

// Temporary paths removed by the signal handler (a folder with the files directly inside it).
void register_temporary(const std::filesystem::path& path, bool folder = false);
void unregister_temporary(const std::filesystem::path& path);

// SIGINT, SIGTERM and SIGHUP remove the registered temporaries, then end the process by the same signal
// (so the shell sees the conventional status 128 + signal number).
void remove_temporaries_on_signals();

}  // namespace emorph
