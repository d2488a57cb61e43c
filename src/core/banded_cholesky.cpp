// Banded Cholesky factorisation, row by row (Golub & Van Loan, Matrix Computations, algorithm 4.3.5).
#include "emorph/banded_cholesky.hpp"

#include <algorithm>
#include <cmath>

#include "emorph/error.hpp"

namespace emorph {

BandedCholesky::BandedCholesky(std::vector<double> band, int64_t n, int64_t bw, const std::string& what)
    : l_(std::move(band)), n_(n), bw_(bw) {
  if (n < 0 || bw < 0 || l_.size() != static_cast<std::size_t>(n * (bw + 1)))
    throw InternalError(what + ": band storage does not match its size");
  const int64_t w = bw + 1;
  auto ref = [&](int64_t i, int64_t j) -> double& { return l_[static_cast<std::size_t>(i * w + (i - j))]; };
  for (int64_t i = 0; i < n; ++i) {
    const int64_t first = std::max<int64_t>(0, i - bw);
    for (int64_t j = first; j <= i; ++j) {
      double s = ref(i, j);
      for (int64_t k = first; k < j; ++k) s -= ref(i, k) * ref(j, k);
      if (j < i) {
        ref(i, j) = s / ref(j, j);
      } else {
        if (!(s > 0) || !std::isfinite(s)) throw InternalError(what + ": the matrix is not positive definite");
        ref(i, i) = std::sqrt(s);
      }
    }
  }
}

void BandedCholesky::solve(double* b) const {
  for (int64_t i = 0; i < n_; ++i) {
    double s = b[i];
    for (int64_t k = std::max<int64_t>(0, i - bw_); k < i; ++k) s -= at(i, k) * b[k];
    b[i] = s / at(i, i);
  }
  for (int64_t i = n_ - 1; i >= 0; --i) {
    double s = b[i];
    for (int64_t k = i + 1; k <= std::min(n_ - 1, i + bw_); ++k) s -= at(k, i) * b[k];
    b[i] = s / at(i, i);
  }
}

}  // namespace emorph
