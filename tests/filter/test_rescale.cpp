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

namespace {

// Runs the streaming form over an in-memory volume, with `slab_bytes` small enough to force many
// slabs; checks that the source is read forwards in whole blocks, and returns the streamed output.
template <class T>
std::pair<Volume<T>, RescaleMode> rescale_streamed(const Volume<T>& in, const RescaleParams& p, std::size_t slab_bytes) {
  const int64_t plane = in.ny() * in.nx();
  const RescaleSource<T> source = [&](int64_t z0, int64_t z1, T* dst) {
    EXPECT_TRUE(z0 >= 0 && z0 < z1 && z1 <= in.nz());
    std::memcpy(dst, in.data() + z0 * plane, static_cast<std::size_t>((z1 - z0) * plane) * sizeof(T));
  };
  const RescaleMode mode = resolve_rescale_mode<T>(p.mode, in.shape(), source, slab_bytes);
  const RescaleGeometry g = rescale_geometry(in.shape(), in.spacing(), p);
  Volume<T> out(g.shape, g.spacing);
  int64_t written = 0, next_z = 0;
  const RescaleSource<T> forward = [&](int64_t z0, int64_t z1, T* dst) {
    EXPECT_EQ(z0, next_z);
    EXPECT_EQ((z1 - z0) % p.factor, 0);
    next_z = z1;
    source(z0, z1, dst);
  };
  rescale_stream<T>(in.shape(), p, mode, forward, [&](const T* slices, int64_t count) {
    ASSERT_LE(written + count, g.shape.nz);
    std::memcpy(out.data() + written * g.shape.ny * g.shape.nx, slices,
                static_cast<std::size_t>(count * g.shape.ny * g.shape.nx) * sizeof(T));
    written += count;
  }, slab_bytes);
  EXPECT_EQ(written, g.shape.nz);
  return {std::move(out), mode};
}

template <class T>
void expect_stream_matches(const Volume<T>& v, const RescaleParams& p) {
  const auto memory = rescale(v, p);
  for (std::size_t slab_bytes : {std::size_t(1), std::size_t(3) * v.ny() * v.nx() * sizeof(T), std::size_t(64) << 20}) {
    auto [streamed, mode] = rescale_streamed(v, p, slab_bytes);
    EXPECT_EQ(mode, memory.mode_used) << "slab_bytes " << slab_bytes;
    expect_equal(streamed, memory.volume);
    EXPECT_EQ(streamed.spacing().dz, memory.volume.spacing().dz);
  }
}

}  // namespace

TEST(RescaleStream, IdenticalToInMemoryForEveryModeAndDtype) {
  RescaleParams p;
  expect_stream_matches(random_volume<uint16_t>({12, 10, 8}, 21, 0, 65535), p);
  expect_stream_matches(random_volume<float>({12, 10, 8}, 22, -100, 100), p);
  expect_stream_matches(random_volume<int16_t>({12, 10, 8}, 23, -30000, 30000), p);
  expect_stream_matches(random_volume<uint32_t>({12, 10, 8}, 24, 0, 5), p);  // labels: majority
  expect_stream_matches(random_volume<uint8_t>({12, 10, 8}, 25, 0, 3), p);   // few values: majority
  expect_stream_matches(random_volume<uint8_t>({12, 10, 8}, 26, 0, 255), p); // grey: mean
  p.mode = RescaleMode::majority;
  expect_stream_matches(random_volume<uint8_t>({12, 10, 8}, 27, 0, 255), p);
  p.mode = RescaleMode::mean;
  expect_stream_matches(random_volume<uint32_t>({12, 10, 8}, 28, 0, 5), p);
}

TEST(RescaleStream, LabelsDecidedFromTheWholeVolume) {
  // Few values everywhere except one grey voxel in the last slice: the in-memory path sees it, and
  // so must the streamed scan (it reads every slab, not only the first).
  auto v = random_volume<uint8_t>({12, 6, 6}, 29, 0, 2);
  for (int i = 0; i < 20; ++i) v(11, i % 6, i / 6) = static_cast<uint8_t>(100 + i);
  RescaleParams p;
  EXPECT_EQ(rescale(v, p).mode_used, RescaleMode::mean);
  expect_stream_matches(v, p);
}

TEST(RescaleStream, RemainderFactorThreeAndErrors) {
  RescaleParams p;
  p.factor = 3;
  p.drop_remainder = true;
  auto v = random_volume<uint16_t>({11, 7, 8}, 30, 0, 1000);
  expect_stream_matches(v, p);
  EXPECT_EQ(rescale_geometry(v.shape(), v.spacing(), p).dropped, (Shape{2, 1, 2}));
  p.drop_remainder = false;
  EXPECT_THROW(rescale_geometry(v.shape(), v.spacing(), p), InputError);
  const RescaleSource<uint16_t> none = [](int64_t, int64_t, uint16_t*) { FAIL() << "no read expected"; };
  EXPECT_THROW(rescale_stream<uint16_t>(v.shape(), p, RescaleMode::mean, none, [](const uint16_t*, int64_t) {}),
               InputError);
}

TEST(RescaleStream, OneThreadAndManyThreadsAgree) {
  auto v = random_volume<float>({16, 12, 10}, 31, -100, 100);
  RescaleParams p;
  omp_set_num_threads(1);
  auto a = rescale_streamed(v, p, 1000).first;
  omp_set_num_threads(4);
  auto b = rescale_streamed(v, p, 1000).first;
  expect_equal(a, b);
}
