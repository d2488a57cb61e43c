// emorph histogram IN: grey-value histogram (auto range, optional mask) with the thresholds of every
// automatic method, as a summary, CSV (bin_center,count) and a PNG bar plot.
#include <algorithm>
#include <iostream>
#include <memory>

#include "command.hpp"
#include "common.hpp"
#include "param_options.hpp"
#include "streaming.hpp"
#include "emorph/stream/streamed_histogram.hpp"
#include "emorph/atomic_file.hpp"
#include "emorph/io.hpp"
#include "emorph/io/png.hpp"
#include "emorph/parse.hpp"
#include "emorph/segment/histogram.hpp"
#include "emorph/segment/histogram_options.hpp"
#include "emorph/segment/threshold.hpp"

namespace {

using emorph::Json;

struct HistogramCommand {
  emorph::cli::InputOptions in;
  emorph::cli::OutputOptions out;
  emorph::HistogramOptions params;  // the options of the parameter table
  std::string mask, png;
};

// Bars in grey, the thresholds of `marked` in red; 512 x 256 pixels.
void write_plot(const std::string& path, const emorph::Histogram& h, const std::vector<double>& marked) {
  const int w = 512, H = 256;
  std::vector<uint8_t> rgb(static_cast<std::size_t>(w) * H * 3, 255);
  const double peak = static_cast<double>(*std::max_element(h.counts.begin(), h.counts.end()));
  for (int x = 0; x < w; ++x) {
    const int b0 = x * h.bins() / w, b1 = std::max(b0 + 1, (x + 1) * h.bins() / w);
    int64_t c = 0;
    for (int b = b0; b < b1 && b < h.bins(); ++b) c = std::max(c, h.counts[b]);
    const int top = H - 1 - static_cast<int>((H - 8) * (peak > 0 ? c / peak : 0.0));
    for (int y = std::max(top, 0); y < H; ++y)
      for (int ch = 0; ch < 3; ++ch) rgb[(static_cast<std::size_t>(y) * w + x) * 3 + ch] = 90;
  }
  for (double t : marked) {
    const int x = static_cast<int>((t - h.lower) / (h.bin_width * h.bins()) * w);
    if (x < 0 || x >= w) continue;
    for (int y = 0; y < H; ++y) {
      uint8_t* p = &rgb[(static_cast<std::size_t>(y) * w + x) * 3];
      p[0] = 220, p[1] = 30, p[2] = 30;
    }
  }
  emorph::write_png(path, rgb.data(), w, H, 3);
}

void run_histogram(const HistogramCommand& o) {
  const emorph::HistogramParams params = emorph::histogram_params(o.params);
  // 8- and 16-bit volumes without --mask stream when they do not fit the memory limit.
  emorph::Histogram h;
  if (o.mask.empty() && emorph::histogram_streams(emorph::read_info(o.in.input).dtype) &&
      emorph::cli::should_stream(o.in, 0.0)) {
    emorph::StreamReport report;
    h = emorph::streamed_histogram(o.in.input, params, emorph::cli::local_stream_params(), &report);
    emorph::cli::record_streamed_run(report);
  } else {
    emorph::cli::check_in_core_need("histogram (with --mask or a 32-bit/float volume)", o.in.input, o.mask.empty() ? 0.0 : 1.0);
    const auto grey = emorph::read_volume(o.in.input, o.in.read_options());
    emorph::Volume<uint8_t> mask;
    if (!o.mask.empty()) {
      auto m = emorph::read_volume(o.mask);
      emorph::require(m.holds<uint8_t>(), "--mask: " + o.mask + " must be a uint8 volume (0 = outside)");
      mask = std::move(m.as<uint8_t>());
    }
    h = grey.visit([&](const auto& v) {
      using T = typename std::decay_t<decltype(v)>::value_type;
      return emorph::histogram<T>(v.view(), params, mask.data() ? mask.view() : emorph::VolumeView<const uint8_t>{});
    });
  }
  double sum = 0, sum2 = 0;
  for (int i = 0; i < h.bins(); ++i) {
    sum += h.counts[i] * h.center(i);
    sum2 += h.counts[i] * h.center(i) * h.center(i);
  }
  const double n = static_cast<double>(h.total()), mean = sum / n;
  Json thresholds = Json::object();
  std::vector<double> marked;
  for (const std::string& method : emorph::histogram_threshold_methods()) {
    try {
      const auto t = emorph::compute_threshold(h, emorph::parse_threshold_method(method));
      thresholds[method] = t.thresholds;
      if (method == o.params.mark) marked = t.thresholds;
    } catch (const emorph::InputError& e) {
      thresholds[method] = {{"error", e.what()}};
    }
  }
  Json results = {{"voxels", h.total()},
                  {"excluded", h.excluded},
                  {"min", h.min_value},
                  {"max", h.max_value},
                  {"mean", mean},
                  {"std", std::sqrt(std::max(0.0, sum2 / n - mean * mean))},
                  {"bins", h.bins()},
                  {"bin_width", h.bin_width},
                  {"thresholds", thresholds}};
  if (!o.out.csv.empty()) {
    emorph::check_output_differs(o.in.input, o.out.csv);
    std::vector<std::vector<std::string>> rows;
    for (int i = 0; i < h.bins(); ++i) rows.push_back({Json(h.center(i)).dump(), std::to_string(h.counts[i])});
    emorph::write_csv(o.out.csv, {"bin_center", "count"}, rows);
  }
  if (!o.png.empty()) {
    emorph::check_output_differs(o.in.input, o.png);
    write_plot(o.png, h, marked);
  }
  Json echo = emorph::params_json(o.params, emorph::histogram_param_table());
  echo["voxel"] = o.in.voxel;
  echo["mask"] = o.mask;
  if (!o.out.json.empty()) {
    Json full = results;
    full["bin_centers"] = h.centers();
    full["counts"] = h.counts;
    if (o.out.json != "-") emorph::check_output_differs(o.in.input, o.out.json);
    emorph::write_json(o.out.json, emorph::cli::input_envelope("histogram", echo, o.in, full));
  }
  if (o.out.json != "-") std::cout << emorph::summarize_results(results);
}

void setup_histogram(CLI::App& app) {
  auto o = std::make_shared<HistogramCommand>();
  auto* sub = app.add_subcommand("histogram", "Grey-value histogram with automatic thresholds (summary, CSV, PNG)");
  emorph::cli::add_input_options(sub, o->in, "Grey volume");
  emorph::cli::add_param_options(sub, o->params, emorph::histogram_param_table());
  const auto& methods = emorph::histogram_threshold_methods();
  sub->get_option("--mark")->check(CLI::IsMember(std::vector<std::string>(methods.begin(), methods.end())));
  emorph::cli::declare_path(sub->add_option("--mask", o->mask, "uint8 volume: only voxels != 0 are counted"),
                            emorph::PathKind::input_volume, o->mask);
  emorph::cli::declare_path(sub->add_option("--png", o->png, "Write a bar plot (512x256 PNG) with thresholds in red"),
                            emorph::PathKind::output_file, o->png);
  emorph::cli::add_json_option(sub, o->out);
  emorph::cli::add_csv_option(sub, o->out);
  sub->callback([o] { run_histogram(*o); });
}

}  // namespace

EMORPH_COMMAND(setup_histogram);
