#pragma once
// The memory budget behind --memory-limit and [resources] memory_limit: a command whose in-core
// working set would exceed it streams its volume in z slabs instead (docs/streaming.md).
#include <cstdint>
#include <string>

namespace emorph {

// "512MiB", "4GiB", "1.5GB", "800M", "65536" (bytes). Binary (KiB, MiB, GiB, TiB; K, M, G, T) and
// decimal (kB, MB, GB, TB) units, case-insensitive. Throws InputError naming `option` for anything
// else, zero, or a size beyond 2^63 bytes.
uint64_t parse_memory_size(const std::string& text, const std::string& option);

uint64_t physical_memory_bytes();

// Half of the physical memory: leaves room for the page cache and for other processes (the share
// documented in docs/streaming.md).
constexpr double kDefaultMemoryShare = 0.5;
uint64_t default_memory_limit();

// The limit of this process: set by the CLI (--memory-limit, else the config's memory_limit), else
// default_memory_limit().
void set_memory_limit(uint64_t bytes);
uint64_t memory_limit();
bool memory_limit_is_default();

// True when a working set of `bytes` does not fit the limit: the caller streams.
bool exceeds_memory_limit(uint64_t bytes);

// The peak resident set size of this process so far (VmHWM of /proc/self/status), 0 when unknown.
uint64_t peak_resident_bytes();

}  // namespace emorph
