// Measurements on masks and label volumes: distance transform, connected components, phase fractions,
// thickness profiles, surface areas, composition, grey-level profiles and calibration. The results
// dicts come from the library's results functions (fractions_results, profile_results, ...), which the
// CLI's JSON comes from too, so both give the same keys and numbers.
#include <pybind11/stl.h>

#include <optional>

#include "args.hpp"
#include "bindings.hpp"
#include "emorph/measure/components.hpp"
#include "emorph/measure/composition.hpp"
#include "emorph/measure/descriptor_param_tables.hpp"
#include "emorph/measure/edt.hpp"
#include "emorph/measure/fractions.hpp"
#include "emorph/measure/grey_calibration.hpp"
#include "emorph/measure/phase_selection.hpp"
#include "emorph/measure/profile.hpp"
#include "emorph/measure/report_param_tables.hpp"
#include "emorph/measure/specific_surface.hpp"
#include "emorph/results/measure_results.hpp"
#include "json_python.hpp"
#include "numpy_volume.hpp"
#include "param_keywords.hpp"

namespace emorph::python {

namespace {

// CONTRACT: labels outside the table are measured as label_<n>, with a warning.
void warn_unlisted(const Json& results) {
  if (results.contains("unlisted_labels"))
    warn_all({unlisted_labels_warning(results["unlisted_labels"].get<std::vector<uint8_t>>(), "phases")});
}

}  // namespace

void bind_measure(py::module_& m) {
  m.def(
      "distance_transform",
      [](const py::handle& mask, const py::object& spacing) {
        const auto view = u8_arg(mask, "mask", spacing_arg(spacing));
        Volume<float> out;
        {
          py::gil_scoped_release release;
          out = distance_transform(view);
        }
        return to_numpy(std::move(out));
      },
      py::arg("mask"), py::arg("spacing") = py::none(),
      R"doc(Exact Euclidean distance transform, in um.

Method: Felzenszwalb & Huttenlocher 2012 (lower envelope of parabolas), separable and linear in the
number of voxels, exact for anisotropic voxels. Same values as
``scipy.ndimage.distance_transform_edt(mask, sampling=spacing)`` (to float32 rounding).

Parameters
----------
mask : numpy.ndarray
    C-contiguous (z, y, x) array of dtype uint8 or bool; foreground is mask != 0. Read in place (no copy).
spacing : float or (dz, dy, dx), optional
    Voxel size in um (default 1: distances in voxels).

Returns
-------
numpy.ndarray of float32, same shape
    Distance in um from each foreground voxel to the centre of the nearest background voxel; 0 on
    background. Outside the volume is not background. With no background voxel at all: +inf.

The GIL is released while computing.)doc");

  m.def(
      "label",
      [](const py::handle& mask, int connectivity) {
        const auto view = u8_arg(mask, "mask", Spacing{});
        ComponentsParams params;
        params.connectivity = connectivity;
        ComponentsResult result;
        {
          py::gil_scoped_release release;
          result = label_components(view, params);
        }
        return py::make_tuple(to_numpy(std::move(result.labels)), result.count);
      },
      py::arg("mask"), py::arg("connectivity") = 26,
      R"doc(Connected components of a mask.

Method: two-pass union-find labelling (Wu, Otoo & Suzuki 2009), parallel over z-slabs; labels are
numbered 1..count in raster order (z, y, x) of each component's first voxel, so they equal
``scipy.ndimage.label``'s numbering for the same structuring element.

Parameters
----------
mask : numpy.ndarray
    C-contiguous (z, y, x) array of dtype uint8 or bool; foreground is mask != 0.
connectivity : int
    6 (faces; scipy's default structure), 18 (faces + edges) or 26 (faces, edges and corners;
    ``numpy.ones((3, 3, 3))``).

Returns
-------
labels : numpy.ndarray of uint32
    0 on background, 1..count on the components.
count : int)doc");

  static const std::string fractions_doc = R"doc(Volume fractions of each phase, in the whole volume and in the electrode region.

Same figures as ``emorph fractions LABELS --json`` (its ``results`` object).

Parameters
----------
labels : numpy.ndarray
    C-contiguous (z, y, x) uint8 label volume (default table: 0 pore, 1 NMC, 2 LFP, 3 CBD, 4 collector).
spacing : float or (dz, dy, dx), optional
    Voxel size in um (default 1); only the electrode region's um positions depend on it.
phases : dict or str, optional
    Phase table {name: label} or "pore=0,NMC=1,...", as --phases.
)doc" + params_doc(fractions_param_table()) + R"doc(
Returns
-------
dict
    ``phases[name]`` with ``label``, ``voxels``, ``volume_fraction`` (0..1) and, when an electrode region
    is found along `axis`, ``region_voxels`` and ``region_volume_fraction``; ``total_voxels``, ``axis``,
    ``ratios``, and ``electrode_region`` (first_slice, last_slice, collector_slices, start_um, end_um,
    thickness_um) with ``region_ratios``.)doc";
  m.def(
      "fractions",
      [](const py::handle& labels, const py::object& spacing, const py::args& args, const py::object& phases,
         const py::kwargs& kwargs) {
        const auto view = u8_arg(labels, "labels", spacing_arg(spacing));
        const PhaseTable table = phase_table_arg(phases, py::none());
        FractionsReportParams p;
        set_params(p, fractions_param_table(), args, kwargs, "fractions", 2, 1);  // axis; phase moved from 5th
        std::vector<std::string> warnings;
        Json results;
        {
          py::gil_scoped_release release;
          results = with_keyword_spelling([&] { return fractions_results(view, table, p, &warnings); });
        }
        warn_all(warnings);
        warn_unlisted(results);
        return to_python(results);
      },
      py::arg("labels"), py::arg("spacing") = py::none(), py::arg("phases") = py::none(), fractions_doc.c_str());

