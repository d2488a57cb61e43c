// Marching-tetrahedra mesh: closed and consistently oriented (every directed edge once, its reverse
// once), enclosed volume and area close to a ball's, files written with the right sizes.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <map>

#include "emorph/measure/mesh_export.hpp"
#include "support/test_support.hpp"

using namespace emorph;

namespace {

Volume<uint8_t> ball_volume(int n, double r, Spacing s = {}) {
  Volume<uint8_t> v(Shape{n, n, n}, s);
  const double c = (n - 1) / 2.0 + 0.3;
  for (int z = 0; z < n; ++z)
    for (int y = 0; y < n; ++y)
      for (int x = 0; x < n; ++x)
        v(z, y, x) = (z - c) * (z - c) + (y - c) * (y - c) + (x - c) * (x - c) <= r * r ? 2 : 0;
  return v;
}

double signed_volume(const TriangleMesh& m) {
  double vol = 0;
  for (std::size_t t = 0; t < m.triangles.size(); t += 3) {
    const float* a = &m.vertices[3 * m.triangles[t]];
    const float* b = &m.vertices[3 * m.triangles[t + 1]];
    const float* c = &m.vertices[3 * m.triangles[t + 2]];
    vol += (a[0] * (b[1] * c[2] - b[2] * c[1]) - a[1] * (b[0] * c[2] - b[2] * c[0]) + a[2] * (b[0] * c[1] - b[1] * c[0])) / 6.0;
  }
  return vol;
}

void expect_closed_and_oriented(const TriangleMesh& m) {
  std::map<std::pair<uint32_t, uint32_t>, int> directed;
  for (std::size_t t = 0; t < m.triangles.size(); t += 3)
    for (int k = 0; k < 3; ++k) ++directed[{m.triangles[t + k], m.triangles[t + (k + 1) % 3]}];
  for (const auto& [e, n] : directed) {
    ASSERT_EQ(n, 1) << "directed edge used twice";
    ASSERT_EQ(directed.count({e.second, e.first}), 1u) << "boundary edge: mesh not closed";
  }
}

}  // namespace

TEST(MeshExport, BallMeshIsClosedOrientedAndAccurate) {
  // r = 10 voxels: the midpoint isosurface encloses about the digitised volume (within 3%). Its area
  // follows the voxel staircase: 27% above the sphere's, which is why areas are measured with the
  // Crofton estimator and the mesh is for viewing; the bound below guards against gross errors only.
  const Spacing s{1.0, 1.0, 1.0};
  const double r = 10;
  const auto v = ball_volume(26, r, s);
  MeshExportParams p;
  p.label = 2;
  const auto m = isosurface_mesh(v.view(), p);
  expect_closed_and_oriented(m);
  const double vol = signed_volume(m);
  EXPECT_NEAR(vol / (4.0 / 3 * M_PI * r * r * r), 1.0, 0.03);
  EXPECT_GT(m.area_um2 / (4 * M_PI * r * r), 1.0);
  EXPECT_LT(m.area_um2 / (4 * M_PI * r * r), 1.35);
}

TEST(MeshExport, AnisotropicSpacingScalesTheMesh) {
  const auto iso = ball_volume(16, 5);
  const auto aniso = ball_volume(16, 5, Spacing{2.0, 1.0, 0.5});
  MeshExportParams p;
  p.label = 2;
  const auto a = isosurface_mesh(iso.view(), p), b = isosurface_mesh(aniso.view(), p);
  ASSERT_EQ(a.triangles, b.triangles);
  EXPECT_NEAR(signed_volume(b), signed_volume(a) * 2.0 * 1.0 * 0.5, 1e-6 * signed_volume(a));
}

TEST(MeshExport, ClosedAtTheVolumeBorder) {
  // A block filling the whole volume: closed = true gives a closed box mesh.
  Volume<uint8_t> v = Volume<uint8_t>::filled({4, 5, 6}, {}, 1);
  const auto m = isosurface_mesh(v.view(), {});
  expect_closed_and_oriented(m);
  // Box between the outer voxel centres pushed out by half a voxel: 5 x 6 x 7 minus the cut corners.
  EXPECT_GT(signed_volume(m), 4.0 * 5 * 6 * 0.8);
  MeshExportParams open;
  open.closed = false;
  EXPECT_TRUE(isosurface_mesh(v.view(), open).triangles.empty());
}

TEST(MeshExport, WritesPlyAndStl) {
  test::TempDir dir;
  const auto v = ball_volume(12, 4);
  MeshExportParams p;
  p.label = 2;
  const auto ply = export_isosurface_mesh(v.view(), dir / "b.ply", p);
  const auto stl = export_isosurface_mesh(v.view(), dir / "b.stl", p);
  EXPECT_EQ(ply.triangles, stl.triangles);
  EXPECT_GT(ply.triangles, 100);
  EXPECT_EQ(std::filesystem::file_size(dir / "b.stl"), static_cast<uintmax_t>(84 + 50 * stl.triangles));
  EXPECT_THROW(export_isosurface_mesh(v.view(), dir / "b.obj", p), InputError);
  EXPECT_FALSE(std::filesystem::exists(dir / "b.obj"));
}
