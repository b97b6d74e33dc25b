// Web console sessions (issue 11 §2): a token exchanged for a session cookie. A session maps
// to the principal of the token it was made from, so a page's request is the same API call,
// with the same roles and scopes, as a bearer token's. Each session has its own CSRF token,
// which every write made with the cookie must send back in X-CSRF-Token (the cookie alone
// never authorises a write). A session ends on sign-out, after `idle` without a request, or
// `lifetime` after sign-in, whichever is first.
//
// Thread-safety: every member may be called from any thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "api/serve/tokens.h"

namespace vetan::serve {

class SessionStore {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::seconds kIdle{30 * 60};
  static constexpr std::chrono::seconds kLifetime{8 * 60 * 60};
  static constexpr size_t kMaxSessions = 100000;  // beyond, the oldest-expiring is dropped

  explicit SessionStore(std::chrono::seconds idle = kIdle, std::chrono::seconds lifetime = kLifetime)
      : idle_(idle), lifetime_(lifetime) {}

  struct Session {
    const Principal* who = nullptr;  // REQUIRES: outlives the store (the TokenRegistry's)
    std::string csrf_token;          // 32 random bytes, hex
    Clock::time_point created;
    Clock::time_point last_seen;
    std::chrono::seconds lifetime{0};  // shorter than the store's when > 0 (subscribers)
  };

  // A new session for `who`: its id (32 random bytes, hex) and its CSRF token; `lifetime`,
  // when > 0, ends it sooner than the store's.
  void create(const Principal* who, Clock::time_point now, std::string* id, std::string* csrf_token,
              std::chrono::seconds lifetime = std::chrono::seconds(0));
  // The live session `id`, its idle timer restarted; false (and the session dropped) when
  // unknown or expired.
  bool touch(std::string_view id, Clock::time_point now, Session* out);
  // Ends session `id`. Returns false when there was none.
  bool remove(std::string_view id);
  size_t size() const;

  std::chrono::seconds lifetime() const { return lifetime_; }

 private:
  bool expired(const Session& s, Clock::time_point now) const;
  std::chrono::seconds idle_, lifetime_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Session> by_id_;
};

// The value of cookie `name` in a Cookie header ("a=1; b=2"), or empty.
std::string_view cookie_value(std::string_view header, std::string_view name);

// The Set-Cookie value of the console's session cookie: HttpOnly, SameSite=Strict, Path=/,
// Secure when `secure` (behind TLS); Max-Age=0 clears it.
std::string session_cookie(std::string_view id, std::chrono::seconds max_age, bool secure);

inline constexpr std::string_view kSessionCookie = "vetan_session";

}  // namespace vetan::serve
