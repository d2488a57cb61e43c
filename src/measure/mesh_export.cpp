// Marching tetrahedra (Doi & Koide 1991) on the Freudenthal (Kuhn) split of each lattice cube into six
// tetrahedra sharing the cube's main diagonal: neighbouring cubes split shared faces the same way, so
// the surface is closed and has no ambiguous cases. Binary data: vertices at edge midpoints.
#include "emorph/measure/mesh_export.hpp"

#include <omp.h>

#include <array>
#include <cmath>
#include <cstring>
#include <fstream>
#include <unordered_map>

#include "emorph/atomic_file.hpp"

namespace emorph {
namespace {

// Corner c of a cube (bits: 1 = +x, 2 = +y, 4 = +z).
constexpr std::array<std::array<int, 4>, 6> kTetrahedra = {{
    {0, 1, 3, 7}, {0, 1, 5, 7}, {0, 2, 3, 7}, {0, 2, 6, 7}, {0, 4, 5, 7}, {0, 4, 6, 7}}};

std::string lower_extension(const std::string& path) {
  const auto dot = path.find_last_of('.');
  std::string ext = dot == std::string::npos ? "" : path.substr(dot);
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext;
}

}  // namespace

TriangleMesh isosurface_mesh(VolumeView<const uint8_t> labels, const MeshExportParams& params) {
  const Spacing s = labels.spacing();
  require(s.dz > 0 && s.dy > 0 && s.dx > 0, "mesh: voxel size must be positive");
  const int64_t nz = labels.nz(), ny = labels.ny(), nx = labels.nx();
  const int64_t pad = params.closed ? 1 : 0;
  // Lattice points of the padded grid: (z + pad, y + pad, x + pad).
  const int64_t gy = ny + 2 * pad, gx = nx + 2 * pad;
  auto inside = [&](int64_t z, int64_t y, int64_t x) {
    return z >= 0 && y >= 0 && x >= 0 && z < nz && y < ny && x < nx && labels(z, y, x) == params.label;
  };

  // Per-slab triangle lists of edge keys (lattice point index * 8 + step, the edge from p to p + step
  // with step in {0,1}^3), concatenated in slab order: deterministic output.
  const int64_t z_begin = -pad, z_end = nz - 1 + pad;
  std::vector<std::vector<uint64_t>> slab_edges(static_cast<std::size_t>(std::max<int64_t>(0, z_end - z_begin)));
#pragma omp parallel for schedule(dynamic, 1)
  for (int64_t z = z_begin; z < z_end; ++z) {
    auto& out = slab_edges[static_cast<std::size_t>(z - z_begin)];
    for (int64_t y = -pad; y < ny - 1 + pad; ++y)
      for (int64_t x = -pad; x < nx - 1 + pad; ++x) {
        bool in[8];
        int count = 0;
        for (int c = 0; c < 8; ++c) count += in[c] = inside(z + (c >> 2 & 1), y + (c >> 1 & 1), x + (c & 1));
        if (count == 0 || count == 8) continue;
        for (const auto& t : kTetrahedra) {
          int ins[4], outs[4], ni = 0, no = 0;
          for (int k = 0; k < 4; ++k) (in[t[k]] ? ins[ni++] : outs[no++]) = t[k];
          if (ni == 0 || no == 0) continue;
          // Edge between corners a and b (a's coordinates <= b's on every axis in this split).
          auto edge = [&](int a, int b) -> uint64_t {
            const int lo = a & b, step = a ^ b;
            const uint64_t point = static_cast<uint64_t>(((z + pad + (lo >> 2 & 1)) * gy + (y + pad + (lo >> 1 & 1))) * gx +
                                                         (x + pad + (lo & 1)));
            return point * 8 + static_cast<uint64_t>(step);
          };
          // Orientation in lattice coordinates (a positive scaling keeps its sign): the normal of
          // (m0, m1, m2) must point from the inside corners towards the outside ones.
          auto outward = [&](std::array<int, 2> m0, std::array<int, 2> m1, std::array<int, 2> m2) {
            int p[3][3];
            const std::array<int, 2> m[3] = {m0, m1, m2};
            for (int k = 0; k < 3; ++k)
              for (int a = 0; a < 3; ++a) p[k][a] = (m[k][0] >> a & 1) + (m[k][1] >> a & 1);
            const int u[3] = {p[1][0] - p[0][0], p[1][1] - p[0][1], p[1][2] - p[0][2]};
            const int v[3] = {p[2][0] - p[0][0], p[2][1] - p[0][1], p[2][2] - p[0][2]};
            const int n[3] = {u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]};
            int d[3] = {0, 0, 0};
            for (int a = 0; a < 3; ++a) {
              for (int k = 0; k < no; ++k) d[a] += ni * (outs[k] >> a & 1);
              for (int k = 0; k < ni; ++k) d[a] -= no * (ins[k] >> a & 1);
            }
            return n[0] * d[0] + n[1] * d[1] + n[2] * d[2] > 0;
          };
          auto e = [&](std::array<int, 2> m) { return edge(std::min(m[0], m[1]), std::max(m[0], m[1])); };
          if (ni == 1 || no == 1) {
            const int apex = ni == 1 ? ins[0] : outs[0];
            const int* others = ni == 1 ? outs : ins;
            std::array<int, 2> m0{apex, others[0]}, m1{apex, others[1]}, m2{apex, others[2]};
            if (!outward(m0, m1, m2)) std::swap(m1, m2);
            out.insert(out.end(), {e(m0), e(m1), e(m2)});
          } else {
            // The four cut edges form a planar parallelogram, in this cyclic order.
            std::array<int, 2> q0{ins[0], outs[0]}, q1{ins[0], outs[1]}, q2{ins[1], outs[1]}, q3{ins[1], outs[0]};
            if (!outward(q0, q1, q2)) std::swap(q1, q3);
            out.insert(out.end(), {e(q0), e(q1), e(q2), e(q0), e(q2), e(q3)});
          }
        }
      }
  }

