// Ground truth of a synthetic electrode: exact voxel counts per phase and per slice, voxel-face
// interface areas, analytic sphere areas (Archimedes' zones for the part inside the box), particle list
// and size distributions (quantiles by number and by volume).
#include <omp.h>

#include <algorithm>
#include <array>
#include <cmath>

#include "emorph/fields.hpp"
#include "emorph/synth/electrode.hpp"
#include "emorph/version.hpp"

namespace emorph::synth {

namespace {

constexpr int kLabels = 5;
const std::array<const char*, kLabels> kNames{"pore", "NMC", "LFP", "CBD", "collector"};
constexpr double kPi = 3.14159265358979323846;

EMORPH_JSON_FIELDS(synth_params_fields, SynthParams, preset, voxel_um, seed, nmc_fraction, lfp_fraction, cbd_fraction,
                   nmc_d10_um, nmc_d50_um, nmc_d90_um, nmc_min_diameter_um, nmc_max_diameter_um, collector_um,
                   domain_lateral_um, domain_thickness_um, nmc_slope_per_um, nmc_size_slope_per_um, depleted_layer_um,
                   depleted_nmc_factor, depleted_size_factor, depleted_cbd_boost, dense_surface_um,
                   dense_surface_factor, cracked_surface_um, crack_width_um, cracks_per_particle, lfp_slope_per_um,
                   lfp_primary_um, lfp_agglomerate_d50_um, lfp_agglomerate_max_um, lfp_agglomerate_share,
                   cbd_cluster_um, cbd_neck_um, cavity_fraction, cavity_d50_um, packing_z_mobility)

Json params_json(const SynthParams& p) {
  Json j = synth_params_fields(p);
  j["shape"] = {p.shape.nz, p.shape.ny, p.shape.nx};
  return j;
}

Json particle_json(const Particle& pt, const char* phase) {
  Json j{{"phase", phase},
         {"centre_um", {pt.centre_um[0], pt.centre_um[1], pt.centre_um[2]}},
         {"radius_um", pt.radius_um},
         {"voxels", pt.voxels}};
  if (!pt.cracks.empty()) j["cracks"] = static_cast<int>(pt.cracks.size());
  return j;
}

Json quantiles_json(const std::vector<double>& d, bool volume_weighted) {
  if (d.empty()) return Json{{"d10_um", nullptr}, {"d50_um", nullptr}, {"d90_um", nullptr}};
  return Json{{"d10_um", diameter_quantile(d, 0.1, volume_weighted)},
              {"d50_um", diameter_quantile(d, 0.5, volume_weighted)},
              {"d90_um", diameter_quantile(d, 0.9, volume_weighted)}};
}

// Least-squares slope of y against x.
double fit_slope(const std::vector<double>& x, const std::vector<double>& y) {
  const double n = static_cast<double>(x.size());
  if (n < 2) return 0.0;
  double mx = 0, my = 0;
  for (std::size_t i = 0; i < x.size(); ++i) mx += x[i], my += y[i];
  mx /= n, my /= n;
  double sxy = 0, sxx = 0;
  for (std::size_t i = 0; i < x.size(); ++i) sxy += (x[i] - mx) * (y[i] - my), sxx += (x[i] - mx) * (x[i] - mx);
  return sxx > 0 ? sxy / sxx : 0.0;
}

}  // namespace

double diameter_quantile(std::vector<double> d, double q, bool volume_weighted) {
  if (d.empty()) return 0.0;
  std::sort(d.begin(), d.end());
  std::vector<double> cumulative(d.size());
  double total = 0;
  for (std::size_t i = 0; i < d.size(); ++i) {
    total += volume_weighted ? d[i] * d[i] * d[i] : 1.0;
    cumulative[i] = total;
  }
  // Each particle's weight is centred on its diameter (midpoint rule of the empirical distribution).
  const double target = q * total;
  double prev_c = 0, prev_d = d[0];
  for (std::size_t i = 0; i < d.size(); ++i) {
    const double w = cumulative[i] - (i ? cumulative[i - 1] : 0.0);
    const double mid = cumulative[i] - 0.5 * w;
    if (mid >= target) {
      if (i == 0) return d[0];
      return prev_d + (d[i] - prev_d) * (target - prev_c) / (mid - prev_c);
    }
    prev_c = mid, prev_d = d[i];
  }
  return d.back();
}

Json electrode_truth(const SynthResult& res, const SynthParams& p) {
  const Volume<uint8_t>& lab = res.labels;
  const Shape shape = lab.shape();
  const Spacing sp = lab.spacing();
  const int64_t plane = shape.ny * shape.nx;
  // Per slice: label counts; faces between different labels (x and y faces in the slice, z faces to the
  // next slice). Integer sums, so the totals do not depend on the thread count.
  std::vector<std::array<int64_t, kLabels>> slice(shape.nz);
  std::vector<std::array<int64_t, kLabels * kLabels>> faces_x(shape.nz), faces_y(shape.nz), faces_z(shape.nz);
#pragma omp parallel for schedule(dynamic, 4)
  for (int64_t z = 0; z < shape.nz; ++z) {
    std::array<int64_t, kLabels + 1> c{};  // the last entry collects labels outside the table
    std::array<int64_t, (kLabels + 1) * (kLabels + 1)> fx{}, fy{}, fz{};
    auto clip = [](uint8_t v) { return v < kLabels ? v : kLabels; };
    const uint8_t* s = &lab(z, 0, 0);
    const uint8_t* next = z + 1 < shape.nz ? s + plane : nullptr;
    for (int64_t y = 0; y < shape.ny; ++y) {
      const uint8_t* r = s + y * shape.nx;
      const uint8_t* below = y + 1 < shape.ny ? r + shape.nx : nullptr;
      const uint8_t* behind = next ? next + y * shape.nx : nullptr;
      for (int64_t x = 0; x < shape.nx; ++x) {
        const int v = clip(r[x]);
        ++c[v];
        if (x + 1 < shape.nx && r[x + 1] != r[x]) ++fx[v * (kLabels + 1) + clip(r[x + 1])];
        if (below && below[x] != r[x]) ++fy[v * (kLabels + 1) + clip(below[x])];
        if (behind && behind[x] != r[x]) ++fz[v * (kLabels + 1) + clip(behind[x])];
      }
    }
    for (int l = 0; l < kLabels; ++l) slice[z][l] = c[l];
    faces_x[z].fill(0), faces_y[z].fill(0), faces_z[z].fill(0);
    for (int a = 0; a < kLabels; ++a)
      for (int b = 0; b < kLabels; ++b) {
        if (a == b) continue;
        const int k = std::min(a, b) * kLabels + std::max(a, b), src = a * (kLabels + 1) + b;
        faces_x[z][k] += fx[src], faces_y[z][k] += fy[src], faces_z[z][k] += fz[src];
      }
  }
  std::array<int64_t, kLabels> total{};
  std::array<double, kLabels * kLabels> area{};
  for (int64_t z = 0; z < shape.nz; ++z) {
    for (int l = 0; l < kLabels; ++l) total[l] += slice[z][l];
    for (int k = 0; k < kLabels * kLabels; ++k)
      area[k] += faces_x[z][k] * sp.dy * sp.dz + faces_y[z][k] * sp.dx * sp.dz + faces_z[z][k] * sp.dy * sp.dx;
  }
  const double voxels = static_cast<double>(lab.size());
  const double electrode = static_cast<double>(lab.size() - total[kCollector]);
  const double vvox = sp.voxel_volume_um3();

  Json j;
  j["generator"] = "emorph synth";
  j["emorph_version"] = kVersion;
  j["preset"] = p.preset;
  j["seed"] = p.seed;
  j["shape"] = {shape.nz, shape.ny, shape.nx};
  j["voxel_um"] = {sp.dz, sp.dy, sp.dx};
  j["thickness_axis"] = 0;
  j["parameters"] = params_json(p);
  const std::array<double, kLabels> targets{1.0 - p.nmc_fraction - p.lfp_fraction - p.cbd_fraction, p.nmc_fraction,
                                            p.lfp_fraction, p.cbd_fraction, 0.0};

  // Analytic NMC area: the zone of each sphere between the box's z faces (Archimedes: 2 pi r h);
  // lateral faces cut nothing in a periodic box. Spheres never overlap, so areas add up.
  Json nmc_area = nullptr;
  if (res.periodic_lateral) {
    double a = 0;
    const double top = shape.nz * sp.dz;
    for (const auto& pt : res.nmc) {
      const double lo = std::max(0.0, pt.centre_um[0] - pt.radius_um), hi = std::min(top, pt.centre_um[0] + pt.radius_um);
      if (hi > lo) a += 2 * kPi * pt.radius_um * (hi - lo);
    }
    nmc_area = a;
  }

  Json phases = Json::object();
  for (int l = 0; l < kLabels; ++l) {
    if (l == kCollector && total[l] == 0) continue;
    double face_area = 0;
    for (int m = 0; m < kLabels; ++m)
      if (m != l) face_area += area[std::min(l, m) * kLabels + std::max(l, m)];
    Json ph{{"label", l},
            {"voxels", total[l]},
            {"volume_fraction", total[l] / voxels},
            {"volume_um3", total[l] * vvox},
            {"voxel_face_area_um2", face_area}};
    if (l != kCollector) {
      ph["electrode_volume_fraction"] = electrode > 0 ? total[l] / electrode : 0.0;
      ph["target_fraction"] = targets[l];
    }
    if (l == kNmc) ph["analytic_sphere_area_um2"] = nmc_area;
    phases[kNames[l]] = ph;
  }
  j["phases"] = phases;
  Json interfaces = Json::object();
  for (int a = 0; a < kLabels; ++a)
    for (int b = a + 1; b < kLabels; ++b)
      if (area[a * kLabels + b] > 0)
        interfaces[std::string(kNames[a]) + "|" + kNames[b]] = {{"voxel_face_area_um2", area[a * kLabels + b]}};
  j["interfaces"] = interfaces;

  j["electrode"] = {{"collector_slices", res.collector_voxels_z},
                    {"collector_um", res.collector_voxels_z * sp.dz},
                    {"thickness_um", res.electrode_thickness_um},
                    {"window", !res.periodic_lateral},
                    {"window_origin_um", {res.window_origin_um[0], res.window_origin_um[1], res.window_origin_um[2]}},
                    {"periodic_lateral", res.periodic_lateral}};

  // Per-slice profiles along the thickness axis, positions at slice centres from the lower face of slice 0.
  Json prof;
  std::vector<double> pos(shape.nz);
  for (int64_t z = 0; z < shape.nz; ++z) pos[z] = (z + 0.5) * sp.dz;
  prof["position_um"] = pos;
  for (int l = 0; l < kLabels; ++l) {
    if (l == kCollector && total[l] == 0) continue;
    std::vector<double> f(shape.nz);
    for (int64_t z = 0; z < shape.nz; ++z) f[z] = slice[z][l] / static_cast<double>(plane);
    prof[kNames[l]] = f;
  }
  prof["NMC_target"] = res.target_nmc_profile;
  j["profiles"] = prof;

  // Imposed gradients, and the slope of the realised NMC profile over the bulk (the depleted layer and
  // one D50 below the surface excluded), the figure `emorph profile` should recover.
  Json grad{{"nmc_slope_per_um", res.imposed_nmc_slope_per_um},
            {"nmc_slope_relative_percent_per_um",
             p.nmc_fraction > 0 ? 100.0 * res.imposed_nmc_slope_per_um / p.nmc_fraction : 0.0},
            {"nmc_size_slope_per_um", p.nmc_size_slope_per_um},
            {"lfp_slope_per_um", p.lfp_slope_per_um},
            {"depleted_layer_um", p.depleted_layer_um},
            {"dense_surface_um", p.dense_surface_um},
            {"cracked_surface_um", p.cracked_surface_um}};
  if (res.periodic_lateral) {
    // The profile needs about half a particle diameter to recover from the depleted layer's step.
    const double start =
        res.collector_voxels_z * sp.dz + std::max(p.depleted_layer_um + 0.5 * p.nmc_d50_um, p.nmc_d50_um);
    const double end = shape.nz * sp.dz - std::max(p.dense_surface_um, p.nmc_d50_um);
    std::vector<double> x, y;
    for (int64_t z = 0; z < shape.nz; ++z)
      if (pos[z] >= start && pos[z] <= end) x.push_back(pos[z]), y.push_back(slice[z][kNmc] / static_cast<double>(plane));
    grad["bulk_window_um"] = {start, end};
    grad["nmc_realised_bulk_slope_per_um"] = fit_slope(x, y);
  }
  j["gradients"] = grad;

  std::vector<double> diam;
  Json particles = Json::array();
  int64_t cracked = 0;
  for (const auto& pt : res.nmc) {
    diam.push_back(2 * pt.radius_um);
    particles.push_back(particle_json(pt, "NMC"));
    cracked += !pt.cracks.empty();
  }
  j["size_distribution"] = {{"NMC",
                             {{"count", diam.size()},
                              {"cracked", cracked},
                              {"number", quantiles_json(diam, false)},
                              {"volume", quantiles_json(diam, true)},
                              {"target_volume", {{"d10_um", p.nmc_d10_um}, {"d50_um", p.nmc_d50_um}, {"d90_um", p.nmc_d90_um}}}}}};
  j["particles"] = particles;
  Json agg = Json::array(), cav = Json::array();
  for (const auto& a : res.lfp_agglomerates) agg.push_back(particle_json(a, "LFP"));
  for (const auto& c : res.cavities) cav.push_back(particle_json(c, "pore"));
  j["lfp_agglomerates"] = agg;
  j["cavities"] = cav;
  return j;
}

}  // namespace emorph::synth
