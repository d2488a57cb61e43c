#pragma once
// The three destriping methods of destripe.cpp, one file each (destripe_column_offsets.cpp,
// destripe_variational.cpp, destripe_wavelet_fft.cpp): each filters one slice in the stripe frame.
#include <cstdint>
#include <memory>

#include "emorph/filter/destripe.hpp"

namespace emorph::detail {

// One image with vertical stripes (ny x nx, contiguous): out = in without the stripes. run() is called
// from many threads at once.
class StripeFilter {
 public:
  virtual ~StripeFilter() = default;
  virtual void run(const float* in, float* out) const = 0;
};

// Parameters already validated by destripe().
std::unique_ptr<StripeFilter> make_column_offsets_filter(int64_t ny, int64_t nx, const DestripeParams& params);
std::unique_ptr<StripeFilter> make_variational_filter(int64_t ny, int64_t nx, const DestripeParams& params);
std::unique_ptr<StripeFilter> make_wavelet_fft_filter(int64_t ny, int64_t nx, const DestripeParams& params);

}  // namespace emorph::detail
