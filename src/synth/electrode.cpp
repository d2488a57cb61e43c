// Synthetic cathode generator: NMC spheres (log-normal sizes, greedy placement on a target thickness
// profile, then collective rearrangement to remove overlaps), then LFP and CB+PVdF given exactly their
// target voxel counts by rank selection of spatial score fields (agglomerates, necks, gradients).
#include "emorph/synth/electrode.hpp"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "emorph/error.hpp"
#include "emorph/synth/packing.hpp"
#include "noise_field.hpp"
#include "random.hpp"
#include "rank_select.hpp"
#include "sphere_raster.hpp"

namespace emorph::synth {

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr uint8_t kReserved = 255;  // cavity voxels while LFP and CBD are placed
constexpr double kZ90 = 1.2815515655446004;
constexpr int kProfileRounds = 24;

// Sub-stream numbers, one per stage.
enum Stage : uint64_t { kSizes = 1, kPlacement, kCracks, kCavities, kAgglomerates, kLfpNoise, kCbdNoise, kPrimaries };

// Where the box lies in the virtual electrode.
struct Frame {
  Shape shape;
  Spacing sp;
  double box_z = 0, box_y = 0, box_x = 0;  // box extents, um
  double thickness = 0;                    // electrode thickness T, um
  double dom_y = 0, dom_x = 0;             // lateral period of the virtual electrode
  double oz = 0, oy = 0, ox = 0;           // box origin in electrode coordinates (z from the collector side)
  double collector_um = 0;                 // collector thickness inside the box
  int64_t collector_z = 0;                 // collector slices
  bool window = false;

