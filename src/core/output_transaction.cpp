// Deferred commits of a command's outputs, and removal of temporary outputs on SIGINT/SIGTERM
// (async-signal-safe: fixed slots, only unlink/rmdir/getdents in the handler).
#include "emorph/output_transaction.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstring>
#include <mutex>

#include "emorph/error.hpp"

namespace fs = std::filesystem;

namespace emorph {
namespace {

// Slot states: free, being filled or cleared by the main thread, ready for the handler.
enum : int { kFree = 0, kBusy = 1, kReady = 2 };
constexpr int kSlots = 256;  // outputs open at once: a handful per command (folder slices commit at once)
constexpr std::size_t kPathBytes = 4096;

struct TemporarySlot {
  std::atomic<int> state{kFree};
  bool folder = false;
  char path[kPathBytes] = {};
};
TemporarySlot g_slots[kSlots];

// Removes the entries directly inside a folder with raw getdents64 (no allocation), then the folder.
void remove_folder_in_handler(const char* path) {
  const int dir = ::open(path, O_RDONLY | O_DIRECTORY);
  if (dir >= 0) {
    alignas(8) char buffer[4096];
    for (;;) {
      const long n = ::syscall(SYS_getdents64, dir, buffer, sizeof buffer);
      if (n <= 0) break;
      for (long at = 0; at < n;) {
        struct Entry {
          uint64_t ino;
          int64_t off;
          unsigned short reclen;
          unsigned char type;
          char name[1];
        };
        const auto* e = reinterpret_cast<const Entry*>(buffer + at);
        if (std::strcmp(e->name, ".") != 0 && std::strcmp(e->name, "..") != 0) ::unlinkat(dir, e->name, 0);
        at += e->reclen;
      }
    }
    ::close(dir);
  }
  ::rmdir(path);
}

extern "C" void remove_temporaries_and_reraise(int sig) {
  for (auto& slot : g_slots) {
    if (slot.state.load(std::memory_order_acquire) != kReady) continue;
    if (slot.folder)
      remove_folder_in_handler(slot.path);
    else
      ::unlink(slot.path);
  }
  std::signal(sig, SIG_DFL);
  std::raise(sig);  // delivered when the handler returns: the process ends by this signal
}

std::mutex g_transaction_mutex;
OutputTransaction* g_open_transaction = nullptr;

fs::path normal_absolute(const fs::path& p) {
  std::error_code ec;
  fs::path a = fs::absolute(p, ec);
  return (ec ? p : a).lexically_normal();
}

void rename_or_throw(const fs::path& temp, const fs::path& target) {
  std::error_code ec;
  fs::rename(temp, target, ec);
  if (ec) throw InputError(target.string() + ": cannot write output (" + ec.message() + ")");
  unregister_temporary(temp);
}

}  // namespace

void register_temporary(const fs::path& path, bool folder) {
  const std::string text = normal_absolute(path).string();
  if (text.size() >= kPathBytes) return;  // best effort: such a path is only left behind on a signal
  for (auto& slot : g_slots) {
    int expected = kFree;
    if (!slot.state.compare_exchange_strong(expected, kBusy, std::memory_order_acq_rel)) continue;
    std::memcpy(slot.path, text.c_str(), text.size() + 1);
    slot.folder = folder;
    slot.state.store(kReady, std::memory_order_release);
    return;
  }
}

void unregister_temporary(const fs::path& path) {
  const std::string text = normal_absolute(path).string();
  for (auto& slot : g_slots) {
    int expected = kReady;
    if (std::strcmp(slot.path, text.c_str()) != 0) continue;
    if (slot.state.compare_exchange_strong(expected, kBusy, std::memory_order_acq_rel)) {
      slot.path[0] = '\0';
      slot.state.store(kFree, std::memory_order_release);
      return;
    }
  }
}

void remove_temporaries_on_signals() {
  struct sigaction action {};
  action.sa_handler = remove_temporaries_and_reraise;
  sigemptyset(&action.sa_mask);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
    sigaddset(&action.sa_mask, sig);  // one cleanup at a time
  }
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) ::sigaction(sig, &action, nullptr);
}

OutputTransaction::OutputTransaction(std::vector<fs::path> held) {
  for (auto& p : held) held_.push_back(normal_absolute(p));
  std::lock_guard lock(g_transaction_mutex);
  if (g_open_transaction) throw InternalError("output transaction: one is already open");
  g_open_transaction = this;
}

OutputTransaction::~OutputTransaction() {
  {
    std::lock_guard lock(g_transaction_mutex);
    if (g_open_transaction == this) g_open_transaction = nullptr;
  }
  if (committed_) return;
  for (const auto& [temp, target] : ready_) {
    std::error_code ec;
    fs::remove_all(temp, ec);
    unregister_temporary(temp);
  }
}

void OutputTransaction::commit() {
  {
    std::lock_guard lock(g_transaction_mutex);
    if (g_open_transaction == this) g_open_transaction = nullptr;
  }
  // Renames cannot fail for want of space or permission once every temporary is complete beside its
  // target; if one still fails, the ones not yet renamed are removed by the destructor.
  while (!ready_.empty()) {
    auto [temp, target] = ready_.front();
    rename_or_throw(temp, target);
    ready_.erase(ready_.begin());
  }
  committed_ = true;
}

void finish_output(const fs::path& temp, const fs::path& target) {
  {
    std::lock_guard lock(g_transaction_mutex);
    if (g_open_transaction) {
      const fs::path t = normal_absolute(target);
      for (const auto& h : g_open_transaction->held_) {
        if (h != t) continue;
        g_open_transaction->ready_.emplace_back(temp, target);
        return;
      }
    }
  }
  rename_or_throw(temp, target);
}

}  // namespace emorph
