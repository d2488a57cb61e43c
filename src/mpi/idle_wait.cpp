// Spin-then-sleep completion of MPI requests (see idle_wait.hpp).
#ifdef EMORPH_WITH_MPI
#include "idle_wait.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

namespace emorph {

namespace {
using Clock = std::chrono::steady_clock;
constexpr auto kSpin = std::chrono::microseconds(500);
constexpr auto kFirstSleep = std::chrono::microseconds(50), kLongestSleep = std::chrono::microseconds(1000);
}  // namespace

void wait_idle(MPI_Request* requests, int count) {
  int done = 0;
  const auto start = Clock::now();
  for (;;) {  // MPI_Testall progresses the transports, as MPI_Waitall's loop would
    MPI_Testall(count, requests, &done, MPI_STATUSES_IGNORE);
    if (done) return;
    if (Clock::now() - start > kSpin) break;
  }
  for (auto pause = kFirstSleep;; pause = std::min(pause * 2, kLongestSleep)) {
    std::this_thread::sleep_for(pause);
    MPI_Testall(count, requests, &done, MPI_STATUSES_IGNORE);
    if (done) return;
  }
}

}  // namespace emorph
#endif
