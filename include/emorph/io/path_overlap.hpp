#pragma once
// Every file a command reads or writes, so that no output can overwrite an input or another output:
// a volume address stands for all its files (a raw file's JSON sidecar, a detached NRRD/MetaImage data
// file, a folder's slices, an HDF5 file's dataset), and output locations are checked before any work.
#include <string>
#include <vector>

#include "emorph/io.hpp"

namespace emorph {

// What a path option names.
enum class PathKind {
  input_volume,   // read through read_volume: every file the reader opens
  input_file,     // a plain file read as a whole (a config, a results.json)
  input_folder,   // a folder read as a whole (an analyze results folder)
  output_volume,  // written through write_volume: the file plus its companions
  output_file,    // a plain file (JSON, CSV, PNG, mesh)
  output_folder,  // a folder the command creates (with its parents) and fills
};

struct PathUse {
  std::string option;  // how the user named it: "--json", "output", "--series" ...
  std::string address;
  PathKind kind = PathKind::input_volume;
};

struct FileUse {
  std::string path;
  std::string hdf5_dataset;  // "" unless an HDF5 dataset address
  bool folder = false;       // the path is a folder: everything inside it is concerned
};

// The files behind one use: for an input volume, every file its reader opens (falls back to the
// address's own file and its candidate sidecars when the header cannot be read); for an output
// volume, every file the writer creates for that extension.
std::vector<FileUse> files_of(const PathUse& use, const WriteOptions& write_options = {});

// Throws InputError naming both options when an output's file is an input's file or another output's
// (same path after links, or same inode). An HDF5 output may add a dataset to a file that an input
// reads another dataset of (the writer works on a copy), never to a file another output writes.
void check_no_overlap(const std::vector<PathUse>& uses, const WriteOptions& write_options = {});

// Throws InputError unless every output can be written: the folder of an output file exists and is
// writable, an output file is not a folder, a volume's format is known from its address, a folder of
// slices is empty or absent, and an output folder's first existing ancestor is a writable folder.
void check_output_locations(const std::vector<PathUse>& uses, const WriteOptions& write_options = {});

// Throws InputError unless `address` names a volume format the writers know (from its extension).
void check_volume_output_address(const std::string& address);

}  // namespace emorph