  double electrode_z(int64_t z) const { return (z + 0.5) * sp.dz - collector_um + oz; }
  double to_box_z(double ez) const { return ez - oz + collector_um; }
};

// Volume of a sphere (centre c, radius r) between planes a < b.
double slab_volume(double c, double r, double a, double b) {
  const double lo = std::max(a, c - r), hi = std::min(b, c + r);
  if (hi <= lo) return 0.0;
  auto primitive = [&](double t) { const double u = t - c; return r * r * u - u * u * u / 3.0; };
  return kPi * (primitive(hi) - primitive(lo));
}

struct LogNormal {
  double mu_number = 0, sigma = 0;  // ln-diameter parameters of the number distribution
};

// Volume-weighted log-normal through D10, D90 (sigma) and D50 (median); the number distribution of the
// same family has median exp(mu_v - 3 sigma^2) (Hatch-Choate).
LogNormal fit_log_normal(double d10, double d50, double d90) {
  LogNormal ln;
  ln.sigma = std::log(d90 / d10) / (2.0 * kZ90);
  ln.mu_number = std::log(d50) - 3.0 * ln.sigma * ln.sigma;
  return ln;
}

double draw_diameter(Rng& rng, const LogNormal& ln, double dmin, double dmax) {
  for (;;) {
    const double d = std::exp(ln.mu_number + ln.sigma * rng.normal());
    if (d >= dmin && d <= dmax) return d;
  }
}

Frame make_frame(const SynthParams& p) {
  Frame f;
  f.shape = p.shape;
  f.sp = {p.voxel_um, p.voxel_um, p.voxel_um};
  f.box_z = p.shape.nz * p.voxel_um;
  f.box_y = p.shape.ny * p.voxel_um;
  f.box_x = p.shape.nx * p.voxel_um;
  const double lateral = std::max(p.domain_lateral_um, 0.0);
  f.dom_y = std::max(f.box_y, lateral);
  f.dom_x = std::max(f.box_x, lateral);
  f.window = p.domain_lateral_um > std::max(f.box_y, f.box_x) || p.domain_thickness_um > f.box_z;
  if (f.window) {
    f.thickness = std::max(f.box_z, p.domain_thickness_um);
    f.oz = 0.5 * (f.thickness - f.box_z);
    f.oy = 0.5 * (f.dom_y - f.box_y);
    f.ox = 0.5 * (f.dom_x - f.box_x);
  } else {
    f.collector_z = static_cast<int64_t>(std::llround(p.collector_um / p.voxel_um));
    f.collector_um = f.collector_z * p.voxel_um;
    f.thickness = f.box_z - f.collector_um;
  }
  return f;
}

// Target NMC fraction along the electrode thickness, normalised to the requested mean.
struct NmcProfile {
  std::vector<double> fraction;  // per bin
  double bin = 1, slope_scale = 1;
  double at(double z) const {
    const int64_t i = std::clamp<int64_t>(static_cast<int64_t>(z / bin), 0, static_cast<int64_t>(fraction.size()) - 1);
    return fraction[i];
  }
};

NmcProfile nmc_profile(const SynthParams& p, double thickness) {
  NmcProfile prof;
  const int64_t bins = std::max<int64_t>(16, static_cast<int64_t>(std::ceil(thickness / 0.5)));
  prof.bin = thickness / bins;
  prof.fraction.resize(bins);
  double sum = 0;
  for (int64_t b = 0; b < bins; ++b) {
    const double z = (b + 0.5) * prof.bin;
    double f = p.nmc_fraction + p.nmc_slope_per_um * (z - 0.5 * thickness);
    if (z < p.depleted_layer_um) f *= p.depleted_nmc_factor;
    if (z > thickness - p.dense_surface_um) f *= p.dense_surface_factor;
    prof.fraction[b] = std::max(f, 0.0);
    sum += prof.fraction[b];
  }
  const double mean = sum / bins;
  prof.slope_scale = mean > 0 ? p.nmc_fraction / mean : 0.0;
  for (auto& f : prof.fraction) f *= prof.slope_scale;
  return prof;
}

double size_factor(const SynthParams& p, double z, double thickness) {
  double f = 1.0 + p.nmc_size_slope_per_um * (z - 0.5 * thickness);
  if (z < p.depleted_layer_um) f *= p.depleted_size_factor;
  return std::max(f, 0.05);
}

// Greedy placement on the target profile, then overlap removal; repeated while the packed volume
// inside the electrode falls short of the target (spheres crossing the surface lose a cap).
std::vector<Sphere> pack_nmc(const SynthParams& p, const Frame& f, const NmcProfile& prof, int& sweeps) {
  std::vector<Sphere> spheres;
  sweeps = 0;
  if (p.nmc_fraction <= 0) return spheres;
  const double T = f.thickness, area = f.dom_y * f.dom_x;
  const int64_t bins = static_cast<int64_t>(prof.fraction.size());
  const double target_total = p.nmc_fraction * area * T;
  const LogNormal ln = fit_log_normal(p.nmc_d10_um, p.nmc_d50_um, p.nmc_d90_um);
  Rng size_rng(stream_seed(p.seed, kSizes)), place_rng(stream_seed(p.seed, kPlacement));
  std::vector<double> current(bins, 0.0);

  auto add_volume = [&](const Sphere& s, double sign) {
    const int64_t b0 = std::max<int64_t>(0, static_cast<int64_t>((s.z - s.r) / prof.bin));
    const int64_t b1 = std::min<int64_t>(bins - 1, static_cast<int64_t>((s.z + s.r) / prof.bin));
    double v = 0;
    for (int64_t b = b0; b <= b1; ++b) {
      const double dv = slab_volume(s.z, s.r, b * prof.bin, (b + 1) * prof.bin);
      current[b] += sign * dv;
      v += dv;
    }
    return v;
  };
  auto deficit_score = [&](double z, double r) {
    const int64_t b0 = std::max<int64_t>(0, static_cast<int64_t>((z - r) / prof.bin));
    const int64_t b1 = std::min<int64_t>(bins - 1, static_cast<int64_t>((z + r) / prof.bin));
    double score = 0;
    for (int64_t b = b0; b <= b1; ++b)
      score += (prof.fraction[b] * area * prof.bin - current[b]) * slab_volume(z, r, b * prof.bin, (b + 1) * prof.bin);
    return score;
  };

  // Likelihood ratio of diameter d at height z when the local median diameter is scaled by size_factor(z).
  auto size_likelihood = [&](double d, double z) {
    const double shift = std::log(size_factor(p, z, T)), u = std::log(d) - ln.mu_number;
    return std::exp((2 * u * shift - shift * shift) / (2 * ln.sigma * ln.sigma));
  };
  double packed = 0;
  const double dmin = p.nmc_min_diameter_um;
  const double dmax = std::min(p.nmc_max_diameter_um, 0.999 * std::min({f.dom_y, f.dom_x, T}));
  std::vector<double> moved;  // diameters of spheres taken out, to be placed again
  auto add_until_target = [&]() {
    while (packed < target_total || !moved.empty()) {
      // Spheres taken out by the profile correction come back first with their own size, so the
      // correction moves particles and never changes the size distribution.
      const bool reuse = !moved.empty();
      double d0 = reuse ? moved.back() : draw_diameter(size_rng, ln, dmin, dmax);
      if (reuse) moved.pop_back();
      const double remaining = target_total - packed;
      // The last particle is drawn to fit what remains, so that the total lands on the target.
      if (!reuse && kPi / 6 * d0 * d0 * d0 > 1.2 * remaining) {
        for (int attempt = 0; attempt < 50 && kPi / 6 * d0 * d0 * d0 > 1.2 * remaining; ++attempt)
          d0 = draw_diameter(size_rng, ln, dmin, dmax);
        if (kPi / 6 * d0 * d0 * d0 > 1.2 * remaining) {
          const double fit = std::cbrt(6 * remaining / kPi);
          if (fit < dmin) break;
          d0 = fit;
        }
      }
      // Candidates drawn with the size preference of each height (segregation: positions depend on
      // the size, the sizes keep their distribution), the one that best fills the profile deficit wins.
      const double r = 0.5 * d0;
      double w_max = 0;
      for (double z = 0; z <= T; z += T / 64) w_max = std::max(w_max, size_likelihood(d0, z));
      Sphere best;
      double best_score = -1e300;
      for (int k = 0; k < 8; ++k) {
        double zc = place_rng.uniform(0.0, T);
        for (int attempt = 0; attempt < 200 && place_rng.uniform() * w_max > size_likelihood(d0, zc); ++attempt)
          zc = place_rng.uniform(0.0, T);
        const double z = std::clamp(zc, r, T);
        const double score = deficit_score(z, r);
        if (score > best_score) best_score = score, best = {z, 0, 0, r};
      }
      best.y = place_rng.uniform(0.0, f.dom_y);
      best.x = place_rng.uniform(0.0, f.dom_x);
      packed += add_volume(best, 1.0);
      spheres.push_back(best);
    }
  };
  PackingParams pp;
  pp.period_y_um = f.dom_y;
  pp.period_x_um = f.dom_x;
  pp.floor_um = 0;
  pp.ceiling_um = T;
  pp.z_mobility = p.packing_z_mobility;
  auto relax = [&]() {
    const PackingResult pr = relax_overlaps(spheres, pp);
    sweeps += pr.sweeps;
    if (!pr.converged)
      throw InputError("synth: NMC fraction " + std::to_string(p.nmc_fraction) +
                       " could not be packed without overlapping particles (lower --nmc or the gradients)");
    std::fill(current.begin(), current.end(), 0.0);
    packed = 0;
    for (const auto& sp : spheres) packed += add_volume(sp, 1.0);
  };
  add_until_target();
  relax();
  // Rearrangement smooths the imposed profile out: a few rounds take out spheres where the profile
  // (smoothed over a few um) exceeds the target and place new ones where it falls short.
  const int64_t half_window = std::max<int64_t>(1, static_cast<int64_t>(2.5 / prof.bin));
  const double median_volume = kPi / 6 * std::pow(p.nmc_d50_um, 3) * std::exp(-4.5 * ln.sigma * ln.sigma);
  for (int round = 0; round < kProfileRounds; ++round) {
    std::vector<double> excess(bins, 0.0);
    for (int64_t b = 0; b < bins; ++b) {
      double e = 0;
      int64_t count = 0;
      for (int64_t k = std::max<int64_t>(0, b - half_window); k <= std::min(bins - 1, b + half_window); ++k, ++count)
        e += current[k] - prof.fraction[k] * area * prof.bin;
      excess[b] = e / count;
    }
    double positive = 0;
    for (double e : excess) positive += std::max(e, 0.0);
    if (positive < 0.002 * target_total && packed >= target_total - 0.5 * median_volume) break;
    std::vector<std::pair<double, int>> ranked;
    for (std::size_t i = 0; i < spheres.size(); ++i) {
      const Sphere& sp = spheres[i];
      const int64_t b0 = std::max<int64_t>(0, static_cast<int64_t>((sp.z - sp.r) / prof.bin));
      const int64_t b1 = std::min<int64_t>(bins - 1, static_cast<int64_t>((sp.z + sp.r) / prof.bin));
      double score = 0;
      for (int64_t b = b0; b <= b1; ++b) score += excess[b] * slab_volume(sp.z, sp.r, b * prof.bin, (b + 1) * prof.bin);
      if (score > 0) ranked.push_back({score / (sp.r * sp.r * sp.r), static_cast<int>(i)});
    }
    std::sort(ranked.begin(), ranked.end(), [](const auto& x, const auto& y) { return x.first > y.first || (x.first == y.first && x.second < y.second); });
    std::vector<char> remove(spheres.size(), 0);
    double removed = 0;
    for (const auto& [score, i] : ranked) {
      if (removed >= 0.5 * positive) break;
      remove[i] = 1;
      removed += add_volume(spheres[i], -1.0);
      moved.push_back(2 * spheres[i].r);
    }
    packed -= removed;
    std::vector<Sphere> kept;
    for (std::size_t i = 0; i < spheres.size(); ++i)
      if (!remove[i]) kept.push_back(spheres[i]);
    spheres.swap(kept);
    add_until_target();
    relax();
  }
  return spheres;
}

// Paints spheres (with periodic images) over voxels labelled `from`; returns voxels per owner.
std::vector<int64_t> paint(Volume<uint8_t>& labels, const std::vector<RasterSphere>& items, std::size_t owners,
                           uint8_t from, uint8_t to, const std::vector<Particle>* particles) {
  const Shape shape = labels.shape();
  const Spacing sp = labels.spacing();
  const PlaneIndex index(items, shape, sp);
  const int threads = omp_get_max_threads();
  std::vector<std::vector<int64_t>> counts(threads, std::vector<int64_t>(owners, 0));
#pragma omp parallel
  {
    std::vector<int64_t>& mine = counts[omp_get_thread_num()];
#pragma omp for schedule(dynamic, 1)
    for (int64_t z = 0; z < shape.nz; ++z) {
      for (const int32_t* it = index.begin(z); it != index.end(z); ++it) {
        const RasterSphere& s = items[*it];
        const std::vector<CrackPlane>* cracks =
            particles && !(*particles)[s.owner].cracks.empty() ? &(*particles)[s.owner].cracks : nullptr;
        for_each_run(s, z, shape, sp, [&](int64_t y, int64_t x0, int64_t x1) {
          uint8_t* row = &labels(z, y, 0);
          int64_t n = 0;
          for (int64_t x = x0; x <= x1; ++x) {
            if (row[x] != from) continue;
            if (cracks) {
              const double pz = (z + 0.5) * sp.dz - s.z, py = (y + 0.5) * sp.dy - s.y, px = (x + 0.5) * sp.dx - s.x;
              bool in_crack = false;
              for (const auto& c : *cracks) {
                const double dist = c.normal[0] * pz + c.normal[1] * py + c.normal[2] * px - c.offset_um;
                if (std::fabs(dist) < 0.5 * c.width_um) in_crack = true;
              }
              if (in_crack) continue;
            }
            row[x] = to;
            ++n;
          }
          mine[s.owner] += n;
        });
      }
    }
  }
  std::vector<int64_t> total(owners, 0);
  for (const auto& c : counts)
    for (std::size_t i = 0; i < owners; ++i) total[i] += c[i];
  return total;
}


// Box-coordinate raster spheres (with images) of envelopes given in electrode coordinates.
void add_envelope(std::vector<RasterSphere>& out, const Frame& f, double ez, double ey, double ex, double r,
                  int32_t owner) {
  add_with_images(out, {f.to_box_z(ez), ey - f.oy, ex - f.ox, r, owner}, f.shape, f.sp, f.dom_y, f.dom_x);
}

// Envelopes (agglomerates, cavities) of total volume `volume`, log-normal diameters, uniform positions.
std::vector<Sphere> random_envelopes(double volume, double d50, double sigma, double dmin, double dmax,
                                     const Frame& f, uint64_t seed) {
  std::vector<Sphere> out;
  Rng rng(seed);
  const LogNormal ln{std::log(d50), sigma};
  double placed = 0;
  while (placed < volume) {
    const double d = draw_diameter(rng, ln, dmin, dmax);
    Sphere s{rng.uniform(0.0, f.thickness), rng.uniform(0.0, f.dom_y), rng.uniform(0.0, f.dom_x), 0.5 * d};
    out.push_back(s);
    placed += kPi / 6 * d * d * d;
  }
  return out;
}

}  // namespace

