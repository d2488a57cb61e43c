#pragma once
// The names every CLI test uses, declared once: scratch folders, running the built binary, reading
// its results JSON and text files, and the bad-input contract (exit code 2 and the message).
#include <filesystem>

#include "emorph/result.hpp"
#include "support/checks.hpp"
#include "support/test_support.hpp"

namespace fs = std::filesystem;

using emorph::Json;
using emorph::test::CliResult;
using emorph::test::expect_exit_2;
using emorph::test::expect_input_error;
using emorph::test::expect_one_line_input_error;
using emorph::test::quoted;
using emorph::test::read_json;
using emorph::test::read_text;
using emorph::test::run_cli;
using emorph::test::run_cli_json;
using emorph::test::TempDir;
using emorph::test::write_raw;
