#pragma once
// The grey histogram of an 8- or 16-bit integer volume streamed from a file in z slabs: exact counts
// per grey value summed per slab, so the histogram (and every threshold computed on it) equals the
// in-core one. Wider dtypes need a first pass for the range: not streamed yet.
#include <string>

#include "emorph/segment/histogram.hpp"
#include "emorph/stream/streamed_measures.hpp"

namespace emorph {

bool histogram_streams(DType dtype);  // uint8, int8, uint16, int16

// histogram() of the whole file without a mask; throws InputError for other dtypes.
Histogram streamed_histogram(const std::string& address, const HistogramParams& params, const StreamParams& stream,
                             StreamReport* report = nullptr);

}  // namespace emorph
