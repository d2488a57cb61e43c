#pragma once
// Parsers for option values shared by the CLI, Python and config files; errors name the option.
#include <string>
#include <vector>

#include "emorph/volume.hpp"

namespace emorph {

// "0.32" (isotropic) or "DZ,DY,DX" in micrometres; every value positive and finite.
Spacing parse_spacing(const std::string& spec, const std::string& option = "--voxel");

// "z0:z1,y0:y1,x0:x1" in voxels (half-open), or in micrometres with a "um" suffix on the whole spec
// ("0:12.8,0:32,0:32um"): micrometre bounds map to the voxels whose centres lie inside.
// An empty range "a:" or ":b" means to the end / from the start.
Box parse_box(const std::string& spec, const Shape& shape, const Spacing& spacing, const std::string& option = "--box");

// Comma-separated items; throws InputError naming the option for an empty list or an empty item
// ("a,,b", "a,", ",a").
std::vector<std::string> split_list(const std::string& text, const std::string& option);
// Throws InputError naming the option when a name appears twice.
void require_unique_names(const std::vector<std::string>& names, const std::string& option);
// split_list + require_unique_names: a list of names such as --classes pore,NMC.
std::vector<std::string> parse_name_list(const std::string& text, const std::string& option);

double parse_double(const std::string& text, const std::string& option);
long long parse_int(const std::string& text, const std::string& option);
std::vector<double> parse_double_list(const std::string& text, const std::string& option);

}  // namespace emorph
