#pragma once
// Every parameter table with the front ends it drives, for docs/parameters.md (written by
// `emorph-params --markdown`) and the drift test that checks the CLI, Python and JSON against it.
#include <string>
#include <vector>

#include "emorph/param_table.hpp"

namespace emorph {

struct CommandParams {
  std::string name;     // table name: the CLI command, or "synth-xct" where a command has several tables
  std::string command;  // CLI command whose --help lists the options ("" when none)
  std::string python;   // Python function whose keywords they are ("" when none)
  std::string json;     // where the echo goes: "parameters" of the command's --json, or "" (none)
  std::string toml;     // analyze's TOML section ("" when none)
  std::string summary;  // one line
  std::vector<ParamRow> rows;
};

std::vector<CommandParams> parameter_tables();

// The Markdown page: one table per command (key, CLI option, Python keyword, type, default, unit, help).
std::string parameters_markdown();

// The tables as JSON: [{name, command, python, json, toml, summary, params: [{key, cli, python, type,
// default_value, unit, help, echo}]}].
Json parameters_json();

}  // namespace emorph
