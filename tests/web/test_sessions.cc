// SessionStore (api/serve/sessions.h, issue 11 §2): ids and CSRF tokens are random and
// distinct, a session ends after its idle time or its lifetime, whichever is first, and on
// remove; cookie parsing and the cookie's attributes.
#include <gtest/gtest.h>

#include "api/serve/crypto.h"
#include "api/serve/online_accounts.h"
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

// A subscriber's session (onboarding_routes.cc) ends at its own, shorter lifetime.
TEST(SessionStore, AShorterLifetimeEndsASessionSooner) {
  SessionStore store(seconds(600), seconds(8 * 3600));
  Principal who;
  who.role = Role::kEmployee;
  who.scope = "E0002";
  const auto t0 = SessionStore::Clock::time_point{} + seconds(1000);
  std::string id, csrf, other, csrf2;
  store.create(&who, t0, &id, &csrf, seconds(900));
  store.create(&who, t0, &other, &csrf2);
  SessionStore::Session s;
  for (int t = 300; t < 900; t += 300) ASSERT_TRUE(store.touch(id, t0 + seconds(t), &s)) << t;
  EXPECT_FALSE(store.touch(id, t0 + seconds(900), &s));
  for (int t = 300; t < 1800; t += 300) EXPECT_TRUE(store.touch(other, t0 + seconds(t), &s)) << t;
}

TEST(OnlineAccounts, FieldChecks) {
  std::string m;
  EXPECT_TRUE(normalize_mobile("98765 43210", &m));
  EXPECT_EQ(m, "+919876543210");
  EXPECT_TRUE(normalize_mobile("+91-98765-43210", &m));
  EXPECT_EQ(m, "+919876543210");
  EXPECT_TRUE(normalize_mobile("09876543210", &m));
  EXPECT_TRUE(normalize_mobile("919876543210", &m));
  EXPECT_EQ(m, "+919876543210");
  for (const char* bad : {"", "12345", "5876543210", "+1 2025550123", "98765x3210", "9876543210 1", "++919876543210"}) {
    EXPECT_FALSE(normalize_mobile(bad, &m)) << bad;
  }
  EXPECT_TRUE(check_treasury_code("TR01").ok());
  EXPECT_TRUE(check_treasury_code("JMU003").ok());
  for (const char* bad : {"", "T1", "TR", "tr01", "TR-01", "TR01A", "TREASURY01", "TR0000001"}) {
    Status s = check_treasury_code(bad);
    EXPECT_FALSE(s.ok()) << bad;
    EXPECT_NE(s.message().find("'treasury_code'"), std::string::npos);
  }
  EXPECT_TRUE(check_ddo_code("DDO001").ok());
  EXPECT_FALSE(check_ddo_code("ddo 1").ok());
  EXPECT_EQ(otpauth_uri("DDO 1", "ABC"), "otpauth://totp/vetan%3ADDO%201?secret=ABC&issuer=vetan&algorithm=SHA1&digits=6&period=30");
  std::string svg;
  ASSERT_TRUE(qr_svg(otpauth_uri("DDO001", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"), &svg).ok());
  // Version 4 or more (33+ modules) plus two 4-module margins; the three finder squares'
  // top rows are 7-module runs.
  EXPECT_EQ(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ", 0), 0u);
  EXPECT_NE(svg.find("M4 4h7v1h-7z"), std::string::npos) << svg.substr(0, 400);
}

// Credentials: live after the event, retired by a rotation (the old principal stays valid
// memory for the sessions that point at it), refused after a revocation.
TEST(OnlineAccounts, RotateAndRevoke) {
  OnlineAccounts a;
  DdoRegistration d;
  d.ddo_code = "DDO7";
  d.treasury_code = "TR01";
  d.mobile = "+919876543210";
  AuditEvent reg = OnlineAccounts::register_event(d);
  reg.seq = 1;
  ASSERT_TRUE(a.apply(reg).ok());
  EXPECT_FALSE(a.apply(reg).ok());  // a second registration of the code
  const std::string t1 = "vt_one", t2 = "vt_two";
  AuditEvent c1 = OnlineAccounts::credentials_event("DDO7", sha256_hex(t1), sha256_hex("s"), false);
  ASSERT_TRUE(a.apply(c1).ok());
  const Principal* p1 = a.authenticate(t1);
  ASSERT_NE(p1, nullptr);
  EXPECT_EQ(p1->label(), "ddo:DDO7");
  EXPECT_FALSE(a.retired(p1));
  ASSERT_TRUE(a.apply(OnlineAccounts::credentials_event("DDO7", sha256_hex(t2), sha256_hex("s2"), true)).ok());
  EXPECT_EQ(a.authenticate(t1), nullptr);
  EXPECT_TRUE(a.retired(p1));
  const Principal* p2 = a.authenticate(t2);
  ASSERT_NE(p2, nullptr);
  ASSERT_TRUE(a.apply(OnlineAccounts::revoke_event("DDO7", sha256_hex(t2))).ok());
  EXPECT_EQ(a.authenticate(t2), nullptr);
  EXPECT_TRUE(a.retired(p2));
  EXPECT_FALSE(a.apply(OnlineAccounts::revoke_event("DDO7", sha256_hex(t2))).ok());
  DdoRegistration r;
  ASSERT_TRUE(a.registration("DDO7", &r));
  EXPECT_TRUE(r.revoked);
  EXPECT_EQ(r.credentials_issued, 2);
  Principal file_principal;
  EXPECT_FALSE(a.retired(&file_principal));
}

}  // namespace
}  // namespace vetan::serve
