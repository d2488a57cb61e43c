#pragma once
// The set-up of the CLI tests that run commands on a label volume and a grey volume made from it (the
// streamed and the distributed runs): a scratch folder holding both files, and the commands whose
// results depend on every slab of the labels.
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "emorph/io.hpp"
#include "support/test_support.hpp"

namespace emorph::test {

// Grey levels per phase plus a texture: 9000 x label + (i x 37) mod 2000.
inline Volume<uint16_t> textured_grey(const Volume<uint8_t>& labels) {
  Volume<uint16_t> grey(labels.shape(), labels.spacing());
  for (int64_t i = 0; i < grey.size(); ++i) grey.data()[i] = static_cast<uint16_t>(9000 * labels.data()[i] + (i * 37) % 2000);
  return grey;
}

// A fixture: `labels` written as dir_/labels_name and make_grey(labels) as dir_/grey_name (the names
// pick the formats).
class LabelsAndGreyFiles : public ::testing::Test {
 protected:
  LabelsAndGreyFiles(const std::string& labels_name, const std::string& grey_name, const Volume<uint8_t>& labels,
                     Volume<uint16_t> (*make_grey)(const Volume<uint8_t>&) = textured_grey)
      : labels_(dir_ / labels_name), grey_(dir_ / grey_name) {
    write_volume(labels_, labels);
    write_volume(grey_, make_grey(labels));
  }
  TempDir dir_;
  std::string labels_, grey_;
};

// {name, command line} of fractions (whole volume and along `axis`), a profile and the surfaces of `labels`.
inline std::vector<std::pair<std::string, std::string>> label_kernel_commands(const std::string& labels, int axis) {
  return {{"fractions", "fractions " + labels},
          {"fractions_axis" + std::to_string(axis), "fractions " + labels + " --axis " + std::to_string(axis)},
          {"profile", "profile " + labels + " --window 3"},
          {"surface", "surface " + labels}};
}

}  // namespace emorph::test
