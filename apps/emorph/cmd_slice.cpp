// emorph slice IN OUT.png --axis A --index N: one plane as an 8-bit PNG, contrast stretched between
// the 0.5th and 99.5th percentiles of the plane's values.
#include <memory>

#include "checks.hpp"
#include "command.hpp"
#include "common.hpp"
#include "emorph/io/png.hpp"
#include "emorph/io/slice_image.hpp"

namespace {

struct SliceOptions {
  emorph::cli::InputOptions in;
  emorph::cli::OutputOptions out;
  std::string output;
  int axis = 0;
  int64_t index = -1;
  double low = 0.5, high = 99.5;
};

void setup_slice(CLI::App& app) {
  auto o = std::make_shared<SliceOptions>();
  auto* sub = app.add_subcommand("slice", "Save one plane as a contrast-stretched PNG (a quick look)");
  emorph::cli::add_input_options(sub, o->in);
  emorph::cli::declare_path(sub->add_option("output", o->output, "Output image (.png)")->required(),
                            emorph::PathKind::output_file, o->output);
  sub->add_option("--axis", o->axis, "Axis perpendicular to the plane: 0 (z), 1 (y), 2 (x)")->capture_default_str();
  sub->add_option("--index", o->index, "Plane index along the axis (default: the middle)")->check(emorph::cli::non_negative());
  sub->add_option("--low", o->low, "Percentile mapped to black")->capture_default_str();
  sub->add_option("--high", o->high, "Percentile mapped to white")->capture_default_str();
  emorph::cli::add_json_option(sub, o->out);
  sub->callback([o] {
    o->in.read_options();  // a bad --voxel is an error here too, although the picture is in pixels
    emorph::check_output_differs(o->in.input, o->output);
    std::string ext = o->output.size() >= 4 ? o->output.substr(o->output.size() - 4) : "";
    for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (ext != ".png") throw emorph::InputError(o->output + ": slice output must be a .png file");
    if (o->axis < 0 || o->axis > 2) throw emorph::InputError("--axis: must be 0, 1 or 2, got " + std::to_string(o->axis));
    const emorph::VolumeInfo info = emorph::read_info(o->in.input);
    const int64_t index = o->index >= 0 ? o->index : info.shape[o->axis] / 2;
    if (o->index < -1) throw emorph::InputError("--index: must be >= 0, got " + std::to_string(o->index));
    emorph::SlicePlane plane = emorph::extract_plane(o->in.input, o->axis, index);
    emorph::StretchedImage img = emorph::contrast_stretch(plane.values, {o->low, o->high});
    emorph::write_png(o->output, img.pixels.data(), static_cast<int>(plane.width), static_cast<int>(plane.height), 1);
    emorph::Json results = {{"axis", o->axis}, {"index", index}, {"width", plane.width}, {"height", plane.height},
                            {"black_value", img.low}, {"white_value", img.high}, {"output", o->output}};
    emorph::cli::emit_results(o->out, "slice", {{"axis", o->axis}, {"index", index}, {"low", o->low}, {"high", o->high}},
                              o->in, results);
  });
}

}  // namespace

EMORPH_COMMAND(setup_slice);
