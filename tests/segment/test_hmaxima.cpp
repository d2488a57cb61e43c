#include <gtest/gtest.h>

#include <deque>
#include <random>

#include "emorph/segment/hmaxima.hpp"

namespace emorph {
namespace {

// Naive reference: geodesic dilations repeated until nothing changes.
void naive_reconstruct(const Volume<uint16_t>& mask, Volume<uint16_t>& marker, int conn) {
  const auto offs = neighbour_offsets(conn, false, "test");
  bool changed = true;
  while (changed) {
    changed = false;
    auto next = marker.clone();
    for (int64_t z = 0; z < mask.nz(); ++z)
      for (int64_t y = 0; y < mask.ny(); ++y)
        for (int64_t x = 0; x < mask.nx(); ++x) {
          uint16_t v = marker(z, y, x);
          for (auto& d : offs) {
            const int64_t a = z + d[0], b = y + d[1], c = x + d[2];
            if (a < 0 || b < 0 || c < 0 || a >= mask.nz() || b >= mask.ny() || c >= mask.nx()) continue;
            v = std::max(v, marker(a, b, c));
          }
          v = std::min(v, mask(z, y, x));
          if (v != next(z, y, x)) changed = true;
          next(z, y, x) = v;
        }
    marker = std::move(next);
  }
}

Volume<uint16_t> random_relief(Shape s, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> v(0, 12);
  Volume<uint16_t> f(s);
  for (auto& x : f) x = static_cast<uint16_t>(v(rng));
  return f;
}

TEST(HMaxima, ReconstructionEqualsIteratedGeodesicDilation) {
  for (int conn : {6, 18, 26})
    for (uint64_t seed = 1; seed <= 3; ++seed) {
      const auto f = random_relief({8, 9, 10}, seed);
      Volume<uint16_t> g(f.shape());
      for (int64_t i = 0; i < f.size(); ++i) g.data()[i] = f.data()[i] > 3 ? f.data()[i] - 3 : 0;
      auto ref = g.clone();
      naive_reconstruct(f, ref, conn);
      reconstruct_by_dilation_inplace(f.view(), g.view(), conn);
      for (int64_t i = 0; i < f.size(); ++i) ASSERT_EQ(g.data()[i], ref.data()[i]) << conn << " " << seed;
    }
}

TEST(HMaxima, MarkersAreRegionalMaximaOfTheDomeCut) {
  for (int conn : {6, 26})
    for (uint64_t seed = 4; seed <= 6; ++seed) {
      const auto f = random_relief({9, 10, 11}, seed);
      HMaximaParams p;
      p.h = 2;
      p.connectivity = conn;
      const auto m = h_maxima_markers(f.view(), p);
      // Reference: reconstruct, then flood each plateau and keep it when no neighbour is higher.
      Volume<uint16_t> rec(f.shape());
      for (int64_t i = 0; i < f.size(); ++i) rec.data()[i] = f.data()[i] == 0 ? 0 : std::max(1, f.data()[i] - 2);
      naive_reconstruct(f, rec, conn);
      const auto offs = neighbour_offsets(conn, false, "test");
      auto seen = Volume<uint8_t>::filled(f.shape(), {}, 0);
      auto is_max = Volume<uint8_t>::filled(f.shape(), {}, 0);
      for (int64_t z = 0; z < f.nz(); ++z)
        for (int64_t y = 0; y < f.ny(); ++y)
          for (int64_t x = 0; x < f.nx(); ++x) {
            if (seen(z, y, x) || rec(z, y, x) == 0) continue;
            std::vector<std::array<int64_t, 3>> plateau{{z, y, x}};
            seen(z, y, x) = 1;
            bool maximum = true;
            for (std::size_t k = 0; k < plateau.size(); ++k) {
              const auto [a, b, c] = plateau[k];
              for (auto& d : offs) {
                const int64_t aa = a + d[0], bb = b + d[1], cc = c + d[2];
                if (aa < 0 || bb < 0 || cc < 0 || aa >= f.nz() || bb >= f.ny() || cc >= f.nx()) continue;
                if (rec(aa, bb, cc) > rec(a, b, c)) maximum = false;
                if (rec(aa, bb, cc) == rec(a, b, c) && !seen(aa, bb, cc)) {
                  seen(aa, bb, cc) = 1;
                  plateau.push_back({aa, bb, cc});
                }
              }
            }
            if (maximum)
              for (auto& q : plateau) is_max(q[0], q[1], q[2]) = 1;
          }
      for (int64_t i = 0; i < f.size(); ++i) ASSERT_EQ(m.labels.data()[i] != 0, is_max.data()[i] != 0) << i;
    }
}

TEST(HMaxima, ShallowObjectKeepsOneMarker) {
  auto f = Volume<uint16_t>::filled({5, 5, 5}, {}, 0);
  f(2, 2, 2) = 2;
  f(2, 2, 3) = 1;
  HMaximaParams p;
  p.h = 10;
  const auto m = h_maxima_markers(f.view(), p);
  EXPECT_EQ(m.count, 1u);
  EXPECT_EQ(m.labels(2, 2, 2), 1u);
  EXPECT_EQ(m.labels(2, 2, 3), 1u);
  p.h = 0;
  EXPECT_THROW(h_maxima_markers(f.view(), p), InputError);
}

}  // namespace
}  // namespace emorph
