#pragma once
// emorph contacts: the particles of one phase separated exactly as `emorph particles` does
// (analyse_particles, same parameters and defaults), then their contacts with each other and with the
// other phases (measure/contacts.hpp).
#include <string>

#include "emorph/measure/contacts.hpp"
#include "emorph/phase_table.hpp"
#include "emorph/result.hpp"
#include "emorph/segment/separate_particles.hpp"

namespace emorph {

struct ContactAnalysis {
  ParticleAnalysis particles;
  ContactsResult contacts;
};

// labels: the phase label volume; phase: the particles' phase. params as for analyse_particles (its
// per-particle surface areas are not needed here and are skipped).
ContactAnalysis analyse_contacts(VolumeView<const uint8_t> labels, const Phase& phase,
                                 ParticleAnalysisParams params = {});

// The `results` object of `emorph contacts` (CONTRACT.md): phase, count, contacting_pairs,
// contact_area_um2_total, mean_coordination_number, coordination_histogram[k] (particles with k
// contacts), contact_with.<other>.{area_um2, share} (phases with a nonzero contact; share = of the
// particles' total surface, particle contacts included), particles[] = {label, coordination_number,
// contact_area_um2}.
Json contact_results(const ContactAnalysis& a, const PhaseTable& table, const std::string& phase);

// The --csv rows: one per contacting pair (particle_a, particle_b, contact_area_um2).
std::vector<std::string> contact_csv_header();
std::vector<std::vector<std::string>> contact_csv_rows(const ContactAnalysis& a);

// The --particles-csv rows: one per particle (label, coordination_number, contact_area_um2, then its
// area touching each phase of contact_with, "<phase>_area_um2").
std::vector<std::string> contact_particle_csv_header(const ContactAnalysis& a, const PhaseTable& table);
std::vector<std::vector<std::string>> contact_particle_csv_rows(const ContactAnalysis& a);

}  // namespace emorph
