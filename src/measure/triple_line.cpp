// Triple-line length on the Freudenthal triangulation of the voxel centres (Freudenthal 1942; Kuhn
// 1960): the dual of a piecewise-constant 3-phase labelling crosses each trichromatic triangle once,
// so the triple line is a polyline through the centroids of those triangles; Taubin's lambda|mu
// smoothing (Taubin 1995) removes the lattice zigzag without shrinking the curve, and chords of a few
// voxels (the classical chord estimator of digital curve length) ignore the wiggle left.
#include "emorph/measure/triple_line.hpp"

#include <algorithm>
#include <cmath>
#include <unordered_map>
#include <vector>

namespace emorph {
namespace {

struct Point {
  double z = 0, y = 0, x = 0;
};

double distance(const Point& a, const Point& b) {
  return std::sqrt((a.z - b.z) * (a.z - b.z) + (a.y - b.y) * (a.y - b.y) + (a.x - b.x) * (a.x - b.x));
}

// A triangle of the triangulation: its three vertices' linear voxel indices, sorted.
struct FaceKey {
  int64_t a, b, c;
  bool operator==(const FaceKey& o) const { return a == o.a && b == o.b && c == o.c; }
};
struct FaceKeyHash {
  std::size_t operator()(const FaceKey& k) const {
    uint64_t h = static_cast<uint64_t>(k.a) * 0x9E3779B97F4A7C15ull;
    h ^= static_cast<uint64_t>(k.b) + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
    h ^= static_cast<uint64_t>(k.c) + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
    return static_cast<std::size_t>(h);
  }
};

FaceKey face_key(int64_t a, int64_t b, int64_t c) {
  if (a > b) std::swap(a, b);
  if (b > c) std::swap(b, c);
  if (a > b) std::swap(a, b);
  return {a, b, c};
}

// A segment of the polyline inside one tetrahedron: from the centroid of face `from` to that of face
// `to`, or (end) to the tetrahedron's centroid when only one face is trichromatic.
struct Segment {
  FaceKey from, to;
  bool end = false;
  Point end_point;
};

// Length of each chain (paths from an end, then closed loops) measured by chords spanning `span_um`
// of polyline each (span 0: the polyline itself): wiggles shorter than the span no longer add length.
// Fills chain_of_node; returns the chains' lengths.
std::vector<double> chord_lengths(const std::vector<Point>& p, const std::vector<std::array<int64_t, 2>>& neighbours,
                                  const std::vector<int>& degree, double span_um, std::vector<int64_t>& chain_of_node) {
  const int64_t n = static_cast<int64_t>(p.size());
  std::vector<char> visited(static_cast<std::size_t>(n), 0);
  chain_of_node.assign(static_cast<std::size_t>(n), -1);
  std::vector<double> lengths;
  std::vector<int64_t> chain;
  auto walk = [&](int64_t start) {
    chain.clear();
    const auto id = static_cast<int64_t>(lengths.size());
    double total = 0;
    int64_t prev = -1, cur = start;
    while (cur >= 0 && !visited[cur]) {
      visited[cur] = 1;
      chain_of_node[cur] = id;
      chain.push_back(cur);
      int64_t next = -1;
      for (int k = 0; k < std::min(degree[cur], 2); ++k)
        if (neighbours[cur][k] != prev && !visited[neighbours[cur][k]]) next = neighbours[cur][k];
      prev = cur;
      cur = next;
    }
    // A loop closes on its start: the last node is a neighbour of the first.
    const bool loop = chain.size() > 2 && degree[start] == 2 &&
                      (neighbours[chain.back()][0] == start || neighbours[chain.back()][1] == start);
    if (loop) chain.push_back(start);
    std::size_t last = 0;
    double arc = 0;
    for (std::size_t i = 1; i < chain.size(); ++i) {
      arc += distance(p[chain[i - 1]], p[chain[i]]);
      if (arc >= span_um) {
        total += distance(p[chain[last]], p[chain[i]]);
        last = i;
        arc = 0;
      }
    }
    if (last + 1 < chain.size()) total += distance(p[chain[last]], p[chain.back()]);
    lengths.push_back(total);
  };
  for (int64_t i = 0; i < n; ++i)
    if (!visited[i] && degree[i] <= 1) walk(i);
  for (int64_t i = 0; i < n; ++i)
    if (!visited[i]) walk(i);
  return lengths;
}

}  // namespace

TripleLineResult triple_line_length(VolumeView<const uint8_t> labels, const TripleLineParams& params) {
  const Spacing sp = labels.spacing();
  for (int a = 0; a < 3; ++a)
    require(std::isfinite(sp[a]) && sp[a] > 0, "triple line: voxel size must be positive and finite (--voxel)");
  const auto& ph = params.phases;
  require(ph[0] != ph[1] && ph[1] != ph[2] && ph[0] != ph[2], "triple line: the three phases must differ");
  require(params.smoothing_steps >= 0, "triple line: smoothing steps must be >= 0");
  require(std::isfinite(params.chord_voxels) && params.chord_voxels >= 0, "triple line: the chord span must be >= 0 voxels");
  const int64_t nz = labels.nz(), ny = labels.ny(), nx = labels.nx();
  using Estimator = TripleLineParams::Estimator;
  TripleLineResult r;
  r.method = params.estimator == Estimator::intersection
                 ? "intersection of the smoothed active surface and the fitted conductor|pore plane"
             : params.estimator == Estimator::polyline
                 ? "Freudenthal triangulation, Taubin-smoothed triple line"
                 : "hybrid: intersection of the smoothed active surface and the fitted conductor|pore plane on the "
                   "triple lines where that interface is planar and both estimators agree, Taubin-smoothed "
                   "Freudenthal polyline elsewhere";
  r.total_volume_um3 = static_cast<double>(nz * ny * nx) * sp.voxel_volume_um3();
  if (nz < 2 || ny < 2 || nx < 2) return r;

  // Class of a label: bit 0, 1, 2 for the three phases, 0 for any other.
  std::array<uint8_t, 256> cls{};
  for (int k = 0; k < 3; ++k) cls[ph[k]] = static_cast<uint8_t>(1u << k);
  auto index = [&](int64_t z, int64_t y, int64_t x) { return (z * ny + y) * nx + x; };
  auto position = [&](int64_t i) {
    return Point{static_cast<double>(i / (ny * nx)) * sp.dz, static_cast<double>((i / nx) % ny) * sp.dy,
                 static_cast<double>(i % nx) * sp.dx};
  };
  // The 6 Kuhn tetrahedra of a cube: (0,0,0) -> +e_p -> +e_q -> (1,1,1), (p, q) over the orders of the axes.
  static const int kOrders[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};

  std::vector<std::vector<Segment>> per_slice(static_cast<std::size_t>(nz - 1));
#pragma omp parallel for schedule(dynamic, 1)
  for (int64_t z = 0; z < nz - 1; ++z) {
    auto& out = per_slice[static_cast<std::size_t>(z)];
    const int64_t sx = labels.strides().sx;
    for (int64_t y = 0; y < ny - 1; ++y) {
      // The cube's four rows, indexed 2 dz + dy.
      const uint8_t* rows[4] = {labels.row(z, y), labels.row(z, y + 1), labels.row(z + 1, y), labels.row(z + 1, y + 1)};
      for (int64_t x = 0; x < nx - 1; ++x) {
        // Corner c = 4 dz + 2 dy + dx.
        std::array<uint8_t, 8> c{};
        uint8_t all = 0;
        for (int k = 0; k < 8; ++k) {
          c[k] = cls[rows[k >> 1][(x + (k & 1)) * sx]];
          all |= c[k];
        }
        if (all != 7) continue;  // the cube lacks one of the three phases
        for (const auto& order : kOrders) {
          std::array<int, 4> corner{0, 0, 0, 7};
          int bits = 0;
          for (int s = 0; s < 2; ++s) {
            bits |= 4 >> order[s];  // axis 0 (z) is bit 4, axis 2 (x) bit 1
            corner[s + 1] = bits;
          }
          uint8_t seen = 0;
          for (int v : corner) seen |= c[v];
          if (seen != 7) continue;
          // Faces opposite each vertex that carry the three phases.
          std::array<int, 2> faces{};
          int found = 0;
          for (int omit = 0; omit < 4; ++omit) {
            uint8_t f = 0;
            for (int v = 0; v < 4; ++v)
              if (v != omit) f |= c[corner[v]];
            if (f == 7 && found < 2) faces[found++] = omit;
          }
          auto vertex_index = [&](int v) {
            const int k = corner[v];
            return index(z + (k >> 2), y + ((k >> 1) & 1), x + (k & 1));
          };
          auto key_of = [&](int omit) {
            int64_t idx[3];
            int n = 0;
            for (int v = 0; v < 4; ++v)
              if (v != omit) idx[n++] = vertex_index(v);
            return face_key(idx[0], idx[1], idx[2]);
          };
          Segment s;
          s.from = key_of(faces[0]);
          if (found == 2) {
            s.to = key_of(faces[1]);
          } else {  // a fourth phase in the tetrahedron: the line ends at its centroid
            s.end = true;
            for (int v = 0; v < 4; ++v) {
              const Point p = position(vertex_index(v));
              s.end_point.z += p.z / 4, s.end_point.y += p.y / 4, s.end_point.x += p.x / 4;
            }
          }
          out.push_back(s);
        }
      }
    }
  }

  // Nodes: one per trichromatic face (its centroid) or line end, numbered in slice order.
  std::unordered_map<FaceKey, int64_t, FaceKeyHash> node_of;
  std::vector<Point> node;
  std::vector<std::array<int64_t, 2>> edges;
  auto face_node = [&](const FaceKey& k) {
    auto [it, inserted] = node_of.emplace(k, static_cast<int64_t>(node.size()));
    if (inserted) {
      const Point a = position(k.a), b = position(k.b), c = position(k.c);
      node.push_back({(a.z + b.z + c.z) / 3, (a.y + b.y + c.y) / 3, (a.x + b.x + c.x) / 3});
    }
    return it->second;
  };
  for (const auto& slice : per_slice)
    for (const auto& s : slice) {
      const int64_t from = face_node(s.from);
      int64_t to;
      if (s.end) {
        to = static_cast<int64_t>(node.size());
        node.push_back(s.end_point);
      } else {
        to = face_node(s.to);
      }
      edges.push_back({from, to});
    }
  r.segments = static_cast<int64_t>(edges.size());

  std::vector<std::array<int64_t, 2>> neighbours(node.size(), {-1, -1});
  std::vector<int> degree(node.size(), 0);
  for (const auto& e : edges)
    for (int k = 0; k < 2; ++k) {
      const int64_t n = e[k], other = e[1 - k];
      if (degree[n] < 2) neighbours[n][degree[n]] = other;
      ++degree[n];
    }
  for (int d : degree) r.ends += d == 1;
  auto length = [&](const std::vector<Point>& p) {
    double sum = 0;
    for (const auto& e : edges) sum += distance(p[e[0]], p[e[1]]);
    return sum;
  };
  r.raw_length_um = length(node);

  // Taubin smoothing of the interior nodes (degree 2); ends and junctions stay where they are.
  std::vector<Point> next(node.size());
  auto relax = [&](double factor) {
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < static_cast<int64_t>(node.size()); ++i) {
      const Point& p = node[i];
      if (degree[i] != 2) {
        next[i] = p;
        continue;
      }
      const Point& a = node[neighbours[i][0]];
      const Point& b = node[neighbours[i][1]];
      next[i] = {p.z + factor * ((a.z + b.z) / 2 - p.z), p.y + factor * ((a.y + b.y) / 2 - p.y),
                 p.x + factor * ((a.x + b.x) / 2 - p.x)};
    }
    node.swap(next);
  };
  for (int s = 0; s < params.smoothing_steps; ++s) {
    relax(0.5);
    relax(-0.53);
  }
  const double unit = std::min({sp.dz, sp.dy, sp.dx});
  TripleLineIntersectionParams ip = params.intersection;
  ip.phases = params.phases;
  if (params.estimator == Estimator::intersection) {
    r.length_um = triple_line_intersection_length(labels, ip);
    r.intersection_share = r.length_um > 0 ? 1 : 0;
  } else {
    std::vector<int64_t> chain_of_node;
    const auto chain_length = chord_lengths(node, neighbours, degree, params.chord_voxels * unit, chain_of_node);
    if (params.estimator == Estimator::polyline) {
      for (double l : chain_length) r.length_um += l;
    } else {
      // Each chain's chord length spread over its edges in proportion to their smoothed lengths.
      std::vector<double> arc(chain_length.size(), 0.0);
      for (const auto& e : edges) arc[static_cast<std::size_t>(chain_of_node[e[0]])] += distance(node[e[0]], node[e[1]]);
      std::vector<TripleLinePiece> pieces;
      pieces.reserve(edges.size());
      for (const auto& e : edges) {
        const Point &a = node[e[0]], &b = node[e[1]];
        const auto c = static_cast<std::size_t>(chain_of_node[e[0]]);
        if (arc[c] > 0)
          pieces.push_back({{(a.z + b.z) / 2, (a.y + b.y) / 2, (a.x + b.x) / 2}, distance(a, b) * chain_length[c] / arc[c], 0});
      }
      const auto segments = triple_line_intersection_segments(labels, ip, &pieces);
      const auto h = hybrid_triple_line_length(pieces, segments, params.hybrid);
      r.length_um = h.length_um;
      r.intersection_share = h.intersection_share;
    }
  }
  r.length_per_um2 = r.length_um / r.total_volume_um3;
  return r;
}

}  // namespace emorph
