// emorph denoise IN OUT --filter median:1|gaussian:SIGMA[um]|bilateral:S,R: 3D denoising pre-filters
// (median keeps the dtype; gaussian and bilateral write float32).
#include <iostream>
#include <memory>

#include "command.hpp"
#include "common.hpp"
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
  const auto in = emorph::read_volume(o.in.input, o.in.read_options());
  const auto out = emorph::denoise(in, spec);
  emorph::write_volume(o.output, out);
  const Json results = {{"filter", spec.to_json()}, {"shape", {in.shape().nz, in.shape().ny, in.shape().nx}},
                        {"input_dtype", emorph::dtype_name(in.dtype())}, {"output_dtype", emorph::dtype_name(out.dtype())},
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
