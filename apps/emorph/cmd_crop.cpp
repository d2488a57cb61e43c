// emorph crop IN OUT --box z0:z1,y0:y1,x0:x1 (voxels, half-open) or "...um" (micrometres): reads only
// the slabs inside the box and writes the sub-volume.
#include <memory>

#include "command.hpp"
#include "common.hpp"
#include "emorph/io/stream.hpp"
#include "emorph/parse.hpp"

namespace {

struct CropOptions {
  emorph::cli::InputOptions in;
  emorph::cli::OutputOptions out;
  std::string output, box;
  bool compress = false;
};

void setup_crop(CLI::App& app) {
  auto o = std::make_shared<CropOptions>();
  auto* sub = app.add_subcommand("crop", "Cut a box out of a volume");
  emorph::cli::add_input_options(sub, o->in);
  emorph::cli::declare_path(sub->add_option("output", o->output, "Output volume (format from the extension)")->required(),
                            emorph::PathKind::output_volume, o->output);
  sub->add_option("--box", o->box,
                  "z0:z1,y0:y1,x0:x1 in voxels (half-open; empty bound = to the edge), or in um with a trailing "
                  "'um' (voxels whose centres lie inside)")
      ->required();
  sub->add_flag("--compress", o->compress, "Compress the output where the format allows");
  emorph::cli::add_json_option(sub, o->out);
  sub->callback([o] {
    emorph::check_output_differs(o->in.input, o->output);
    emorph::ReadOptions ro = o->in.read_options();
    ro.allow_nonfinite = true;  // crop copies values without computing on them
    const bool box_in_um = o->box.size() > 2 && o->box.substr(o->box.size() - 2) == "um";
    const std::string voxel_source = o->in.voxel_source();
    if (box_in_um) o->in.require_voxel_size("--box is given in um");
    const emorph::VolumeInfo info = emorph::read_info(o->in.input);
    const emorph::Spacing sp = ro.voxel ? *ro.voxel : info.spacing;
    const emorph::Box b = emorph::parse_box(o->box, info.shape, sp, "--box");
    emorph::AnyVolume slab = emorph::read_slab(o->in.input, b.z0, b.z1, ro);
    emorph::WriteOptions w;
    w.compress = o->compress;
    slab.visit([&](const auto& v) {
      emorph::write_volume(o->output, v.view().crop({0, b.z1 - b.z0, b.y0, b.y1, b.x0, b.x1}), w);
    });
    const emorph::Shape s = b.shape();
    emorph::Json results = {{"box", {b.z0, b.z1, b.y0, b.y1, b.x0, b.x1}},
                            {"shape", {s.nz, s.ny, s.nx}},
                            {"origin_um", voxel_source == "none" ? emorph::Json(nullptr)
                                                                 : emorph::Json{b.z0 * sp.dz, b.y0 * sp.dy, b.x0 * sp.dx}},
                            {"output", o->output}};
    emorph::cli::emit_results(o->out, "crop", {{"box", o->box}, {"voxel", o->in.voxel}}, o->in, results);
  });
}

}  // namespace

EMORPH_COMMAND(setup_crop);
