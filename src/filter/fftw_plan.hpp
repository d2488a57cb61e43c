#pragma once
// FFTW's planner is not thread-safe: every plan of the filter library is made under one process-wide
// mutex, then executed concurrently through the new-array execute functions, which are thread-safe.
// Buffers come from fftwf_malloc so that they share the planning arrays' SIMD alignment.
#include <fftw3.h>

#include <complex>
#include <cstddef>
#include <memory>
#include <mutex>
#include <new>

namespace emorph::detail {

inline std::mutex& fftw_planner_mutex() {
  static std::mutex mutex;
  return mutex;
}

struct FftwFree {
  void operator()(void* p) const { fftwf_free(p); }
};

template <class T>
using FftwArray = std::unique_ptr<T[], FftwFree>;

template <class T>
FftwArray<T> fftw_array(std::size_t n) {
  void* p = fftwf_malloc(sizeof(T) * (n == 0 ? 1 : n));
  if (!p) throw std::bad_alloc();
  return FftwArray<T>(static_cast<T*>(p));
}

inline fftwf_complex* as_fftw(std::complex<float>* p) { return reinterpret_cast<fftwf_complex*>(p); }

// Owns one plan; destroyed under the planner mutex as FFTW requires.
class FftwPlan {
 public:
  FftwPlan() = default;
  explicit FftwPlan(fftwf_plan p) : plan_(p) {}
  FftwPlan(FftwPlan&& o) noexcept : plan_(o.plan_) { o.plan_ = nullptr; }
  FftwPlan& operator=(FftwPlan&& o) noexcept {
    std::swap(plan_, o.plan_);
    return *this;
  }
  FftwPlan(const FftwPlan&) = delete;
  FftwPlan& operator=(const FftwPlan&) = delete;
  ~FftwPlan() {
    if (plan_) {
      std::lock_guard<std::mutex> lock(fftw_planner_mutex());
      fftwf_destroy_plan(plan_);
    }
  }
  fftwf_plan get() const { return plan_; }

 private:
  fftwf_plan plan_ = nullptr;
};

}  // namespace emorph::detail
