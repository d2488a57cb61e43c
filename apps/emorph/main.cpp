// emorph command-line tool: global options, subcommand dispatch, and the exit-code contract
// (0 success, 2 bad input or option, 1 internal failure).
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <map>
#include <optional>
#include <set>

#include "command.hpp"
#include "common.hpp"
#include "emorph/error.hpp"
#include "emorph/memory_budget.hpp"
#include "emorph/mpi/world.hpp"
#include "streaming.hpp"
#include "emorph/text.hpp"
#include "emorph/output_transaction.hpp"
#include "emorph/parallel.hpp"
#include "emorph/progress.hpp"
#include "emorph/version.hpp"

namespace emorph::cli {

std::vector<CommandSetup>& command_setups() {
  static std::vector<CommandSetup> setups;
  return setups;
}

}  // namespace emorph::cli

namespace {

// The command list of `emorph` and `emorph help`: one line per command, grouped along the data flow.
void print_command_list(CLI::App& app) {
  static const std::vector<std::pair<std::string, std::vector<std::string>>> groups = {
      {"Pipeline", {"analyze", "compare", "init-config", "synth"}},
      {"Volumes", {"info", "convert", "crop", "rescale", "slice"}},
      {"Grey volumes to phases", {"histogram", "denoise", "segment", "fibsem-prep"}},
      {"Phase measurements", {"fractions", "profile", "surface", "composition", "calibrate", "tpb"}},
      {"Sizes and statistics",
       {"edt", "granulometry", "localthickness", "label", "particles", "contacts", "chords", "correlation",
        "rev"}},
      {"Transport", {"tortuosity", "connectivity"}},
      {"Export", {"export-bpx"}},
  };
  std::map<std::string, std::string> descriptions;
  for (const CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; }))
    if (sub->get_name() != "help") descriptions[sub->get_name()] = sub->get_description();
  auto print_line = [](const std::string& name, const std::string& description) {
    const std::string first_line = description.substr(0, description.find('\n'));
    std::printf("  %-16s %s\n", name.c_str(), first_line.c_str());
  };
  std::printf("%s\n\nUsage: emorph [--threads N] [--quiet] [--memory-limit SIZE] [--scratch DIR] [--raw-shape Z,Y,X --raw-dtype T | --sidecar PATH] COMMAND [OPTIONS]\n", app.get_description().c_str());
  for (const auto& [group, names] : groups) {
    bool header = false;
    for (const auto& name : names) {
      auto it = descriptions.find(name);
      if (it == descriptions.end()) continue;
      if (!header) std::printf("\n%s:\n", group.c_str());
      header = true;
      print_line(name, it->second);
      descriptions.erase(it);
    }
  }
  if (!descriptions.empty()) {
    std::printf("\nOther:\n");
    for (const auto& [name, description] : descriptions) print_line(name, description);
  }
  std::printf("\nemorph help COMMAND (or emorph COMMAND --help) shows a command's options.\n");
}

// Under several MPI ranks only these commands run distributed (docs/slurm.md); the others exit 2.
void require_distributed(const CLI::App& command) {
  static const std::set<std::string> distributed = {"fractions", "histogram", "profile",      "surface",
                                                     "tortuosity", "edt",      "label",        "connectivity",
                                                     "granulometry", "localthickness", "denoise", "help"};
  if (emorph::world_ranks() > 1 && !distributed.count(command.get_name()))
    throw emorph::InputError(command.get_name() + ": not distributed over MPI ranks yet; run it without mpirun (or with -np 1). "
                             "Distributed: fractions, histogram, profile, surface, edt, label, connectivity, tortuosity, granulometry, "
                             "localthickness, denoise (docs/slurm.md)");
}

// Under MPI every rank runs the command; rank 0 alone prints and commits the outputs (the others'
// temporary files are removed uncommitted).
void quiet_other_ranks() {
  if (emorph::is_root_rank()) return;
  emorph::set_progress_sink({});
  if (!std::freopen("/dev/null", "w", stdout)) throw emorph::InternalError("cannot silence standard output of rank " +
                                                                          std::to_string(emorph::world_rank()));
}

