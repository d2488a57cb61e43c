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

Json contact_results(const ContactAnalysis& a, const PhaseTable& table, const std::string& phase) {
  const ContactsResult& c = a.contacts;
  std::vector<int64_t> histogram;
  for (int k : c.coordination_number) {
    if (static_cast<std::size_t>(k) >= histogram.size()) histogram.resize(static_cast<std::size_t>(k) + 1, 0);
    ++histogram[static_cast<std::size_t>(k)];
  }
  double surface = c.contact_area_um2_total * 2;  // each contact is on the surface of both particles
  for (double v : c.phase_contact_area_um2) surface += v;
  Json with = Json::object();
  for (int l = 0; l < c.num_labels; ++l) {
    const double area = c.phase_contact_area_um2[static_cast<std::size_t>(l)];
    if (area <= 0) continue;
    with[table.name_of(static_cast<uint8_t>(l))] = {{"area_um2", area}, {"share", area / surface}};
  }
  return {{"phase", phase},
          {"method", "vector area of the faces between separated particles (rim faces by their edge neighbours inside); crofton-13 crossings with the other phases"},
          {"count", c.count},
          {"excluded_border", a.particles.excluded_border},
          {"excluded_small", a.particles.excluded_small},
          {"contacting_pairs", c.pairs.size()},
          {"contact_area_um2_total", c.contact_area_um2_total},
          {"mean_coordination_number", c.mean_coordination_number},
          {"coordination_histogram", histogram},
          {"contact_with", with}};
}

std::vector<std::string> contact_csv_header() { return {"particle_a", "particle_b", "contact_area_um2"}; }

std::vector<std::vector<std::string>> contact_csv_rows(const ContactAnalysis& a) {
  std::vector<std::vector<std::string>> rows;
  rows.reserve(a.contacts.pairs.size());
  for (const auto& p : a.contacts.pairs)
    rows.push_back({std::to_string(p.a), std::to_string(p.b), Json(p.area_um2).dump()});
  return rows;
}

std::vector<std::string> contact_particle_csv_header(const ContactAnalysis& a, const PhaseTable& table) {
  std::vector<std::string> h = {"label", "coordination_number", "contact_area_um2"};
  for (int l = 0; l < a.contacts.num_labels; ++l)
    if (a.contacts.phase_contact_area_um2[static_cast<std::size_t>(l)] > 0)
      h.push_back(table.name_of(static_cast<uint8_t>(l)) + "_area_um2");
  return h;
}

std::vector<std::vector<std::string>> contact_particle_csv_rows(const ContactAnalysis& a) {
  const ContactsResult& c = a.contacts;
  const std::size_t L = static_cast<std::size_t>(c.num_labels);
  std::vector<std::vector<std::string>> rows;
  rows.reserve(c.count);
  for (uint32_t p = 0; p < c.count; ++p) {
    std::vector<std::string> row = {std::to_string(p + 1), std::to_string(c.coordination_number[p]),
                                    Json(c.particle_contact_area_um2[p]).dump()};
    for (std::size_t l = 0; l < L; ++l)
      if (c.phase_contact_area_um2[l] > 0) row.push_back(Json(c.particle_phase_area_um2[p * L + l]).dump());
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace emorph
