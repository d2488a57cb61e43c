#include <gtest/gtest.h>

#include "emorph/error.hpp"
#include "emorph/transport/tortuosity.hpp"
#include "reference.hpp"

using namespace emorph;
using emorph::test::random_labels;

namespace {

// Porous random volume with odd sizes: 0 = pore (conducts), 1 = solid, 3 = a second conducting phase.
Volume<uint8_t> porous_volume(Shape shape, uint64_t seed) {
  Volume<uint8_t> v = random_labels(shape, 0.3, seed, 1, 0);
  const Volume<uint8_t> w = random_labels(shape, 0.2, seed + 1, 3, 0);
  for (int64_t i = 0; i < v.size(); ++i)
    if (w.data()[i] && v.data()[i] == 1) v.data()[i] = 3;
  v.set_spacing({0.5, 0.4, 0.3});
  return v;
}

}  // namespace

TEST(TortuosityHypre, PfmgAndBoomerAmgMatchTheOwnSolver) {
  if (!tortuosity_hypre_available()) GTEST_SKIP() << "built without HYPRE (EMORPH_WITH_HYPRE)";
  // Every solver runs to a relative residual of 1e-11, so each tau is within ~1e-9 of the exact solution
  // of the same finite-volume system: agreeing to 1e-6 leaves three orders of margin, yet a wrong row,
  // boundary term or identity-row leak moves tau by far more than 1e-6.
  for (int axis = 0; axis < 3; ++axis)
    for (bool two_phases : {false, true}) {
      const Volume<uint8_t> v = porous_volume({23, 19, 17}, 40 + axis);
      TortuosityParams p;
      p.axis = axis;
      p.tolerance = 1e-11;
      p.flux_tolerance = 1e-8;
      if (two_phases) p.conductivity = {{0, 1.0}, {3, 0.1}};
      const auto own = tortuosity(v, p);
      ASSERT_TRUE(own.converged && own.percolating);
      for (auto backend : {TortuosityBackend::hypre_pfmg, TortuosityBackend::hypre_boomeramg}) {
        p.backend = backend;
        const auto h = tortuosity(v, p);
        EXPECT_TRUE(h.converged) << "axis " << axis;
        EXPECT_NEAR(h.tau / own.tau, 1.0, 1e-6) << "axis " << axis << " two phases " << two_phases;
        EXPECT_EQ(h.unknowns, own.unknowns);
        EXPECT_GT(h.iterations, 0);
      }
    }
}

TEST(TortuosityHypre, WithoutHypreTheBackendsAreInputErrors) {
  if (tortuosity_hypre_available()) GTEST_SKIP() << "built with HYPRE";
  const Volume<uint8_t> v = porous_volume({9, 8, 7}, 3);
  TortuosityParams p;
  p.backend = TortuosityBackend::hypre_pfmg;
  EXPECT_THROW(tortuosity(v, p), InputError);
}
