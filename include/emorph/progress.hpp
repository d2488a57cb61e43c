#pragma once
// Progress of long steps. Library code never prints: a Progress reports to the sink a front end installed
// (the CLI's stderr renderer, Python's set_progress), and to nothing by default. Updates come at every
// tenth of the work and at most every 200 ms in between, serialised per Progress; advance() is thread-safe.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

namespace emorph {

struct ProgressUpdate {
  uint64_t id = 0;  // one per Progress: nested steps (a read inside analyze) report under their own id
  const std::string* label = nullptr;
  int64_t done = 0, total = 1;
  double elapsed_s = 0;
  bool final = false;  // the step ended (its last update)
  double fraction() const { return final ? 1.0 : total > 0 ? std::min(1.0, double(done) / double(total)) : 0.0; }
};
using ProgressSink = std::function<void(const ProgressUpdate&)>;

// Installs the sink every Progress reports to; an empty function: none (silent, the default).
void set_progress_sink(ProgressSink sink);

// A sink for front ends that turns updates into text and hands it to `write` (the CLI and Python write
// it to stderr): for a terminal one line redrawn in place ("\r" label, percent, elapsed, ETA); for a log
// file or a pipe one line per 10 % of each step, "emorph: LABEL  40% (12.3 s)", the end always once.
// Calls to `write` are serialised.
ProgressSink progress_text_sink(std::function<void(const std::string&)> write, bool terminal);

class Progress {
 public:
  Progress(std::string label, int64_t total);
  ~Progress();  // reports the end of the step
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;
  void advance(int64_t n = 1);
  // Work done so far when it is not counted in units (the solver's residual decades): never goes back.
  void reach(int64_t done);

 private:
  void maybe_report();
  void report(bool final);
  uint64_t id_;
  std::string label_;
  int64_t total_;
  std::atomic<int64_t> done_{0};
  std::atomic<int> reported_tenth_{-1};
  std::atomic<int64_t> last_report_ms_{0};
  std::mutex reporting_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace emorph