int run(int argc, char** argv) {
  CLI::App app{"emorph: 3D morphology of battery electrodes from X-ray CT and FIB/SEM tomography"};
  app.set_version_flag("--version", std::string("emorph ") + emorph::kVersion);
  app.require_subcommand(0, 1);
  // Applied as soon as parsed, so they hold before any subcommand runs.
  app.add_option_function<int>("--threads", [](const int& n) { emorph::set_threads(n); },
                               "Number of threads (default: all cores)")
      ->check(CLI::NonNegativeNumber)
      ->trigger_on_parse();
  app.add_option_function<std::string>(
         "--memory-limit",
         [](const std::string& size) { emorph::set_memory_limit(emorph::parse_memory_size(size, "--memory-limit")); },
         "Memory budget, e.g. 512MiB or 4GiB: commands whose volume would not fit stream it in slabs (default: half "
         "the physical memory)")
      ->trigger_on_parse();
  app.add_option_function<std::string>(
         "--scratch", [](const std::string& dir) { emorph::cli::set_scratch_dir(dir); },
         "Folder for the scratch store of streamed runs (EDT), checked for free space first (default: the output's folder)")
      ->trigger_on_parse();
  // The library reports progress to this sink and never prints itself (emorph/progress.hpp).
  emorph::set_progress_sink(emorph::progress_text_sink(
      [](const std::string& text) {
        std::fputs(text.c_str(), stderr);
        std::fflush(stderr);
      },
      ::isatty(2) != 0));
  app.add_flag_function("--quiet,-q", [](std::int64_t) { emorph::set_progress_sink({}); },
                        "No progress output (else on stderr: a line redrawn on a terminal, one line per 10 % of each "
                        "long step in a log)")
      ->trigger_on_parse();
  emorph::cli::add_raw_input_options(app);
  app.fallthrough();

  auto setups = emorph::cli::command_setups();
  for (auto setup : setups) setup(app);
  // An option given with an empty value ("--phases ''") is a mistake, never "use the default".
  const CLI::Validator non_empty([](std::string& value) { return value.empty() ? std::string("empty value") : std::string(); },
                                 "NON-EMPTY");
  for (CLI::App* sub : app.get_subcommands({}))
    for (CLI::Option* opt : sub->get_options())
      if (opt->get_type_size() != 0) opt->check(non_empty);
  for (const char* global : {"--raw-shape", "--raw-dtype", "--raw-byte-order", "--sidecar"})
    app.get_option(global)->check(non_empty);
  std::string help_topic;
  auto* help = app.add_subcommand("help", "Show help for a command: emorph help COMMAND");
  help->add_option("command", help_topic, "Command name");

  // Every declared path is checked once parsing is complete and before the command runs; the
  // command's outputs are then committed together at its end, or none at all.
  emorph::remove_temporaries_on_signals();
  std::optional<emorph::OutputTransaction> outputs;
  app.parse_complete_callback([&] {
    for (const CLI::App* command : app.get_subcommands()) {
      require_distributed(*command);
      emorph::cli::apply_raw_input_options(*command);
      outputs.emplace(emorph::cli::check_declared_paths(*command));
    }
  });

  int code = 0;
  try {
    app.parse(argc, argv);
    if (outputs && emorph::is_root_rank()) outputs->commit();
    if (app.get_subcommands().empty()) {
      print_command_list(app);
    } else if (help->parsed()) {
      if (help_topic.empty()) {
        print_command_list(app);
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
    std::cerr << "emorph: error: " << emorph::printable(e.what(), 4000) << "\n";
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

}  // namespace

int main(int argc, char** argv) {
  try {
    emorph::start_world(&argc, &argv);
    quiet_other_ranks();
  } catch (const std::exception& e) {
    std::cerr << "emorph: error: " << e.what() << "\n";
    return 2;
  }
  const int code = run(argc, argv);
  // A rank that failed alone would leave the others waiting in a collective: end them all.
  if (code != 0 && emorph::world_ranks() > 1) {
    std::cout.flush();
    std::cerr.flush();
    emorph::abort_world(code);
  }
  emorph::stop_world();
  return code;
}
