// emorph command-line tool: global options, subcommand dispatch, and the exit-code contract
// (0 success, 2 bad input or option, 1 internal failure).
#include <algorithm>
#include <cstdio>
#include <iostream>

#include "command.hpp"
#include "emorph/error.hpp"
#include "emorph/parallel.hpp"
#include "emorph/progress.hpp"
#include "emorph/version.hpp"

namespace emorph::cli {

std::vector<CommandSetup>& command_setups() {
  static std::vector<CommandSetup> setups;
  return setups;
}

}  // namespace emorph::cli

int main(int argc, char** argv) {
  CLI::App app{"emorph: 3D morphology of battery electrodes from X-ray CT and FIB/SEM tomography"};
  app.set_version_flag("--version", std::string("emorph ") + emorph::kVersion);
  app.require_subcommand(1);
  // Applied as soon as parsed, so they hold before any subcommand runs.
  app.add_option_function<int>("--threads", [](const int& n) { emorph::set_threads(n); },
                               "Number of threads (default: all cores)")
      ->check(CLI::NonNegativeNumber)
      ->trigger_on_parse();
  app.add_flag_function("--quiet,-q", [](std::int64_t) { emorph::set_progress_enabled(false); }, "No progress output")
      ->trigger_on_parse();
  app.fallthrough();

  auto setups = emorph::cli::command_setups();
  for (auto setup : setups) setup(app);
  std::string help_topic;
  auto* help = app.add_subcommand("help", "Show help for a command: emorph help COMMAND");
  help->add_option("command", help_topic, "Command name");

  int code = 0;
  try {
    app.parse(argc, argv);
    if (help->parsed()) {
      if (help_topic.empty()) {
        std::cout << app.help();
      } else {
        CLI::App* sub = nullptr;
        try {
          sub = app.get_subcommand(help_topic);
        } catch (const CLI::OptionNotFound&) {
          throw emorph::InputError("help: unknown command '" + help_topic + "'");
        }
        std::cout << sub->help();
      }
    }
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "emorph: error: " << e.what() << "\n";
    code = 2;
  } catch (const emorph::InputError& e) {
    std::cerr << "emorph: error: " << e.what() << "\n";
    code = 2;
  } catch (const std::bad_alloc&) {
    std::cerr << "emorph: error: out of memory\n";
    code = 1;
  } catch (const std::exception& e) {
    std::cerr << "emorph: internal error: " << e.what() << "\n";
    code = 1;
  }
  return code;
}
