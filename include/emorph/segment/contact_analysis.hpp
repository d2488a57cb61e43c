#pragma once
// emorph contacts: the particles of one phase separated exactly as `emorph particles` does
// (analyse_particles, same parameters and defaults), then their contacts with each other and with the
// other phases (measure/contacts.hpp).
#include <string>

#include "emorph/measure/contacts.hpp"
#include "emorph/phase_table.hpp"
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

}  // namespace emorph
