#pragma once
#include <string>
#include <vector>

namespace emorph {

// SHA-256 (hex) of a file's bytes, streamed; of all files in order for a folder of slices.
std::string sha256_file(const std::string& path);
std::string sha256_files(const std::vector<std::string>& paths);
std::string sha256_bytes(const void* data, std::size_t n);

}  // namespace emorph
