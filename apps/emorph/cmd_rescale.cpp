// emorph rescale IN OUT --factor F: block binning; mean for grey volumes, majority vote for labels.
#include <iostream>
#include <memory>

#include "command.hpp"
#include "common.hpp"
#include "emorph/filter/rescale.hpp"

namespace {

struct RescaleOptions {
  emorph::cli::InputOptions in;
  emorph::cli::OutputOptions out;
  std::string output, mode = "auto";
  int factor = 2;
  bool drop_remainder = false, compress = false;
};

void setup_rescale(CLI::App& app) {
  auto o = std::make_shared<RescaleOptions>();
  auto* sub = app.add_subcommand("rescale", "Downsample by an integer factor (block mean, or majority vote for labels)");
  emorph::cli::add_input_options(sub, o->in);
  sub->add_option("output", o->output, "Output volume (format from the extension)")->required();
  sub->add_option("--factor", o->factor, "Block edge in voxels (2: 0.16 um -> 0.32 um)")->capture_default_str();
  sub->add_option("--mode", o->mode,
                  "auto (majority for uint32 or uint8 with <= 16 values, else mean), mean, or majority")
      ->capture_default_str();
  sub->add_flag("--drop-remainder", o->drop_remainder,
                "When the factor does not divide the shape, leave out the trailing voxels (default: error)");
  sub->add_flag("--compress", o->compress, "Compress the output where the format allows");
  emorph::cli::add_json_option(sub, o->out);
  sub->callback([o] {
    emorph::check_output_differs(o->in.input, o->output);
    emorph::RescaleParams p;
    p.factor = o->factor;
    p.mode = emorph::parse_rescale_mode(o->mode, "--mode");
    p.drop_remainder = o->drop_remainder;
    if (p.factor < 1) throw emorph::InputError("--factor: must be a positive integer, got " + std::to_string(p.factor));
    emorph::AnyVolume in = emorph::read_volume(o->in.input, o->in.read_options());
    emorph::WriteOptions w;
    w.compress = o->compress;
    emorph::Json results;
    in.visit([&](const auto& v) {
      auto r = emorph::rescale(v.view(), p);
      if (r.dropped.nz || r.dropped.ny || r.dropped.nx)
        std::cerr << "emorph: warning: --factor " << p.factor << ": left out the last " << r.dropped.str()
                  << " voxels (z x y x x) that do not fill a block\n";
      emorph::write_volume(o->output, r.volume.view(), w);
      const auto& s = r.volume.shape();
      const auto& sp = r.volume.spacing();
      results = {{"factor", p.factor},
                 {"mode", emorph::rescale_mode_name(r.mode_used)},
                 {"shape", {s.nz, s.ny, s.nx}},
                 {"voxel_um", {sp.dz, sp.dy, sp.dx}},
                 {"dropped_voxels", {r.dropped.nz, r.dropped.ny, r.dropped.nx}},
                 {"output", o->output}};
    });
    emorph::cli::emit_results(o->out, "rescale",
                              {{"factor", o->factor}, {"mode", o->mode}, {"drop_remainder", o->drop_remainder}},
                              o->in.input, results);
  });
}

}  // namespace

EMORPH_COMMAND(setup_rescale);
