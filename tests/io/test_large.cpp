// Volumes past 2^31 voxels without 2 GiB of RAM per copy: a sparse raw file read slab by slab, with
// 64-bit offsets checked at known voxels. The whole-volume stream and a BigTIFF (> 4 GiB) round
// trip run when EMORPH_LARGE_TESTS=1 (they stream 2 GiB and write 4 GiB).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <vector>

#include "emorph/io.hpp"
#include "emorph/io/stream.hpp"
#include "emorph/io/summary.hpp"
#include "io/io_test_util.hpp"
#include "support/test_support.hpp"

namespace fs = std::filesystem;
using namespace emorph;

namespace {

struct Marker {
  int64_t z, y, x;
  uint8_t value;
};

}  // namespace

namespace {

const Shape kBig{32769, 256, 256};  // 2^31 + 65536 voxels of uint8
const Marker kMarkers[] = {{0, 0, 1, 1}, {16384, 128, 128, 3}, {32768, 0, 0, 5}, {32768, 255, 255, 7}};

// A sparse file: no disk blocks (and no RAM) for the zeros.
std::string make_sparse_raw(const test::TempDir& d) {
  const std::string path = d / "big.raw";
  const int fd = ::open(path.c_str(), O_CREAT | O_WRONLY | O_TRUNC, 0644);
  EXPECT_GE(fd, 0);
  EXPECT_EQ(0, ::ftruncate(fd, kBig.voxels()));
  for (const auto& m : kMarkers) {
    const off_t at = static_cast<off_t>((m.z * kBig.ny + m.y) * kBig.nx + m.x);
    EXPECT_EQ(1, ::pwrite(fd, &m.value, 1, at));
  }
  ::close(fd);
  test::put_file(d / "big.json", R"({"shape": [32769, 256, 256], "dtype": "uint8", "voxel_um": 0.16})");
  return path;
}

}  // namespace

TEST(IoLarge, SparseRawBeyondTwoToThe31VoxelsReadsSlabsAtAnyDepth) {
  ASSERT_GT(kBig.voxels(), int64_t(1) << 31);
  test::TempDir d;
  const std::string path = make_sparse_raw(d);
  EXPECT_EQ(read_info(path).shape, kBig);
  // Slabs around each marker through one streaming reader (memory: one slab), offsets past 2^31 bytes.
  auto reader = open_slab_reader(path);
  std::vector<uint8_t> slab(static_cast<std::size_t>(2 * kBig.ny * kBig.nx));
  for (const auto& m : kMarkers) {
    const int64_t z0 = std::min<int64_t>(m.z, kBig.nz - 2);
    reader->read(z0, z0 + 2, slab.data());
    EXPECT_EQ(slab[static_cast<std::size_t>(((m.z - z0) * kBig.ny + m.y) * kBig.nx + m.x)], m.value) << m.z;
    int nonzero = 0;
    for (uint8_t v : slab) nonzero += v != 0;
    EXPECT_EQ(nonzero, m.z == 32768 ? 2 : 1);
  }
  AnyVolume last = read_slab(path, 32768, 32769);
  EXPECT_EQ(last.as<uint8_t>()(0, 0, 0), 5);
  EXPECT_EQ(last.as<uint8_t>()(0, 255, 255), 7);
}

// Streams all 2 GiB (several seconds of kernel time for the zero pages): EMORPH_LARGE_TESTS=1.
TEST(IoLarge, SparseRawWholeVolumeStreamAndSummary) {
  if (!std::getenv("EMORPH_LARGE_TESTS")) GTEST_SKIP() << "set EMORPH_LARGE_TESTS=1 (streams 2 GiB)";
  test::TempDir d;
  const std::string path = make_sparse_raw(d);
  auto reader = open_slab_reader(path);
  const int64_t step = 256;
  std::vector<uint8_t> buf(static_cast<std::size_t>(step * kBig.ny * kBig.nx));
  std::vector<std::pair<int64_t, uint8_t>> found;
  for (int64_t z = 0; z < kBig.nz; z += step) {
    const int64_t e = std::min(kBig.nz, z + step);
    reader->read(z, e, buf.data());
    const int64_t n = (e - z) * kBig.ny * kBig.nx;
    for (int64_t i = 0; i < n; ++i)
      if (buf[i]) found.emplace_back(z * kBig.ny * kBig.nx + i, buf[i]);
  }
  ASSERT_EQ(found.size(), 4u);
  for (std::size_t k = 0; k < 4; ++k) {
    EXPECT_EQ(found[k].first, (kMarkers[k].z * kBig.ny + kMarkers[k].y) * kBig.nx + kMarkers[k].x);
    EXPECT_EQ(found[k].second, kMarkers[k].value);
  }
  const Json s = volume_summary(path);
  EXPECT_EQ(s["max"], 7);
  EXPECT_EQ(s["histogram"]["counts"], Json({kBig.voxels() - 4, 1, 1, 1, 1}));
}

TEST(IoLarge, BigTiffBeyondFourGiB) {
  if (!std::getenv("EMORPH_LARGE_TESTS")) GTEST_SKIP() << "set EMORPH_LARGE_TESTS=1 (writes 4 GiB)";
  test::TempDir d;
  const Shape shape{1025, 2048, 1024};  // uint16: 4 GiB + 4 MiB
  const std::string path = d / "big.tif";
  {
    auto w = open_slab_writer(path, VolumeHeader{shape, DType::u16, {0.5, 0.25, 0.25}});
    std::vector<uint16_t> slice(static_cast<std::size_t>(shape.ny * shape.nx));
    for (int64_t z = 0; z < shape.nz; ++z) {
      slice[0] = static_cast<uint16_t>(z);
      slice.back() = static_cast<uint16_t>(z + 1);
      w->write(slice.data(), 1);
    }
    w->commit();
  }
  EXPECT_GT(fs::file_size(path), uint64_t(1) << 32);
  const std::string head = test::file_bytes_prefix(path, 4);
  EXPECT_EQ(head[2], 43);  // BigTIFF magic
  auto r = open_slab_reader(path);
  EXPECT_EQ(r->info().shape, shape);
  std::vector<uint16_t> slice(static_cast<std::size_t>(shape.ny * shape.nx));
  r->read(1024, 1025, slice.data());
  EXPECT_EQ(slice[0], 1024);
  EXPECT_EQ(slice.back(), 1025);
  EXPECT_NEAR(r->info().spacing.dz, 0.5, 1e-12);
}
