#pragma once
// emorph particles streamed under a memory budget (docs/streaming.md): the distance-transform watershed
// of separate_particles, the one non-local kernel, run on z slabs with a halo. The exact squared EDT
// goes to a scratch store (streamed_squared_edt_into) and is quantised with the in-core step, so every
// window sees the in-core heights. Each slab's window (its core slices plus a halo of one to two
// largest particle radii on either side, as the budget allows) gets the in-core h-maxima markers and watershed; only the core
// slices are kept. Seams are stitched by a union-find over the windows' particles: on the two slices
// around a seam, which both windows labelled, two particles of neighbouring windows are joined when
// each overlaps the other most. Count and D50 match the in-core run within 1 % (docs/validation.md,
// #18 stop 17); the residual: a window can split (or join) a particle differently from the whole volume
// where its h-maxima or flooding depend on paths that leave the window.
#include <cstdint>
#include <optional>
#include <string>

#include "emorph/io.hpp"
#include "emorph/phase_table.hpp"
#include "emorph/segment/separate_particles.hpp"
#include "emorph/stream/streamed_measures.hpp"

namespace emorph {

struct StreamedParticlesParams {
  Phase phase;                      // the phase separated (uint8 labels)
  ParticleAnalysisParams analysis;  // separate must be true; surface areas and sphericity stay NaN
  std::string labels_output;        // the particle labels (uint32), written by slabs; empty: none
  std::string scratch_dir;          // folder of the two scratch stores (squared distances, slab labels)
  std::string scratch_option;       // named in the free-space error
  // A lower bound (um) of the phase's largest distance, known before this run: analyze passes the exact
  // value streamed granulometry found for the same phase (StreamedGranulometry::largest_distance_um).
  // When halos of that radius already do not fit, the refusal comes before any distance transform.
  // Unset: a lower bound from the in-core EDT of one budget-sized slab in the middle of the volume, its
  // cut faces counted as background (more background, never a larger distance). Only a lower bound can
  // prove that the halo does not fit: an upper bound could only prove that it does. Must not exceed the
  // largest distance: checked once the EDT has run (std::logic_error otherwise).
  std::optional<double> known_largest_distance_um;
};

struct StreamedParticles {
  ParticleAnalysis analysis;       // labels stay empty (they went to labels_output)
  double largest_distance_um = 0;  // the largest particle radius, which sets the halo
  int64_t seam_joins = 0;          // window particles joined across the seams
};

// Window bytes per voxel of the in-core separation steps (heights, h-maxima reconstruction and plateaus,
// labels, mask, watershed queue): the slab core plus both halos must fit the budget with these.
inline constexpr uint64_t streamed_particles_bytes_per_voxel = 18;

// Throws InputError naming --memory-limit and the needed size when one core slice plus both halos of
// one radius does not fit stream.budget_bytes (slab buffers get half the limit); when the lower bound
// (known_largest_distance_um or the probe slab) already shows it, before the EDT (report->slabs 0).
StreamedParticles streamed_particles(const std::string& input, const StreamedParticlesParams& params,
                                     const ReadOptions& read_options, const StreamParams& stream,
                                     StreamReport* report = nullptr);

// A lower bound (um) of the largest distance of `phase` in `input` (voxel size `spacing`): the largest of
// the in-core EDT of slices [z0, z1) with a background slice beyond each face cut inside the volume
// (+infinity when the slices are the whole volume and no voxel has background). The probe of step 0.
double largest_distance_lower_bound_um(const std::string& input, const Phase& phase, const Spacing& spacing, int64_t z0,
                                       int64_t z1);

}  // namespace emorph
