#pragma once
// The JSON envelope every command writes (CONTRACT.md "Outputs"):
// {"emorph_version", "command", "parameters", "input": {"path", "sha256"}, "results"}.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace emorph {

using Json = nlohmann::json;

// Checksum of an input address: a file, "file.h5:/dataset" (the file's bytes), or a folder of slices.
std::string input_sha256(const std::string& address);

Json result_envelope(const std::string& command, const Json& parameters, const std::string& input_path,
                     const Json& results);

// Writes JSON (pretty, 2 spaces) atomically; NaN and infinities become null. Path "-" is standard output.
void write_json(const std::string& path, const Json& j);

// A short human-readable digest of a results object (at most max_lines lines): scalars as "key: value",
// long number arrays as their count and range, nested objects indented. What a command prints without --json.
std::string summarize_results(const Json& results, int max_lines = 40);

// Writes CSV rows atomically; header first.
void write_csv(const std::string& path, const std::vector<std::string>& header,
               const std::vector<std::vector<std::string>>& rows);

}  // namespace emorph
