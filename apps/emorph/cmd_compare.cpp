// emorph compare RESULTS... : the paper's Table 1 across samples, with overlaid profiles and sizes.
#include <iostream>
#include <memory>
#include <sstream>

#include "command.hpp"
#include "emorph/parse.hpp"
#include "common.hpp"
#include "emorph/report/compare.hpp"
#include "emorph/result.hpp"

namespace {

void setup_compare(CLI::App& app) {
  auto o = std::make_shared<emorph::CompareParams>();
  auto names = std::make_shared<std::string>();
  auto* sub = app.add_subcommand("compare", "Side-by-side tables and plots of several emorph analyze results");
  emorph::cli::declare_path(sub->add_option("results", o->results, "Results folders (or results.json files) of emorph analyze")->required(),
                            emorph::PathKind::input_folder, o->results);
  sub->add_option("--names", *names, "Sample names, comma-separated (default: folder names)");
  emorph::cli::declare_path(sub->add_option("--out", o->out_dir, "Output folder (table.csv, compare.json, report.html)")->capture_default_str(),
                            emorph::PathKind::output_folder, o->out_dir);
  sub->callback([o, names] {
    emorph::CompareParams p = *o;
    if (!names->empty()) p.names = emorph::parse_name_list(*names, "--names");
    std::vector<std::string> warnings;
    const auto table = emorph::compare_analyses(p, &warnings);
    for (const auto& w : warnings) std::cerr << "emorph: warning: " << w << "\n";
    std::cout << emorph::summarize_results(table) << "written: " << p.out_dir << "/table.csv, compare.json, report.html\n";
  });
}

}  // namespace

EMORPH_COMMAND(setup_compare);