  static const std::string profile_doc = R"doc(Phase fraction profiles along an axis, with bulk mean, RSD and least-squares slope.

Same figures as ``emorph profile LABELS --axis A --json`` (its ``results`` object). Method: per-slice
voxel counts; statistics over the bulk window on the per-slice fractions (Etiemble et al. 2017, Table 1:
RSD and slope of the thickness profiles).

Parameters
----------
labels : numpy.ndarray
    C-contiguous (z, y, x) uint8 label volume.
spacing : float or (dz, dy, dx), optional
    Voxel size in um (default 1); positions and slopes are in um.
bulk : (start_um, end_um), optional
    Bulk window: slices whose centre lies in [start_um, end_um], positions starting at 0 at the first
    slice's lower face. Default: the detected electrode region trimmed by `exclude_collector` and
    `exclude_surface` (um). An empty window raises ValueError.
phases : dict or str, optional
    Phase table {name: label} or "pore=0,NMC=1,...".
)doc" + params_doc(profile_param_table()) + R"doc(
The detected depleted layer is reported as ``depleted_layer`` (phase, thickness_um, end_um,
bulk_fraction).

Returns
-------
dict
    ``phases[name]``: ``position_um`` (slice centres), ``fraction`` (0..1 per slice), and over the bulk
    window ``mean_fraction``, ``rsd_percent``, ``slope_per_um`` (fraction per um), ``slope_stderr_per_um``,
    ``slope_relative_percent_per_um`` (100 * slope / mean); ``bulk`` (first_slice, last_slice, slices,
    start_um, end_um, source), ``axis``, ``slice_um``, ``window_slices``, ``electrode_region``.

Example
-------
>>> p = emorph.profile(labels, spacing=0.32, axis=0)
>>> plt.plot(p["phases"]["NMC"]["position_um"], p["phases"]["NMC"]["fraction"]))doc";
  m.def(
      "profile",
      [](const py::handle& labels, const py::object& spacing, const py::args& args, const py::object& bulk,
         const py::object& phases, const py::kwargs& kwargs) {
        const auto view = u8_arg(labels, "labels", spacing_arg(spacing));
        const PhaseTable table = phase_table_arg(phases, py::none());
        ProfileReportParams p;
        set_params(p, profile_param_table(), args, kwargs, "profile", 2, 2);  // axis, window; bulk was 5th
        if (!bulk.is_none()) {
          try {
            p.bulk_um = bulk.cast<std::pair<double, double>>();
          } catch (const py::cast_error&) {
            throw py::type_error("bulk must be (start_um, end_um)");
          }
        }
        Json results;
        {
          py::gil_scoped_release release;
          results = with_keyword_spelling([&] { return profile_results(view, table, p); });
        }
        warn_unlisted(results);
        return to_python(results);
      },
      py::arg("labels"), py::arg("spacing") = py::none(), py::arg("bulk") = py::none(), py::arg("phases") = py::none(),
      profile_doc.c_str());

  static const std::string surface_doc = R"doc(Surface areas of every phase and interface, and specific surfaces.

Same figures as ``emorph surface LABELS --json``. Method: discrete Crofton formula over the 13 lattice
directions with Voronoi direction weights (Ohser & Muecklich 2000; Lehmann & Legland 2012), exact
weights for anisotropic voxels; no mesh. On smooth shapes it agrees with a marching-cubes mesh area
(skimage.measure.mesh_surface_area) within a few percent (see docs/python.md).

