#include "emorph/checksum.hpp"

#include <openssl/evp.h>

#include <cstdio>
#include <memory>

#include "emorph/error.hpp"

namespace emorph {
namespace {

struct Digest {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx{EVP_MD_CTX_new(), &EVP_MD_CTX_free};
  Digest() { EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr); }
  void update(const void* p, std::size_t n) { EVP_DigestUpdate(ctx.get(), p, n); }
  void update_file(const std::string& path) {
    std::unique_ptr<FILE, decltype(&std::fclose)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
    if (!f) throw InputError(path + ": cannot open to compute its checksum");
    std::unique_ptr<char[]> buf(new char[1 << 20]);
    std::size_t n;
    while ((n = std::fread(buf.get(), 1, 1 << 20, f.get())) > 0) update(buf.get(), n);
  }
  std::string hex() {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx.get(), md, &len);
    static const char* digits = "0123456789abcdef";
    std::string s;
    for (unsigned i = 0; i < len; ++i) {
      s += digits[md[i] >> 4];
      s += digits[md[i] & 15];
    }
    return s;
  }
};

}  // namespace

std::string sha256_file(const std::string& path) {
  Digest d;
  d.update_file(path);
  return d.hex();
}

std::string sha256_files(const std::vector<std::string>& paths) {
  Digest d;
  for (const auto& p : paths) d.update_file(p);
  return d.hex();
}

std::string sha256_bytes(const void* data, std::size_t n) {
  Digest d;
  d.update(data, n);
  return d.hex();
}

}  // namespace emorph
