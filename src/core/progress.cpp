// Progress of long steps, reported to the sink a front end installed (emorph/progress.hpp).
#include "emorph/progress.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>

namespace emorph {
namespace {

// The sink, swapped under a lock so that a Python thread switching progress on or off never races a
// report; the flag spares the lock when there is none (the library's default).
std::mutex g_sink_mutex;
std::shared_ptr<const ProgressSink> g_sink;
std::atomic<bool> g_has_sink{false};

std::shared_ptr<const ProgressSink> current_sink() {
  if (!g_has_sink.load(std::memory_order_relaxed)) return {};
  std::lock_guard lock(g_sink_mutex);
  return g_sink;
}

std::atomic<uint64_t> g_next_id{1};

}  // namespace

void set_progress_sink(ProgressSink sink) {
  std::lock_guard lock(g_sink_mutex);
  g_sink = sink ? std::make_shared<const ProgressSink>(std::move(sink)) : nullptr;
  g_has_sink = static_cast<bool>(g_sink);
}

ProgressSink progress_text_sink(std::function<void(const std::string&)> write, bool terminal) {
  struct State {
    std::mutex mutex;                // steps of different threads share the output
    std::map<uint64_t, int> printed;  // log: the last tenth written per step
  };
  auto state = std::make_shared<State>();
  return [state, write = std::move(write), terminal](const ProgressUpdate& u) {
    std::lock_guard lock(state->mutex);
    const double f = u.fraction();
    char line[512];
    if (terminal) {
      const double eta = f > 0 && !u.final ? u.elapsed_s * (1 - f) / f : 0;
      std::snprintf(line, sizeof line, "\r%-28s %5.1f%%  elapsed %6.1fs  eta %6.1fs%s", u.label->c_str(), 100 * f,
                    u.elapsed_s, eta, u.final ? "\n" : "");
      write(line);
      return;
    }
    const int tenth = static_cast<int>(10 * f + 1e-9);
    int& printed = state->printed.try_emplace(u.id, -1).first->second;
    // Nothing at 0 %: a log line says how far a step got.
    if (tenth > printed && (tenth > 0 || u.final)) {
      std::snprintf(line, sizeof line, "emorph: %s %3d%% (%.1f s)\n", u.label->c_str(), static_cast<int>(100 * f + 1e-9),
                    u.elapsed_s);
      write(line);
      printed = tenth;
    }
    if (u.final) state->printed.erase(u.id);
  };
}

Progress::Progress(std::string label, int64_t total)
    : id_(g_next_id++), label_(std::move(label)), total_(total > 0 ? total : 1), start_(std::chrono::steady_clock::now()) {}

Progress::~Progress() {
  if (current_sink()) report(true);
}

void Progress::advance(int64_t n) {
  done_ += n;
  maybe_report();
}

void Progress::reach(int64_t done) {
  int64_t seen = done_.load();
  while (done > seen && !done_.compare_exchange_weak(seen, done)) {
  }
  maybe_report();
}

// A report at each new tenth of the work (the log renderer's lines) and at most every 200 ms in between
// (the terminal line); a thread that finds another one reporting skips: the next update carries its work.
void Progress::maybe_report() {
  if (!current_sink()) return;
  const int tenth = static_cast<int>(std::min<int64_t>(10, 10 * done_.load() / total_));
  const int64_t now =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start_).count();
  if (tenth <= reported_tenth_.load() && now - last_report_ms_.load() < 200) return;
  std::unique_lock lock(reporting_, std::try_to_lock);
  if (!lock.owns_lock()) return;
  reported_tenth_ = std::max(reported_tenth_.load(), tenth);
  last_report_ms_ = now;
  lock.unlock();
  report(false);
}

void Progress::report(bool final) {
  const auto sink = current_sink();
  if (!sink) return;
  ProgressUpdate u;
  u.id = id_;
  u.label = &label_;
  u.done = final ? total_ : std::min(done_.load(), total_);
  u.total = total_;
  u.elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  u.final = final;
  std::lock_guard lock(reporting_);
  (*sink)(u);
}

}  // namespace emorph
