// PosixFile::read_at takes a staged path when the destination would 4K-alias the file offset: every
// offset / destination alignment pair must give the file's bytes exactly, and truncation must still
// be reported, on both paths.
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <random>
#include <vector>

#include "emorph/error.hpp"
#include "io/io_util.hpp"
#include "support/test_support.hpp"

using namespace emorph;
using emorph::test::TempDir;

namespace {

std::vector<unsigned char> random_bytes(std::size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<unsigned char> b(n);
  for (auto& x : b) x = static_cast<unsigned char>(rng());
  return b;
}

}  // namespace

TEST(IoReadPath, AliasingPredicate) {
  alignas(4096) static unsigned char page[8192];
  EXPECT_FALSE(io::copy_would_alias_4k(0, page));        // same page offset: fast
  EXPECT_TRUE(io::copy_would_alias_4k(0, page + 16));    // new[] buffer, raw file
  EXPECT_TRUE(io::copy_would_alias_4k(8, page + 16));    // new[] buffer, TIFF strip at byte 8
  EXPECT_TRUE(io::copy_would_alias_4k(4096 + 8, page + 16));
  EXPECT_FALSE(io::copy_would_alias_4k(16, page));       // destination before the source: fast
  EXPECT_FALSE(io::copy_would_alias_4k(198, page + 16)); // NRRD header of 198 bytes
  EXPECT_FALSE(io::copy_would_alias_4k(0, page + 2048));
}

TEST(IoReadPath, EveryAlignmentReadsTheFileBytesExactly) {
  TempDir dir;
  const std::size_t file_bytes = (std::size_t(5) << 20) + 333;  // more than two staging buffers
  const auto bytes = random_bytes(file_bytes, 7);
  const std::string path = (dir.path() / "data.bin").string();
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  const io::PosixFile f = io::PosixFile::open_read(path);
  std::vector<unsigned char> dst(file_bytes + 8192);
  bool staged = false, direct = false;
  for (uint64_t offset : {0, 8, 16, 100, 4095, 4104}) {
    for (std::size_t shift : {0, 8, 16, 24, 64, 200, 2048}) {
      // Destination `shift` bytes after a page boundary.
      unsigned char* base = dst.data() + ((4096 - reinterpret_cast<uintptr_t>(dst.data()) % 4096) % 4096);
      unsigned char* out = base + shift;
      const std::size_t n = file_bytes - offset - 100;
      (io::copy_would_alias_4k(offset, out) ? staged : direct) = true;
      std::memset(out, 0xAB, n);
      f.read_at(offset, out, n);
      ASSERT_EQ(0, std::memcmp(out, bytes.data() + offset, n)) << "offset " << offset << " shift " << shift;
    }
  }
  EXPECT_TRUE(staged);
  EXPECT_TRUE(direct);
}

TEST(IoReadPath, TruncationIsReportedOnTheStagedPath) {
  TempDir dir;
  const auto bytes = random_bytes(std::size_t(3) << 20, 11);
  const std::string path = (dir.path() / "short.bin").string();
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  const io::PosixFile f = io::PosixFile::open_read(path);
  std::vector<unsigned char> dst((std::size_t(4) << 20) + 8192);
  unsigned char* base = dst.data() + ((4096 - reinterpret_cast<uintptr_t>(dst.data()) % 4096) % 4096);
  ASSERT_TRUE(io::copy_would_alias_4k(0, base + 16));
  EXPECT_THROW(f.read_at(0, base + 16, std::size_t(4) << 20), InputError);
  ASSERT_FALSE(io::copy_would_alias_4k(0, base));
  EXPECT_THROW(f.read_at(0, base, std::size_t(4) << 20), InputError);
}
