// emorph info FILE: shape, dtype, voxel size, physical size, value statistics, memory footprint.
#include <memory>

#include "command.hpp"
#include "common.hpp"
#include "emorph/io/summary.hpp"

namespace {

struct InfoOptions {
  emorph::cli::InputOptions in;
  emorph::cli::OutputOptions out;
};

void setup_info(CLI::App& app) {
  auto o = std::make_shared<InfoOptions>();
  auto* sub = app.add_subcommand("info", "Describe a volume: shape, dtype, voxel size, statistics, memory");
  emorph::cli::add_input_options(sub, o->in);
  emorph::cli::add_json_option(sub, o->out);
  sub->callback([o] {
    emorph::Json params = {{"voxel", o->in.voxel}};
    emorph::cli::emit_results(o->out, "info", params, o->in,
                              emorph::volume_summary(o->in.input, o->in.read_options()));
  });
}

}  // namespace

EMORPH_COMMAND(setup_info);
