// Distributed tortuosity with slab-held data (Cooper et al. 2016 finite volumes, as transport/tortuosity.cpp;
// solved by HYPRE's PCG across the MPI ranks, Falgout & Yang 2002).
#include "emorph/mpi/distributed_tortuosity.hpp"

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <limits>

#include "emorph/mpi/exchange.hpp"
#include "emorph/mpi/world.hpp"
#include "emorph/parallel.hpp"
#include "rank_components.hpp"
#include "transport/tortuosity_parts.hpp"

namespace emorph {
namespace {

// The held planes of one rank: its own slab and one halo plane each side (clipped at the volume's ends),
// with the global unknown (or kNoUnknown) and the label of every cell.
struct HeldSlab {
  Shape whole;
  int64_t first = 0, end = 0;  // global planes [first, end)
  int64_t own_z0 = 0, own_z1 = 0;
  std::vector<uint32_t> unknown;
  std::vector<uint8_t> label;
  int64_t own_begin = 0, own_end = 0, unknowns = 0;  // own unknowns, and all
  std::vector<uint32_t> cell_of_own;                 // held index of own unknown k - own_begin
  std::vector<std::pair<uint32_t, uint32_t>> halo;   // (unknown, held index) of the halo planes' unknowns, sorted
  int64_t plane() const { return whole.ny * whole.nx; }
};

// Builds the held slab: own cells from the rank's labels and percolation, halo planes from the neighbours.
HeldSlab hold_slab(const OwnSlab<uint8_t>& labels, const std::vector<uint8_t>& percolating) {
  HeldSlab h;
  h.whole = labels.info.shape;
  h.own_z0 = labels.z0, h.own_z1 = labels.z1;
  h.first = std::max<int64_t>(0, labels.z0 - 1), h.end = std::min(h.whole.nz, labels.z1 + 1);
  const int64_t plane = h.plane(), own_cells = (labels.z1 - labels.z0) * plane, offset = (labels.z0 - h.first) * plane;
  h.unknown.assign(static_cast<std::size_t>((h.end - h.first) * plane), kNoUnknown);
  h.label.assign(h.unknown.size(), 0);
  const int64_t own_count = std::count(percolating.begin(), percolating.end(), uint8_t{1});
  h.own_begin = world_sum_before(own_count);
  h.own_end = h.own_begin + own_count;
  std::vector<int64_t> all{own_count};
  world_sum(all);
  h.unknowns = all[0];
  require(h.unknowns < int64_t(kNoUnknown), "tortuosity: more than 4.29e9 conducting voxels; crop the volume");
  h.cell_of_own.reserve(static_cast<std::size_t>(own_count));
  for (int64_t i = 0, k = h.own_begin; i < own_cells; ++i) {
    h.label[offset + i] = labels.voxels.data()[i];
    if (!percolating[i]) continue;
    h.unknown[offset + i] = static_cast<uint32_t>(k++);
    h.cell_of_own.push_back(static_cast<uint32_t>(offset + i));
  }
  // Halo planes: (unknown, label) of the neighbours' facing planes.
  auto face = [&](int64_t at) {
    std::vector<int64_t> v(static_cast<std::size_t>(2 * plane));
    for (int64_t i = 0; i < plane; ++i) v[i] = h.unknown[at + i], v[plane + i] = h.label[at + i];
    return v;
  };
  const auto below = world_pass_forward(face(offset + own_cells - plane));
  const auto above = world_pass_backward(face(offset));
  auto put = [&](const std::vector<int64_t>& v, int64_t at) {
    for (int64_t i = 0; i < plane && !v.empty(); ++i)
      h.unknown[at + i] = static_cast<uint32_t>(v[i]), h.label[at + i] = static_cast<uint8_t>(v[plane + i]);
  };
  if (h.first < labels.z0) put(below, 0);
  if (h.end > labels.z1) put(above, offset + own_cells);
  // Halo unknowns in increasing order: those below precede the own ones, those above follow them.
  for (const auto& [from, to] : {std::pair<int64_t, int64_t>(0, offset), {offset + own_cells, static_cast<int64_t>(h.unknown.size())}})
    for (int64_t c = from; c < to; ++c)
      if (h.unknown[c] != kNoUnknown) h.halo.emplace_back(h.unknown[c], static_cast<uint32_t>(c));
  return h;
}

// Rows of the finite-volume system over the held planes (the in-core assemble's conductances).
class SlabSystem {
 public:
  SlabSystem(const HeldSlab& h, const Spacing& sp, const Diffusivities& d, int axis)
      : h_(h), d_(d), axis_(axis), area_{sp.dy * sp.dx, sp.dz * sp.dx, sp.dz * sp.dy}, length_{sp.dz, sp.dy, sp.dx} {
    step_[0] = h.plane(), step_[1] = h.whole.nx, step_[2] = 1;
  }
  // Position (z, y, x) of held cell c.
  std::array<int64_t, 3> position(int64_t c) const {
    return {h_.first + c / step_[0], (c % step_[0]) / step_[1], c % step_[1]};
  }
  // f(direction, neighbour held cell, conductance) for each link of cell c (lower first along each
  // axis) whose neighbour lies in the held planes.
  template <class F>
  void for_links(int64_t c, F&& f) const {
    const auto p = position(c);
    const int64_t extent[3] = {h_.whole.nz, h_.whole.ny, h_.whole.nx};
    const double sa = d_.sigma[h_.label[c]];
    for (int dir = 0; dir < 3; ++dir)
      for (int side : {-1, 1}) {
        const int64_t q = p[dir] + side;
        if (q < 0 || q >= extent[dir] || (dir == 0 && (q < h_.first || q >= h_.end))) continue;
        const int64_t n = c + side * step_[dir];
        if (h_.unknown[n] == kNoUnknown) continue;
        f(dir, side, n, face_conductance(area_[dir], length_[dir], sa, d_.sigma[h_.label[n]]));
      }
  }
  // Conductance from cell c to a Dirichlet face, and whether c lies on the inlet / outlet slice.
  double face_g(int64_t c, bool& inlet, bool& outlet) const {
    const int64_t pos = position(c)[axis_];
    inlet = pos == 0;
    outlet = pos == (axis_ == 0 ? h_.whole.nz : axis_ == 1 ? h_.whole.ny : h_.whole.nx) - 1;
    return boundary_conductance(area_[axis_], length_[axis_], d_.sigma[h_.label[c]]);
  }
  // GridSystem::row of held cell c: the right-hand side is the inlet face's conductance times c = 1.
  void row(int64_t c, double g_lower[3], double& diagonal, double& rhs) const {
    g_lower[0] = g_lower[1] = g_lower[2] = 0;
    bool inlet, outlet;
    const double g = face_g(c, inlet, outlet);
    rhs = inlet ? g : 0.0;
    diagonal = (inlet ? g : 0.0) + (outlet ? g : 0.0);
    for_links(c, [&](int dir, int side, int64_t, double g) {
      diagonal += g;
      if (side < 0) g_lower[dir] = g;
    });
  }
  int64_t cell_of(int64_t k) const {
    if (k >= h_.own_begin && k < h_.own_end) return h_.cell_of_own[k - h_.own_begin];
    const auto it = std::lower_bound(h_.halo.begin(), h_.halo.end(), std::make_pair(static_cast<uint32_t>(k), uint32_t{0}));
    if (it != h_.halo.end() && it->first == k) return it->second;
    throw InternalError("tortuosity: unknown " + std::to_string(k) + " is not held by rank " + std::to_string(world_rank()));
  }

