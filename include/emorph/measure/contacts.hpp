#pragma once
// Contacts between labelled particles and between particles and the other phases: areas by the
// discrete Crofton formula of surface_area.hpp (13 lattice directions, spherical Voronoi weights)
// applied to the particle-particle and particle-phase crossings, and coordination numbers.
#include <cstdint>
#include <vector>

#include "emorph/volume.hpp"

namespace emorph {

struct ContactsParams {
  // Phase label of the particles' phase in the label volume: a particle voxel next to a voxel of this
  // phase that belongs to no particle (a particle left out by the separation's filters) counts as a
  // contact with this phase.
  uint8_t particle_phase = 1;
};

struct ParticlePairContact {
  uint32_t a = 0, b = 0;  // particle labels, a < b
  double area_um2 = 0;
};

struct ContactsResult {
  uint32_t count = 0;                         // particle labels 1..count
  std::vector<ParticlePairContact> pairs;     // touching pairs, ordered by (a, b)
  double contact_area_um2_total = 0;          // sum over the pairs
  std::vector<int> coordination_number;       // per particle label 1..count (index label - 1)
  std::vector<double> particle_contact_area_um2;  // per particle: its area in contact with other particles
  double mean_coordination_number = 0;        // over the particles 1..count
  int num_labels = 0;                         // phase labels 0 .. num_labels-1
  std::vector<double> phase_contact_area_um2;  // per phase label: particles' surface touching that phase
  // per particle x per phase label (count x num_labels): each particle's surface touching each phase
  std::vector<double> particle_phase_area_um2;
};

// labels: the phase label volume; particles: labels 1..count of the particles of one phase (0
// elsewhere), same shape and spacing. One pass over the volume, OpenMP over slices with integer
// per-thread counts: the result does not depend on the thread count.
ContactsResult particle_contacts(VolumeView<const uint8_t> labels, VolumeView<const uint32_t> particles, uint32_t count,
                                 const ContactsParams& params = {});

}  // namespace emorph