void validate(const SynthParams& p) {
  auto finite = [](double v) { return std::isfinite(v); };
  require(p.shape.nz >= 8 && p.shape.ny >= 8 && p.shape.nx >= 8,
          "synth: --size must be at least 8 voxels per axis (got " + p.shape.str() + ")");
  require(finite(p.voxel_um) && p.voxel_um > 0, "synth: --voxel must be positive");
  for (auto [name, v] : {std::pair{"--nmc", p.nmc_fraction}, {"--lfp", p.lfp_fraction}, {"--cbd", p.cbd_fraction},
                         {"--cavities", p.cavity_fraction}})
    require(finite(v) && v >= 0 && v <= 1, std::string("synth: ") + name + " fraction must be in [0, 1]");
  const double solid = p.nmc_fraction + p.lfp_fraction + p.cbd_fraction + p.cavity_fraction;
  require(solid <= 1.0 + 1e-12, "synth: volume fractions NMC + LFP + CBD + cavities sum to " + std::to_string(solid) +
                                    ", over 1");
  require(p.nmc_fraction <= 0.6, "synth: --nmc fraction " + std::to_string(p.nmc_fraction) +
                                     " is above 0.6, beyond what random sphere packings reach");
  require(p.nmc_d10_um > 0 && p.nmc_d10_um < p.nmc_d50_um && p.nmc_d50_um < p.nmc_d90_um && finite(p.nmc_d90_um),
          "synth: NMC diameters must satisfy 0 < D10 < D50 < D90");
  require(p.nmc_min_diameter_um > 0 && p.nmc_min_diameter_um < p.nmc_max_diameter_um &&
              p.nmc_min_diameter_um < p.nmc_d50_um && p.nmc_max_diameter_um > p.nmc_d50_um,
          "synth: NMC diameter bounds must satisfy 0 < min < D50 < max");
  require(finite(p.collector_um) && p.collector_um >= 0 && p.collector_um < 0.5 * p.shape.nz * p.voxel_um,
          "synth: --collector thickness must be in [0, half the box thickness)");
  require(p.domain_lateral_um >= 0 && p.domain_thickness_um >= 0, "synth: --domain must not be negative");
  const Frame f = make_frame(p);
  require(!(f.window && p.collector_um > 0), "synth: --collector needs the box to span the whole electrode (no --domain)");
  if (p.nmc_fraction > 0) {
    const double room = std::min({f.dom_y, f.dom_x, f.thickness});
    require(room >= p.nmc_d90_um,
            "synth: the electrode (" + std::to_string(room) + " um) is smaller than the NMC D90 (" +
                std::to_string(p.nmc_d90_um) + " um): increase --size or --voxel, or give --domain");
  }
  for (auto [name, v] : {std::pair{"depleted_layer_um", p.depleted_layer_um}, {"dense_surface_um", p.dense_surface_um},
                         {"cracked_surface_um", p.cracked_surface_um}, {"crack_width_um", p.crack_width_um},
                         {"lfp_agglomerate_share", p.lfp_agglomerate_share}})
    require(finite(v) && v >= 0, std::string("synth: ") + name + " must not be negative");
  for (auto [name, v] : {std::pair{"depleted_nmc_factor", p.depleted_nmc_factor},
                         {"depleted_size_factor", p.depleted_size_factor},
                         {"dense_surface_factor", p.dense_surface_factor}, {"lfp_primary_um", p.lfp_primary_um},
                         {"lfp_agglomerate_d50_um", p.lfp_agglomerate_d50_um},
                         {"lfp_agglomerate_max_um", p.lfp_agglomerate_max_um}, {"cbd_cluster_um", p.cbd_cluster_um},
                         {"cbd_neck_um", p.cbd_neck_um}, {"cavity_d50_um", p.cavity_d50_um}})
    require(finite(v) && v > 0, std::string("synth: ") + name + " must be positive");
  require(p.lfp_agglomerate_max_um > 0.5 * p.lfp_agglomerate_d50_um, "synth: lfp_agglomerate_max_um too small");
  require(p.lfp_agglomerate_share <= 1, "synth: lfp_agglomerate_share must be in [0, 1]");
  require(finite(p.nmc_slope_per_um) && finite(p.nmc_size_slope_per_um) && finite(p.lfp_slope_per_um),
          "synth: gradients must be finite");
  require(std::fabs(p.nmc_size_slope_per_um) * f.thickness < 1.8, "synth: --size-gradient too strong for the thickness");
  require(p.depleted_cbd_boost >= 0 && p.depleted_cbd_boost <= 2, "synth: depleted_cbd_boost must be in [0, 2]");
  require(p.cracks_per_particle >= 0 && p.cracks_per_particle <= 8, "synth: cracks_per_particle must be in [0, 8]");
  require(p.packing_z_mobility > 0 && p.packing_z_mobility <= 1, "synth: packing_z_mobility must be in (0, 1]");
  // The imposed NMC profile must stay non-negative and below the packing limit everywhere.
  const NmcProfile prof = nmc_profile(p, f.thickness);
  const double peak = *std::max_element(prof.fraction.begin(), prof.fraction.end());
  require(peak <= 0.62, "synth: the NMC gradient gives a local fraction of " + std::to_string(peak) +
                            ", above what sphere packings reach; lower --nmc or --gradient");
  require(p.nmc_fraction - std::fabs(p.nmc_slope_per_um) * 0.5 * f.thickness >= 0 || p.nmc_fraction == 0,
          "synth: --gradient makes the NMC fraction negative within the electrode");
}

