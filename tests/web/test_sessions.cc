// SessionStore (api/serve/sessions.h, issue 11 §2): ids and CSRF tokens are random and
// distinct, a session ends after its idle time or its lifetime, whichever is first, and on
// remove; cookie parsing and the cookie's attributes.
#include <gtest/gtest.h>

#include "api/serve/sessions.h"

namespace vetan::serve {
namespace {

using std::chrono::seconds;

TEST(SessionStore, IdleAndLifetimeEndASession) {
  SessionStore store(seconds(60), seconds(300));
  Principal who;
  who.role = Role::kDdo;
  who.scope = "DDO001";
  const auto t0 = SessionStore::Clock::time_point{} + seconds(1000);
  std::string id, csrf, id2, csrf2;
  store.create(&who, t0, &id, &csrf);
  store.create(&who, t0, &id2, &csrf2);
  EXPECT_EQ(id.size(), 64u);
  EXPECT_NE(id, id2);
  EXPECT_NE(csrf, csrf2);
  EXPECT_NE(id, csrf);
  SessionStore::Session s;
  ASSERT_TRUE(store.touch(id, t0 + seconds(59), &s));
  EXPECT_EQ(s.who, &who);
  EXPECT_EQ(s.csrf_token, csrf);
  // Each request restarts the idle timer, up to the lifetime.
  for (int t = 100; t < 300; t += 50) ASSERT_TRUE(store.touch(id, t0 + seconds(t), &s)) << t;
  EXPECT_FALSE(store.touch(id, t0 + seconds(300), &s));  // lifetime reached
  EXPECT_FALSE(store.touch(id, t0 + seconds(301), &s));  // and gone
  // Idle: no request for 60 s.
  EXPECT_FALSE(store.touch(id2, t0 + seconds(60), &s));
  EXPECT_EQ(store.size(), 0u);
  store.create(&who, t0, &id, &csrf);
  EXPECT_TRUE(store.remove(id));
  EXPECT_FALSE(store.remove(id));
  EXPECT_FALSE(store.touch(id, t0, &s));
  EXPECT_FALSE(store.touch("", t0, &s));
}

TEST(SessionStore, CookieValueAndAttributes) {
  EXPECT_EQ(cookie_value("a=1; vetan_session=abc; b=2", kSessionCookie), "abc");
  EXPECT_EQ(cookie_value("vetan_session=abc", kSessionCookie), "abc");
  EXPECT_EQ(cookie_value("xvetan_session=abc; vetan_sessionx=d", kSessionCookie), "");
  EXPECT_EQ(cookie_value("", kSessionCookie), "");
  EXPECT_EQ(session_cookie("abc", seconds(60), false), "vetan_session=abc; Path=/; HttpOnly; SameSite=Strict; Max-Age=60");
  EXPECT_EQ(session_cookie("", seconds(0), true), "vetan_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0; Secure");
}

}  // namespace
}  // namespace vetan::serve
