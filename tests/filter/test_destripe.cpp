// Curtaining removal: structure without stripes is left alone, synthetic curtains are removed while
// phase edges keep their sharpness, orientation handling, thread identity and parameter checks.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <random>

#include "emorph/error.hpp"
#include "emorph/filter/destripe.hpp"
#include "filter/fibsem_synthetic.hpp"
#include "support/threads.hpp"

namespace emorph {
namespace {

using test::difference;
using test::edge_gradient;

DestripeParams wavelet_params() {
  DestripeParams p;
  p.method = DestripeMethod::wavelet_fft;
  return p;
}

DestripeParams variational_params() {
  DestripeParams p;
  p.method = DestripeMethod::variational;
  return p;
}

TEST(Destripe, LeavesImagesWithoutVerticalStructureAlone) {
  // Varies along y only: nothing in it is a vertical stripe. All columns are equal, so every column
  // difference is 0 and the offsets are 0 exactly; the wavelet band across the stripes is exactly zero
  // (float round-off only); the variational model finds a stripe source near zero.
  Volume<float> v({1, 96, 80});
  for (int64_t y = 0; y < 96; ++y)
    for (int64_t x = 0; x < 80; ++x) v(0, y, x) = static_cast<float>(100 + 50 * std::sin(y * 0.2) + (y > 40 ? 60 : 0));
  const auto c = destripe(v.view());
  const auto w = destripe(v.view(), wavelet_params());
  const auto t = destripe(v.view(), variational_params());
  for (int64_t i = 0; i < v.size(); ++i) {
    ASSERT_NEAR(c.data()[i], v.data()[i], 1e-3);
    ASSERT_NEAR(w.data()[i], v.data()[i], 1e-2);
    ASSERT_NEAR(t.data()[i], v.data()[i], 0.5);  // 0.3% of the 160 grey-level range
  }
}

TEST(Destripe, ColumnOffsetsRecoversKnownOffsetsExactly) {
  // Noise-free piecewise-constant content (discs of 3 grey levels, some columns more than half
  // inside a disc) plus a random offset per column: every column difference has its exact offset
  // difference as mode, so the fit recovers the offsets up to their mean (float round-off only).
  Volume<float> clean({1, 120, 90});
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> unit(0, 1);
  for (float& v : clean) v = 40;
  for (int disc = 0; disc < 12; ++disc) {
    const double cy = unit(rng) * 120, cx = unit(rng) * 90, r = 5 + 15 * unit(rng);
    const float grey = static_cast<float>(disc % 2 ? 180 : 110);
    for (int64_t y = 0; y < 120; ++y)
      for (int64_t x = 0; x < 90; ++x)
        if (std::hypot(y - cy, x - cx) < r) clean(0, y, x) = grey;
  }
  std::vector<double> offset(90);
  double mean = 0;
  for (double& o : offset) mean += (o = 30 * (unit(rng) - 0.5)) / 90;
  Volume<float> striped(clean.shape());
  for (int64_t y = 0; y < 120; ++y)
    for (int64_t x = 0; x < 90; ++x) striped(0, y, x) = static_cast<float>(clean(0, y, x) + offset[x]);
  const auto out = destripe(striped.view());
  for (int64_t y = 0; y < 120; ++y)
    for (int64_t x = 0; x < 90; ++x) ASSERT_NEAR(out(0, y, x), clean(0, y, x) + mean, 1e-3) << y << "," << x;
}

TEST(Destripe, RemovesCurtainsAndKeepsEdges) {
  // Stripe energy is the band power of the residual to the stripe-free image (left-over stripes and
  // damaged content alike). Issue target: -90% with edge gradients within 10%. Measured on this
  // 512 x 512 slice: 98% (column offsets, default), 89% (variational), 46% (wavelet-FFT);
  // bench_fibsem reports more slices. The default is held to the acceptance figure itself; the
  // alternatives' bounds leave a few percent of margin.
  const test::SyntheticFibsemParams p{.nz = 1, .ny = 512, .nx = 512, .seed = 3, .particle_radius_px = 16,
      .noise_sigma = 6, .stripe_amplitude = 25};
  const auto s = test::make_synthetic_fibsem(p);
  const double before = stripe_band_power(difference(s.stack, s.without_stripes).view(), 90);
  const double edges = edge_gradient(s.without_stripes, s.labels);

  const auto offsets = destripe(s.stack.view());
  EXPECT_LT(stripe_band_power(difference(offsets, s.without_stripes).view(), 90), 0.10 * before);
  EXPECT_NEAR(edge_gradient(offsets, s.labels) / edges, 1.0, 0.1);

  const auto variational = destripe(s.stack.view(), variational_params());
  EXPECT_LT(stripe_band_power(difference(variational, s.without_stripes).view(), 90), 0.15 * before);
  EXPECT_NEAR(edge_gradient(variational, s.labels) / edges, 1.0, 0.1);

  const auto wavelet = destripe(s.stack.view(), wavelet_params());
  EXPECT_LT(stripe_band_power(difference(wavelet, s.without_stripes).view(), 90), 0.65 * before);
  EXPECT_NEAR(edge_gradient(wavelet, s.labels) / edges, 1.0, 0.1);
}

TEST(Destripe, HorizontalEqualsTransposedVertical) {
  test::SyntheticFibsemParams p;
  p.nz = 2;
  p.stripe_amplitude = 20;
  const auto s = test::make_synthetic_fibsem(p);
  Volume<float> transposed({p.nz, p.nx, p.ny});
  for (int64_t z = 0; z < p.nz; ++z)
    for (int64_t y = 0; y < p.ny; ++y)
      for (int64_t x = 0; x < p.nx; ++x) transposed(z, x, y) = s.stack(z, y, x);
  for (const DestripeParams& base : {DestripeParams{}, variational_params(), wavelet_params()}) {
    DestripeParams horizontal = base;
    horizontal.angle_deg = 0;
    const auto a = destripe(s.stack.view(), base);
    const auto b = destripe(transposed.view(), horizontal);
    for (int64_t z = 0; z < p.nz; ++z)
      for (int64_t y = 0; y < p.ny; ++y)
        for (int64_t x = 0; x < p.nx; ++x) ASSERT_EQ(a(z, y, x), b(z, x, y));
  }
}

TEST(Destripe, ObliqueStripes) {
  // The synthetic curtains turned to 60 degrees (nearest-neighbour resampling of the vertical field)
  // on stripe-free content. Measured: 84% of the stripe band energy removed (column offsets; the
  // variational model 79%); interpolation to the rotated frame and back costs some of what vertical
  // stripes allow.
  const test::SyntheticFibsemParams p{.nz = 1, .ny = 384, .nx = 384, .seed = 3, .particle_radius_px = 12,
      .noise_sigma = 6, .stripe_amplitude = 25};
  const auto s = test::make_synthetic_fibsem(p);
  const auto field = difference(s.stack, s.without_stripes);
  const double a = 60 * std::numbers::pi / 180, c = 0.5 * (p.ny - 1);
  Volume<float> striped(s.stack.shape());
  for (int64_t y = 0; y < p.ny; ++y)
    for (int64_t x = 0; x < p.nx; ++x) {
      const double along = (y - c) * std::sin(a) + (x - c) * std::cos(a), across = -(y - c) * std::cos(a) + (x - c) * std::sin(a);
      const int64_t fy = std::clamp<int64_t>(std::lround(along + c), 0, p.ny - 1);
      const int64_t fx = std::clamp<int64_t>(std::lround(across + c), 0, p.nx - 1);
      striped(0, y, x) = s.without_stripes(0, y, x) + field(0, fy, fx);
    }
  DestripeParams params;
  params.angle_deg = 60;
  const double before = stripe_band_power(difference(striped, s.without_stripes).view(), 60);
  const auto out = destripe(striped.view(), params);
  EXPECT_LT(stripe_band_power(difference(out, s.without_stripes).view(), 60), 0.25 * before);
}

TEST(Destripe, OneAndManyThreadsIdentical) {
  test::SyntheticFibsemParams p;
  p.nz = 5;
  p.ny = p.nx = 64;
  p.stripe_amplitude = 20;
  const auto s = test::make_synthetic_fibsem(p);
  for (const DestripeParams& params : {DestripeParams{}, variational_params(), wavelet_params()}) {
    const auto one = test::on_threads(1, [&] { return destripe(s.stack.view(), params); });
    const auto many = test::on_threads(3, [&] { return destripe(s.stack.view(), params); });
    EXPECT_TRUE(std::equal(one.begin(), one.end(), many.begin()));
  }
}

TEST(Destripe, BadParametersThrow) {
  auto v = Volume<float>::filled({1, 64, 64}, {}, 1.0f);
  DestripeParams p = wavelet_params();
  p.levels = 6;  // needs 128 pixels a side
  EXPECT_THROW(destripe(v.view(), p), InputError);
  p = wavelet_params();
  p.wavelet_order = 3;
  EXPECT_THROW(destripe(v.view(), p), InputError);
  p = variational_params();
  p.alpha = 0;
  EXPECT_THROW(destripe(v.view(), p), InputError);
  p = {};
  p.offset_lags = {2, 4};  // columns not tied to their neighbours
  EXPECT_THROW(destripe(v.view(), p), InputError);
  p.offset_lags = {1, 64};  // as wide as the slice
  EXPECT_THROW(destripe(v.view(), p), InputError);
  p = {};
  p.mode_window = 0;
  EXPECT_THROW(destripe(v.view(), p), InputError);
  p = {};
  p.angle_deg = std::nan("");
  EXPECT_THROW(destripe(v.view(), p), InputError);
  EXPECT_THROW(parse_destripe_method("median", "--destripe-method"), InputError);
  v(0, 3, 3) = std::nanf("");
  EXPECT_THROW(destripe(v.view()), InputError);
}

}  // namespace
}  // namespace emorph