Parameters
----------
labels : numpy.ndarray
    C-contiguous (z, y, x) uint8 label volume.
spacing : float or (dz, dy, dx), optional
    Voxel size in um (default 1).
phases : dict or str, optional
    Phase table {name: label} or "pore=0,NMC=1,...".
density : dict or str, optional
    Densities in g/cm3 {name: rho}; when given every solid phase present needs one (mass-based figures).
    Default: the table's densities where known.
)doc" + params_doc(surface_param_table()) + R"doc(
Returns
-------
dict
    ``phases[name]``: ``label``, ``voxels``, ``volume_um3``, ``surface_area_um2``,
    ``specific_surface_per_um`` (area / total volume), ``specific_surface_phase_per_um`` (area / phase
    volume), ``specific_surface_m2_per_g`` (density known); ``interfaces["a|b"]``: ``area_um2``,
    ``specific_surface_per_um``; ``total_volume_um3``, ``method``, ``count_volume_boundary``,
    ``solid_density_g_cm3`` and ``electrode_specific_surface_m2_per_g`` where densities are known.)doc";
  m.def(
      "surface",
      [](const py::handle& labels, const py::object& spacing, const py::object& phases, const py::object& density,
         const py::args& args, const py::kwargs& kwargs) {
        const auto view = u8_arg(labels, "labels", spacing_arg(spacing));
        const PhaseTable table = phase_table_arg(phases, density);
        SurfaceReportParams p;
        set_params(p, surface_param_table(), args, kwargs, "surface", 4);
        p.require_densities = !density.is_none();
        Json results;
        {
          py::gil_scoped_release release;
          results = surface_results(view, table, p);
        }
        warn_unlisted(results);
        return to_python(results);
      },
      py::arg("labels"), py::arg("spacing") = py::none(), py::arg("phases") = py::none(),
      py::arg("density") = py::none(), surface_doc.c_str());

  m.def(
      "composition",
      [](const py::object& wt, const py::object& density, const py::object& porosity, const py::object& loading,
         const py::object& thickness, const py::object& bet, const py::object& diameter) {
        CompositionParams p;
        p.wt_percent = name_values_arg(wt, "wt");
        p.density_g_cm3 = component_densities(p.wt_percent, name_values_arg(density, "density"), PhaseTable::default_table());
        p.bet_m2_per_g = name_values_arg(bet, "bet");
        p.diameter_um = name_values_arg(diameter, "diameter");
        if (!porosity.is_none()) p.porosity_percent = porosity.cast<double>();
        if (!loading.is_none()) p.loading_mg_per_cm2 = loading.cast<double>();
        if (!thickness.is_none()) p.thickness_um = thickness.cast<double>();
        return to_python(composition_results(p));
      },
      py::arg("wt"), py::arg("density") = py::none(), py::arg("porosity") = py::none(),
      py::arg("loading") = py::none(), py::arg("thickness") = py::none(), py::arg("bet") = py::none(),
      py::arg("diameter") = py::none(),
      R"doc(Electrode composition: vol% from wt%, porosity, theoretical specific surface (no image).

Same figures as ``emorph composition --json`` (Etiemble et al. 2017, Tables 1 and 4).

Parameters
----------
wt : dict or str
    Weight percents {name: wt%} summing to 100, e.g. {"NMC": 44, "LFP": 44, "PVdF": 7.5, "CB": 4.5}.
density : dict or str, optional
    Densities in g/cm3; defaults NMC 4.75, LFP 3.57, CB 1.95, PVdF 1.78, Al 2.70, CBD 1.8 (see docs).
porosity : float, optional
    Porosity in percent; or give `loading` (mg/cm2) and `thickness` (um) instead. Needed for vol% only.
bet : dict or str, optional
    BET specific surfaces of the powders in m2/g; components without one contribute 0 (``no_bet``).
diameter : dict or str, optional
    Particle diameters in um for the dense-sphere area 6 / (d rho).

Returns
-------
dict
    ``vol_percent[name]``, ``solid_vol_percent[name]``, ``porosity_percent``, ``porosity_from_loading``,
    ``solid_density_g_cm3``, ``theoretical_ssa_m2_per_g``, ``no_bet`` and, where given,
    ``ssa_contribution_m2_per_g``, ``geometric_ssa_m2_per_g``, ``theoretical_ssa_geometric_m2_per_g``.)doc");

  m.def(
      "grey_profile",
      [](const py::handle& grey, const py::handle& labels, const py::object& phase, const py::object& spacing,
         int axis, const py::object& phases, const py::object& calibration) {
        const Spacing sp = spacing_arg(spacing);
        const auto label_view = u8_arg(labels, "labels", sp);
        const PhaseTable table = phase_table_arg(phases, py::none());
        GreyProfileParams p;
        p.axis = axis_arg(axis);
        const auto names = names_arg(phase, "phase");
        if (names.empty()) throw py::value_error("phase: name the phases averaged, e.g. [\"pore\", \"LFP\", \"CBD\"]");
        for (const auto& name : names) p.mask_labels.push_back(table.at(name, "phase").label);
        std::optional<GreyCalibration> cal;
        if (!calibration.is_none()) {
          cal = GreyCalibration{};
          if (py::isinstance<py::dict>(calibration)) {
            const auto d = py::reinterpret_borrow<py::dict>(calibration);
            if (!d.contains("slope_g_cm3_per_grey") || !d.contains("intercept_g_cm3"))
              throw py::value_error("calibration: expected (slope, intercept) or the dict emorph.calibrate returns");
            cal->slope = d["slope_g_cm3_per_grey"].cast<double>();
            cal->intercept = d["intercept_g_cm3"].cast<double>();
          } else {
            try {
              std::tie(cal->slope, cal->intercept) = calibration.cast<std::pair<double, double>>();
            } catch (const py::cast_error&) {
              throw py::type_error("calibration must be (slope, intercept) or the dict emorph.calibrate returns");
            }
          }
        }
        GreyProfile g;
        visit_array(grey, "grey", sp, [&](auto view) {
          py::gil_scoped_release release;
          g = emorph::grey_profile(view, label_view, p);
        });
        py::dict out = to_python(grey_profile_results(g, cal));
        py::list phase_list;
        for (const auto& name : names) phase_list.append(name);
        out["phases"] = phase_list;
        return out;
      },
      py::arg("grey"), py::arg("labels"), py::arg("phase"), py::arg("spacing") = py::none(), py::arg("axis") = 0,
      py::arg("phases") = py::none(), py::arg("calibration") = py::none(),
      R"doc(Mean grey value of some phases in every slice, and the density through a calibration.

Same figures as the ``grey_profile`` object of ``emorph profile LABELS --grey GREY --grey-phases ...
[--calibration SLOPE,INTERCEPT]``. Method: the paper's grey-level profiles of the matrix around NMC
(Etiemble et al. 2017, Fig. 5 and S5): per-slice means over the masked voxels (exact integer sums for
integer dtypes); with a linear calibration (Beer-Lambert at fixed composition) they become densities.

Parameters
----------
grey : numpy.ndarray
    C-contiguous (z, y, x) grey volume of any volume dtype (uint8, uint16, float32, ...), read in place.
labels : numpy.ndarray of uint8
    Label volume of the same shape.
phase : str or list of str
    Phases averaged, e.g. ["pore", "LFP", "CBD"] (the matrix around NMC).
spacing : float or (dz, dy, dx), optional
    Voxel size in um (default 1); positions are in um.
axis : int
    Axis of the profile.
phases : dict or str, optional
    Phase table {name: label} or "pore=0,NMC=1,...".
calibration : (slope, intercept) or dict, optional
    density = intercept + slope * grey in g/cm3 (slope in g/cm3 per grey unit), or the result of
    ``emorph.calibrate``.

Returns
-------
dict
    ``position_um`` (slice centres), ``mean_grey`` (None where a slice has no masked voxel),
    ``voxels`` (masked voxels per slice), ``phases``, and with a calibration ``density_g_cm3``.)doc");

  m.def(
      "calibrate",
      [](const std::vector<double>& grey, const std::vector<double>& density) {
        return to_python(grey_calibration_results(fit_grey_calibration(grey, density)));
      },
      py::arg("grey"), py::arg("density"),
      R"doc(Linear grey -> density calibration from samples of known density (as ``emorph calibrate``).

Least squares density = intercept + slope * grey (Beer-Lambert: attenuation is linear in density at
fixed composition; Etiemble et al. 2017, Fig. S5).

Parameters
----------
grey : sequence of float
    Mean grey values of the samples (at least 2, not all equal).
density : sequence of float
    Their known densities in g/cm3.

Returns
-------
dict
    ``samples``, ``slope_g_cm3_per_grey``, ``intercept_g_cm3``, ``r_squared`` (None when undefined),
    ``calibration`` ("SLOPE,INTERCEPT" for ``emorph profile --calibration``).)doc");
}

}  // namespace emorph::python
