// Option spellings of the parameter tables (see param_table.hpp).
#include "emorph/param_table.hpp"

#include <algorithm>
#include <cctype>

namespace emorph {

std::string option_flag(const std::string& key) {
  std::string flag = "--" + key;
  std::replace(flag.begin(), flag.end(), '_', '-');
  return flag;
}

std::string keyword_spelling(const std::string& message) {
  std::string out;
  for (std::size_t i = 0; i < message.size();) {
    const bool starts_option = message.compare(i, 2, "--") == 0 && i + 2 < message.size() &&
                               std::islower(static_cast<unsigned char>(message[i + 2])) &&
                               (i == 0 || !std::isalnum(static_cast<unsigned char>(message[i - 1])));
    if (!starts_option) {
      out += message[i++];
      continue;
    }
    i += 2;
    while (i < message.size() && (std::isalnum(static_cast<unsigned char>(message[i])) || message[i] == '-')) {
      // A trailing dash ends the name ("--axis-" is not an option).
      const bool inner_dash = message[i] == '-' && i + 1 < message.size() &&
                              std::isalnum(static_cast<unsigned char>(message[i + 1]));
      if (message[i] == '-' && !inner_dash) break;
      out += message[i] == '-' ? '_' : message[i];
      ++i;
    }
  }
  return out;
}

}  // namespace emorph
