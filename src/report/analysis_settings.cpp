// `--set SECTION.KEY=VALUE` for emorph analyze: a TOML value placed into the parsed configuration, so that
// the config reader's key and type checks apply unchanged (analysis_config.cpp).
#include "analysis_settings.hpp"

#include <optional>

#include "emorph/error.hpp"

namespace emorph {
namespace {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

std::string toml_string(const std::string& text) {
  std::string q = "\"";
  for (char ch : text) {
    if (ch == '"' || ch == '\\') q += '\\';
    q += ch;
  }
  return q + "\"";
}

// A TOML value, or nothing when `text` is not one.
std::optional<toml::table> parse_value(const std::string& text, const std::string& source) {
  try {
    return toml::parse("v = " + text, source);
  } catch (const toml::parse_error&) {
    return std::nullopt;
  }
}

// A bare word becomes a TOML string; anything else is kept for TOML to read.
std::string quote_bare(const std::string& item) {
  const std::string t = trim(item);
  return parse_value(t, "item") ? t : toml_string(t);
}

}  // namespace

void apply_config_setting(toml::table& root, const std::string& setting) {
  const std::string option = "--set " + setting;
  const auto eq = setting.find('=');
  const std::string path = trim(setting.substr(0, eq));
  const auto dot = path.find('.');
  if (eq == std::string::npos || dot == std::string::npos || dot == 0 || dot + 1 == path.size() ||
      path.find('.', dot + 1) != std::string::npos)
    throw InputError(option + ": expected SECTION.KEY=VALUE, e.g. --set measure.tortuosity=[pore]");
  const std::string section = path.substr(0, dot), key = path.substr(dot + 1);
  const std::string value = trim(setting.substr(eq + 1));
  if (value.empty()) throw InputError(option + ": empty value (an empty list is [])");
  if (value.find_first_of("\n\r") != std::string::npos) throw InputError(option + ": the value spans several lines");

  std::string text = parse_value(value, option) ? value : "";
  if (text.empty() && value.front() == '[' && value.back() == ']') {
    std::string items;
    const std::string inner = value.substr(1, value.size() - 2);
    for (size_t start = 0;;) {
      const auto comma = inner.find(',', start);
      const std::string item = trim(inner.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
      if (!item.empty()) items += (items.empty() ? "" : ", ") + quote_bare(item);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    if (parse_value("[" + items + "]", option)) text = "[" + items + "]";
  }
  if (text.empty()) text = toml_string(value);

  // Parsed as a one-key document named after the option, so every node of it (the section too) carries
  // the option as its source for the reader's error messages.
  toml::table doc;
  try {
    doc = toml::parse("[" + toml_string(section) + "]\n" + toml_string(key) + " = " + text, option);
  } catch (const toml::parse_error& e) {
    throw InputError(option + ": " + std::string(e.description()));
  }
  toml::node* existing = root.get(section);
  if (!existing) {
    root.insert_or_assign(section, std::move(*doc.get(section)));
    return;
  }
  toml::table* table = existing->as_table();
  if (!table) throw InputError(option + ": '" + section + "' is not a section of the configuration");
  table->insert_or_assign(key, std::move(*doc.get(section)->as_table()->get(key)));
}

}  // namespace emorph
