#pragma once
// Seeded random mutations of a fuzz seed for the short fuzz replays inside the normal suite: one to four
// byte flips, truncations, insertions of a character of `alphabet`, and erasures.
#include <random>
#include <string>
#include <string_view>

namespace emorph::test {

inline std::string mutate(std::string s, std::mt19937_64& rng, std::string_view alphabet) {
  const int edits = 1 + static_cast<int>(rng() % 4);
  for (int i = 0; i < edits; ++i) {
    if (s.empty()) s = "x";
    const std::size_t at = rng() % s.size();
    switch (rng() % 5) {
      case 0: s[at] = static_cast<char>(rng()); break;
      case 1: s.resize(at); break;
      case 2: s.insert(at, 1, alphabet[rng() % alphabet.size()]); break;
      case 3: s.erase(at, 1 + rng() % 8); break;
      case 4: s[at] = static_cast<char>(s[at] ^ (1 << (rng() % 8))); break;
    }
  }
  return s;
}

}  // namespace emorph::test
