#pragma once
// The optional analyze steps of issue 20 (contacts, triple-phase boundary, anisotropy, BPX export) and
// their report sections, kept out of the pipeline file: analyze.cpp calls one function per step.
#include <string>
#include <vector>

#include "emorph/phase_table.hpp"
#include "emorph/report/html_report.hpp"
#include "emorph/result.hpp"
#include "emorph/segment/separate_particles.hpp"
#include "emorph/volume.hpp"

namespace emorph {

// results.contacts.<phase> = `emorph contacts` results; particles separated with `particles` (the
// analyze particles step's parameters). Writes DIR/contacts_<phase>.csv (one row per pair).
Json contacts_step(VolumeView<const uint8_t> labels, const PhaseTable& table, const std::vector<const Phase*>& phases,
                   const ParticleAnalysisParams& particles, const std::string& out_dir);

// results.tpb = `emorph tpb` results for NMC (else LFP) / CBD / pore; InputError when a phase is absent.
Json tpb_step(VolumeView<const uint8_t> labels, const PhaseTable& table);

// results.anisotropy.<phase>: tau along the three axes (axes[a].{tau, deff_over_d0, bruggeman_exponent}),
// through_plane_axis, and in_plane_over_through_plane[] (tau of each in-plane axis / tau through the
// plane). `through_plane` reuses an existing solve along the thickness axis (results.tortuosity.<phase>)
// when given (null otherwise).
Json anisotropy_step(VolumeView<const uint8_t> labels, const PhaseTable& table, const Phase& phase, int thickness_axis,
                     const Json& through_plane);

// Writes DIR/bpx.json and DIR/bpx_profile.csv from the analysis results (export_bpx with defaults) and
// returns results.export_bpx = {file, csv, porosity, transport_efficiency, thickness_m, materials, notes}.
Json export_bpx_step(const Json& results, const std::string& out_dir);

// The report sections of these steps (nothing for absent steps).
void descriptor_report_sections(HtmlReport& report, const Json& results);

}  // namespace emorph
