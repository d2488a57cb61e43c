// The slab engine: every format streams the same slices as a whole read, halos included; slab
// planning; 64-bit offsets on a sparse file of more than 2^31 voxels.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <fstream>

#include "emorph/io.hpp"
#include "emorph/io/slab_stream.hpp"
#include "emorph/parallel.hpp"
#include "support/test_support.hpp"

using emorph::test::TempDir;

namespace {

emorph::Volume<uint16_t> ramp(emorph::Shape shape) {
  emorph::Volume<uint16_t> v(shape, {0.5, 0.5, 0.5});
  for (int64_t i = 0; i < v.size(); ++i) v.data()[i] = static_cast<uint16_t>((i * 7919) % 65521);
  return v;
}

// Walks the stream and checks every slab's buffer against the volume, and that the cores tile 0..nz.
void expect_slabs_match(const std::string& address, const emorph::Volume<uint16_t>& truth, int64_t slab, int64_t halo) {
  emorph::SlabStreamParams p;
  p.slab_slices = slab;
  p.halo = halo;
  emorph::SlabStream s(emorph::open_slab_reader(address), p);
  const int64_t nz = truth.nz(), plane = truth.ny() * truth.nx();
  int64_t next_core = 0, slabs = 0;
  while (s.next()) {
    ASSERT_EQ(s.core_begin(), next_core) << address;
    EXPECT_EQ(s.core_end(), std::min(nz, s.core_begin() + slab));
    EXPECT_EQ(s.first_slice(), std::max<int64_t>(0, s.core_begin() - halo));
    EXPECT_EQ(s.end_slice(), std::min(nz, s.core_end() + halo));
    const auto v = s.view<uint16_t>({});
    ASSERT_EQ(v.nz(), s.end_slice() - s.first_slice());
    EXPECT_EQ(0, std::memcmp(v.data(), truth.data() + s.first_slice() * plane,
                             static_cast<std::size_t>(v.size()) * sizeof(uint16_t)))
        << address << " slab at " << s.core_begin();
    next_core = s.core_end();
    ++slabs;
  }
  EXPECT_EQ(next_core, nz);
  EXPECT_EQ(slabs, (nz + slab - 1) / slab);
  EXPECT_EQ(s.slabs_read(), slabs);
}

TEST(SlabStream, EveryFormatStreamsTheWholeVolumeWithHalos) {
  TempDir dir;
  const auto truth = ramp({13, 9, 11});
  emorph::WriteOptions gzip;
  gzip.compress = true;
  const std::vector<std::pair<std::string, emorph::WriteOptions>> outputs = {
      {dir / "v.tif", {}}, {dir / "v.raw", {}}, {dir / "v.nrrd", {}}, {dir / "vz.nrrd", gzip},
      {dir / "v.mha", {}}, {dir / "vz.mha", gzip}, {dir / "v.h5", {}}, {dir / "slices", {}}};
  for (const auto& [address, options] : outputs) {
    emorph::write_volume(address, truth, options);
    for (const auto& [slab, halo] : std::vector<std::pair<int64_t, int64_t>>{{1, 0}, {3, 2}, {4, 1}, {5, 6}, {13, 0}, {20, 3}})
      expect_slabs_match(address, truth, slab, halo);
  }
}

TEST(SlabStream, LabelViewConvertsWiderIntegerLabels) {
  TempDir dir;
  emorph::Volume<uint16_t> v = emorph::Volume<uint16_t>::filled({6, 4, 5}, {}, 3);
  v(5, 3, 4) = 255;
  emorph::write_volume(dir / "l.nrrd", v);
  emorph::SlabStreamParams p;
  p.slab_slices = 2;
  p.labels = true;
  emorph::SlabStream s(emorph::open_slab_reader(dir / "l.nrrd"), p);
  int64_t sum = 0;
  while (s.next()) {
    const auto l = s.label_view({});
    for (int64_t i = 0; i < l.size(); ++i) sum += l.data()[i];
  }
  EXPECT_EQ(sum, 3 * (6 * 4 * 5 - 1) + 255);

  v(2, 0, 0) = 256;  // not a label
  emorph::write_volume(dir / "bad.nrrd", v);
  emorph::SlabStream bad(emorph::open_slab_reader(dir / "bad.nrrd"), p);
  EXPECT_THROW(
      {
        while (bad.next()) {
        }
      },
      emorph::InputError);
}

TEST(SlabStream, PlansSlabsWithinTheBudget) {
  EXPECT_EQ(emorph::slab_slices_for_budget(1000, 100, 0, 50), 10);
  EXPECT_EQ(emorph::slab_slices_for_budget(1000, 100, 2, 50), 6);   // 6 + 2 * 2 slices = 1000 bytes
  EXPECT_EQ(emorph::slab_slices_for_budget(10, 100, 1, 50), 1);     // never below one slice
  EXPECT_EQ(emorph::slab_slices_for_budget(1 << 30, 100, 1, 50), 50);  // never beyond the volume
}

// A raw uint8 volume of 2049 x 1024 x 1024 = 2^31 + 2^20 voxels as a sparse file: only two marked
// voxels near the end hold data. Offsets and counts past 2^31 must not wrap.
TEST(SlabStream, ReadsNearTheEndOfAVolumeBeyond2To31Voxels) {
  TempDir dir;
  const emorph::Shape shape{2049, 1024, 1024};
  ASSERT_GT(shape.voxels(), int64_t{1} << 31);
  const std::string raw = dir / "big.raw";
  {
    const int fd = ::open(raw.c_str(), O_CREAT | O_WRONLY | O_TRUNC, 0644);
    ASSERT_GE(fd, 0);
    if (::ftruncate(fd, static_cast<off_t>(shape.voxels())) != 0) {
      ::close(fd);
      GTEST_SKIP() << "this file system refuses a sparse file of " << shape.voxels() << " bytes";
    }
    const unsigned char a = 7, b = 9;
    const int64_t at_a = (2047 * shape.ny + 1000) * shape.nx + 3;  // z = 2047, y = 1000, x = 3
    const int64_t at_b = shape.voxels() - 1;                       // the very last voxel
    ASSERT_EQ(::pwrite(fd, &a, 1, static_cast<off_t>(at_a)), 1);
    ASSERT_EQ(::pwrite(fd, &b, 1, static_cast<off_t>(at_b)), 1);
    ::close(fd);
  }
  std::ofstream(dir / "big.json") << R"({"shape": [2049, 1024, 1024], "dtype": "uint8", "byte_order": "little", "voxel_um": [1, 1, 1]})";

  auto reader = emorph::open_slab_reader(raw);
  EXPECT_EQ(reader->info().shape.voxels(), shape.voxels());
  // A stream of 1-slice slabs with a 1-slice halo, started by hand at the end: read [2046, 2049).
  std::vector<unsigned char> slab(static_cast<std::size_t>(3 * shape.ny * shape.nx));
  reader->read(2046, 2049, slab.data());
  const std::size_t plane = static_cast<std::size_t>(shape.ny * shape.nx);
  EXPECT_EQ(slab[plane + 1000 * 1024 + 3], 7);
  EXPECT_EQ(slab.back(), 9);
  int64_t nonzero = 0;
  for (unsigned char c : slab) nonzero += c != 0;
  EXPECT_EQ(nonzero, 2);

  const auto tail = emorph::read_slab(raw, 2047, 2049);
  EXPECT_EQ(tail.as<uint8_t>()(0, 1000, 3), 7);
  EXPECT_EQ(tail.as<uint8_t>()(1, 1023, 1023), 9);
}

}  // namespace

