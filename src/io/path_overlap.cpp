// The files behind a command's paths (volume companions included) and the checks, before any work,
// that no output overwrites an input or another output and that every output can be written.
#include "emorph/io/path_overlap.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "emorph/error.hpp"
#include "io/io_util.hpp"

namespace fs = std::filesystem;

namespace emorph {
namespace {

bool is_input(PathKind k) {
  return k == PathKind::input_volume || k == PathKind::input_file || k == PathKind::input_folder;
}

fs::path canonical_form(const std::string& p) {
  std::error_code ec;
  fs::path c = fs::weakly_canonical(fs::absolute(p, ec), ec);
  return ec ? fs::path(p).lexically_normal() : c;
}

// Same file: same inode when both exist (hard links, bind mounts), else the same canonical path.
bool same_path(const std::string& a, const std::string& b) {
  std::error_code ec;
  if (fs::exists(a, ec) && fs::exists(b, ec)) {
    const bool eq = fs::equivalent(a, b, ec);
    if (!ec) return eq;
  }
  return canonical_form(a) == canonical_form(b);
}

bool inside(const std::string& path, const std::string& folder) {
  const fs::path p = canonical_form(path), f = canonical_form(folder);
  if (p == f) return true;
  auto pi = p.begin();
  for (auto fi = f.begin(); fi != f.end(); ++fi, ++pi) {
    if (fi->empty()) continue;  // a trailing separator
    if (pi == p.end() || *pi != *fi) return false;
  }
  return true;
}

std::string normal_dataset(std::string d) {
  if (d.empty()) return d;
  if (d.front() != '/') d.insert(d.begin(), '/');
  return d;
}

std::string strip_trailing_slashes(std::string d) {
  while (d.size() > 1 && d.back() == '/') d.pop_back();
  return d;
}

bool is_folder_volume_address(const std::string& address) {
  const std::string ext = io::lower_extension(address);
  std::error_code ec;
  return fs::is_directory(address, ec) || address.back() == '/' || ext.empty();
}

std::vector<FileUse> input_volume_files(const std::string& address) {
  const std::string file = file_part(address);
  if (file != address) return {{file, normal_dataset(address.substr(file.size() + 1)), false}};
  std::vector<FileUse> files = {{address, "", false}};
  try {
    for (const auto& f : read_info(address).files) files.push_back({f, "", false});
  } catch (const std::exception&) {
    // Unreadable: the command will say why when it reads it; meanwhile guard the companions it would open.
    const std::string ext = io::lower_extension(address);
    if (ext == ".raw" || ext == ".bin")
      files.insert(files.end(), {{fs::path(address).replace_extension(".json").string(), "", false},
                                 {address + ".json", "", false}});
  }
  return files;
}

std::vector<FileUse> output_volume_files(const std::string& address, const WriteOptions& o) {
  const std::string file = file_part(address);
  if (file != address) {
    const std::string d = normal_dataset(address.substr(file.size() + 1));
    return {{file, d.empty() ? "/volume" : d, false}};
  }
  const std::string ext = io::lower_extension(address);
  if (ext == ".h5" || ext == ".hdf5" || ext == ".hdf" || ext == ".nxs") return {{address, "/volume", false}};
  if (ext == ".raw" || ext == ".bin") return {{address, ""}, {fs::path(address).replace_extension(".json").string(), ""}};
  const fs::path beside = fs::path(address).parent_path() / fs::path(address).stem();
  if (ext == ".nhdr") return {{address, ""}, {beside.string() + (o.compress ? ".raw.gz" : ".raw"), ""}};
  if (ext == ".mhd") return {{address, ""}, {beside.string() + (o.compress ? ".zraw" : ".raw"), ""}};
  if (is_folder_volume_address(address)) return {{strip_trailing_slashes(address), "", true}};
  return {{address, "", false}};
}

std::string describe(const PathUse& use, const FileUse& f) {
  const bool positional = use.option == "input" || use.option == "output";
  std::string s = positional ? use.address : use.option + " " + use.address;
  if (!same_path(file_part(use.address), f.path)) s += " (its file " + f.path + ")";
  return s;
}

// Whether writing `w` (of `writer`) destroys or changes `r` (of `reader`).
bool clashes(const FileUse& r, const PathUse& reader, const FileUse& w, const PathUse& writer) {
  if (w.folder) {
    // A folder of slices replaces the whole folder; a results folder only adds its own files.
    return writer.kind == PathKind::output_volume ? inside(r.path, w.path) : same_path(r.path, w.path);
  }
  if (r.folder) return same_path(w.path, r.path);
  if (!same_path(r.path, w.path)) return false;
  // The HDF5 writer adds its dataset to a copy of the file, so reading another dataset is safe; two
  // outputs in one file are not (each copy would miss the other's dataset).
  if (is_input(reader.kind) && !r.hdf5_dataset.empty() && !w.hdf5_dataset.empty())
    return r.hdf5_dataset == w.hdf5_dataset;
  return true;
}

}  // namespace

std::vector<FileUse> files_of(const PathUse& use, const WriteOptions& o) {
  if (use.address.empty()) return {};
  switch (use.kind) {
    case PathKind::input_volume: return input_volume_files(use.address);
    case PathKind::input_file: return {{use.address, "", false}};
    case PathKind::input_folder: {
      std::error_code ec;
      return {{strip_trailing_slashes(use.address), "", fs::is_directory(use.address, ec)}};
    }
    case PathKind::output_volume: return output_volume_files(use.address, o);
    case PathKind::output_file: return {{use.address, "", false}};
    case PathKind::output_folder: return {{strip_trailing_slashes(use.address), "", true}};
  }
  return {};
}

void check_no_overlap(const std::vector<PathUse>& uses, const WriteOptions& o) {
  std::vector<std::vector<FileUse>> files;
  for (const auto& u : uses) files.push_back(files_of(u, o));
  for (std::size_t wi = 0; wi < uses.size(); ++wi) {
    if (is_input(uses[wi].kind)) continue;
    for (std::size_t ri = 0; ri < uses.size(); ++ri) {
      if (ri == wi || (!is_input(uses[ri].kind) && ri > wi)) continue;  // each pair of outputs once
      const char* role = is_input(uses[ri].kind) ? "the input " : "the output ";
      for (const auto& w : files[wi])
        for (const auto& r : files[ri])
          if (clashes(r, uses[ri], w, uses[wi]))
            throw InputError(describe(uses[wi], w) + ": output path equals " + role + describe(uses[ri], r) +
                             "; choose another output name");
    }
  }
}

namespace {

// Creates and removes a probe file: the only reliable test (permission bits do not bind root, and
// read-only mounts or full quotas show only on creation).
void require_writable_folder(const fs::path& folder, const std::string& what) {
  const fs::path probe = folder / (".emorph-probe-" + std::to_string(::getpid()));
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return;
    throw InputError(what + ": cannot write in folder " + folder.string() + " (" + std::strerror(errno) + ")");
  }
  ::close(fd);
  ::unlink(probe.c_str());
}

void check_output_file_location(const std::string& option, const std::string& path) {
  const std::string what = option + " " + path;
  std::error_code ec;
  if (fs::is_directory(path, ec)) throw InputError(what + ": output path is a directory");
  fs::path parent = fs::path(path).parent_path();
  if (parent.empty()) parent = ".";
  if (!fs::is_directory(parent, ec)) {
    if (fs::exists(parent, ec)) throw InputError(what + ": " + parent.string() + " is not a folder");
    throw InputError(what + ": output folder " + parent.string() + " does not exist");
  }
  require_writable_folder(parent, what);
}

void check_created_folder_location(const std::string& option, const std::string& path, bool must_be_empty) {
  const std::string what = option + " " + path;
  std::error_code ec;
  fs::path p = strip_trailing_slashes(path);
  if (fs::exists(p, ec)) {
    if (!fs::is_directory(p, ec)) throw InputError(what + ": exists and is not a folder");
    if (must_be_empty && !fs::is_empty(p, ec)) throw InputError(what + ": output folder exists and is not empty");
    if (!must_be_empty) return require_writable_folder(p, what);
  }
  // The folder is created (with its parents): its first existing ancestor must be a writable folder.
  fs::path ancestor = fs::absolute(p, ec).parent_path();
  while (!ancestor.empty() && !fs::exists(ancestor, ec) && ancestor != ancestor.root_path()) ancestor = ancestor.parent_path();
  if (!fs::is_directory(ancestor, ec)) throw InputError(what + ": " + ancestor.string() + " is not a folder");
  if (must_be_empty && ancestor != fs::absolute(p, ec).parent_path())
    throw InputError(what + ": output folder " + fs::path(p).parent_path().string() + " does not exist");
  require_writable_folder(ancestor, what);
}

}  // namespace

void check_output_locations(const std::vector<PathUse>& uses, const WriteOptions& o) {
  for (const auto& u : uses) {
    if (u.address.empty() || is_input(u.kind)) continue;
    if (u.kind == PathKind::output_folder) {
      check_created_folder_location(u.option, u.address, false);
      continue;
    }
    if (u.kind == PathKind::output_volume) check_volume_output_address(u.address);
    for (const auto& f : files_of(u, o)) {
      if (f.folder)
        check_created_folder_location(u.option, f.path, true);
      else
        check_output_file_location(u.option, f.path);
    }
  }
}

}  // namespace emorph
