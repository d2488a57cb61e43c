#pragma once
// Runs one streamed CLI command and checks its peak resident set against a bound: measured by
// /usr/bin/time -v around the process where present, else the VmHWM the run records in its JSON.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <string>

#include "support/test_support.hpp"

namespace emorph::test {

inline void expect_streamed_peak_within(const std::string& command, const std::string& args, const std::string& json,
                                        const TempDir& dir, double bound) {
  double peak = 0;
  if (std::filesystem::exists("/usr/bin/time")) {
    const std::string report = dir / "time.txt";
    ASSERT_EQ(std::system(("/usr/bin/time -v -o " + report + " " + std::string(EMORPH_CLI) + " " + args + " > /dev/null 2>&1").c_str()), 0)
        << command;
    std::ifstream in(report);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::smatch m;
    ASSERT_TRUE(std::regex_search(text, m, std::regex(R"(Maximum resident set size \(kbytes\): (\d+))"))) << text;
    peak = std::stod(m[1]) * 1024;
  } else {
    ASSERT_EQ(run_cli(args).exit_code, 0) << command;
  }
  const nlohmann::json envelope = read_json(json);
  ASSERT_EQ(envelope["memory"]["streamed"], true) << command;
  if (peak == 0) peak = envelope["memory"]["peak_memory_bytes"].get<double>();  // VmHWM of the run itself
  EXPECT_LE(peak, bound) << command << ": peak RSS " << peak / (1 << 20) << " MiB";
  std::printf("%s: peak RSS %.1f MiB (bound %.1f MiB)\n", command.c_str(), peak / (1 << 20), bound / (1 << 20));
}

}  // namespace emorph::test
