// emorph rescale IN OUT --factor F: block binning; mean for grey volumes, majority vote for labels.
// Streams: one input slab of whole blocks (about 64 MiB) and its output slices in memory at a time.
#include <iostream>
#include <memory>
#include <type_traits>

#include "command.hpp"
#include "common.hpp"
#include "emorph/filter/rescale.hpp"
#include "emorph/filter/rescale_options.hpp"
#include "emorph/io/stream.hpp"
#include "param_options.hpp"

namespace {

struct RescaleCommand {
  emorph::cli::InputOptions in;
  emorph::cli::OutputOptions out;
  emorph::RescaleOptions params;  // the options of the parameter table
  std::string output;
  bool compress = false;
};

void setup_rescale(CLI::App& app) {
  auto o = std::make_shared<RescaleCommand>();
  auto* sub = app.add_subcommand("rescale", "Downsample by an integer factor (block mean, or majority vote for labels)");
  emorph::cli::add_input_options(sub, o->in);
  emorph::cli::declare_path(sub->add_option("output", o->output, "Output volume (format from the extension)")->required(),
                            emorph::PathKind::output_volume, o->output);
  emorph::cli::add_param_options(sub, o->params, emorph::rescale_param_table());
  sub->add_flag("--compress", o->compress, "Compress the output where the format allows");
  emorph::cli::add_json_option(sub, o->out);
  sub->callback([o] {
    emorph::check_output_differs(o->in.input, o->output);
    const emorph::RescaleParams p = emorph::rescale_params(o->params);
    auto reader = emorph::open_slab_reader(o->in.input);
    const emorph::VolumeInfo info = reader->info();
    const emorph::ReadOptions ro = o->in.read_options();
    const emorph::RescaleGeometry g = emorph::rescale_geometry(info.shape, ro.voxel ? *ro.voxel : info.spacing, p);
    emorph::WriteOptions w;
    w.compress = o->compress;
    emorph::RescaleMode mode_used = p.mode;
    emorph::visit_dtype(info.dtype, [&](auto t) {
      using T = decltype(t);
      // Choosing the mode may read the volume once (uint8, auto): a reader of its own, since
      // compressed data are read forwards only.
      std::unique_ptr<emorph::SlabReader> scan;
      mode_used = emorph::resolve_rescale_mode<T>(p.mode, info.shape, [&](int64_t z0, int64_t z1, T* dst) {
        if (!scan) scan = emorph::open_slab_reader(o->in.input);
        scan->read(z0, z1, dst);
        if constexpr (std::is_same_v<T, float>)
          emorph::require_finite_voxels(dst, static_cast<std::size_t>((z1 - z0) * info.shape.ny * info.shape.nx),
                                        o->in.input, z0, info.shape);
      });
      auto writer = emorph::open_slab_writer(o->output, {g.shape, info.dtype, g.spacing}, w);
      emorph::rescale_stream<T>(
          info.shape, p, mode_used,
          [&](int64_t z0, int64_t z1, T* dst) {
            reader->read(z0, z1, dst);
            if constexpr (std::is_same_v<T, float>)
              emorph::require_finite_voxels(dst, static_cast<std::size_t>((z1 - z0) * info.shape.ny * info.shape.nx),
                                            o->in.input, z0, info.shape);
          },
          [&](const T* slices, int64_t count) { writer->write(slices, count); });
      writer->commit();
    });
    if (g.dropped.nz || g.dropped.ny || g.dropped.nx)
      std::cerr << "emorph: warning: --factor " << p.factor << ": left out the last " << g.dropped.str()
                << " voxels (z x y x x) that do not fill a block\n";
    const emorph::Json results = {{"factor", p.factor},
                                  {"mode", emorph::rescale_mode_name(mode_used)},
                                  {"shape", {g.shape.nz, g.shape.ny, g.shape.nx}},
                                  {"voxel_um", {g.spacing.dz, g.spacing.dy, g.spacing.dx}},
                                  {"dropped_voxels", {g.dropped.nz, g.dropped.ny, g.dropped.nx}},
                                  {"output", o->output}};
    emorph::cli::emit_results(o->out, "rescale",
                              emorph::params_json(o->params, emorph::rescale_param_table()),
                              o->in, results);
  });
}

}  // namespace

EMORPH_COMMAND(setup_rescale);
