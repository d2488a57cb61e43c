// emorph denoise IN OUT --filter median:1|gaussian:SIGMA[um]|bilateral:S,R: 3D denoising pre-filters
// (median keeps the dtype; gaussian and bilateral write float32).
#include <iostream>
#include <memory>

#include "command.hpp"
#include "common.hpp"
#include "streaming.hpp"
#include "emorph/results/filter_results.hpp"
#include "emorph/stream/streamed_denoise.hpp"
#include "emorph/atomic_file.hpp"
#include "emorph/filter/denoise.hpp"
#include "emorph/io.hpp"

namespace {

using emorph::Json;

struct DenoiseOptions {
  emorph::cli::InputOptions in;
  emorph::cli::OutputOptions out;
  std::string output, filter = "median:1";
};

void run_denoise(const DenoiseOptions& o) {
  const auto spec = emorph::parse_denoise_spec(o.filter, "--filter");
  if (spec.filter == "gaussian" && spec.gaussian.sigma_in_um) o.in.require_voxel_size("--filter gives sigma in um");
  emorph::check_output_differs(o.in.input, o.output);
  // In core: the input and the output (same dtype for the median, float32 otherwise).
  const emorph::VolumeInfo info = emorph::read_info(o.in.input);
  const double out_bytes = spec.filter == "median" ? static_cast<double>(emorph::dtype_size(info.dtype)) : 4.0;
  emorph::DType out_dtype;
  if (emorph::cli::should_stream(o.in, out_bytes)) {
    emorph::StreamReport report;
    out_dtype = emorph::streamed_denoise(o.in.input, o.output, spec, o.in.read_options(), emorph::cli::stream_params(),
                                         &report);
    emorph::cli::record_streamed_run(report);
  } else {
    const auto in = emorph::read_volume(o.in.input, o.in.read_options());
    const auto out = emorph::denoise(in, spec);
    emorph::write_volume(o.output, out);
    out_dtype = out.dtype();
  }
  const Json results = {{"filter", denoise_spec_json(spec)}, {"shape", {info.shape.nz, info.shape.ny, info.shape.nx}},
                        {"input_dtype", emorph::dtype_name(info.dtype)}, {"output_dtype", emorph::dtype_name(out_dtype)},
                        {"output", o.output}};
  emorph::cli::emit_results(o.out, "denoise", {{"voxel", o.in.voxel}, {"filter", o.filter}}, o.in, results);
}

void setup_denoise(CLI::App& app) {
  auto o = std::make_shared<DenoiseOptions>();
  auto* sub = app.add_subcommand("denoise", "3D denoising: median (radius 1-2), Gaussian, bilateral");
  emorph::cli::add_input_options(sub, o->in, "Grey volume");
  emorph::cli::declare_path(sub->add_option("output", o->output, "Output volume")->required(),
                            emorph::PathKind::output_volume, o->output);
  sub->add_option("--filter", o->filter, "median:R | gaussian:SIGMA (voxels) | gaussian:SIGMAum | bilateral:S,R")
      ->capture_default_str();
  emorph::cli::add_json_option(sub, o->out);
  sub->callback([o] { run_denoise(*o); });
}

}  // namespace

EMORPH_COMMAND(setup_denoise);
