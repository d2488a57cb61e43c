// Exchanges of the distributed kernels over MPI (MPI 3.1): Alltoallv transpose, halo pass, gather and
// scatter of equivalences, output slabs collected on rank 0.
#include "emorph/mpi/exchange.hpp"

#include <algorithm>
#include <climits>
#include <string>

#include "emorph/error.hpp"
#include "emorph/parallel.hpp"

#ifdef EMORPH_WITH_MPI
#include <mpi.h>

#include "idle_wait.hpp"
#endif

namespace emorph {

#ifdef EMORPH_WITH_MPI

namespace {

constexpr int kTagSize = 19001, kTagData = 19002;
constexpr int64_t kChunk = int64_t(1) << 30;  // elements per message: MPI counts are int
constexpr uint64_t kCollectBytes = uint64_t(8) << 20;  // output slabs travel to rank 0 in parts of this size

int as_count(int64_t n, const char* what) {
  require(n >= 0 && n <= INT_MAX, std::string("MPI exchange: ") + what + " of " + std::to_string(n) +
                                      " elements exceeds MPI's int counts; use more ranks");
  return static_cast<int>(n);
}

// Send / receive of n elements of `type`, split in chunks below the int counts; every wait here and
// below is wait_idle's (a rank waiting for rank 0 to write sleeps instead of polling).
void send_all(const void* data, int64_t n, MPI_Datatype type, int size_of, int to) {
  const auto* p = static_cast<const char*>(data);
  for (int64_t k = 0; k < n; k += kChunk) {
    MPI_Request request;
    MPI_Isend(p + k * size_of, static_cast<int>(std::min(kChunk, n - k)), type, to, kTagData, MPI_COMM_WORLD, &request);
    wait_idle(request);
  }
}
void receive_all(void* data, int64_t n, MPI_Datatype type, int size_of, int from) {
  auto* p = static_cast<char*>(data);
  for (int64_t k = 0; k < n; k += kChunk) {
    MPI_Request request;
    MPI_Irecv(p + k * size_of, static_cast<int>(std::min(kChunk, n - k)), type, from, kTagData, MPI_COMM_WORLD, &request);
    wait_idle(request);
  }
}

void reduce_in_place(std::vector<int64_t>& values, MPI_Op op) {
  if (world_ranks() == 1 || values.empty()) return;
  MPI_Request request;
  MPI_Iallreduce(MPI_IN_PLACE, values.data(), as_count(static_cast<int64_t>(values.size()), "reduction"), MPI_INT64_T, op,
                 MPI_COMM_WORLD, &request);
  wait_idle(request);
}

}  // namespace

int64_t world_sum_before(int64_t value) {
  if (world_ranks() == 1) return 0;
  int64_t before = 0;
  MPI_Request request;
  MPI_Iexscan(&value, &before, 1, MPI_INT64_T, MPI_SUM, MPI_COMM_WORLD, &request);
  wait_idle(request);
  return world_rank() == 0 ? 0 : before;  // MPI leaves rank 0's result undefined
}

void world_min(std::vector<int64_t>& values) { reduce_in_place(values, MPI_MIN); }
void world_max(std::vector<int64_t>& values) { reduce_in_place(values, MPI_MAX); }

namespace {

// One row of `row_bytes` bytes as an MPI datatype (freed on scope exit).
struct RowType {
  MPI_Datatype type = MPI_DATATYPE_NULL;
  explicit RowType(int64_t row_bytes) {
    MPI_Type_contiguous(as_count(row_bytes, "row bytes"), MPI_BYTE, &type);
    MPI_Type_commit(&type);
  }
  ~RowType() { MPI_Type_free(&type); }
  RowType(const RowType&) = delete;
  RowType& operator=(const RowType&) = delete;
};

std::vector<int> as_counts(const std::vector<int64_t>& rows, const char* what) {
  std::vector<int> counts(rows.size());
  for (std::size_t r = 0; r < rows.size(); ++r) counts[r] = as_count(rows[r], what);
  return counts;
}

}  // namespace

void world_alltoall_rows(const void* send, const std::vector<int64_t>& send_rows, const std::vector<int64_t>& send_at,
                         void* recv, const std::vector<int64_t>& recv_rows, const std::vector<int64_t>& recv_at,
                         int64_t row_bytes) {
  if (world_ranks() == 1) {
    std::copy_n(static_cast<const char*>(send) + send_at[0] * row_bytes, send_rows[0] * row_bytes,
                static_cast<char*>(recv) + recv_at[0] * row_bytes);
    return;
  }
  const RowType row(row_bytes);
  const auto send_counts = as_counts(send_rows, "transpose block"), send_offsets = as_counts(send_at, "transpose offset");
  const auto recv_counts = as_counts(recv_rows, "transpose block"), recv_offsets = as_counts(recv_at, "transpose offset");
  MPI_Request request;
  MPI_Ialltoallv(send, send_counts.data(), send_offsets.data(), row.type, recv, recv_counts.data(), recv_offsets.data(),
                 row.type, MPI_COMM_WORLD, &request);
  wait_idle(request);
}

void world_gather_rows(const void* send, int64_t rows, void* recv, const std::vector<int64_t>& recv_rows,
                       const std::vector<int64_t>& recv_at, int64_t row_bytes) {
  if (world_ranks() == 1) {
    std::copy_n(static_cast<const char*>(send), rows * row_bytes, static_cast<char*>(recv) + recv_at[0] * row_bytes);
    return;
  }
  const RowType row(row_bytes);
  const bool root = is_root_rank();
  const auto counts = root ? as_counts(recv_rows, "gathered rows") : std::vector<int>();
  const auto offsets = root ? as_counts(recv_at, "gather offset") : std::vector<int>();
  MPI_Request request;
  MPI_Igatherv(send, as_count(rows, "gathered rows"), row.type, recv, root ? counts.data() : nullptr,
               root ? offsets.data() : nullptr, row.type, 0, MPI_COMM_WORLD, &request);
  wait_idle(request);
}

namespace {

// Sends `values` to rank `to` and returns what rank `from` sent (MPI_PROC_NULL: none).
std::vector<int64_t> pass(const std::vector<int64_t>& values, int to, int from) {
  int64_t size = static_cast<int64_t>(values.size()), incoming = 0;
  MPI_Request requests[2];
  MPI_Irecv(&incoming, 1, MPI_INT64_T, from, kTagSize, MPI_COMM_WORLD, &requests[0]);
  MPI_Isend(&size, 1, MPI_INT64_T, to, kTagSize, MPI_COMM_WORLD, &requests[1]);
  wait_idle(requests, 2);
  std::vector<int64_t> received(static_cast<std::size_t>(from != MPI_PROC_NULL ? incoming : 0));
  MPI_Irecv(received.data(), as_count(static_cast<int64_t>(received.size()), "halo"), MPI_INT64_T, from, kTagData,
            MPI_COMM_WORLD, &requests[0]);
  MPI_Isend(values.data(), as_count(size, "halo"), MPI_INT64_T, to, kTagData, MPI_COMM_WORLD, &requests[1]);
  wait_idle(requests, 2);
  return received;
}

}  // namespace

std::vector<int64_t> world_pass_forward(const std::vector<int64_t>& values) {
  const int rank = world_rank(), n = world_ranks();
  if (n == 1) return {};
  return pass(values, rank + 1 < n ? rank + 1 : MPI_PROC_NULL, rank > 0 ? rank - 1 : MPI_PROC_NULL);
}

std::vector<int64_t> world_pass_backward(const std::vector<int64_t>& values) {
  const int rank = world_rank(), n = world_ranks();
  if (n == 1) return {};
  return pass(values, rank > 0 ? rank - 1 : MPI_PROC_NULL, rank + 1 < n ? rank + 1 : MPI_PROC_NULL);
}

std::vector<std::vector<int64_t>> world_gather(const std::vector<int64_t>& values) {
  const int n = world_ranks();
  if (n == 1) return {values};
  const int size = as_count(static_cast<int64_t>(values.size()), "gather");
  std::vector<int> counts(n, 0), offsets(n, 0);
  MPI_Request request;
  MPI_Igather(&size, 1, MPI_INT, counts.data(), 1, MPI_INT, 0, MPI_COMM_WORLD, &request);
  wait_idle(request);
  int64_t total = 0;
  for (int r = 0; r < n; ++r) offsets[r] = as_count(total, "gather"), total += counts[r];
  std::vector<int64_t> all(static_cast<std::size_t>(is_root_rank() ? total : 0));
  MPI_Igatherv(values.data(), size, MPI_INT64_T, all.data(), counts.data(), offsets.data(), MPI_INT64_T, 0, MPI_COMM_WORLD,
               &request);
  wait_idle(request);
  std::vector<std::vector<int64_t>> per_rank;
  if (!is_root_rank()) return per_rank;
  for (int r = 0; r < n; ++r) per_rank.emplace_back(all.begin() + offsets[r], all.begin() + offsets[r] + counts[r]);
  return per_rank;
}

std::vector<int64_t> world_scatter(const std::vector<std::vector<int64_t>>& per_rank) {
  const int n = world_ranks();
  if (n == 1) return per_rank.at(0);
  std::vector<int> counts(n, 0), offsets(n, 0);
  std::vector<int64_t> all;
  if (is_root_rank()) {
    int64_t total = 0;
    for (int r = 0; r < n; ++r) {
      counts[r] = as_count(static_cast<int64_t>(per_rank.at(r).size()), "scatter");
      offsets[r] = as_count(total, "scatter");
      total += counts[r];
      all.insert(all.end(), per_rank[r].begin(), per_rank[r].end());
    }
  }
  int size = 0;
  MPI_Request request;
  MPI_Iscatter(counts.data(), 1, MPI_INT, &size, 1, MPI_INT, 0, MPI_COMM_WORLD, &request);
  wait_idle(request);
  std::vector<int64_t> mine(static_cast<std::size_t>(size));
  MPI_Iscatterv(all.data(), counts.data(), offsets.data(), MPI_INT64_T, mine.data(), size, MPI_INT64_T, 0, MPI_COMM_WORLD,
                &request);
  wait_idle(request);
  return mine;
}

void world_collect_on_root(const void* bytes, uint64_t size, uint64_t unit,
                           const std::function<void(const void*, uint64_t)>& consume) {
  // Messages of whole units, about kCollectBytes each: rank 0's receive buffer stays small.
  const uint64_t chunk = std::max<uint64_t>(1, kCollectBytes / std::max<uint64_t>(unit, 1)) * std::max<uint64_t>(unit, 1);
  if (!is_root_rank()) {
    uint64_t n = size;
    MPI_Request request;
    MPI_Isend(&n, 1, MPI_UINT64_T, 0, kTagSize, MPI_COMM_WORLD, &request);
    wait_idle(request);
    for (uint64_t at = 0; at < size; at += chunk)
      send_all(static_cast<const char*>(bytes) + at, static_cast<int64_t>(std::min(chunk, size - at)), MPI_BYTE, 1, 0);
    return;
  }
  consume(bytes, size);
  std::vector<unsigned char> buffer;
  for (int r = 1; r < world_ranks(); ++r) {
    uint64_t n = 0;
    MPI_Request request;
    MPI_Irecv(&n, 1, MPI_UINT64_T, r, kTagSize, MPI_COMM_WORLD, &request);
    wait_idle(request);
    buffer.resize(std::min(chunk, n));
    for (uint64_t at = 0; at < n; at += chunk) {
      const uint64_t part = std::min(chunk, n - at);
      receive_all(buffer.data(), static_cast<int64_t>(part), MPI_BYTE, 1, r);
      consume(buffer.data(), part);
    }
  }
}

#else

int64_t world_sum_before(int64_t) { return 0; }
void world_min(std::vector<int64_t>&) {}
void world_max(std::vector<int64_t>&) {}
void world_alltoall_rows(const void* send, const std::vector<int64_t>& send_rows, const std::vector<int64_t>& send_at,
                         void* recv, const std::vector<int64_t>&, const std::vector<int64_t>& recv_at, int64_t row_bytes) {
  std::copy_n(static_cast<const char*>(send) + send_at.at(0) * row_bytes, send_rows.at(0) * row_bytes,
              static_cast<char*>(recv) + recv_at.at(0) * row_bytes);
}
void world_gather_rows(const void* send, int64_t rows, void* recv, const std::vector<int64_t>&,
                       const std::vector<int64_t>& recv_at, int64_t row_bytes) {
  std::copy_n(static_cast<const char*>(send), rows * row_bytes, static_cast<char*>(recv) + recv_at.at(0) * row_bytes);
}
std::vector<int64_t> world_pass_forward(const std::vector<int64_t>&) { return {}; }
std::vector<int64_t> world_pass_backward(const std::vector<int64_t>&) { return {}; }
std::vector<std::vector<int64_t>> world_gather(const std::vector<int64_t>& values) { return {values}; }
std::vector<int64_t> world_scatter(const std::vector<std::vector<int64_t>>& per_rank) { return per_rank.at(0); }
void world_collect_on_root(const void* bytes, uint64_t size, uint64_t, const std::function<void(const void*, uint64_t)>& consume) {
  consume(bytes, size);
}

#endif

}  // namespace emorph
