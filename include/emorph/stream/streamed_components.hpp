#pragma once
// Connected-component labelling streamed in z slabs (docs/streaming.md): each slab's mask is labelled
// in core (label_components), its components become provisional ids after those of the slabs before
// it, a union-find joins the ids that touch across each slab face (the backward neighbours of the
// slab's first slice in the previous slab's last slice), and the trees are numbered in the order of
// their smallest id. Ids follow raster order within a slab and slabs follow z, so that order is the
// raster order of each component's first voxel: the in-core numbering. A second walk labels the slabs
// again (deterministically) and writes the final labels. No halo, no scratch store.
#include <cstdint>
#include <optional>
#include <string>

#include "emorph/io.hpp"
#include "emorph/measure/components.hpp"
#include "emorph/phase_table.hpp"
#include "emorph/stream/streamed_measures.hpp"
#include "emorph/transport/connectivity.hpp"

namespace emorph {

struct StreamedLabelParams {
  std::optional<Phase> phase;  // foreground = this phase (uint8 labels; absent: InputError); unset: every non-zero voxel
  int connectivity = 26;
};

struct StreamedLabelResult {
  uint32_t count = 0;
  ComponentStats stats;  // component_statistics of the written labels
};

// label_components of the file's mask, written to `output` as uint32 slab by slab.
StreamedLabelResult streamed_label_components(const std::string& input, const std::string& output,
                                              const StreamedLabelParams& params, const ReadOptions& read_options,
                                              const StreamParams& stream, StreamReport* report = nullptr);

// connectivity() of a uint8 label file (params.phase_labels as in core); the classes volume is written
// to `classes_output` (a second walk) when it is not empty, and result.classes stays empty.
ConnectivityResult streamed_connectivity(const std::string& input, const ConnectivityParams& params,
                                         const std::string& classes_output, const ReadOptions& read_options,
                                         const StreamParams& stream, StreamReport* report = nullptr);

// Voxels per label 0..255 of a label file, streamed.
std::vector<int64_t> streamed_label_voxels(const std::string& input, const StreamParams& stream, StreamReport* report = nullptr);

}  // namespace emorph
