// Electrode descriptors for models (issue 20): particle contacts, triple-phase boundary, BPX export.
// Results dicts come from the same library functions as the CLI's JSON.
#include <pybind11/stl.h>

#include <optional>

#include "args.hpp"
#include "bindings.hpp"
#include "emorph/measure/descriptor_param_tables.hpp"
#include "emorph/results/measure_results.hpp"
#include "emorph/measure/triple_line.hpp"
#include "emorph/report/export_bpx_options.hpp"
#include "emorph/results/segment_results.hpp"
#include "emorph/segment/contact_analysis.hpp"
#include "json_python.hpp"
#include "numpy_volume.hpp"
#include "param_keywords.hpp"
#include "emorph/segment/particle_options.hpp"

namespace emorph::python {

void bind_descriptors(py::module_& m) {
  static const std::string contacts_doc = R"doc(Contacts of the particles of a phase (as ``emorph contacts``).

Parameters
----------
labels : numpy.ndarray of uint8
    C-contiguous (z, y, x) label volume.
phase : str
    Phase whose particles are analysed (name in the phase table).
spacing : float or (dz, dy, dx), optional
    Voxel size in um (default 1).
phases : dict or str, optional
    Phase table {name: label} or "pore=0,NMC=1,...".
)doc" + params_doc(separation_param_table()) + R"doc(
The particles are separated exactly as ``emorph.particles`` does (same keywords and defaults); contact
areas come from the Crofton crossings between two particles (and between a particle and another
phase) over the 13 lattice directions.

Returns
-------
dict
    ``count``, ``contacting_pairs``, ``contact_area_um2_total``, ``mean_coordination_number``,
    ``coordination_histogram``, ``contact_with[<phase>]`` (``area_um2``, ``share``), plus ``pairs``
    (list of (label_a, label_b, area_um2)) and ``coordination_number`` (per particle label 1..count).)doc";
  m.def(
      "contacts",
      [](const py::handle& labels, const std::string& phase, const py::object& spacing, const py::object& phases,
         const py::args& args, const py::kwargs& kwargs) {
        const PhaseTable table = phase_table_arg(phases, py::none());
        const Phase& p = table.at(phase, "phase");
        const auto view = u8_arg(labels, "labels", spacing_arg(spacing));
        SeparationOptions options;
        set_params(options, separation_param_table(), args, kwargs, "contacts", 4);
        const ParticleAnalysisParams params = with_keyword_spelling([&] { return particle_analysis_params(options); });
        ContactAnalysis a;
        {
          py::gil_scoped_release release;
          a = analyse_contacts(view, p, params);
        }
        py::dict out = to_python(contact_results(a, table, phase));
        py::list pairs;
        for (const auto& c : a.contacts.pairs) pairs.append(py::make_tuple(c.a, c.b, c.area_um2));
        out["pairs"] = pairs;
        out["coordination_number"] = a.contacts.coordination_number;
        return out;
      },
      py::arg("labels"), py::arg("phase"), py::arg("spacing") = py::none(), py::arg("phases") = py::none(),
      contacts_doc.c_str());

  static const std::string tpb_doc = R"doc(Triple-phase boundary length (as ``emorph tpb``): active material / conductor / pore lines.

Method: the voxel centres are split into Freudenthal tetrahedra; the triple line runs through the
triangles whose vertices carry the three phases; the polyline is Taubin-smoothed and its length summed.
``estimator="intersection"`` (``emorph tpb --estimator intersection``) measures instead the intersection of
the smoothed active surface with a plane fitted to the conductor|pore faces; the default ``"hybrid"`` takes
that intersection on the lines where the conductor|pore interface is planar and it agrees with the
polyline, the polyline elsewhere.

Parameters
----------
labels : numpy.ndarray of uint8
    C-contiguous (z, y, x) label volume.
spacing : float or (dz, dy, dx), optional
    Voxel size in um (default 1).
phases : dict or str, optional
    Phase table {name: label} or "pore=0,NMC=1,...".
)doc" + params_doc(tpb_param_table()) + R"doc(
Returns
-------
dict
    ``length_um``, ``length_per_um2`` (per um^3 of the whole volume), ``raw_length_um``,
    ``total_volume_um3``, ``segments``, ``ends``, ``intersection_share``.)doc";
  m.def(
      "tpb",
      [](const py::handle& labels, const py::object& spacing, const py::object& phases, const py::args& args,
         const py::kwargs& kwargs) {
        const auto view = u8_arg(labels, "labels", spacing_arg(spacing));
        const PhaseTable table = phase_table_arg(phases, py::none());
        TripleLineOptions options;
        set_params(options, tpb_param_table(), args, kwargs, "tpb", 3);
        const TripleLineParams p = with_keyword_spelling([&] { return triple_line_params(options, table); });
        TripleLineResult r;
        {
          py::gil_scoped_release release;
          r = triple_line_length(view, p);
        }
        // = `emorph tpb --json`
        return to_python(triple_line_results(r, {options.active, options.conductor, options.pore}));
      },
      py::arg("labels"), py::arg("spacing") = py::none(), py::arg("phases") = py::none(), tpb_doc.c_str());

  m.def(
      "export_bpx",
      [](const py::object& results, const std::string& results_dir, const std::string& electrode,
         const py::object& materials, const py::object& bpx_template) {
        ExportBpxParams p;
        p.electrode = electrode;
        p.materials = names_arg(materials, "materials");
        if (!bpx_template.is_none()) p.bpx_template = to_json(bpx_template);
        const ExportBpxResult r = export_bpx(to_json(results), results_dir, p);
        py::dict out;
        out["bpx"] = to_python(r.bpx);
        out["columns"] = r.csv_header;
        out["rows"] = r.csv_rows;
        out["notes"] = r.notes;
        return out;
      },
      py::arg("results"), py::arg("results_dir") = "", py::arg("electrode") = ExportBpxOptions{}.electrode,
      py::arg("materials") = py::none(), py::arg("template") = py::none(),
      (R"doc(BPX fields of an analysis (as ``emorph export-bpx``).

Parameters
----------
results : dict
    The parsed results.json of ``emorph analyze`` (or its "results").
results_dir : str
    Where the per-particle tables are (for the radius profile); "" for none.
)doc" + params_doc(export_bpx_param_table()) + R"doc(materials : str or list of str, optional
    Active materials (default: every solid phase but CBD, collector, matrix); several make a blended
    electrode.
template : dict, optional
    A BPX document whose other fields are kept (electrochemistry).

Returns
-------
dict
    ``bpx`` (the document), ``columns`` and ``rows`` (the through-thickness table), ``notes``.)doc")
          .c_str());
}

}  // namespace emorph::python
