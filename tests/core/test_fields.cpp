// The field and parameter tables (fields.hpp, param_table.hpp): one declaration gives the JSON keys,
// the option spellings and the docstring.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "emorph/fields.hpp"
#include "emorph/param_table.hpp"

namespace emorph {
namespace {

struct Sample {
  int64_t count = 3;
  double mean_um = 1.5;
  double r_squared = std::numeric_limits<double>::quiet_NaN();
  std::optional<double> d50_um;
  std::vector<double> edges_um{1, 2};
  std::string name = "NMC";
};

EMORPH_JSON_FIELDS(sample_json, Sample, count, mean_um, d50_um, edges_um, name)
EMORPH_JSON_FIELDS_OR_NULL(sample_or_null_json, Sample, r_squared, d50_um)

struct Knobs {
  double sigma_um = 0.4;
  int bits = 16;
  std::string noise = "gaussian";
  bool flat = false;
  uint64_t seed = 1;
};

const ParamTable<Knobs> kKnobs = {
    {"sigma_um", &Knobs::sigma_um, "um", "Point spread sigma", "--psf"},
    {"bits", &Knobs::bits, "", "8 or 16 bit"},
    {"noise", &Knobs::noise, "", "gaussian, poisson or none"},
    {"flat", &Knobs::flat, "", "No shading"},
    {"seed", &Knobs::seed, "", "Random seed", "none"},
};

// Options whose front ends spell some parameters their own way.
struct Options {
  std::optional<double> depth_um;  // unset: the front end's default
  std::vector<std::string> only;
  bool surface = true;
  int bins = 30;
};

const ParamTable<Options> kOptions = {
    {"depth_um", &Options::depth_um, "um", "Seed depth", "--depth", "depth"},
    {"phase", &Options::only, "", "Report only these phases"},
    {"surface", &Options::surface, "", "Surfaces (--no-surface skips them)", "--no-surface", "", false},
    {"bins", &Options::bins, "", "Histogram bins", "", "none"},
};

// Another struct holding two of the parameters (as analyze's configuration holds profile's).
struct Config {
  std::optional<double> depth_um;
  int bins = 1;
  double scale = 1;
};

}  // namespace

TEST(Fields, KeysAreTheMemberNames) {
  Sample s;
  const Json j = sample_json(s);
  EXPECT_EQ(j, Json::parse(R"({"count": 3, "mean_um": 1.5, "d50_um": null, "edges_um": [1.0, 2.0], "name": "NMC"})"));
  s.d50_um = 7.0;
  EXPECT_EQ(sample_json(s)["d50_um"], Json(7.0));
  // Non-finite numbers are null only in the _OR_NULL form; a NaN stays a number otherwise.
  EXPECT_TRUE(sample_or_null_json(s)["r_squared"].is_null());
  EXPECT_EQ(sample_or_null_json(s)["d50_um"], Json(7.0));
  EXPECT_TRUE(std::isnan(field_json(s.r_squared).get<double>()));
}

TEST(ParamTable, EchoesEveryParameterByKey) {
  Knobs k;
  k.bits = 8;
  EXPECT_EQ(params_json(k, kKnobs),
            Json::parse(R"({"sigma_um": 0.4, "bits": 8, "noise": "gaussian", "flat": false, "seed": 1})"));
  int visited = 0;
  for (const auto& p : kKnobs) visit_param(p, k, [&](auto& v) { visited += sizeof(v) > 0; });
  EXPECT_EQ(visited, 5);
}

TEST(ParamTable, OneSpellingPerFrontEnd) {
  EXPECT_EQ(cli_option(kKnobs[0]), "--psf");   // a contract name given in the table
  EXPECT_EQ(cli_option(kKnobs[1]), "--bits");  // derived from the key
  EXPECT_EQ(cli_option(kKnobs[4]), "");        // not on the CLI
  EXPECT_EQ(option_flag("max_iterations"), "--max-iterations");
  EXPECT_EQ(keyword_spelling("--bulk excludes --exclude-collector, --exclude-surface"),
            "bulk excludes exclude_collector, exclude_surface");
  // Only options are rewritten: a dash inside a word, a lone "--", a flag of cmake or a trailing dash stay.
  EXPECT_EQ(keyword_spelling("hypre-pfmg -- -DEMORPH_WITH_HYPRE=ON, --axis-"), "hypre-pfmg -- -DEMORPH_WITH_HYPRE=ON, axis-");
  EXPECT_EQ(keyword_spelling("x--axis"), "x--axis");
}

TEST(ParamTable, DocstringListsTypeUnitAndDefault) {
  const std::string doc = params_doc(kKnobs);
  EXPECT_NE(doc.find("sigma_um : float\n    Point spread sigma, in um (default 0.4).\n"), std::string::npos) << doc;
  EXPECT_NE(doc.find("bits : int\n    8 or 16 bit (default 16).\n"), std::string::npos) << doc;
  EXPECT_NE(doc.find("noise : str\n    gaussian, poisson or none (default \"gaussian\").\n"), std::string::npos) << doc;
  EXPECT_NE(doc.find("flat : bool\n"), std::string::npos) << doc;
}

TEST(ParamTable, OptionalListAndFrontEndSpellings) {
  Options o;
  EXPECT_EQ(params_json(o, kOptions), Json::parse(R"({"depth_um": null, "phase": [], "bins": 30})"));  // no surface
  o.depth_um = 2;
  o.only = {"NMC"};
  EXPECT_EQ(params_json(o, kOptions), Json::parse(R"({"depth_um": 2.0, "phase": ["NMC"], "bins": 30})"));
  EXPECT_EQ(python_keyword(kOptions[0]), "depth");
  EXPECT_EQ(python_keyword(kOptions[1]), "phase");
  EXPECT_EQ(python_keyword(kOptions[3]), "");
  EXPECT_EQ(cli_option(kOptions[2]), "--no-surface");
  const std::string doc = params_doc(kOptions);
  EXPECT_NE(doc.find("depth : float, optional\n    Seed depth, in um (default None).\n"), std::string::npos) << doc;
  EXPECT_NE(doc.find("phase : str or list of str, optional\n    Report only these phases (default None).\n"),
            std::string::npos) << doc;
  EXPECT_NE(doc.find("surface : bool\n    Surfaces (no_surface skips them) (default true).\n"), std::string::npos)
      << doc;  // options in the help are spelt as keywords
  EXPECT_EQ(doc.find("bins"), std::string::npos) << doc;  // not a Python keyword
  const auto rows = param_rows(kOptions);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].default_value, "None");
  EXPECT_EQ(rows[3].cli, "--bins");
  EXPECT_EQ(rows[3].python, "");
  EXPECT_FALSE(rows[2].echo);
}

TEST(ParamTable, DerivedAndReboundTablesKeepKeyUnitAndHelp) {
  struct Derived : Options {
    int extra = 0;
  };
  const auto derived = derived_table<Derived>(kOptions);
  ASSERT_EQ(derived.size(), kOptions.size());
  Derived d;
  d.bins = 5;
  EXPECT_EQ(params_json(d, derived), Json::parse(R"({"depth_um": null, "phase": [], "bins": 5})"));
  EXPECT_EQ(python_keyword(derived[0]), "depth");

  const Param<Config> depth = rebound(kOptions, "depth_um", &Config::depth_um);
  EXPECT_EQ(depth.key, "depth_um");
  EXPECT_EQ(depth.unit, "um");
  EXPECT_EQ(depth.help, "Seed depth");
  EXPECT_EQ(cli_option(depth), "");  // the other struct's front end spells it
  EXPECT_EQ(python_keyword(depth), "");
  EXPECT_NO_THROW(rebound(kOptions, "bins", &Config::bins));
  EXPECT_THROW(rebound(kOptions, "bins", &Config::scale), std::logic_error);  // another type
  EXPECT_THROW(rebound(kOptions, "nope", &Config::bins), std::logic_error);
}

}  // namespace emorph
