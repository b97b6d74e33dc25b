// The service's state lock (api/serve/state_mutex.h; issue 9: reads while a run completes):
// a writer shuts out readers and writers; a writer that admitted readers lets readers in and
// still keeps every other writer out, so the state it checked is the state it applies to.
#include "api/serve/state_mutex.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>
#include <shared_mutex>

namespace vetan::serve {
namespace {

// Each probe runs on another thread, as a request would.
bool reader_gets_in(StateMutex* m) {
  return std::async(std::launch::async, [m] {
           if (!m->try_lock_shared()) return false;
           m->unlock_shared();
           return true;
         })
      .get();
}
bool writer_gets_in(StateMutex* m) {
  return std::async(std::launch::async, [m] {
           if (!m->try_lock()) return false;
           m->unlock();
           return true;
         })
      .get();
}

TEST(StateMutex, AWriterShutsOutReadersAndWritersUntilItAdmitsReaders) {
  StateMutex m;
  EXPECT_TRUE(reader_gets_in(&m));
  EXPECT_TRUE(writer_gets_in(&m));
  {
    std::unique_lock writer(m);
    std::atomic<bool> left{false};
    std::thread reader;
    EXPECT_FALSE(reader_gets_in(&m));
    EXPECT_FALSE(writer_gets_in(&m));
    {
      ReadersAdmitted admitted(&m);
      EXPECT_TRUE(reader_gets_in(&m));
      EXPECT_FALSE(writer_gets_in(&m));  // the state the writer checks cannot change
      // A reader inside when the writer takes the state back: the writer waits for it.
      std::promise<void> inside;
      reader = std::thread([&] {
        std::shared_lock lock(m);
        inside.set_value();
        std::this_thread::sleep_for(std::chrono::milliseconds(30));
        left = true;
      });
      inside.get_future().wait();  // still inside: ~ReadersAdmitted must wait for it
    }
    EXPECT_TRUE(left);
    reader.join();
    EXPECT_FALSE(reader_gets_in(&m));
    EXPECT_FALSE(writer_gets_in(&m));
  }
  EXPECT_TRUE(reader_gets_in(&m));
  EXPECT_TRUE(writer_gets_in(&m));
}

TEST(StateMutex, ReadersShareTheLock) {
  StateMutex m;
  std::shared_lock first(m);
  EXPECT_TRUE(reader_gets_in(&m));
  EXPECT_FALSE(writer_gets_in(&m));
}

}  // namespace
}  // namespace vetan::serve