namespace {

// NMC: pack, crack at the surface, paint. Returns the packed spheres (the CB+PVdF is placed around them).
std::vector<Sphere> place_nmc(const SynthParams& p, const Frame& f, SynthResult& res) {
  const Shape shape = p.shape;
  const NmcProfile prof = nmc_profile(p, f.thickness);
  res.imposed_nmc_slope_per_um = p.nmc_slope_per_um * prof.slope_scale;
  res.target_nmc_profile.resize(shape.nz);
  for (int64_t z = 0; z < shape.nz; ++z) {
    const double ez = f.electrode_z(z);
    res.target_nmc_profile[z] = (ez < 0 || ez > f.thickness) ? 0.0 : prof.at(ez);
  }
  const std::vector<Sphere> spheres = pack_nmc(p, f, prof, res.packing_sweeps);
  std::vector<Particle> nmc(spheres.size());
  Rng crack_rng(stream_seed(p.seed, kCracks));
  std::vector<RasterSphere> items;
  for (std::size_t i = 0; i < spheres.size(); ++i) {
    const Sphere& s = spheres[i];
    Particle& pt = nmc[i];
    pt.label = kNmc;
    pt.centre_um = {f.to_box_z(s.z), s.y - f.oy, s.x - f.ox};
    pt.radius_um = s.r;
    if (p.cracked_surface_um > 0 && s.z > f.thickness - p.cracked_surface_um) {
      for (int c = 0; c < p.cracks_per_particle; ++c) {
        double n[3] = {crack_rng.normal(), crack_rng.normal(), crack_rng.normal()};
        const double len = std::max(std::sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]), 1e-12);
        pt.cracks.push_back({{n[0] / len, n[1] / len, n[2] / len}, crack_rng.uniform(-0.4, 0.4) * s.r, p.crack_width_um});
      }
    }
    add_envelope(items, f, s.z, s.y, s.x, s.r, static_cast<int32_t>(i));
  }
  const std::vector<int64_t> counts = paint(res.labels, items, nmc.size(), kPore, kNmc, &nmc);
  for (std::size_t i = 0; i < nmc.size(); ++i) {
    nmc[i].voxels = counts[i];
    if (!f.window || counts[i] > 0) res.nmc.push_back(std::move(nmc[i]));
  }
  return spheres;
}

