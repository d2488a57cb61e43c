#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "emorph/error.hpp"
#include "emorph/filter/gaussian.hpp"
#include "emorph/parallel.hpp"
#include "support/uniform_volume.hpp"

using namespace emorph;

namespace {

int64_t reflect_ref(int64_t i, int64_t n) {
  while (i < 0 || i >= n) i = i < 0 ? -i - 1 : 2 * n - 1 - i;
  return i;
}

// scipy 'mirror': the edge sample is not repeated.
int64_t mirror_ref(int64_t i, int64_t n) {
  while (i < 0 || i >= n) i = i < 0 ? -i : 2 * n - 2 - i;
  return i;
}

std::vector<double> kernel_ref(double sigma, double truncate) {
  if (sigma <= 0) return {1.0};
  const int r = static_cast<int>(truncate * sigma + 0.5);
  std::vector<double> k;
  double s = 0;
  for (int i = -r; i <= r; ++i) k.push_back(std::exp(-i * i / (2 * sigma * sigma))), s += k.back();
  for (auto& x : k) x /= s;
  return k;
}

// Direct 3D correlation in double with the product kernel (no separability used).
Volume<double> gaussian_reference(const Volume<uint16_t>& in, double sz, double sy, double sx, bool mirror = false) {
  auto edge = [&](int64_t i, int64_t n) { return mirror ? mirror_ref(i, n) : reflect_ref(i, n); };
  auto kz = kernel_ref(sz, 4), ky = kernel_ref(sy, 4), kx = kernel_ref(sx, 4);
  const int rz = kz.size() / 2, ry = ky.size() / 2, rx = kx.size() / 2;
  Volume<double> out(in.shape());
  for (int64_t z = 0; z < in.nz(); ++z)
    for (int64_t y = 0; y < in.ny(); ++y)
      for (int64_t x = 0; x < in.nx(); ++x) {
        double s = 0;
        for (int a = -rz; a <= rz; ++a)
          for (int b = -ry; b <= ry; ++b)
            for (int c = -rx; c <= rx; ++c)
              s += kz[a + rz] * ky[b + ry] * kx[c + rx] *
                   in(edge(z + a, in.nz()), edge(y + b, in.ny()), edge(x + c, in.nx()));
        out(z, y, x) = s;
      }
  return out;
}

Volume<uint16_t> random_volume(Shape s, uint64_t seed) { return test::uniform_volume<uint16_t>(s, 0, 1000, seed); }

// float32 accumulation over <= 3 passes of <= 17 taps: relative error ~1e-6 of the data range (1000).
constexpr double kTolerance = 1e-3;

}  // namespace

TEST(Gaussian, EqualsDirect3DCorrelation) {
  auto v = random_volume({9, 10, 11}, 1);
  auto ref = gaussian_reference(v, 1.0, 1.0, 1.0);
  auto out = gaussian_filter<uint16_t>(v.view(), {1.0});
  for (int64_t i = 0; i < v.size(); ++i) ASSERT_NEAR(out.data()[i], ref.data()[i], kTolerance) << i;
}

// Mirror edges (scipy mode='mirror'), with sigma 2.5 along x: its 10-voxel radius passes the 11-voxel
// axis, so the mirror repeats.
TEST(Gaussian, MirrorEdgesEqualDirectCorrelation) {
  auto v = random_volume({9, 10, 11}, 2);
  auto ref = gaussian_reference(v, 1.0, 1.5, 2.5, true);
  GaussianParams p;
  p.sigma_voxels = std::array<double, 3>{1.0, 1.5, 2.5};
  p.mirror = true;
  auto out = gaussian_filter<uint16_t>(v.view(), p);
  for (int64_t i = 0; i < v.size(); ++i) ASSERT_NEAR(out.data()[i], ref.data()[i], kTolerance) << i;
}

TEST(Gaussian, SigmaInMicrometresIsPerAxisWithAnisotropicSpacing) {
  auto v = random_volume({8, 12, 7}, 2);
  v.set_spacing({2.0, 0.5, 1.0});
  // sigma 1 um -> 0.5 voxel along z, 2 voxels along y, 1 voxel along x; the kernel along y (radius 8)
  // is longer than the axis, which exercises repeated reflection.
  auto ref = gaussian_reference(v, 0.5, 2.0, 1.0);
  GaussianParams p;
  p.sigma = 1.0;
  p.sigma_in_um = true;
  auto out = gaussian_filter<uint16_t>(v.view(), p);
  for (int64_t i = 0; i < v.size(); ++i) ASSERT_NEAR(out.data()[i], ref.data()[i], kTolerance) << i;
  EXPECT_EQ(out.spacing(), v.spacing());
}

TEST(Gaussian, PerAxisSigmasInVoxels) {
  auto v = random_volume({7, 9, 8}, 4);
  GaussianParams p;
  p.sigma_voxels = std::array<double, 3>{0.0, 1.2, 0.7};  // no smoothing along z
  auto ref = gaussian_reference(v, 0.0, 1.2, 0.7);
  auto out = gaussian_filter<uint16_t>(v.view(), p);
  for (int64_t i = 0; i < v.size(); ++i) ASSERT_NEAR(out.data()[i], ref.data()[i], kTolerance) << i;
}

TEST(Gaussian, OneAndManyThreadsIdentical) {
  auto v = random_volume({16, 9, 21}, 3);
  set_threads(1);
  auto a = gaussian_filter<uint16_t>(v.view(), {1.5});
  set_threads(4);
  auto b = gaussian_filter<uint16_t>(v.view(), {1.5});
  set_threads(0);
  EXPECT_TRUE(std::equal(a.begin(), a.end(), b.begin()));
}

TEST(Gaussian, ConstantStaysConstantAndBadSigmaThrows) {
  auto v = Volume<float>::filled({5, 5, 5}, {}, 7.5f);
  auto out = gaussian_filter<float>(v.view(), {2.0});
  for (float x : out) EXPECT_NEAR(x, 7.5f, 1e-5);
  EXPECT_THROW(gaussian_filter<float>(v.view(), {-1.0}), InputError);
}
