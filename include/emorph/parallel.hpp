#pragma once
// Thread count control shared by the CLI (--threads) and Python (threads=).
namespace emorph {

void set_threads(int n);  // n <= 0: all cores
int thread_count();

}  // namespace emorph
