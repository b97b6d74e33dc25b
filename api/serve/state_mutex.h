// The service's state lock (issue 9: reads while a run completes). Writers are exclusive
// among themselves and against readers; readers share. A writer with a long read-only
// stretch (a run's completion: its bills built, checked, encoded and made durable) lets
// readers back in for that stretch with `admit_readers()` and shuts them out again for the
// short apply with `exclude_readers()`; no other writer can enter in between, so what the
// writer checked is still the state it applies to.
//
// Thread safety: all members may be called from any thread. Writers are preferred: a
// waiting writer is not starved by a stream of readers.
#pragma once

#include <pthread.h>

#include <mutex>
#include <shared_mutex>  // std::shared_lock, for readers

namespace vetan::serve {

class StateMutex {
 public:
  StateMutex() {
    pthread_rwlockattr_t attributes;
    pthread_rwlockattr_init(&attributes);
    pthread_rwlockattr_setkind_np(&attributes, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
    pthread_rwlock_init(&state_, &attributes);
    pthread_rwlockattr_destroy(&attributes);
  }
  ~StateMutex() { pthread_rwlock_destroy(&state_); }
  StateMutex(const StateMutex&) = delete;
  StateMutex& operator=(const StateMutex&) = delete;

  // A writer (std::lock_guard, std::unique_lock): exclusive.
  void lock() {
    writers_.lock();
    pthread_rwlock_wrlock(&state_);
  }
  void unlock() {
    pthread_rwlock_unlock(&state_);
    writers_.unlock();
  }
  // A reader (std::shared_lock): shares with readers and with a writer that admitted them.
  void lock_shared() { pthread_rwlock_rdlock(&state_); }
  void unlock_shared() { pthread_rwlock_unlock(&state_); }
  // Without waiting: true when taken.
  bool try_lock_shared() { return pthread_rwlock_tryrdlock(&state_) == 0; }
  bool try_lock() {
    if (!writers_.try_lock()) return false;
    if (pthread_rwlock_trywrlock(&state_) == 0) return true;
    writers_.unlock();
    return false;
  }

  // REQUIRES: the calling thread holds the lock as a writer. Readers may enter; the
  // writer keeps the writers out and may only read the state until exclude_readers().
  void admit_readers() {
    pthread_rwlock_unlock(&state_);
    pthread_rwlock_rdlock(&state_);
  }
  // REQUIRES: admit_readers() was the caller's last call. Waits for the readers in to leave.
  void exclude_readers() {
    pthread_rwlock_unlock(&state_);
    pthread_rwlock_wrlock(&state_);
  }

 private:
  std::mutex writers_;
  pthread_rwlock_t state_;
};

// Admits readers for a scope of a writer's lock (see StateMutex::admit_readers).
class ReadersAdmitted {
 public:
  explicit ReadersAdmitted(StateMutex* mutex) : mutex_(mutex) { mutex_->admit_readers(); }
  ~ReadersAdmitted() { mutex_->exclude_readers(); }
  ReadersAdmitted(const ReadersAdmitted&) = delete;
  ReadersAdmitted& operator=(const ReadersAdmitted&) = delete;

 private:
  StateMutex* mutex_;
};

}  // namespace vetan::serve
