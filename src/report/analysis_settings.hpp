#pragma once
// `emorph analyze --set SECTION.KEY=VALUE`: one key of the TOML configuration from the command line.
#include <string>
#include <toml++/toml.h>

namespace emorph {

// Puts VALUE at [SECTION] KEY of `root`, replacing what the file gave. VALUE is read as a TOML value
// (`3`, `0.5`, `true`, `"x"`, `[1, 2]`); a bare word is a string and `[a, b]` an array of bare words, so
// `--set measure.particles=[fiber]` needs no shell quoting. The inserted node's source path is the
// option itself, so the config reader's key and type checks name it. Throws InputError for a setting
// without SECTION.KEY=.
void apply_config_setting(toml::table& root, const std::string& setting);

}  // namespace emorph