  TriangleMesh mesh;
  std::unordered_map<uint64_t, uint32_t> index;
  auto position = [&](uint64_t key, double p[3]) {
    const int step = static_cast<int>(key & 7);
    const uint64_t point = key >> 3;
    const int64_t px = static_cast<int64_t>(point % static_cast<uint64_t>(gx));
    const int64_t py = static_cast<int64_t>((point / static_cast<uint64_t>(gx)) % static_cast<uint64_t>(gy));
    const int64_t pz = static_cast<int64_t>(point / static_cast<uint64_t>(gx * gy));
    p[0] = (static_cast<double>(px - pad) + 0.5 * (step & 1)) * s.dx;
    p[1] = (static_cast<double>(py - pad) + 0.5 * (step >> 1 & 1)) * s.dy;
    p[2] = (static_cast<double>(pz - pad) + 0.5 * (step >> 2 & 1)) * s.dz;
  };
  for (const auto& keys : slab_edges) {
    for (std::size_t i = 0; i < keys.size(); i += 3) {
      double p[3][3];
      for (int k = 0; k < 3; ++k) position(keys[i + k], p[k]);
      const double u[3] = {p[1][0] - p[0][0], p[1][1] - p[0][1], p[1][2] - p[0][2]};
      const double v[3] = {p[2][0] - p[0][0], p[2][1] - p[0][1], p[2][2] - p[0][2]};
      const double n[3] = {u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]};
      mesh.area_um2 += 0.5 * std::sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
      uint32_t ids[3];
      for (int k = 0; k < 3; ++k) {
        auto [it, added] = index.try_emplace(keys[i + k], static_cast<uint32_t>(mesh.vertices.size() / 3));
        if (added) mesh.vertices.insert(mesh.vertices.end(), {float(p[k][0]), float(p[k][1]), float(p[k][2])});
        ids[k] = it->second;
      }
      mesh.triangles.insert(mesh.triangles.end(), {ids[0], ids[1], ids[2]});
    }
  }
  return mesh;
}

MeshStats export_isosurface_mesh(VolumeView<const uint8_t> labels, const std::string& path, const MeshExportParams& params) {
  const std::string ext = lower_extension(path);
  require(ext == ".ply" || ext == ".stl", "--mesh: '" + path + "' must end in .ply or .stl");
  AtomicOutput output(path);
  const TriangleMesh mesh = isosurface_mesh(labels, params);
  const std::size_t nv = mesh.vertices.size() / 3, nt = mesh.triangles.size() / 3;
  {
    std::ofstream f(output.temp_path(), std::ios::binary);
    require(static_cast<bool>(f), "--mesh: cannot write '" + path + "'");
    static_assert(sizeof(float) == 4);
    if (ext == ".ply") {
      f << "ply\nformat binary_little_endian 1.0\ncomment emorph isosurface, um\nelement vertex " << nv
        << "\nproperty float x\nproperty float y\nproperty float z\nelement face " << nt
        << "\nproperty list uchar int vertex_indices\nend_header\n";
      f.write(reinterpret_cast<const char*>(mesh.vertices.data()), static_cast<std::streamsize>(mesh.vertices.size() * 4));
      for (std::size_t t = 0; t < nt; ++t) {
        const uint8_t three = 3;
        f.write(reinterpret_cast<const char*>(&three), 1);
        f.write(reinterpret_cast<const char*>(&mesh.triangles[3 * t]), 12);
      }
    } else {
      char header[80] = {};
      std::strncpy(header, "emorph isosurface (um)", sizeof(header) - 1);
      f.write(header, 80);
      const uint32_t count = static_cast<uint32_t>(nt);
      f.write(reinterpret_cast<const char*>(&count), 4);
      for (std::size_t t = 0; t < nt; ++t) {
        const float* a = &mesh.vertices[3 * mesh.triangles[3 * t]];
        const float* b = &mesh.vertices[3 * mesh.triangles[3 * t + 1]];
        const float* c = &mesh.vertices[3 * mesh.triangles[3 * t + 2]];
        float n[3] = {(b[1] - a[1]) * (c[2] - a[2]) - (b[2] - a[2]) * (c[1] - a[1]),
                      (b[2] - a[2]) * (c[0] - a[0]) - (b[0] - a[0]) * (c[2] - a[2]),
                      (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])};
        const float len = std::sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
        for (float& x : n) x = len > 0 ? x / len : 0.0f;
        const uint16_t attribute = 0;
        f.write(reinterpret_cast<const char*>(n), 12);
        f.write(reinterpret_cast<const char*>(a), 12);
        f.write(reinterpret_cast<const char*>(b), 12);
        f.write(reinterpret_cast<const char*>(c), 12);
        f.write(reinterpret_cast<const char*>(&attribute), 2);
      }
    }
    require(static_cast<bool>(f), "--mesh: write failed for '" + path + "'");
  }
  output.commit();
  return {static_cast<int64_t>(nv), static_cast<int64_t>(nt), mesh.area_um2};
}

}  // namespace emorph
