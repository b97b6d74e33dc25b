// HeavySlots: admission of what-if and arrears computations (issue 9 §2: heavy requests are
// fair). Each takes the machine's TBB pool for seconds on a large master, so they are not
// queued but admitted or refused (429) at once: each kind has its own slot, so a stream of
// DDOs' arrears cannot keep analysts' what-ifs out (nor the reverse), and a caller holds at
// most one slot, so one caller cannot take both.
//
// Thread-safety: acquire() and Slot's destructor may run on any thread.
#pragma once

#include <mutex>
#include <set>
#include <string>

#include "core/common/status.h"

namespace vetan::serve {

class HeavySlots {
 public:
  enum class Kind { kWhatIf, kArrears };
  static constexpr int kKinds = 2;

  // Holds a slot while it lives (when held()).
  class Slot {
   public:
    Slot() = default;
    Slot(Slot&& other) noexcept { *this = std::move(other); }
    Slot& operator=(Slot&& other) noexcept {
      release();
      owner_ = other.owner_, kind_ = other.kind_, caller_ = std::move(other.caller_);
      other.owner_ = nullptr;
      return *this;
    }
    ~Slot() { release(); }
    bool held() const { return owner_ != nullptr; }

   private:
    friend class HeavySlots;
    void release() {
      if (owner_ != nullptr) owner_->release(kind_, caller_);
      owner_ = nullptr;
    }
    HeavySlots* owner_ = nullptr;
    Kind kind_ = Kind::kWhatIf;
    std::string caller_;
  };

  // A held slot of `kind` for `caller`; else an empty slot and *why (exhausted, BUSY) says
  // whether the kind's slot is taken or the caller already has a computation running.
  Slot acquire(Kind kind, const std::string& caller, Status* why) {
    std::lock_guard lock(mutex_);
    Slot slot;
    if (callers_.count(caller)) {
      *why = Status::exhausted(caller + " has a what-if or arrears computation running; try again when it completes",
                               "BUSY");
      return slot;
    }
    if (busy_[int(kind)]) {
      *why = Status::exhausted(std::string("another ") + (kind == Kind::kWhatIf ? "what-if" : "arrears") +
                                   " computation is running; try again when it completes",
                               "BUSY");
      return slot;
    }
    busy_[int(kind)] = true;
    callers_.insert(caller);
    slot.owner_ = this, slot.kind_ = kind, slot.caller_ = caller;
    return slot;
  }

 private:
  void release(Kind kind, const std::string& caller) {
    std::lock_guard lock(mutex_);
    busy_[int(kind)] = false;
    callers_.erase(caller);
  }
  std::mutex mutex_;
  bool busy_[kKinds] = {false, false};
  std::set<std::string> callers_;
};

}  // namespace vetan::serve
