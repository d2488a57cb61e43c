// The streamed histogram of 8/16-bit volumes equals the in-core one, thresholds included.
#include <gtest/gtest.h>

#include <random>

#include "emorph/io.hpp"
#include "emorph/segment/threshold.hpp"
#include "emorph/stream/streamed_histogram.hpp"
#include "support/test_support.hpp"

using emorph::test::TempDir;

namespace {

template <class T>
emorph::Volume<T> two_phase_grey(emorph::Shape shape, double low, double high, double noise) {
  emorph::Volume<T> v(shape, {});
  std::mt19937 rng(11);
  std::normal_distribution<double> n(0.0, noise);
  for (int64_t z = 0; z < shape.nz; ++z)
    for (int64_t y = 0; y < shape.ny; ++y)
      for (int64_t x = 0; x < shape.nx; ++x) v(z, y, x) = static_cast<T>(((x / 4 + y / 3 + z / 2) % 3 ? low : high) + n(rng));
  return v;
}

// The thresholds, or the error a method gives (the same either way on equal histograms).
std::string thresholds_or_error(const emorph::Histogram& h, const char* method) {
  try {
    const auto t = emorph::compute_threshold(h, emorph::parse_threshold_method(method)).thresholds;
    std::string text;
    for (double v : t) text += std::to_string(v) + " ";
    return text;
  } catch (const emorph::InputError& e) {
    return std::string("error: ") + e.what();
  }
}

void expect_same(const emorph::Histogram& a, const emorph::Histogram& b) {
  EXPECT_EQ(a.counts, b.counts);
  EXPECT_EQ(a.lower, b.lower);
  EXPECT_EQ(a.bin_width, b.bin_width);
  EXPECT_EQ(a.min_value, b.min_value);
  EXPECT_EQ(a.max_value, b.max_value);
  EXPECT_EQ(a.excluded, b.excluded);
}

TEST(StreamedHistogram, EqualsInCoreFor16And8BitVolumes) {
  TempDir dir;
  const auto grey16 = two_phase_grey<uint16_t>({23, 17, 19}, 20000, 36000, 1500);
  const auto grey8 = two_phase_grey<int8_t>({23, 17, 19}, -40, 50, 12);
  emorph::write_volume(dir / "g16.tif", grey16);
  emorph::write_volume(dir / "g8.nrrd", grey8);
  emorph::StreamParams tiny;
  tiny.budget_bytes = 1;
  tiny.progress = false;
  for (const auto& params : {emorph::HistogramParams{}, emorph::HistogramParams{100, std::nullopt, std::nullopt},
                             emorph::HistogramParams{0, 25000.0, 40000.0}}) {
    emorph::StreamReport report;
    const auto streamed = emorph::streamed_histogram(dir / "g16.tif", params, tiny, &report);
    const auto core = emorph::histogram(grey16.view(), params);
    expect_same(streamed, core);
    EXPECT_EQ(report.slabs, 23);
    for (const char* method : {"otsu", "intermodes", "minimum", "multiotsu:3"})
      EXPECT_EQ(thresholds_or_error(streamed, method), thresholds_or_error(core, method)) << method;
  }
  expect_same(emorph::streamed_histogram(dir / "g8.nrrd", {}, tiny), emorph::histogram(grey8.view(), {}));
}

TEST(StreamedHistogram, RefusesWideDtypes) {
  TempDir dir;
  emorph::write_volume(dir / "f.nrrd", emorph::Volume<float>::filled({3, 4, 5}, {}, 1.5f));
  EXPECT_FALSE(emorph::histogram_streams(emorph::DType::f32));
  EXPECT_THROW(emorph::streamed_histogram(dir / "f.nrrd", {}, {}), emorph::InputError);
}

}  // namespace
