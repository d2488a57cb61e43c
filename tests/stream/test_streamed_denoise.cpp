// Streamed median, Gaussian and bilateral filters write files byte-identical to the in-core ones, for
// slabs from one slice (halo larger than the slab) to the whole volume.
#include <gtest/gtest.h>

#include <fstream>
#include <random>

#include "emorph/io.hpp"
#include "emorph/stream/streamed_denoise.hpp"
#include "support/checks.hpp"
#include "support/test_support.hpp"

using emorph::test::TempDir;

namespace {

emorph::Volume<uint16_t> noisy_layers(emorph::Shape shape) {
  emorph::Volume<uint16_t> v(shape, {0.5, 0.4, 0.4});
  std::mt19937 rng(3);
  std::normal_distribution<double> noise(0.0, 900.0);
  for (int64_t z = 0; z < shape.nz; ++z)
    for (int64_t y = 0; y < shape.ny; ++y)
      for (int64_t x = 0; x < shape.nx; ++x)
        v(z, y, x) = static_cast<uint16_t>(std::clamp(((x / 5 + y / 4 + z / 3) % 3 ? 15000.0 : 30000.0) + noise(rng), 0.0, 65535.0));
  return v;
}

TEST(StreamedDenoise, OutputsAreByteIdenticalToInCore) {
  TempDir dir;
  const auto grey = noisy_layers({19, 14, 17});
  const std::string input = dir / "grey.nrrd";
  emorph::write_volume(input, grey);
  const auto in_core = emorph::read_volume(input);
  const uint64_t plane = 14 * 17;
  for (const std::string& filter : std::vector<std::string>{"median:1", "median:2", "gaussian:1.5", "gaussian:0.6um", "bilateral:1,2000"}) {
    const auto spec = emorph::parse_denoise_spec(filter);
    const std::string core_out = dir / "core.raw";
    emorph::write_volume(core_out, emorph::denoise(in_core, spec));
    const int64_t halo = emorph::denoise_halo_slices(spec, grey.spacing());
    // Budgets of one slice (plus halos), 3 slices, and the whole volume; 6 bytes per voxel and slice at most.
    for (uint64_t budget : {uint64_t{1}, (3 + 2 * halo) * plane * 6, uint64_t{1} << 30}) {
      emorph::StreamParams stream;
      stream.budget_bytes = budget;
      stream.progress = false;
      emorph::StreamReport report;
      const std::string out = dir / "streamed.raw";
      const auto dtype = emorph::streamed_denoise(input, out, spec, {}, stream, &report);
      EXPECT_EQ(dtype, spec.filter == "median" ? emorph::DType::u16 : emorph::DType::f32);
      EXPECT_EQ(report.halo, halo) << filter;
      EXPECT_TRUE(emorph::test::read_text(out) == emorph::test::read_text(core_out)) << filter << " budget " << budget << " slabs " << report.slabs;
      EXPECT_EQ(emorph::test::read_text(dir / "streamed.json"), emorph::test::read_text(dir / "core.json")) << filter;
    }
  }
}

TEST(StreamedDenoise, HaloFollowsTheFilterRadius) {
  const emorph::Spacing s{0.5, 0.25, 0.25};
  EXPECT_EQ(emorph::denoise_halo_slices(emorph::parse_denoise_spec("median:2"), s), 2);
  EXPECT_EQ(emorph::denoise_halo_slices(emorph::parse_denoise_spec("gaussian:1"), s), 4);     // int(4 * 1 + 0.5)
  EXPECT_EQ(emorph::denoise_halo_slices(emorph::parse_denoise_spec("gaussian:1um"), s), 8);   // sigma_z = 2 voxels
  EXPECT_EQ(emorph::denoise_halo_slices(emorph::parse_denoise_spec("bilateral:1.5,10"), s), 3);  // ceil(2 * 1.5)
}

TEST(StreamedDenoise, RefusesNonFiniteFloats) {
  TempDir dir;
  auto v = emorph::Volume<float>::filled({5, 4, 4}, {}, 1.0f);
  v(3, 1, 2) = std::nanf("");
  emorph::ReadOptions keep;
  keep.allow_nonfinite = true;
  emorph::write_volume(dir / "nan.nrrd", v);
  emorph::StreamParams stream;
  stream.budget_bytes = 1;
  stream.progress = false;
  EXPECT_THROW(emorph::streamed_denoise(dir / "nan.nrrd", dir / "out.raw", emorph::parse_denoise_spec("median:1"), {}, stream),
               emorph::InputError);
  EXPECT_FALSE(std::filesystem::exists(dir / "out.raw"));
}

}  // namespace
