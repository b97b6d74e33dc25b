// Web console sessions (issue 11 §2, sessions.h): POST /v1/session {token} signs in and sets
// the session cookie, GET /v1/session says who is signed in with the day's calendar windows
// (what the console shows and disables), DELETE /v1/session signs out. Service::
// session_principal authenticates a request by its cookie for the router.
#include <algorithm>

#include "api/serve/crypto.h"
#include "api/serve/service.h"
#include "core/cycle/calendar.h"

namespace vetan::serve {

namespace {

std::string random_hex(size_t bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  const std::string raw = random_bytes(bytes);
  std::string out;
  out.reserve(raw.size() * 2);
  for (char ch : raw) {
    out.push_back(kHex[uint8_t(ch) >> 4]);
    out.push_back(kHex[uint8_t(ch) & 15]);
  }
  return out;
}

bool behind_tls(const Request& request) { return request.forwarded_proto == "https"; }

const char* role_name(Role role) {
  switch (role) {
    case Role::kDdo: return "ddo";
    case Role::kTreasury: return "treasury";
    case Role::kAnalyst: return "analyst";
    case Role::kAdmin: return "admin";
    case Role::kHeadOfOffice: return "hoo";
    case Role::kAgInitiator:
    case Role::kAgChecker:
    case Role::kAgApprover: return "ag";
    case Role::kEmployee: return "employee";
  }
  return "analyst";
}

}  // namespace

void SessionStore::create(const Principal* who, Clock::time_point now, std::string* id, std::string* csrf_token,
                          std::chrono::seconds lifetime) {
  *id = random_hex(32);
  *csrf_token = random_hex(32);
  std::lock_guard lock(mutex_);
  if (by_id_.size() >= kMaxSessions) {
    // Drop the expired, then (still full) the one signed in first.
    for (auto it = by_id_.begin(); it != by_id_.end();) it = expired(it->second, now) ? by_id_.erase(it) : std::next(it);
    if (by_id_.size() >= kMaxSessions) {
      by_id_.erase(std::min_element(by_id_.begin(), by_id_.end(), [](const auto& a, const auto& b) {
        return a.second.created < b.second.created;
      }));
    }
  }
  by_id_[*id] = Session{who, *csrf_token, now, now, lifetime};
}

bool SessionStore::expired(const Session& s, Clock::time_point now) const {
  const std::chrono::seconds lifetime = s.lifetime.count() > 0 ? std::min(s.lifetime, lifetime_) : lifetime_;
  return now - s.last_seen >= idle_ || now - s.created >= lifetime;
}

bool SessionStore::touch(std::string_view id, Clock::time_point now, Session* out) {
  std::lock_guard lock(mutex_);
  auto it = by_id_.find(std::string(id));
  if (it == by_id_.end()) return false;
  if (expired(it->second, now)) {
    by_id_.erase(it);
    return false;
  }
  it->second.last_seen = now;
  *out = it->second;
  return true;
}

bool SessionStore::remove(std::string_view id) {
  std::lock_guard lock(mutex_);
  return by_id_.erase(std::string(id)) > 0;
}

size_t SessionStore::size() const {
  std::lock_guard lock(mutex_);
  return by_id_.size();
}

std::string_view cookie_value(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const size_t semi = std::min(header.find(';'), header.size());
    std::string_view pair = header.substr(0, semi);
    header.remove_prefix(std::min(semi + 1, header.size()));
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    const size_t eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) return pair.substr(eq + 1);
  }
  return {};
}

std::string session_cookie(std::string_view id, std::chrono::seconds max_age, bool secure) {
  std::string out(kSessionCookie);
  out += '=';
  out.append(id);
  out += "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age.count());
  if (secure) out += "; Secure";
  return out;
}

std::optional<Reply> Service::session_principal(const Request& request, Context* c) {
  const std::string_view id = cookie_value(request.cookie, kSessionCookie);
  if (id.empty()) {
    return error_reply(401, "UNAUTHENTICATED",
                       "an 'Authorization: Bearer <token>' header or a session cookie (POST /v1/session) is required");
  }
  SessionStore::Session session;
  if (!sessions_.touch(id, SessionStore::Clock::now(), &session)) {
    return error_reply(401, "UNAUTHENTICATED", "the session has ended or expired: sign in again");
  }
  if (request.method != "GET" && request.method != "HEAD" &&
      !constant_time_equal(request.csrf_token, session.csrf_token)) {
    return error_reply(403, "CSRF", "a write with the session cookie must send the session's X-CSRF-Token header");
  }
  if (accounts_.retired(session.who)) {  // its token was rotated or revoked
    sessions_.remove(id);
    return error_reply(401, "UNAUTHENTICATED", "the credentials of this session were revoked: sign in again");
  }
  c->who = session.who;
  c->session_id = std::string(id);
  return std::nullopt;
}

