#pragma once
// Cholesky factorisation A = L L^T of a small symmetric positive definite band matrix and its solves
// (Golub & Van Loan, Matrix Computations, 4th ed., algorithm 4.3.5). One kernel for the multigrid's
// dense coarse solve (half-bandwidth n - 1), the drift track's and the destriper's banded normal equations.
#include <cstdint>
#include <string>
#include <vector>

namespace emorph {

class BandedCholesky {
 public:
  // band: the lower band by rows, band[i * (bw + 1) + (i - j)] = A(i, j) for max(0, i - bw) <= j <= i
  // (n * (bw + 1) values). Throws InternalError("<what>: ... not positive definite") when a pivot is not
  // positive (or not finite).
  BandedCholesky(std::vector<double> band, int64_t n, int64_t bw, const std::string& what);

  // Solves A x = b in place (b has n values).
  void solve(double* b) const;

  int64_t size() const { return n_; }

 private:
  double at(int64_t i, int64_t j) const { return l_[static_cast<std::size_t>(i * (bw_ + 1) + (i - j))]; }
  std::vector<double> l_;
  int64_t n_ = 0, bw_ = 0;
};

}  // namespace emorph
