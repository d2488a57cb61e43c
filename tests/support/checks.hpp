#pragma once
// Helpers of the tests that read files and run the CLI: a file's content, quoting a path for run_cli,
// and the bad-input contract.
#include <initializer_list>
#include <string>

#include "support/test_support.hpp"

namespace emorph::test {

// The whole content of a file (bytes as they are); empty when it cannot be read.
std::string read_text(const std::string& path);

// A path in single quotes for run_cli's shell command line.
std::string quoted(const std::string& path);

// Runs the CLI with `args` and --json `json_path`, asserts exit code 0 and reads that JSON into `out`
// (call it inside ASSERT_NO_FATAL_FAILURE to stop the test when the command failed).
void run_cli_json(const std::string& args, const std::string& json_path, nlohmann::json& out);

// Exit code 2 and stderr mentioning every fragment; `what` labels a failure.
void expect_exit_2(const CliResult& r, std::initializer_list<std::string> fragments, const std::string& what = "");

// The bad-input contract (CONTRACT.md): exit code 2 and stderr starting "emorph: error: " and mentioning
// every fragment; `what` labels a failure. expect_one_line_input_error also wants the message on one line.
void expect_input_error(const CliResult& r, std::initializer_list<std::string> fragments, const std::string& what = "");
void expect_one_line_input_error(const CliResult& r, std::initializer_list<std::string> fragments,
                                 const std::string& what = "");

}  // namespace emorph::test
