// Statistical descriptors: chord lengths, two-point correlation and REV (as `emorph chords`,
// `emorph correlation`, `emorph rev`: the same results objects).
#include <pybind11/stl.h>

#include "args.hpp"
#include "bindings.hpp"
#include "emorph/measure/chord_length.hpp"
#include "emorph/measure/components.hpp"
#include "emorph/measure/descriptor_param_tables.hpp"
#include "emorph/measure/rev.hpp"
#include "emorph/results/stats_results.hpp"
#include "emorph/measure/two_point_correlation.hpp"
#include "json_python.hpp"
#include "numpy_volume.hpp"
#include "param_keywords.hpp"

namespace emorph::python {

namespace {

// Binds name(labels, phase, spacing=None, phases=None, *args, **kwargs): the table's keywords set the
// options, then measure(options, mask) gives the results object of the phase's mask (GIL released while the
// mask is built and measured).
template <class Options, class Measure>
void def_phase_statistic(py::module_& m, const char* name, const ParamTable<Options>& table, const std::string& doc,
                         Measure measure) {
  m.def(
      name,
      [name, &table, measure](const py::handle& labels, const std::string& phase, const py::object& spacing,
                              const py::object& phases, const py::args& args, const py::kwargs& kwargs) {
        Options options;
        set_params(options, table, args, kwargs, name, 4);
        const auto view = u8_arg(labels, "labels", spacing_arg(spacing));
        const uint8_t label = phase_table_arg(phases, py::none()).at(phase, "phase").label;
        Json results;
        {
          py::gil_scoped_release release;
          const Volume<uint8_t> mask = label_mask(view, label);
          results = measure(options, mask.view(), phase);
        }
        return to_python(results);
      },
      py::arg("labels"), py::arg("phase"), py::arg("spacing") = py::none(), py::arg("phases") = py::none(), doc.c_str());
}

// The "Parameters" entries before the table's keywords, shared by chords, correlation and rev.
constexpr const char* kPhaseStatisticParamsDoc = R"doc(Parameters
----------
labels : numpy.ndarray of uint8 (or bool)
phase : str
    Phase name in the phase table.
spacing : float or (dz, dy, dx), optional
phases : dict or str, optional
    Phase table {name: label} or "pore=0,NMC=1,...".
)doc";

}  // namespace

void bind_stats(py::module_& m) {
  static const std::string chords_doc = R"doc(Chord-length distribution and mean chord of a phase along each axis (as ``emorph chords``).

Method: Torquato 2002 ch. 2.8 (PoreSpy ``apply_chords`` + ``chord_length_distribution``): a chord is
a maximal run of phase voxels along an axis; its length is the run's voxel count times the spacing.

)doc" + std::string(kPhaseStatisticParamsDoc) + params_doc(chords_param_table()) + R"doc(
Returns
-------
dict
    ``axes[0..2]``: ``mean_chord_um``, ``chord_um`` (bin centres, one per length in voxels), ``count``,
    ``frequency`` (number fraction), ``length_weighted``, ``chords``, ``border_chords``, ``voxel_um``.)doc";
  def_phase_statistic(m, "chords", chords_param_table(), chords_doc,
                      [](const ChordLengthParams& p, VolumeView<const uint8_t> mask, const std::string& phase) {
                        return chords_results(chord_lengths(mask, p), phase, p.include_border_chords);
                      });

  static const std::string correlation_doc = R"doc(Two-point correlation S2(r) of a phase along each axis (as ``emorph correlation``).

Method: Torquato 2002 ch. 2.2; non-periodic autocorrelation of the phase indicator along every line
of the axis (bitwise pair counts or zero-padded FFTs), divided by the number of voxel pairs at each lag inside the
volume. S2(0) is the volume fraction exactly.

)doc" + std::string(kPhaseStatisticParamsDoc) + params_doc(correlation_param_table()) + R"doc(
direct: exact pair counts by bitwise AND + popcount; fft: FFTW transforms of the zero-padded lines
(float, ~1e-6 relative); auto: the cheaper by a cost model (direct below lags of ~400 voxels).

Returns
-------
dict
    ``volume_fraction``, ``method`` (the one used), ``axes[0..2]``: ``r_um`` (from 0), ``s2``, ``pairs``, ``voxel_um``.)doc";
  def_phase_statistic(m, "correlation", correlation_param_table(), correlation_doc,
                      [](const CorrelationOptions& o, VolumeView<const uint8_t> mask, const std::string& phase) {
                        const auto p = with_keyword_spelling([&] { return two_point_correlation_params(o); });
                        return correlation_results(two_point_correlation(mask, p), phase);
                      });

  static const std::string rev_doc = R"doc(Volume-fraction variance over cubic subvolumes of growing size, integral range and error bar
(as ``emorph rev``).

Method: Matheron 1971, Kanit et al. 2003: var(V) = phi (1 - phi) A3 / V for V much larger than the
correlation length; A3 is extrapolated in 1/L over the larger subvolumes that leave at least 64 per
volume.

)doc" + std::string(kPhaseStatisticParamsDoc) + params_doc(rev_param_table()) + R"doc(
Returns
-------
dict
    ``sizes_um``, ``volumes_um3``, ``subvolumes``, ``mean_fraction``, ``std_fraction``, ``used_in_fit``,
    ``integral_range_um3``, ``volume_fraction``, ``volume_fraction_std`` (one standard deviation of
    the measured fraction at the analysed volume's size), ``analysed_volume_um3``.)doc";
  def_phase_statistic(m, "rev", rev_param_table(), rev_doc,
                      [](const RevParams& p, VolumeView<const uint8_t> mask, const std::string& phase) {
                        return rev_results(representative_volume(mask, p), phase);
                      });
}

}  // namespace emorph::python
