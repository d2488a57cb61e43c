#pragma once
// Each apps/emorph/cmd_*.cpp registers one subcommand: it declares options and calls the library.
#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

namespace emorph::cli {

using CommandSetup = void (*)(CLI::App& app);

std::vector<CommandSetup>& command_setups();

struct CommandRegistrar {
  explicit CommandRegistrar(CommandSetup setup) { command_setups().push_back(setup); }
};

#define EMORPH_COMMAND(setup_fn) static ::emorph::cli::CommandRegistrar emorph_registrar_##setup_fn(setup_fn)

}  // namespace emorph::cli