// One MPI rank's share (issue 19): the stream walks only slices [z_begin, z_end), its halos reaching into
// the neighbours' slices; the shares of 1..5 ranks (emorph/parallel.hpp rank_slices) tile the volume.
TEST(SlabStream, WalksOnlyTheGivenSlicesWithHalosBeyondThem) {
  TempDir dir;
  const auto truth = ramp({23, 5, 4});
  const std::string path = dir / "v.nrrd";
  emorph::write_volume(path, truth);
  const int64_t plane = truth.ny() * truth.nx();
  for (int ranks = 1; ranks <= 5; ++ranks) {
    int64_t covered = 0;
    for (int rank = 0; rank < ranks; ++rank) {
      const emorph::RankSlab share = emorph::rank_slices(truth.nz(), rank, ranks);
      ASSERT_EQ(share.begin, covered) << ranks;  // contiguous, in rank order
      EXPECT_LE(share.end - share.begin, truth.nz() / ranks + 1);
      EXPECT_GE(share.end - share.begin, truth.nz() / ranks);
      emorph::SlabStreamParams p;
      p.slab_slices = 2;
      p.halo = 1;
      p.z_begin = share.begin;
      p.z_end = share.end;
      emorph::SlabStream s(emorph::open_slab_reader(path), p);
      int64_t next_core = share.begin;
      while (s.next()) {
        ASSERT_EQ(s.core_begin(), next_core);
        EXPECT_LE(s.core_end(), share.end);
        EXPECT_EQ(s.first_slice(), std::max<int64_t>(0, s.core_begin() - 1));
        EXPECT_EQ(s.end_slice(), std::min(truth.nz(), s.core_end() + 1));
        const auto v = s.view<uint16_t>({});
        EXPECT_EQ(0, std::memcmp(v.data(), truth.data() + s.first_slice() * plane,
                                 static_cast<std::size_t>(v.size()) * sizeof(uint16_t)));
        next_core = s.core_end();
      }
      EXPECT_EQ(next_core, share.end);
      covered = share.end;
    }
    EXPECT_EQ(covered, truth.nz()) << ranks;
  }
}
