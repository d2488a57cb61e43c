#pragma once
// Outputs are written to a temporary name beside the target and renamed on success, so a failure
// never leaves a half-written file; inputs are never opened for writing.
#include <filesystem>
#include <string>

namespace emorph {

class AtomicOutput {
 public:
  // Throws InputError when `target` is a directory or its parent folder does not exist.
  explicit AtomicOutput(std::filesystem::path target);
  ~AtomicOutput();  // removes the temporary file unless commit() ran
  AtomicOutput(const AtomicOutput&) = delete;
  AtomicOutput& operator=(const AtomicOutput&) = delete;

  const std::filesystem::path& temp_path() const { return temp_; }
  const std::filesystem::path& target() const { return target_; }
  void commit();  // renames the temporary file onto the target (at the commit of an OutputTransaction holding it)

 private:
  std::filesystem::path target_, temp_;
  bool committed_ = false;
};

// Writes text to `target` atomically.
void write_text_atomic(const std::filesystem::path& target, const std::string& text);

// Throws InputError if `output` names the same file as `input` (also through links or HDF5 suffixes).
void check_output_differs(const std::string& input, const std::string& output);

// The file part of "file.h5:/dataset" addresses; other paths unchanged.
std::string file_part(const std::string& address);

}  // namespace emorph