// Cavities: reserved while LFP and CBD are placed, pores in the end.
void reserve_cavities(const SynthParams& p, const Frame& f, double domain_volume, SynthResult& res) {
  const auto env = random_envelopes(p.cavity_fraction * domain_volume, p.cavity_d50_um, 0.3, 0.3 * p.cavity_d50_um,
                                    3.0 * p.cavity_d50_um, f, stream_seed(p.seed, kCavities));
  std::vector<RasterSphere> cav;
  std::vector<Particle> cavities(env.size());
  for (std::size_t i = 0; i < env.size(); ++i) {
    cavities[i] = {kPore, {f.to_box_z(env[i].z), env[i].y - f.oy, env[i].x - f.ox}, env[i].r, 0, {}};
    add_envelope(cav, f, env[i].z, env[i].y, env[i].x, env[i].r, static_cast<int32_t>(i));
  }
  const auto cav_counts = paint(res.labels, cav, cavities.size(), kPore, kReserved, nullptr);
  for (std::size_t i = 0; i < cavities.size(); ++i) {
    cavities[i].voxels = cav_counts[i];
    if (cav_counts[i] > 0) res.cavities.push_back(cavities[i]);
  }
}

// LFP: primary-particle noise, a bonus inside secondary agglomerates, gradients.
void place_lfp(const SynthParams& p, const Frame& f, int64_t lfp_count, double domain_volume, SynthResult& res) {
  const Shape shape = p.shape;
  const int64_t plane = shape.ny * shape.nx;
  std::vector<RasterSphere> agg_items;
  if (p.lfp_agglomerate_share > 0) {
    const auto env = random_envelopes(p.lfp_agglomerate_share * p.lfp_fraction * domain_volume / 0.8,
                                      p.lfp_agglomerate_d50_um, 0.5, 0.3 * p.lfp_agglomerate_d50_um,
                                      p.lfp_agglomerate_max_um, f, stream_seed(p.seed, kAgglomerates));
    for (std::size_t i = 0; i < env.size(); ++i) {
      const std::size_t before = agg_items.size();
      add_envelope(agg_items, f, env[i].z, env[i].y, env[i].x, env[i].r, static_cast<int32_t>(i));
      if (agg_items.size() > before)
        res.lfp_agglomerates.push_back({kLfp, {f.to_box_z(env[i].z), env[i].y - f.oy, env[i].x - f.ox}, env[i].r, 0, {}});
    }
  }
  const PlaneIndex agg_index(agg_items, shape, f.sp);
  // Primary particles resolved (>= 2 voxels): random overlapping spheres (log-normal, 50-800 nm)
  // whose cores score highest, so LFP appears as rounded particles with necks. Unresolved: per-voxel
  // noise, LFP then acts as a sub-voxel density.
  const bool resolved = p.lfp_primary_um / p.voxel_um >= 2.0;
  std::vector<RasterSphere> primaries;
  if (resolved) {
    Rng prng(stream_seed(p.seed, kPrimaries));
    const LogNormal ln{std::log(p.lfp_primary_um), 0.5};
    const double dmin = std::min(0.05, 0.5 * p.lfp_primary_um), dmax = std::max(0.8, 2.0 * p.lfp_primary_um);
    const double free_space = std::max(0.05, 1.0 - p.nmc_fraction - p.cavity_fraction);
    // Cover enough of the free space that the target count is found inside spheres.
    const double coverage = std::min(0.98, 2.0 * p.lfp_fraction / free_space);
    const double box_volume = f.box_z * f.box_y * f.box_x;
    const double needed = -std::log(1.0 - coverage) * box_volume;
    double placed = 0;
    while (placed < needed) {
      const double d = draw_diameter(prng, ln, dmin, dmax);
      const double r = 0.5 * d;
      primaries.push_back({prng.uniform(-r, f.box_z + r), prng.uniform(-r, f.box_y + r), prng.uniform(-r, f.box_x + r), r,
                           static_cast<int32_t>(primaries.size())});
      placed += kPi / 6 * d * d * d;
    }
  }
  const PlaneIndex primary_index(primaries, shape, f.sp);
  const ValueNoise noise(shape, 1.0, stream_seed(p.seed, kLfpNoise));
  const double free_share = std::max(0.05, 1.0 - p.nmc_fraction - p.cavity_fraction);
  const double T = f.thickness;
  auto scorer = [&](int64_t z, float* s) {
    const double ez = f.electrode_z(z);
    float zterm = static_cast<float>(p.lfp_slope_per_um * (ez - 0.5 * T) / free_share);
    if (ez > T - p.dense_surface_um) zterm += 0.15f;
    if (ez < p.depleted_layer_um) zterm += 0.1f;
    for (int64_t y = 0; y < shape.ny; ++y) noise.row(z, y, s + y * shape.nx);
    std::vector<float> core(resolved ? static_cast<std::size_t>(plane) : 0, 0.f);
    if (resolved) {
      for (const int32_t* it = primary_index.begin(z); it != primary_index.end(z); ++it) {
        const RasterSphere& sp = primaries[*it];
        for_each_run(sp, z, shape, f.sp, [&](int64_t y, int64_t x0, int64_t x1) {
          const double pz = (z + 0.5) * f.sp.dz - sp.z, py = (y + 0.5) * f.sp.dy - sp.y;
          float* c = &core[y * shape.nx];
          for (int64_t x = x0; x <= x1; ++x) {
            const double px = (x + 0.5) * f.sp.dx - sp.x;
            c[x] = std::max(c[x], static_cast<float>(1.0 - std::sqrt(pz * pz + py * py + px * px) / sp.r));
          }
        });
      }
      for (int64_t i = 0; i < plane; ++i) s[i] = core[i] + 0.01f * s[i];
    }
    std::vector<uint8_t> inside(static_cast<std::size_t>(plane), 0);
    for (const int32_t* it = agg_index.begin(z); it != agg_index.end(z); ++it)
      for_each_run(agg_items[*it], z, shape, f.sp, [&](int64_t y, int64_t x0, int64_t x1) {
        std::fill(inside.begin() + y * shape.nx + x0, inside.begin() + y * shape.nx + x1 + 1, uint8_t{1});
      });
    // Resolved: agglomerates favour their primary particles, never the space between them.
    if (resolved)
      for (int64_t i = 0; i < plane; ++i) s[i] += zterm + (core[i] > 0 ? 0.2f * inside[i] : 0.f);
    else
      for (int64_t i = 0; i < plane; ++i) s[i] += zterm + 0.5f * inside[i];
  };
  select_top_voxels(res.labels, kPore, kLfp, lfp_count, -1.5f, 2.5f, scorer);
}

