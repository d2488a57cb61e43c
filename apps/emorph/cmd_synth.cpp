// emorph synth: a synthetic electrode (labels.tif + truth.json) after the paper's samples A..K, with
// optional simulated XCT (xct.tif) and FIB/SEM (fibsem.tif) grey volumes; all truths in truth.json.
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <limits>
#include <memory>

#include "checks.hpp"
#include "command.hpp"
#include "common.hpp"
#include "param_options.hpp"
#include "emorph/io.hpp"
#include "emorph/parse.hpp"
#include "emorph/synth/electrode.hpp"
#include "emorph/synth/imaging_params.hpp"

namespace {

using emorph::Json;
constexpr double kUnset = std::numeric_limits<double>::quiet_NaN();

struct SynthOptions {
  std::string preset = "F";
  int size = 128;
  std::string shape;  // NZ,NY,NX overrides --size
  double voxel = 0.32;
  uint64_t seed = 1;
  std::string out;
  emorph::cli::OutputOptions report;  // --json: the summary below as a JSON envelope
  bool xct = false, fibsem = false;
  // Overrides of the preset (NaN: keep the preset's value).
  double nmc = kUnset, lfp = kUnset, cbd = kUnset, gradient = kUnset, lfp_gradient = kUnset, size_gradient = kUnset, depleted = kUnset,
         dense_surface = kUnset, cracked = kUnset, cavities = kUnset, collector = kUnset, domain = kUnset;
  emorph::synth::XctParams xct_params;
  emorph::synth::FibsemParams fibsem_params;
};

void set_if(double& target, double value) {
  if (!std::isnan(value)) target = value;
}

void run_synth(const SynthOptions& o) {
  using namespace emorph::synth;
  SynthParams p = preset(o.preset, o.size, o.voxel, o.seed);
  if (!o.shape.empty()) {
    const auto dims = emorph::parse_double_list(o.shape, "--shape");
    emorph::require(dims.size() == 3, "--shape must be NZ,NY,NX");
    p.shape = {static_cast<int64_t>(dims[0]), static_cast<int64_t>(dims[1]), static_cast<int64_t>(dims[2])};
  }
  set_if(p.nmc_fraction, o.nmc);
  set_if(p.lfp_fraction, o.lfp);
  set_if(p.cbd_fraction, o.cbd);
  set_if(p.nmc_slope_per_um, o.gradient);
  set_if(p.lfp_slope_per_um, o.lfp_gradient);
  set_if(p.nmc_size_slope_per_um, o.size_gradient);
  set_if(p.depleted_layer_um, o.depleted);
  set_if(p.dense_surface_um, o.dense_surface);
  set_if(p.cracked_surface_um, o.cracked);
  set_if(p.cavity_fraction, o.cavities);
  set_if(p.collector_um, o.collector);
  if (!std::isnan(o.domain)) p.domain_lateral_um = o.domain;
  validate(p);
  emorph::require(!o.out.empty(), "--out: an output folder is required");
  std::error_code ec;
  if (std::filesystem::exists(o.out, ec) && !std::filesystem::is_directory(o.out, ec))
    throw emorph::InputError("--out: '" + o.out + "' exists and is not a folder");
  std::filesystem::create_directories(o.out, ec);
  if (ec) throw emorph::InputError("--out: cannot create the folder '" + o.out + "' (" + ec.message() + ")");
  // Refused before the (long) generation rather than at the first write.
  if (::access(o.out.c_str(), W_OK | X_OK) != 0)
    throw emorph::InputError("--out: the folder '" + o.out + "' is not writable");

  SynthResult r = generate_electrode(p);
  Json truth = r.truth;
  const std::filesystem::path dir(o.out);
  // Grey volumes first, labels and truth last: truth.json present means the set is complete.
  if (o.xct) {
    auto xp = o.xct_params;
    xp.seed = o.seed;
    XctResult x = simulate_xct(r.labels.view(), xp);
    emorph::write_volume((dir / "xct.tif").string(), x.image);
    truth["xct"] = x.truth;
  }
  if (o.fibsem) {
    auto fp = o.fibsem_params;
    fp.seed = o.seed;
    FibsemResult f = simulate_fibsem(r.labels.view(), fp);
    emorph::write_volume<uint8_t>((dir / "fibsem.tif").string(), f.image.view());
    truth["fibsem"] = f.truth;
  }
  emorph::write_volume<uint8_t>((dir / "labels.tif").string(), r.labels.view());
  emorph::write_json((dir / "truth.json").string(), truth);

  Json summary;
  summary["out"] = o.out;
  summary["preset"] = p.preset;
  summary["shape"] = truth["shape"];
  summary["voxel_um"] = p.voxel_um;
  summary["seed"] = p.seed;
  for (auto& [name, ph] : truth["phases"].items()) summary["volume_fraction"][name] = ph["volume_fraction"];
  summary["nmc_particles"] = r.nmc.size();
  const Json parameters = {{"preset", o.preset}, {"size", o.size}, {"shape", o.shape}, {"voxel", o.voxel},
                           {"seed", o.seed},     {"xct", o.xct},   {"fibsem", o.fibsem}};
  emorph::cli::emit_results(o.report, "synth", parameters, "", summary);
}

void setup_synth(CLI::App& app) {
  auto o = std::make_shared<SynthOptions>();
  auto* sub = app.add_subcommand("synth", "Generate a synthetic electrode with exact ground truth (samples A..K)");
  sub->add_option("--preset", o->preset, "Sample of the paper's Table 1: A..K")->capture_default_str();
  sub->add_option("--size", o->size, "Cube edge in voxels")->capture_default_str();
  sub->add_option("--shape", o->shape, "Box NZ,NY,NX in voxels (overrides --size; z = thickness)");
  sub->add_option("--voxel", o->voxel, "Voxel size in um (0.32: XCT scale; 0.01: FIB/SEM scale)")->capture_default_str();
  sub->add_option("--seed", o->seed, "Random seed (same seed, same bytes)")->capture_default_str()->check(emorph::cli::non_negative());
  emorph::cli::declare_path(sub->add_option("--out", o->out, "Output folder (labels.tif, truth.json, xct.tif, fibsem.tif)")->required(),
                            emorph::PathKind::output_folder, o->out);
  emorph::cli::add_json_option(sub, o->report);
  sub->add_flag("--xct", o->xct, "Also simulate a synchrotron XCT grey volume (xct.tif)");
  sub->add_flag("--fibsem", o->fibsem, "Also simulate a FIB/SEM BSE stack (fibsem.tif)");
  sub->add_option("--nmc", o->nmc, "NMC volume fraction of the electrode (0..1; default: preset)");
  sub->add_option("--lfp", o->lfp, "LFP volume fraction (0..1; default: preset)");
  sub->add_option("--cbd", o->cbd, "CB+PVdF volume fraction (0..1; default: preset)");
  sub->add_option("--gradient", o->gradient, "NMC settling slope, fraction per um (e.g. -0.001)");
  sub->add_option("--lfp-gradient", o->lfp_gradient, "LFP slope through the thickness, fraction per um (e.g. 0.002)");
  sub->add_option("--size-gradient", o->size_gradient, "Relative NMC diameter change per um (negative: large lower)");
  sub->add_option("--depleted", o->depleted, "Depleted layer thickness above the collector, um");
  sub->add_option("--dense-surface", o->dense_surface, "Densified surface layer thickness, um");
  sub->add_option("--cracked", o->cracked, "Depth below the surface of cracked NMC particles, um");
  sub->add_option("--cavities", o->cavities, "Volume fraction of large cavities");
  sub->add_option("--collector", o->collector, "Aluminium collector thickness at z = 0, um (default 0: none)");
  sub->add_option("--domain", o->domain, "Lateral size (um) of the virtual electrode the box is cut from");
  emorph::cli::add_param_options(sub, o->xct_params, emorph::synth::xct_param_table(), "XCT: ");
  emorph::cli::add_param_options(sub, o->fibsem_params, emorph::synth::fibsem_param_table(), "FIB/SEM: ");
  sub->callback([o]() { run_synth(*o); });
}

}  // namespace

EMORPH_COMMAND(setup_synth);
