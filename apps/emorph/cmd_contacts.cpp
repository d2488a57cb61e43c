// emorph contacts LABELS --phase NMC: separates the particles of a phase as `emorph particles` does,
// then reports the contact area of each touching pair, coordination numbers, and the particles'
// contact area with each other phase (CBD coverage, collector contact).
#include <iostream>
#include <memory>

#include "command.hpp"
#include "common.hpp"
#include "separation_options.hpp"
#include "emorph/io.hpp"
#include "emorph/measure/label_volume.hpp"
#include "emorph/results/segment_results.hpp"
#include "emorph/segment/contact_analysis.hpp"
#include "emorph/measure/phase_selection.hpp"

namespace {

using emorph::Json;

struct ContactsOptions : emorph::cli::VolumeCommandOptions {
  emorph::SeparationOptions separation;  // as `emorph particles`
  std::string phase;
  std::string particles_csv;
};

void run_contacts(const ContactsOptions& o) {
  const emorph::PhaseTable table = o.phases.table();
  const emorph::Phase& phase = table.at(o.phase, "--phase");
  for (const std::string* path : {&o.out.csv, &o.particles_csv})
    if (!path->empty()) emorph::check_output_differs(o.in.input, *path);
  const auto labels = emorph::to_label_volume(emorph::read_volume(o.in.input, o.in.read_options()), o.in.input);
  emorph::require_phase_present(labels.view(), phase, "--phase");

  // The particle options and defaults of `emorph particles`.
  const emorph::ParticleAnalysisParams p = emorph::particle_analysis_params(o.separation);
  const emorph::ContactAnalysis a = emorph::analyse_contacts(labels.view(), phase, p);
  if (a.contacts.count == 0) std::cerr << "emorph: warning: no particle of phase " << o.phase << " found\n";

  if (!o.out.csv.empty()) emorph::write_csv(o.out.csv, emorph::contact_csv_header(), emorph::contact_csv_rows(a));
  if (!o.particles_csv.empty())
    emorph::write_csv(o.particles_csv, emorph::contact_particle_csv_header(a, table), emorph::contact_particle_csv_rows(a));
  Json params = emorph::params_json(o.separation, emorph::separation_param_table());
  params.update({{"voxel", o.in.voxel}, {"phase", o.phase}, {"phases", o.phases.phases}});
  emorph::cli::emit_results(o.out, "contacts", params, o.in.input, emorph::contact_results(a, table, o.phase));
}

void setup_contacts(CLI::App& app) {
  auto o = std::make_shared<ContactsOptions>();
  auto* sub = app.add_subcommand("contacts", "Contact areas and coordination numbers of the particles of a phase");
  emorph::cli::add_volume_command_options(sub, *o);
  sub->add_option("--phase", o->phase, "Phase whose particles are analysed (name in the phase table)")->required();
  emorph::cli::add_separation_options(sub, o->separation, emorph::separation_param_table());
  emorph::cli::add_csv_option(sub, o->out);
  emorph::cli::declare_path(
      sub->add_option("--particles-csv", o->particles_csv,
                      "Write one row per particle: coordination number, contact areas with particles and phases"),
      emorph::PathKind::output_file, o->particles_csv);
  sub->callback([o] { run_contacts(*o); });
}

}  // namespace

EMORPH_COMMAND(setup_contacts);
