// Particle contacts after the particle separation of `emorph particles` (distance watershed from
// h-maxima markers, separate_particles.cpp), measured by the Crofton crossings of measure/contacts.cpp.
#include "emorph/segment/contact_analysis.hpp"

#include "emorph/measure/components.hpp"

namespace emorph {

ContactAnalysis analyse_contacts(VolumeView<const uint8_t> labels, const Phase& phase, ParticleAnalysisParams params) {
  params.measures.surface_area = false;
  ContactAnalysis a;
  {
    const Volume<uint8_t> mask = label_mask(labels, phase.label);
    a.particles = analyse_particles(mask.view(), params);
  }
  ContactsParams cp;
  cp.particle_phase = phase.label;
  const uint32_t count = static_cast<uint32_t>(a.particles.particles.size());
  a.contacts = particle_contacts(labels, a.particles.labels.view(), count, cp);
  return a;
}

}  // namespace emorph
