// A short fuzz run inside the normal suite: the seed corpus of fuzz/ plus seeded random mutations
// (byte flips, truncations, insertions) through the header parsers and the TIFF reader. Every input
// must either parse or throw InputError; anything else (another exception, a crash) fails.
// The libFuzzer targets (fuzz/, label "fuzz") explore much further when built with clang.
#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <string_view>
#include <vector>

#include "emorph/error.hpp"
#include "emorph/io/stream.hpp"
#include "io/headers.hpp"
#include "io/io_test_util.hpp"
#include "support/checks.hpp"
#include "support/test_support.hpp"
#include "support/mutate.hpp"

namespace fs = std::filesystem;
using namespace emorph;

namespace {

const fs::path kCorpus = fs::path(EMORPH_SOURCE_DIR) / "fuzz" / "corpus";

std::vector<std::string> seeds(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(kCorpus / dir)) out.push_back(test::read_text(e.path().string()));
  return out;
}

// Characters inserted by the mutations: the syntax of the formats read.
constexpr std::string_view kAlphabet = "0123456789-: =\n\"[]{},.e";

template <class F>
void replay(const std::string& dir, int mutations_per_seed, F&& parse) {
  const auto corpus = seeds(dir);
  ASSERT_FALSE(corpus.empty()) << kCorpus / dir;
  std::mt19937_64 rng(2024);
  for (const auto& seed : corpus) {
    std::string input = seed;
    for (int i = 0; i <= mutations_per_seed; ++i) {
      try {
        parse(input);
      } catch (const InputError&) {
      } catch (const std::exception& e) {
        ADD_FAILURE() << "non-InputError exception " << typeid(e).name() << ": " << e.what();
      }
      input = test::mutate(i % 3 == 0 ? seed : input, rng, kAlphabet);
    }
  }
}

}  // namespace

TEST(IoFuzzReplay, NrrdHeader) {
  replay("nrrd", 2000, [](const std::string& s) { io::parse_nrrd_header(s, "f.nrrd"); });
}

TEST(IoFuzzReplay, MetaImageHeader) {
  replay("metaimage", 2000, [](const std::string& s) { io::parse_metaimage_header(s, "f.mha"); });
}

TEST(IoFuzzReplay, RawSidecar) {
  replay("sidecar", 2000, [](const std::string& s) { io::parse_raw_sidecar(s, "f.json"); });
}

TEST(IoFuzzReplay, TiffReader) {
  test::TempDir d;
  const std::string path = d / "f.tif";
  replay("tiff", 150, [&](const std::string& s) {
    test::put_file(path, s);
    auto reader = open_slab_reader(path);
    const auto& info = reader->info();
    if (info.shape.voxels() <= (1 << 20)) {
      std::vector<unsigned char> buf(static_cast<std::size_t>(info.shape.voxels()) * dtype_size(info.dtype));
      reader->read(0, info.shape.nz, buf.data());
    }
  });
}

// Found by fuzz_tiff (libFuzzer): a BigTIFF page of 5 x 4 pixels declaring a tile of about 2^32
// pixels made the reader allocate 256 GiB (std::bad_alloc) instead of reporting a corrupt file.
TEST(IoFuzzReplay, ImplausibleTileSizeIsAnInputError) {
  const std::string path = (kCorpus / "tiff" / "crash_huge_tile.tif").string();
  try {
    auto reader = open_slab_reader(path);
    std::vector<unsigned char> buf(reader->slice_bytes() * static_cast<std::size_t>(reader->info().shape.nz));
    reader->read(0, reader->info().shape.nz, buf.data());
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("tile"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
}
