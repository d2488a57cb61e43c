#pragma once
// A progress line on stderr for long steps: label, percent, elapsed and ETA. Thread-safe advance();
// silent when disabled (--quiet) or when stderr is not a terminal and no log is wanted.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

namespace emorph {

void set_progress_enabled(bool enabled);
bool progress_enabled();

class Progress {
 public:
  Progress(std::string label, int64_t total);
  ~Progress();  // prints the final line
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;
  void advance(int64_t n = 1);

 private:
  void print(bool final);
  std::string label_;
  int64_t total_;
  std::atomic<int64_t> done_{0};
  std::atomic<int64_t> last_print_ms_{0};
  std::chrono::steady_clock::time_point start_;
};

}  // namespace emorph