// CB+PVdF: near NMC surfaces and necks (sum of shell kernels), on solid surfaces, in clusters.
void place_cbd(const SynthParams& p, const Frame& f, const std::vector<Sphere>& spheres, int64_t cbd_count,
               SynthResult& res) {
  const Shape shape = p.shape;
  const int64_t plane = shape.ny * shape.nx;
  const double neck = p.cbd_neck_um;
  std::vector<RasterSphere> shells;
  std::vector<double> true_radius;
  for (const auto& s : spheres) {
    const std::size_t before = shells.size();
    add_envelope(shells, f, s.z, s.y, s.x, s.r + neck, 0);
    for (std::size_t k = before; k < shells.size(); ++k) true_radius.push_back(s.r);
  }
  const PlaneIndex shell_index(shells, shape, f.sp);
  const ValueNoise noise(shape, p.cbd_cluster_um / p.voxel_um, stream_seed(p.seed, kCbdNoise));
  const Volume<uint8_t>& lab = res.labels;
  auto scorer = [&](int64_t z, float* s) {
    const double ez = f.electrode_z(z);
    const float zterm = ez < p.depleted_layer_um ? static_cast<float>(p.depleted_cbd_boost) : 0.f;
    for (int64_t y = 0; y < shape.ny; ++y) noise.row(z, y, s + y * shape.nx);
    std::vector<float> kernel(static_cast<std::size_t>(plane), 0.f);
    for (const int32_t* it = shell_index.begin(z); it != shell_index.end(z); ++it) {
      const RasterSphere& sh = shells[*it];
      const double r = true_radius[*it];
      for_each_run(sh, z, shape, f.sp, [&](int64_t y, int64_t x0, int64_t x1) {
        const double pz = (z + 0.5) * f.sp.dz - sh.z, py = (y + 0.5) * f.sp.dy - sh.y;
        const double base = pz * pz + py * py;
        float* k = &kernel[y * shape.nx];
        // Voxels inside the particle itself are NMC, never candidates: only the shell is evaluated.
        int64_t in0 = x1 + 1, in1 = x1;
        if (r * r > base) {
          const double rx = std::sqrt(r * r - base);
          in0 = std::max(x0, static_cast<int64_t>(std::ceil((sh.x - rx) / f.sp.dx - 0.5)) + 1);
          in1 = std::min(x1, static_cast<int64_t>(std::floor((sh.x + rx) / f.sp.dx - 0.5)) - 1);
          if (in1 < in0) in0 = x1 + 1, in1 = x1;
        }
        for (int64_t x = x0; x <= x1; ++x) {
          if (x == in0) x = in1 + 1;
          if (x > x1) break;
          const double px = (x + 0.5) * f.sp.dx - sh.x;
          const double d = std::sqrt(base + px * px) - r;
          if (d > 0) k[x] += static_cast<float>(1.0 - d / neck);
        }
      });
    }
    auto solid = [](uint8_t v) { return v == kNmc || v == kLfp || v == kCollector; };
    const uint8_t* cur = &lab(z, 0, 0);
    for (int64_t y = 0; y < shape.ny; ++y) {
      for (int64_t x = 0; x < shape.nx; ++x) {
        const int64_t i = y * shape.nx + x;
        if (cur[i] != kPore) continue;
        int adjacent = 0;
        if (x > 0) adjacent += solid(cur[i - 1]);
        if (x + 1 < shape.nx) adjacent += solid(cur[i + 1]);
        if (y > 0) adjacent += solid(cur[i - shape.nx]);
        if (y + 1 < shape.ny) adjacent += solid(cur[i + shape.nx]);
        if (z > 0) adjacent += solid(cur[i - plane]);
        if (z + 1 < shape.nz) adjacent += solid(cur[i + plane]);
        s[i] = 0.5f * s[i] + 0.45f * std::min(kernel[i], 2.f) + 0.25f / 6.f * adjacent + zterm;
      }
    }
  };
  select_top_voxels(res.labels, kPore, kCbd, cbd_count, -0.5f, 3.0f, scorer);
}

}  // namespace

