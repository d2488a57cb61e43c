// Volumes past 2^31 voxels without 2 GiB of RAM per copy: a sparse raw file read slab by slab, with
// 64-bit offsets checked at known voxels. A BigTIFF (> 4 GiB) round trip runs when
// EMORPH_LARGE_TESTS=1 (it writes 4 GiB to the temp folder).
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

TEST(IoLarge, SparseRawBeyondTwoToThe31VoxelsStreamsSlabBySlab) {
  test::TempDir d;
  const Shape shape{32769, 256, 256};  // 2^31 + 65536 voxels of uint8
  ASSERT_GT(shape.voxels(), int64_t(1) << 31);
  const std::string path = d / "big.raw";
  const Marker markers[] = {{0, 0, 1, 1}, {16384, 128, 128, 3}, {32768, 0, 0, 5}, {32768, 255, 255, 7}};
  {
    const int fd = ::open(path.c_str(), O_CREAT | O_WRONLY | O_TRUNC, 0644);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(0, ::ftruncate(fd, shape.voxels()));  // sparse: no disk blocks for the zeros
    for (const auto& m : markers) {
      const off_t at = static_cast<off_t>((m.z * shape.ny + m.y) * shape.nx + m.x);
      ASSERT_EQ(1, ::pwrite(fd, &m.value, 1, at));
    }
    ::close(fd);
  }
  test::put_file(d / "big.json", R"({"shape": [32769, 256, 256], "dtype": "uint8", "voxel_um": 0.16})");

  const VolumeInfo info = read_info(path);
  EXPECT_EQ(info.shape, shape);

  // One slice at the far end: offsets past 2^31 bytes.
  AnyVolume last = read_slab(path, 32768, 32769);
  EXPECT_EQ(last.as<uint8_t>()(0, 0, 0), 5);
  EXPECT_EQ(last.as<uint8_t>()(0, 255, 255), 7);

  // The whole volume through a 16 MiB buffer: every non-zero voxel found at its 64-bit index.
  auto reader = open_slab_reader(path);
  const int64_t step = 256;
  std::vector<uint8_t> buf(static_cast<std::size_t>(step * shape.ny * shape.nx));
  std::vector<std::pair<int64_t, uint8_t>> found;
  for (int64_t z = 0; z < shape.nz; z += step) {
    const int64_t e = std::min(shape.nz, z + step);
    reader->read(z, e, buf.data());
    const int64_t n = (e - z) * shape.ny * shape.nx;
    for (int64_t i = 0; i < n; ++i)
      if (buf[i]) found.emplace_back(z * shape.ny * shape.nx + i, buf[i]);
  }
  ASSERT_EQ(found.size(), 4u);
  for (std::size_t k = 0; k < 4; ++k) {
    EXPECT_EQ(found[k].first, (markers[k].z * shape.ny + markers[k].y) * shape.nx + markers[k].x);
    EXPECT_EQ(found[k].second, markers[k].value);
  }
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
