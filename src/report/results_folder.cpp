// Staged results folder: write into a sibling folder, then rename it into place (rename(2) is atomic
// within one file system; the earlier folder is moved aside first and removed after the swap).
#include "emorph/report/results_folder.hpp"

#include <random>
#include <system_error>

#include "emorph/atomic_file.hpp"
#include "emorph/error.hpp"
#include "emorph/output_transaction.hpp"

namespace fs = std::filesystem;

namespace emorph {

namespace {

bool is_earlier_results_folder(const fs::path& dir) {
  std::error_code ec;
  if (fs::is_empty(dir, ec)) return true;
  return fs::exists(dir / "results.json", ec) || fs::exists(dir / "analyze.log", ec);
}

bool lies_inside(const fs::path& path, const fs::path& dir) {
  std::error_code ec;
  const fs::path p = fs::weakly_canonical(path, ec), d = fs::weakly_canonical(dir, ec);
  auto di = d.begin(), pi = p.begin();
  for (; di != d.end() && !di->empty(); ++di, ++pi)
    if (pi == p.end() || *pi != *di) return false;
  return true;
}

// A name beside `target` that does not exist yet: .<name>.<suffix>-<random>.
fs::path sibling(const fs::path& target, const std::string& suffix) {
  std::random_device rd;
  std::error_code ec;
  for (int attempt = 0; attempt < 100; ++attempt) {
    const fs::path p = target.parent_path() / ("." + target.filename().string() + "." + suffix + "-" + std::to_string(rd() % 1000000));
    if (!fs::exists(p, ec)) return p;
  }
  throw InputError(target.string() + ": cannot find a free temporary name beside the results folder");
}

}  // namespace

StagedResultsFolder::StagedResultsFolder(const std::string& target, const std::string& input) {
  require(!target.empty(), "--out: empty results folder name");
  target_ = fs::absolute(fs::path(target)).lexically_normal();
  if (target_.filename().empty()) target_ = target_.parent_path();
  std::error_code ec;
  if (fs::exists(target_, ec)) {
    require(fs::is_directory(target_, ec), target + ": exists and is not a folder; choose another --out");
    require(is_earlier_results_folder(target_),
            target + ": exists and is not an emorph results folder (no results.json or analyze.log); choose another --out");
  }
  if (!input.empty())
    require(!lies_inside(file_part(input), target_),
            input + ": the input lies inside the results folder " + target + ", which analyze replaces; choose another --out");
  fs::create_directories(target_.parent_path(), ec);
  staging_ = sibling(target_, "tmp");
  if (!fs::create_directory(staging_, ec) || ec)
    throw InputError(target + ": cannot create a folder beside it (" + staging_.string() + ")");
  register_temporary(staging_, true);  // an interrupted analysis (SIGINT/SIGTERM/SIGHUP) leaves nothing behind
}

StagedResultsFolder::~StagedResultsFolder() {
  if (done_) return;
  std::error_code ec;
  fs::remove_all(staging_, ec);
  unregister_temporary(staging_);
}

void StagedResultsFolder::commit() {
  std::error_code ec;
  fs::path old;
  if (fs::exists(target_, ec)) {
    old = sibling(target_, "old");
    fs::rename(target_, old, ec);
    if (ec) throw InputError(target_.string() + ": cannot move the earlier results aside: " + ec.message());
  }
  fs::rename(staging_, target_, ec);
  if (ec) {
    std::error_code restore;
    if (!old.empty()) fs::rename(old, target_, restore);
    throw InputError(target_.string() + ": cannot move the new results into place: " + ec.message());
  }
  done_ = true;
  unregister_temporary(staging_);
  if (!old.empty()) fs::remove_all(old, ec);
}

void StagedResultsFolder::keep_only(const std::string& file) {
  std::error_code ec;
  fs::create_directories(target_, ec);
  if (fs::exists(staging_ / file, ec)) fs::rename(staging_ / file, target_ / file, ec);
  fs::remove_all(staging_, ec);
  unregister_temporary(staging_);
  done_ = true;
}

}  // namespace emorph
