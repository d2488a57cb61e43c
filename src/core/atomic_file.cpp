#include "emorph/atomic_file.hpp"

#include <unistd.h>

#include <atomic>
#include <fstream>

#include "emorph/error.hpp"
#include "emorph/output_transaction.hpp"
#include "emorph/parallel.hpp"

namespace fs = std::filesystem;

namespace emorph {

AtomicOutput::AtomicOutput(fs::path target) : target_(std::move(target)) {
  if (target_.empty()) throw InputError("output path is empty");
  std::error_code ec;
  if (fs::is_directory(target_, ec)) throw InputError(target_.string() + ": output path is a directory");
  fs::path parent = target_.parent_path();
  if (!parent.empty() && !fs::is_directory(parent, ec))
    throw InputError(target_.string() + ": output folder " + parent.string() + " does not exist");
  static std::atomic<int> counter{0};
  temp_ = target_;
  temp_ += ".tmp-emorph-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
  // Under MPI every rank runs the command but only rank 0 commits; ranks on other nodes may share a pid.
  if (world_ranks() > 1) temp_ += "-rank" + std::to_string(world_rank());
  register_temporary(temp_);
}

AtomicOutput::~AtomicOutput() {
  if (!committed_) {
    std::error_code ec;
    fs::remove(temp_, ec);
    unregister_temporary(temp_);
  }
}

void AtomicOutput::commit() {
  finish_output(temp_, target_);
  committed_ = true;
}

void write_text_atomic(const fs::path& target, const std::string& text) {
  AtomicOutput out(target);
  {
    std::ofstream f(out.temp_path(), std::ios::binary);
    if (!f) throw InputError(target.string() + ": cannot open for writing");
    f << text;
    if (!f.flush()) throw InputError(target.string() + ": write failed");
  }
  out.commit();
}

std::string file_part(const std::string& address) {
  auto pos = address.find(":/");
  for (const char* ext : {".h5:/", ".hdf5:/", ".hdf:/", ".nxs:/"}) {
    auto p = address.find(ext);
    if (p != std::string::npos) return address.substr(0, p + std::string(ext).size() - 2);
  }
  (void)pos;
  return address;
}

void check_output_differs(const std::string& input, const std::string& output) {
  fs::path in = file_part(input), out = file_part(output);
  std::error_code ec;
  bool same = fs::exists(out, ec) && fs::exists(in, ec) && fs::equivalent(in, out, ec);
  if (!same) same = fs::weakly_canonical(in, ec) == fs::weakly_canonical(out, ec);
  if (same) throw InputError(output + ": output path equals the input; choose another output name");
}

}  // namespace emorph