 private:
  const HeldSlab& h_;
  const Diffusivities& d_;
  int axis_;
  double area_[3], length_[3];
  int64_t step_[3];
};

// One held plane's solution values (0 off the unknowns), as bits for the halo exchange.
std::vector<int64_t> plane_values(const HeldSlab& h, const std::vector<double>& x, int64_t at) {
  std::vector<int64_t> v(static_cast<std::size_t>(h.plane()), 0);
  for (int64_t i = 0; i < h.plane(); ++i)
    if (const uint32_t k = h.unknown[at + i]; k != kNoUnknown) v[i] = std::bit_cast<int64_t>(x[k - h.own_begin]);
  return v;
}

}  // namespace

TortuosityResult distributed_tortuosity(const std::string& path, const TortuosityParams& params, const ReadOptions& read_options) {
  const auto start = std::chrono::steady_clock::now();
  require(params.backend != TortuosityBackend::own,
          "--solver: under " + std::to_string(world_ranks()) +
              " MPI ranks tortuosity solves with HYPRE across the ranks: pass --solver hypre-boomeramg (or hypre-pfmg)");
  require(!params.keep_fields, "--field, --flux-field: not written under several MPI ranks yet; run them with one process");
  const Diffusivities d = check_tortuosity_params(params);
  const int axis = params.axis;
  TortuosityResult result;
  auto finish = [&] {
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return std::move(result);
  };
  OwnSlab<uint8_t> labels = read_own_slab_labels(path, "tortuosity");
  const Shape shape = labels.info.shape;
  const Spacing sp = read_options.voxel.value_or(labels.info.spacing);
  std::vector<int64_t> counts(256, 0);
  for (uint8_t l : labels.voxels) ++counts[l];
  world_sum(counts);
  std::array<int64_t, 256> histogram{};
  std::copy(counts.begin(), counts.end(), histogram.begin());
  const int64_t conducting_voxels = fractions_from_histogram(histogram, shape.voxels(), params, d, result);
  if (result.volume_fraction == 0) return finish();
  if (conducting_voxels == 0) {
    result.tau = result.macmullin = std::numeric_limits<double>::infinity();
    return finish();
  }
  // Percolating cells: the conducting labels' components (face connectivity) touching both faces.
  std::vector<uint8_t> percolating;
  {
    OwnSlab<uint8_t> mask{labels.info, labels.z0, labels.z1, Volume<uint8_t>(labels.voxels.shape())};
    for (int64_t i = 0; i < mask.voxels.size(); ++i) mask.voxels.data()[i] = d.sigma[labels.voxels.data()[i]] > 0;
    const RankComponents c = label_across_ranks(std::move(mask), 6, axis);
    percolating.resize(static_cast<std::size_t>(c.labels.voxels.size()));
    for (std::size_t i = 0; i < percolating.size(); ++i) percolating[i] = c.tree_faces[c.labels.voxels.data()[i]] == 3u;
  }
  const HeldSlab held = hold_slab(labels, percolating);
  labels.voxels = Volume<uint8_t>();
  percolating = {};
  result.unknowns = held.unknowns;
  result.percolating_fraction = double(held.unknowns) / double(conducting_voxels);
  if (held.unknowns == 0) {
    result.tau = result.macmullin = std::numeric_limits<double>::infinity();
    return finish();
  }
  result.percolating = true;

  const SlabSystem system(held, sp, d, axis);
  const int64_t own = held.own_end - held.own_begin;
  std::vector<double> x(static_cast<std::size_t>(own));
  const double n_axis = double(shape[axis]);
  for (int64_t k = 0; k < own; ++k) x[k] = 1.0 - (double(system.position(held.cell_of_own[k])[axis]) + 0.5) / n_axis;  // linear start
  GridSystem grid;
  grid.shape = shape;
  grid.unknown_of_cell = held.unknown.data();
  grid.unknowns = held.unknowns;
  grid.first_plane = held.first;
  grid.own_begin = held.own_begin, grid.own_end = held.own_end;
  grid.row = [&](int64_t k, double g_lower[3], double& diagonal, double& rhs) { system.row(system.cell_of(k), g_lower, diagonal, rhs); };
  solve_grid_with_hypre(grid, params, x.data(), result);

  // The true residual under the assembled operator (the halo planes' solution from the neighbours) and
  // the fluxes through the inlet and outlet faces, summed over the ranks.
  const int64_t plane = held.plane(), own_offset = (held.own_z0 - held.first) * plane;
  const auto below = world_pass_forward(plane_values(held, x, own_offset + (held.own_z1 - held.own_z0 - 1) * plane));
  const auto above = world_pass_backward(plane_values(held, x, own_offset));
  const int64_t own_cells = (held.own_z1 - held.own_z0) * plane;
  auto value = [&](int64_t c) {  // the solution at held cell c (an unknown)
    if (c < own_offset) return std::bit_cast<double>(below[c]);
    if (c >= own_offset + own_cells) return std::bit_cast<double>(above[c - own_offset - own_cells]);
    return x[held.unknown[c] - held.own_begin];
  };
  std::vector<double> sums(4, 0.0);  // ||b||^2, ||b - Ax||^2, flux in, flux out
  for (int64_t k = 0; k < own; ++k) {
    const int64_t c = held.cell_of_own[k];
    bool inlet, outlet;
    const double g = system.face_g(c, inlet, outlet), rhs = inlet ? g : 0.0;
    double ax = ((inlet ? g : 0.0) + (outlet ? g : 0.0)) * x[k];
    system.for_links(c, [&](int, int, int64_t n, double gl) { ax += gl * (x[k] - value(n)); });
    sums[0] += rhs * rhs;
    sums[1] += (rhs - ax) * (rhs - ax);
    if (inlet) sums[2] += g * (1.0 - x[k]);
    if (outlet) sums[3] += g * x[k];
  }
  world_sum(sums);
  result.relative_residual = std::sqrt(sums[1] / sums[0]);
  result.flux_in = sums[2], result.flux_out = sums[3];
  const double mean = 0.5 * (result.flux_in + result.flux_out);
  result.flux_mismatch = mean > 0 ? std::fabs(result.flux_in - result.flux_out) / mean : 1.0;
  if (result.converged) result.converged = result.flux_mismatch < params.flux_tolerance;
  finish_tortuosity(shape, sp, axis, d.d0, result);
  return finish();
}

}  // namespace emorph
