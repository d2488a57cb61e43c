#include "emorph/progress.hpp"

#include <unistd.h>

#include <cstdio>

namespace emorph {
namespace {
std::atomic<bool> g_enabled{true};
}

void set_progress_enabled(bool enabled) { g_enabled = enabled; }
bool progress_enabled() { return g_enabled && ::isatty(2); }

Progress::Progress(std::string label, int64_t total)
    : label_(std::move(label)), total_(total > 0 ? total : 1), start_(std::chrono::steady_clock::now()) {}

Progress::~Progress() { print(true); }

void Progress::advance(int64_t n) {
  done_ += n;
  if (!progress_enabled()) return;
  const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start_).count();
  int64_t last = last_print_ms_.load();
  if (now - last >= 200 && last_print_ms_.compare_exchange_strong(last, now)) print(false);
}

void Progress::print(bool final) {
  if (!progress_enabled()) return;
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double f = std::min(1.0, static_cast<double>(done_) / static_cast<double>(total_));
  const double eta = f > 0 ? elapsed * (1 - f) / f : 0;
  std::fprintf(stderr, "\r%-28s %5.1f%%  elapsed %6.1fs  eta %6.1fs%s", label_.c_str(), 100 * (final ? 1.0 : f),
               elapsed, final ? 0.0 : eta, final ? "\n" : "");
  std::fflush(stderr);
}

}  // namespace emorph
