// Giving freed memory back to the system. The vetan executable runs jemalloc without decay
// (api/main.cc: freed pages are kept for reuse, fastest within a phase); a batch run between
// phases whose allocations differ in shape, and the server after its load and after each
// run, give the kept pages back so they do not add to the next phase's peak.
#pragma once

#include <cstddef>

// jemalloc's control interface, when the program is linked with it (the vetan executable
// is; tests and sanitizer builds are not).
extern "C" int mallctl(const char* name, void* old_value, size_t* old_size, void* new_value,
                       size_t new_size) __attribute__((weak));

namespace vetan {

// Purges every arena's freed pages (MADV_DONTNEED). Does nothing without jemalloc.
// Thread-safety: any thread, any time (jemalloc serialises the purge per arena).
inline void release_free_memory() {
  if (mallctl != nullptr) mallctl("arena.4096.purge", nullptr, nullptr, nullptr, 0);
}

}  // namespace vetan
