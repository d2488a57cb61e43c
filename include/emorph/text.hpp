#pragma once
// Text from files and options made safe for one-line error messages.
#include <string>
#include <string_view>

namespace emorph {

// `text` made safe to print in a one-line message: control bytes and bytes that are not valid UTF-8
// (binary data read as a header) become \xNN escapes; cut to max_bytes with "..." appended.
std::string printable(std::string_view text, std::size_t max_bytes = 80);

}  // namespace emorph
