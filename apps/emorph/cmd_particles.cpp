// emorph particles LABELS --phase NMC: separates touching particles (distance watershed, h-maxima
// markers), measures each one, and reports size distributions (D10/D50/D90 by volume and number) and
// the profiles of the smallest and largest particles through the thickness (paper Fig. 6e-h).
#include <memory>
#include <utility>

#include "command.hpp"
#include "common.hpp"
#include "separation_options.hpp"
#include "emorph/io.hpp"
#include "emorph/measure/components.hpp"
#include "emorph/measure/label_volume.hpp"
#include "emorph/results/particle_results.hpp"
#include "emorph/measure/phase_selection.hpp"
#include "emorph/stream/streamed_particles.hpp"
#include "streaming.hpp"

namespace {

using emorph::Json;

struct CliOptions : emorph::cli::PhaseInputOptions {
  emorph::ParticlesOptions options;  // the options of its parameter table, set by the CLI directly
  std::string labels_out;
};

// The seam-stitched separation under --memory-limit (streamed_particles): no surface areas (NaN, as
// with --no-surface); the labels go to --labels-out by slabs.
emorph::ParticleAnalysis streamed_particles_run(const CliOptions& o, const emorph::ParticleAnalysisParams& p) {
  emorph::StreamedParticlesParams sp;
  sp.phase = o.phases.table().at(o.phase, "--phase");
  sp.analysis = p;
  sp.labels_output = o.labels_out;
  sp.scratch_dir = emorph::cli::scratch_dir_for(o.labels_out);
  sp.scratch_option = emorph::cli::scratch_option();
  emorph::StreamReport report;
  emorph::StreamedParticles r =
      emorph::streamed_particles(o.in.input, sp, o.in.read_options(), emorph::cli::stream_params(), &report);
  emorph::cli::record_streamed_run(report);
  return std::move(r.analysis);
}

void run_particles(const CliOptions& o) {
  const emorph::ParticleAnalysisParams p = emorph::particle_analysis_params(o.options);
  for (const std::string* path : {&o.out.csv, &o.labels_out})
    if (!path->empty()) emorph::check_output_differs(o.in.input, *path);
  emorph::ParticleAnalysis a;
  // In core: the label volume plus in_core_particles_bytes_per_voxel (streaming.cpp's measured 18).
  const bool stream = emorph::cli::should_stream(o.in, emorph::cli::in_core_particles_bytes_per_voxel);
  if (stream && o.options.separate) {
    a = streamed_particles_run(o, p);
  } else {
    if (stream) emorph::cli::check_in_core_need("particles (with --no-separate)", o.in.input,
                                                emorph::cli::in_core_particles_bytes_per_voxel);
    const emorph::Volume<uint8_t> mask = o.read_mask();
    a = emorph::analyse_particles(mask.view(), p);
  }
  if (a.particles.empty()) std::cerr << "emorph: warning: no particle of phase " << o.phase << " found\n";

  const Json results = emorph::particle_analysis_results(a, o.phase, o.options.quantile);
  if (!o.out.csv.empty()) emorph::write_particle_table_csv(o.out.csv, a, o.phase);
  if (!o.labels_out.empty() && a.labels.size() != 0) emorph::write_volume<uint32_t>(o.labels_out, a.labels.view());
  Json params = emorph::params_json(o.options, emorph::particles_param_table());
  params.update(o.params());
  emorph::cli::emit_results(o.out, "particles", params, o.in, results);
}

void setup_particles(CLI::App& app) {
  auto o = std::make_shared<CliOptions>();
  auto* sub = app.add_subcommand("particles", "Separate, measure and size the particles of a phase");
  emorph::cli::add_phase_input_options(sub, *o, "Label volume (uint8)",
                                       "Phase whose particles are analysed (name in the phase table)")
      ->required();
  emorph::cli::add_separation_options(sub, o->options, emorph::particles_param_table());
  emorph::cli::declare_path(sub->add_option("--labels-out", o->labels_out, "Write the particle labels (uint32) to this volume"),
                            emorph::PathKind::output_volume, o->labels_out);
  emorph::cli::add_csv_option(sub, o->out);
  sub->add_option("--table", o->out.csv, "Same as --csv");
  sub->callback([o] { run_particles(*o); });
}

}  // namespace

EMORPH_COMMAND(setup_particles);
