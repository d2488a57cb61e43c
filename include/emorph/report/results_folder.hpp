#pragma once
// A results folder written beside its final place and renamed into place only when the run succeeds,
// so a failed run leaves no partial results and never replaces an earlier results folder (CONTRACT).
#include <filesystem>
#include <string>

namespace emorph {

class StagedResultsFolder {
 public:
  // `target` must be absent, empty, or an earlier results folder (it holds results.json or
  // analyze.log); anything else is refused with InputError, since the folder is replaced on success.
  // `input`, when given, must not lie inside `target`. The staging folder is created beside `target`.
  StagedResultsFolder(const std::string& target, const std::string& input);
  ~StagedResultsFolder();
  StagedResultsFolder(const StagedResultsFolder&) = delete;
  StagedResultsFolder& operator=(const StagedResultsFolder&) = delete;

  const std::filesystem::path& staging() const { return staging_; }
  const std::filesystem::path& target() const { return target_; }

  // Success: the staging folder replaces `target` (an earlier one is removed only now).
  void commit();
  // Failure: only staging/`file` survives, as target/`file` (target is created if absent; an earlier
  // results folder keeps every other file); the staging folder is removed.
  void keep_only(const std::string& file);

 private:
  std::filesystem::path target_, staging_;
  bool done_ = false;
};

}  // namespace emorph