Reply Service::create_session(const Context& c, const Params&, const std::string& body) {
  JsonBody parsed;
  if (Status s = parse_body(body, {"token"}, &parsed); !s.ok()) return error_reply(400, "INVALID_ARGUMENT", s.message());
  const JsonValue* token = find_field(parsed, "token");
  if (token == nullptr || token->type != JsonValue::Type::kString || token->text.empty()) {
    return error_reply(400, "INVALID_ARGUMENT", "field 'token' must be the API token, a string");
  }
  const Principal* who = authenticate_token(token->text);
  if (who == nullptr) return error_reply(401, "UNAUTHENTICATED", "the token is not valid");
  std::string id, csrf;
  sessions_.create(who, SessionStore::Clock::now(), &id, &csrf);
  Context signed_in = c;
  signed_in.who = who;
  signed_in.session_id = id;
  Reply reply = get_session(signed_in, {}, "");  // who, the CSRF token, the windows
  reply.headers.emplace_back("Set-Cookie", session_cookie(id, sessions_.lifetime(),
                                                          c.request != nullptr && behind_tls(*c.request)));
  return reply;
}

Reply Service::get_session(const Context& c, const Params&, const std::string&) {
  SessionStore::Session session;
  const bool cookie = !c.session_id.empty() && sessions_.touch(c.session_id, SessionStore::Clock::now(), &session);
  JsonWriter w;
  // The AG office's three roles are one "ag" role to the pages, its step as the scope.
  std::string scope = c.who->scope;
  if (c.who->role == Role::kAgInitiator) scope = "initiator";
  if (c.who->role == Role::kAgChecker) scope = "checker";
  if (c.who->role == Role::kAgApprover) scope = "approver";
  w.begin_object().field("role", role_name(c.who->role)).field("scope", scope);
  w.field("label", c.who->label()).field("name", c.who->name);
  if (size_t row; c.who->role == Role::kEmployee && find_row(c.who->scope, &row).ok()) {
    w.field("gpf_account", std::string(base_->gpf_account[row]));  // the subscriber's pages need it
  }
  if (cookie) w.field("csrf_token", session.csrf_token);
  w.field("session", cookie);
  const Date date = today();
  w.field("today", format_date(date)).field("day", int64_t(civil_from_days(date).day));
  static constexpr std::pair<const char*, cycle::Window> kWindows[] = {
      {"master_edit", cycle::Window::kMasterEdit},
      {"employee_proposals", cycle::Window::kEmployeeProposals},
      {"ddo_approval", cycle::Window::kDdoApproval},
      {"stop_payment", cycle::Window::kStopPayment},
      {"other_salary", cycle::Window::kOtherSalary},
      {"auto_run", cycle::Window::kAutoRun},
  };
  w.key("windows").begin_object();
  for (const auto& [name, window] : kWindows) {
    int first = 0, last = 0;
    cycle::window_days(profile_.calendar, window, &first, &last);
    const Status open = cycle::check_window(profile_.calendar, window, civil_from_days(date).day);
    w.key(name).begin_object().field("first", int64_t(first)).field("last", int64_t(last));
    w.field("open", open.ok());
    if (!open.ok()) w.field("reason", open.message());
    w.end_object();
  }
  w.end_object().end_object();
  Reply reply{200, w.take()};
  reply.headers.emplace_back("Cache-Control", "no-store");
  return reply;
}

Reply Service::delete_session(const Context& c, const Params&, const std::string&) {
  if (c.session_id.empty()) {
    return error_reply(400, "INVALID_ARGUMENT", "DELETE /v1/session ends a cookie session; this request has none");
  }
  sessions_.remove(c.session_id);
  JsonWriter w;
  w.begin_object().field("signed_out", true).end_object();
  Reply reply{200, w.take()};
  reply.headers.emplace_back("Set-Cookie", session_cookie("", std::chrono::seconds(0),
                                                          c.request != nullptr && behind_tls(*c.request)));
  return reply;
}

}  // namespace vetan::serve
