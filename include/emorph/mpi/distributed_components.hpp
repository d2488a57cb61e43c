#pragma once
// Connected components over MPI ranks (issue 19): each rank labels its own z slab in core
// (label_components, provisional ids in raster order after those of the ranks before it), finds the
// equivalences across its lower face from the previous rank's last slice (a one-plane halo), and sends
// them with its face ids to rank 0. Rank 0 joins the trees (union-find over the face ids only) and
// answers each rank with the final number of its face ids: trees are numbered in the order of their
// smallest provisional id, i.e. of their first voxel in raster order, the in-core numbering; every other
// id's number follows from the count of merged ids before it. Labels, statistics and percolation classes
// are therefore identical to one process. Memory per rank: its slab, the two face planes, and tables
// per component (statistics).
#include <string>

#include "emorph/io.hpp"
#include "emorph/stream/streamed_components.hpp"

namespace emorph {

// emorph label under several ranks (streamed_label_components' results); rank 0 writes `output`.
StreamedLabelResult distributed_label_components(const std::string& input, const std::string& output,
                                                 const StreamedLabelParams& params, const ReadOptions& read_options,
                                                 StreamReport* report = nullptr);

// emorph connectivity of one phase under several ranks (streamed_connectivity's results); rank 0 writes
// the classes to `classes_output` when it is not empty.
ConnectivityResult distributed_connectivity(const std::string& input, const ConnectivityParams& params,
                                            const std::string& classes_output, const ReadOptions& read_options,
                                            StreamReport* report = nullptr);

// Voxels per label 0..255 of a label file, each rank counting its own slab (streamed_label_voxels).
std::vector<int64_t> distributed_label_voxels(const std::string& input);

}  // namespace emorph
