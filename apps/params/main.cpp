// emorph-params: the parameter tables as docs/parameters.md (--markdown), as JSON for the drift test
// (--json), or checked against the checked-in page (--check FILE: exit 1 naming the command that
// regenerates it when they differ).
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "emorph/report/parameter_docs.hpp"

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "--markdown" && argc == 2) {
    std::cout << emorph::parameters_markdown();
    return 0;
  }
  if (mode == "--json" && argc == 2) {
    std::cout << emorph::parameters_json().dump(1) << "\n";
    return 0;
  }
  if (mode == "--check" && argc == 3) {
    std::ifstream f(argv[2]);
    std::stringstream text;
    text << f.rdbuf();
    if (f && text.str() == emorph::parameters_markdown()) return 0;
    std::cerr << "emorph-params: " << argv[2]
              << " differs from the parameter tables: regenerate it with emorph-params --markdown > " << argv[2] << "\n";
    return 1;
  }
  std::cerr << "usage: emorph-params --markdown | --json | --check FILE\n";
  return 2;
}
