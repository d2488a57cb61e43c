// Progress reports go to the sink a front end installed, never to stderr by the library; the text sink
// writes one line per 10 % of a step in a log and a redrawn line on a terminal (emorph/progress.hpp).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "emorph/progress.hpp"

namespace {

// Installs a sink for the test's lifetime and removes it after (the library default: none).
struct SinkGuard {
  explicit SinkGuard(emorph::ProgressSink sink) { emorph::set_progress_sink(std::move(sink)); }
  ~SinkGuard() { emorph::set_progress_sink({}); }
};

}  // namespace

TEST(Progress, EveryTenthIsReportedAndTheEndOnce) {
  std::vector<emorph::ProgressUpdate> updates;
  std::vector<std::string> labels;
  {
    SinkGuard guard([&](const emorph::ProgressUpdate& u) {
      updates.push_back(u);
      labels.push_back(*u.label);
    });
    emorph::Progress p("step", 100);
    for (int i = 0; i < 100; ++i) p.advance();
  }
  // At least one update per tenth (more only when 200 ms passed, which 100 increments do not take).
  int finals = 0;
  std::vector<bool> tenth_seen(11, false);
  for (const auto& u : updates) {
    finals += u.final;
    tenth_seen[static_cast<std::size_t>(10 * u.fraction() + 1e-9)] = true;
  }
  EXPECT_EQ(finals, 1);
  EXPECT_TRUE(updates.back().final);
  for (int t = 1; t <= 10; ++t) EXPECT_TRUE(tenth_seen[t]) << t;
  for (const auto& l : labels) EXPECT_EQ(l, "step");
}

TEST(Progress, WithoutASinkNothingIsReportedAndReachNeverGoesBack) {
  emorph::set_progress_sink({});
  { emorph::Progress p("silent", 10); p.advance(5); }  // no sink: nothing to call, nothing printed
  std::vector<double> fractions;
  {
    SinkGuard guard([&](const emorph::ProgressUpdate& u) { fractions.push_back(u.fraction()); });
    emorph::Progress p("solver", 1000);
    p.reach(300);
    p.reach(100);  // a residual that rose again: the progress stays at 30 %
    p.reach(650);
  }
  ASSERT_GE(fractions.size(), 3u);
  for (std::size_t i = 1; i < fractions.size(); ++i) EXPECT_GE(fractions[i], fractions[i - 1]);
  EXPECT_DOUBLE_EQ(fractions[0], 0.3);
  EXPECT_DOUBLE_EQ(fractions.back(), 1.0);
}

TEST(Progress, LogTextIsOneLinePerTenthAndTerminalTextRedrawsOneLine) {
  std::string log, terminal;
  auto log_sink = emorph::progress_text_sink([&](const std::string& s) { log += s; }, false);
  auto tty_sink = emorph::progress_text_sink([&](const std::string& s) { terminal += s; }, true);
  const std::string label = "granulometry";
  auto send = [&](int64_t done, bool final) {
    emorph::ProgressUpdate u;
    u.id = 7;
    u.label = &label;
    u.done = done;
    u.total = 20;
    u.final = final;
    log_sink(u);
    tty_sink(u);
  };
  for (int64_t d = 0; d <= 20; ++d) send(d, false);  // 21 updates: 0 % (no line), then every 5 %
  send(20, true);
  EXPECT_EQ(log,
            "emorph: granulometry  10% (0.0 s)\nemorph: granulometry  20% (0.0 s)\nemorph: granulometry  30% (0.0 s)\n"
            "emorph: granulometry  40% (0.0 s)\nemorph: granulometry  50% (0.0 s)\nemorph: granulometry  60% (0.0 s)\n"
            "emorph: granulometry  70% (0.0 s)\nemorph: granulometry  80% (0.0 s)\nemorph: granulometry  90% (0.0 s)\n"
            "emorph: granulometry 100% (0.0 s)\n");
  // The terminal line is redrawn in place ("\r") and ends with one newline at the end of the step.
  EXPECT_EQ(std::count(terminal.begin(), terminal.end(), '\n'), 1);
  EXPECT_EQ(std::count(terminal.begin(), terminal.end(), '\r'), 22);

  // A step that ends before its first tenth still leaves one line.
  std::string short_log;
  auto short_sink = emorph::progress_text_sink([&](const std::string& s) { short_log += s; }, false);
  emorph::ProgressUpdate u;
  u.id = 8;
  u.label = &label;
  u.done = 0;
  u.total = 20;
  short_sink(u);
  u.final = true;
  short_sink(u);
  EXPECT_EQ(short_log, "emorph: granulometry 100% (0.0 s)\n");
}
