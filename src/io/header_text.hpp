#pragma once
// Small text helpers for the "key: value" / "Key = Value" header parsers.
#include <string>
#include <vector>

namespace emorph::io {

std::string trim(const std::string& s);
std::string lower(std::string s);
std::vector<std::string> split_ws(const std::string& s);
// Parses an integer / a finite double; throws InputError "<name>: <field> ..." otherwise.
int64_t header_int(const std::string& text, const std::string& name, const std::string& field);
double header_double(const std::string& text, const std::string& name, const std::string& field);

}  // namespace emorph::io
