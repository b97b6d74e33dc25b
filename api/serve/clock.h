// The service's clock, injectable so tests can stand on any day of the monthly cycle.
// Calendar days (profile `calendar`) are days of the month in India Standard Time
// (UTC+05:30), the treasury's own time.
//
// Thread-safety: now() may be called from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

#include "core/common/civil_date.h"

namespace vetan::serve {

class Clock {
 public:
  virtual ~Clock() = default;
  // Seconds since 1970-01-01T00:00:00Z.
  virtual int64_t now() const = 0;
};

class SystemClock : public Clock {
 public:
  int64_t now() const override {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch()).count();
  }
};

// A clock that stands still until set (tests, and `vetan serve --date` for rehearsals).
class ManualClock : public Clock {
 public:
  explicit ManualClock(int64_t seconds = 0) : seconds_(seconds) {}
  int64_t now() const override { return seconds_.load(); }
  void set(int64_t seconds) { seconds_.store(seconds); }
  // Sets the clock to 10:00 IST on `date`.
  void set_date(Date date) { set(int64_t(date) * 86400 + 10 * 3600 - kIstOffsetSeconds); }
  static constexpr int64_t kIstOffsetSeconds = 5 * 3600 + 30 * 60;

 private:
  std::atomic<int64_t> seconds_;
};

// The IST calendar date of unix time `seconds`.
inline Date ist_date(int64_t seconds) {
  const int64_t shifted = seconds + ManualClock::kIstOffsetSeconds;
  return Date(shifted >= 0 ? shifted / 86400 : (shifted - 86399) / 86400);
}

// "YYYY-MM-DDTHH:MM:SSZ".
inline std::string utc_timestamp(int64_t seconds) {
  const int64_t days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400;
  const int64_t rest = seconds - days * 86400;
  const CivilDate d = civil_from_days(Date(days));
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02dZ", d.year, d.month, d.day,
                int(rest / 3600), int(rest / 60 % 60), int(rest % 60));
  return text;
}

}  // namespace vetan::serve
