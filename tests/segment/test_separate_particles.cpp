#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "emorph/measure/components.hpp"
#include "emorph/segment/separate_particles.hpp"
#include "support/threads.hpp"

namespace emorph {
namespace {

struct Ball {
  double z, y, x, r;
};

// Touching, non-overlapping balls: each voxel belongs to the ball whose surface it is deepest in.
Volume<uint8_t> rasterise(Shape s, const std::vector<Ball>& balls, Volume<uint32_t>* truth) {
  auto m = Volume<uint8_t>::filled(s, {}, 0);
  if (truth) *truth = Volume<uint32_t>::filled(s, {}, 0);
  for (int64_t z = 0; z < s.nz; ++z)
    for (int64_t y = 0; y < s.ny; ++y)
      for (int64_t x = 0; x < s.nx; ++x)
        for (std::size_t k = 0; k < balls.size(); ++k) {
          const auto& b = balls[k];
          const double d2 = (z - b.z) * (z - b.z) + (y - b.y) * (y - b.y) + (x - b.x) * (x - b.x);
          if (d2 <= b.r * b.r) {
            m(z, y, x) = 1;
            if (truth) (*truth)(z, y, x) = uint32_t(k + 1);
          }
        }
  return m;
}

// A chain of balls of radii 5..9 voxels, neighbours overlapping by 1 voxel so that the digital
// union is one connected set with a neck between each pair.
std::vector<Ball> chain() {
  std::vector<Ball> b;
  double x = 12;
  const double radii[] = {6, 9, 5, 8, 7, 6};
  for (double r : radii) {
    x += r - 0.5;
    b.push_back({22, 22 + (b.size() % 2 ? 2.0 : -2.0), x, r});
    x += r - 0.5;
  }
  return b;
}

TEST(SeparateParticles, TouchingBallsAreSeparatedOnePerBall) {
  Volume<uint32_t> truth;
  const auto balls = chain();
  const auto m = rasterise({44, 44, 100}, balls, &truth);
  ASSERT_EQ(label_components(m.view()).count, 1u);
  const auto r = separate_particles(m.view());
  ASSERT_EQ(r.count, balls.size());
  // Each separated particle overlaps one ball for >= 95% of its voxels: the cut follows the neck.
  std::map<std::pair<uint32_t, uint32_t>, int64_t> overlap;
  std::vector<int64_t> size(r.count + 1, 0);
  for (int64_t i = 0; i < m.size(); ++i) {
    if (!m.data()[i]) {
      ASSERT_EQ(r.labels.data()[i], 0u);
      continue;
    }
    ASSERT_NE(r.labels.data()[i], 0u);
    overlap[{r.labels.data()[i], truth.data()[i]}]++;
    size[r.labels.data()[i]]++;
  }
  for (uint32_t l = 1; l <= r.count; ++l) {
    int64_t best = 0;
    for (const auto& [key, n] : overlap)
      if (key.first == l) best = std::max(best, n);
    EXPECT_GE(double(best), 0.95 * double(size[l])) << l;
  }
}

TEST(SeparateParticles, HControlsMerging) {
  const auto m = rasterise({44, 44, 100}, chain(), nullptr);
  SeparateParticlesParams p;
  p.h_um = 100;  // deeper than any ball: nothing is split
  EXPECT_EQ(separate_particles(m.view(), p).count, 1u);
}

TEST(SeparateParticles, ExcludeBorderDropsCutParticles) {
  std::vector<Ball> balls{{10, 10, 2, 6}, {10, 10, 14, 6}, {10, 10, 26, 6}};
  const auto m = rasterise({21, 21, 34}, balls, nullptr);
  SeparateParticlesParams p;
  p.exclude_border = true;
  const auto r = separate_particles(m.view(), p);
  EXPECT_EQ(r.count, 2u);
  EXPECT_EQ(r.excluded_border, 1u);
  EXPECT_EQ(r.labels(10, 10, 14), 1u);
  EXPECT_EQ(r.labels(10, 10, 26), 2u);
  EXPECT_EQ(r.labels(10, 10, 2), 0u);
}

TEST(SeparateParticles, OneThreadEqualsManyThreadsAndAnisotropic) {
  auto m = rasterise({44, 44, 100}, chain(), nullptr);
  const auto a = test::on_threads(1, [&] { return separate_particles(m.view()); });
  const auto b = test::on_threads(4, [&] { return separate_particles(m.view()); });
  ASSERT_EQ(a.count, b.count);
  for (int64_t i = 0; i < m.size(); ++i) ASSERT_EQ(a.labels.data()[i], b.labels.data()[i]);
  // Same balls sampled with voxels twice as long along z (half the slices): still one per ball.
  std::vector<Ball> balls = chain();
  Shape s{22, 44, 100};
  auto an = Volume<uint8_t>::filled(s, {2.0, 1.0, 1.0}, 0);
  for (int64_t z = 0; z < s.nz; ++z)
    for (int64_t y = 0; y < s.ny; ++y)
      for (int64_t x = 0; x < s.nx; ++x)
        for (const auto& bl : balls) {
          const double dz = 2.0 * z + 0.5 - bl.z;
          if (dz * dz + (y - bl.y) * (y - bl.y) + (x - bl.x) * (x - bl.x) <= bl.r * bl.r) an(z, y, x) = 1;
        }
  EXPECT_EQ(separate_particles(an.view()).count, balls.size());
}

TEST(SeparateParticles, MinVolumeDropsSpecksFromLabelsTableAndProfiles) {
  // Three touching balls plus isolated specks of 1 and 2 voxels, as left by a threshold.
  std::vector<Ball> balls{{12, 12, 10, 6}, {12, 12, 21.5, 6}, {12, 12, 33, 6}};
  auto m = rasterise({25, 25, 45}, balls, nullptr);
  m(2, 2, 2) = 1;
  m(22, 2, 40) = m(22, 2, 41) = 1;
  m(2, 22, 22) = 1;
  ParticleAnalysisParams p;
  p.measures.surface_area = false;
  const auto all = analyse_particles(m.view(), p);
  EXPECT_EQ(all.particles.size(), 6u);
  EXPECT_EQ(all.excluded_small, 0u);
  p.measures.min_volume_um3 = 3;  // um^3, unit voxels: drops the specks, keeps the balls (~900)
  const auto a = analyse_particles(m.view(), p);
  ASSERT_EQ(a.particles.size(), 3u);
  EXPECT_EQ(a.excluded_small, 3u);
  EXPECT_EQ(a.distribution.count, 3);
  for (std::size_t k = 0; k < 3; ++k) EXPECT_EQ(a.particles[k].label, k + 1);  // renumbered 1..3
  EXPECT_EQ(a.labels(2, 2, 2), 0u);
  EXPECT_EQ(a.labels(22, 2, 41), 0u);
  EXPECT_NE(a.labels(12, 12, 21), 0u);
  uint32_t largest = 0;
  for (uint32_t l : a.labels) largest = std::max(largest, l);
  EXPECT_EQ(largest, 3u);
  // Connected components mode filters the same way.
  p.separate = false;
  const auto c = analyse_particles(m.view(), p);
  EXPECT_EQ(c.particles.size(), 1u);  // the touching balls form one component
  EXPECT_EQ(c.excluded_small, 3u);
  p.measures.min_volume_um3 = -2;
  EXPECT_THROW(analyse_particles(m.view(), p), InputError);
}

TEST(SeparateParticles, PercolatingClusterIsSplitAndAllCutByTheBorder) {
  // One giant cluster spanning the volume (a row of overlapping balls cut by both x faces): the
  // documented result is one particle per ball, every end one touching the border.
  std::vector<Ball> balls;
  for (int k = 0; k < 5; ++k) balls.push_back({10, 10, 2.0 + 11.5 * k, 6});
  const auto m = rasterise({21, 21, 49}, balls, nullptr);
  ParticleAnalysisParams p;
  p.measures.surface_area = false;
  const auto a = analyse_particles(m.view(), p);
  EXPECT_EQ(a.particles.size(), 5u);
  int cut = 0;
  for (const auto& r : a.particles) cut += r.touches_border;
  EXPECT_EQ(cut, 2);
  p.separation.exclude_border = true;
  const auto b = analyse_particles(m.view(), p);
  EXPECT_EQ(b.particles.size(), 3u);
  EXPECT_EQ(b.excluded_border, 2u);
}

TEST(SeparateParticles, EmptyAndFullPhase) {
  const auto empty = Volume<uint8_t>::filled({6, 6, 6}, {}, 0);
  EXPECT_EQ(separate_particles(empty.view()).count, 0u);
  const auto full = Volume<uint8_t>::filled({6, 6, 6}, {}, 1);
  const auto r = separate_particles(full.view());
  EXPECT_EQ(r.count, 1u);
  SeparateParticlesParams p;
  p.h_um = -1;
  EXPECT_THROW(separate_particles(full.view(), p), InputError);
}

}  // namespace
}  // namespace emorph
