// emorph convert IN OUT: any supported format to any other (chosen from the extensions), streamed
// slab by slab so memory stays bounded; --voxel overrides the voxel size written.
#include <iostream>
#include <memory>

#include "command.hpp"
#include "common.hpp"

namespace {

struct ConvertOptions {
  emorph::cli::InputOptions in;
  std::string output;
  bool compress = false;
};

void setup_convert(CLI::App& app) {
  auto o = std::make_shared<ConvertOptions>();
  auto* sub = app.add_subcommand("convert", "Convert a volume between formats (chosen from the extensions)");
  emorph::cli::add_input_options(sub, o->in);
  emorph::cli::declare_path(sub->add_option("output", o->output, "Output volume (.tif, .raw, .nrrd, .nhdr, .mha, .mhd, .h5[:/path], folder/)")
      ->required(), emorph::PathKind::output_volume, o->output);
  sub->add_flag("--compress", o->compress, "Compress (gzip NRRD/MetaImage, deflate TIFF/HDF5)");
  sub->callback([o] {
    emorph::WriteOptions w;
    w.compress = o->compress;
    emorph::convert_volume(o->in.input, o->output, o->in.read_options(), w);
    const emorph::VolumeInfo info = emorph::read_info(o->in.input);
    std::cout << "wrote " << o->output << ": " << info.shape.str() << " voxels, " << emorph::dtype_name(info.dtype) << "\n";
  });
}

}  // namespace

EMORPH_COMMAND(setup_convert);