SynthResult generate_electrode(const SynthParams& p) {
  validate(p);
  const Frame f = make_frame(p);
  const Shape shape = p.shape;
  const int64_t plane = shape.ny * shape.nx;
  SynthResult res;
  res.labels = Volume<uint8_t>(shape, f.sp, 0);
  res.collector_voxels_z = f.collector_z;
  res.periodic_lateral = !f.window;
  res.window_origin_um = {f.oz, f.oy, f.ox};
  res.electrode_thickness_um = f.thickness;
#pragma omp parallel for schedule(static)
  for (int64_t z = 0; z < shape.nz; ++z)
    std::fill_n(&res.labels(z, 0, 0), plane, z < f.collector_z ? kCollector : kPore);

  const std::vector<Sphere> spheres = place_nmc(p, f, res);
  const double domain_volume = f.thickness * f.dom_y * f.dom_x;
  if (p.cavity_fraction > 0) reserve_cavities(p, f, domain_volume, res);
  const int64_t electrode_voxels = (shape.nz - f.collector_z) * plane;
  int64_t lfp_count = std::llround(p.lfp_fraction * static_cast<double>(electrode_voxels));
  int64_t cbd_count = std::llround(p.cbd_fraction * static_cast<double>(electrode_voxels));
  if (f.window && p.nmc_fraction < 1) {
    // A small window may fall mostly inside one NMC particle: keep the composition of the space
    // between NMC particles instead of the electrode's fractions.
    int64_t nmc_voxels = 0;
    for (const auto& pt : res.nmc) nmc_voxels += pt.voxels;
    const double matrix = static_cast<double>(electrode_voxels - nmc_voxels) / (1.0 - p.nmc_fraction);
    lfp_count = std::llround(p.lfp_fraction * matrix);
    cbd_count = std::llround(p.cbd_fraction * matrix);
  }

  if (lfp_count > 0) place_lfp(p, f, lfp_count, domain_volume, res);
  if (cbd_count > 0) place_cbd(p, f, spheres, cbd_count, res);

  if (p.cavity_fraction > 0) {
    uint8_t* d = res.labels.data();
    const int64_t n = res.labels.size();
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < n; ++i)
      if (d[i] == kReserved) d[i] = kPore;
  }
  res.truth = electrode_truth(res, p);
  return res;
}

}  // namespace emorph::synth
