#pragma once
// emorph segment streamed from file to file in z slabs (docs/streaming.md): the histogram (of the
// median-filtered slabs when a median pre-filter is on, each slab with a halo of the filter's radius)
// is summed per slab as exact counts per grey value, the thresholds come from it by the in-core code
// (threshold_segment_classes), then a second walk classifies each slab (phase_map) and re-measures
// the threshold band per slab. Results and the label volume equal the in-core run's.
#include <string>

#include "emorph/io.hpp"
#include "emorph/segment/segment.hpp"
#include "emorph/stream/streamed_measures.hpp"

namespace emorph {

// True when segment(params) of a `grey_dtype` volume without a mask streams: 8- or 16-bit integers,
// a two-or-more-class threshold method (not fibsem), no pre-filter or a median one ("auto" included).
bool segment_streams(DType grey_dtype, const SegmentParams& params);

// segment() of the file at `input`, the labels written to `output` slab by slab (temporary name,
// renamed at the end); the returned result holds no label volume.
SegmentResult streamed_segment(const std::string& input, const std::string& output, const SegmentParams& params,
                               const PhaseTable& table, const ReadOptions& read_options, const StreamParams& stream,
                               StreamReport* report = nullptr);

}  // namespace emorph
