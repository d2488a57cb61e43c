// Block binning against a brute-force reference: mean and majority vote, remainder handling,
// anisotropic spacing, and 1-thread vs N-thread identity.
#include <gtest/gtest.h>
#include <omp.h>

#include <cmath>
#include <cstring>
#include <map>
#include <random>

#include "emorph/error.hpp"
#include "emorph/filter/rescale.hpp"

using namespace emorph;

namespace {

template <class T>
Volume<T> random_volume(Shape s, uint64_t seed, int64_t lo, int64_t hi) {
  Volume<T> v(s, {0.16, 0.2, 0.3});
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int64_t> d(lo, hi);
  for (auto& x : v) x = static_cast<T>(d(rng));
  return v;
}

// The obvious definition, voxel by voxel.
template <class T>
Volume<T> reference(const Volume<T>& in, int f, bool majority) {
  Volume<T> out({in.nz() / f, in.ny() / f, in.nx() / f});
  for (int64_t z = 0; z < out.nz(); ++z)
    for (int64_t y = 0; y < out.ny(); ++y)
      for (int64_t x = 0; x < out.nx(); ++x) {
        std::map<T, int> counts;
        double sum = 0;
        for (int a = 0; a < f; ++a)
          for (int b = 0; b < f; ++b)
            for (int c = 0; c < f; ++c) {
              const T v = in(z * f + a, y * f + b, x * f + c);
              ++counts[v];
              sum += v;
            }
        if (majority) {
          T best{};
          int bc = -1;
          for (auto [v, c] : counts)
            if (c > bc) bc = c, best = v;  // map order: the smallest value wins ties
          out(z, y, x) = best;
        } else {
          const double m = sum / (f * f * f);
          out(z, y, x) = std::is_floating_point_v<T> ? static_cast<T>(m) : static_cast<T>(std::round(m));
        }
      }
  return out;
}

template <class T>
void expect_equal(const Volume<T>& a, const Volume<T>& b) {
  ASSERT_EQ(a.shape(), b.shape());
  EXPECT_EQ(0, std::memcmp(a.data(), b.data(), a.bytes()));
}

}  // namespace

TEST(Rescale, MeanMatchesReferenceForGreyUint16) {
  auto v = random_volume<uint16_t>({6, 8, 10}, 1, 0, 65535);
  RescaleParams p;
  auto r = rescale(v, p);
  EXPECT_EQ(r.mode_used, RescaleMode::mean);  // uint16: grey by default
  expect_equal(r.volume, reference(v, 2, false));
  EXPECT_DOUBLE_EQ(r.volume.spacing().dz, 0.32);
  EXPECT_DOUBLE_EQ(r.volume.spacing().dy, 0.4);
  EXPECT_DOUBLE_EQ(r.volume.spacing().dx, 0.6);
}

TEST(Rescale, MeanOfSignedAndFloatVolumes) {
  auto a = random_volume<int16_t>({6, 6, 9}, 2, -30000, 30000);
  RescaleParams p;
  p.factor = 3;
  expect_equal(rescale(a, p).volume, reference(a, 3, false));
  Volume<float> f({4, 4, 4}, {});
  std::mt19937 rng(3);
  for (auto& x : f) x = std::uniform_real_distribution<float>(-1, 1)(rng);
  p.factor = 2;
  expect_equal(rescale(f, p).volume, reference(f, 2, false));
}

TEST(Rescale, LabelsUseMajorityWithSmallestValueOnTies) {
  auto v = random_volume<uint8_t>({8, 8, 8}, 4, 0, 3);  // 4 phases: auto picks majority
  RescaleParams p;
  auto r = rescale(v, p);
  EXPECT_EQ(r.mode_used, RescaleMode::majority);
  expect_equal(r.volume, reference(v, 2, true));
  // A 2x2x2 block with four 1s and four 3s: the tie goes to 1.
  Volume<uint8_t> tie = Volume<uint8_t>::filled({2, 2, 2}, {}, 3);
  for (int i = 0; i < 4; ++i) tie.data()[i * 2] = 1;
  EXPECT_EQ(rescale(tie, p).volume(0, 0, 0), 1);
  auto labels = random_volume<uint32_t>({4, 6, 6}, 5, 0, 100000);
  auto lr = rescale(labels, p);
  EXPECT_EQ(lr.mode_used, RescaleMode::majority);
  expect_equal(lr.volume, reference(labels, 2, true));
}

TEST(Rescale, GreyUint8UsesMeanUnlessAsked) {
  auto v = random_volume<uint8_t>({4, 4, 4}, 6, 0, 255);
  RescaleParams p;
  EXPECT_EQ(rescale(v, p).mode_used, RescaleMode::mean);
  p.mode = RescaleMode::majority;
  expect_equal(rescale(v, p).volume, reference(v, 2, true));
}

TEST(Rescale, NonDividingFactorIsAnErrorUnlessRemainderDropped) {
  auto v = random_volume<uint16_t>({5, 6, 7}, 7, 0, 1000);
  RescaleParams p;
  try {
    rescale(v, p);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("--factor 2"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("--drop-remainder"), std::string::npos);
  }
  p.drop_remainder = true;
  auto r = rescale(v, p);
  EXPECT_EQ(r.volume.shape(), (Shape{2, 3, 3}));
  EXPECT_EQ(r.dropped, (Shape{1, 0, 1}));
  // Dropping the remainder equals binning the leading crop.
  Volume<uint16_t> lead = to_volume(v.view().crop({0, 4, 0, 6, 0, 6}));
  expect_equal(r.volume, reference(lead, 2, false));
}

TEST(Rescale, InvalidFactors) {
  auto v = random_volume<uint8_t>({4, 4, 4}, 8, 0, 1);
  RescaleParams p;
  p.factor = 0;
  EXPECT_THROW(rescale(v, p), InputError);
  p.factor = 5;
  EXPECT_THROW(rescale(v, p), InputError);
  p.factor = 1;
  expect_equal(rescale(v, p).volume, v);
}

TEST(Rescale, OneThreadAndManyThreadsAgree) {
  auto v = random_volume<float>({16, 12, 10}, 9, -100, 100);
  auto lab = random_volume<uint8_t>({16, 12, 10}, 10, 0, 4);
  RescaleParams p;
  omp_set_num_threads(1);
  auto a = rescale(v, p);
  auto la = rescale(lab, p);
  omp_set_num_threads(4);
  auto b = rescale(v, p);
  auto lb = rescale(lab, p);
  expect_equal(a.volume, b.volume);
  expect_equal(la.volume, lb.volume);
}

TEST(Rescale, StridedViewInput) {
  auto v = random_volume<int32_t>({6, 8, 8}, 11, -1000, 1000);
  auto view = VolumeView<const int32_t>(v.view()).crop({2, 6, 0, 8, 2, 6});
  auto r = rescale(view, RescaleParams{});
  expect_equal(r.volume, reference(to_volume(view), 2, false));
}
