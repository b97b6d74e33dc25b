// DDO onboarding by the administrator, roll-out targets (issue 11 §3) and the subscribers'
// one-time-code sign-in (issue 10 §5), over OnlineAccounts (online_accounts.h):
//   GET  /v1/admin/ddos                     registered DDOs, by code, paginated
//   POST /v1/admin/ddos                     register {ddo_code, name, office, treasury_code, mobile}
//   GET  /v1/admin/ddos/{ddo}               one registration
//   POST /v1/admin/ddos/{ddo}/credentials   issue its API token and TOTP (shown once, QR code)
//   POST /v1/admin/ddos/{ddo}/rotate        replace them (the old token stops at once)
//   POST /v1/admin/ddos/{ddo}/revoke        end them
//   POST /v1/admin/rollout/targets          {treasury_code, target}
//   POST /v1/session/code                   {employee_id}: a code to the master's mobile
//   POST /v1/session/employee               {employee_id, code}: a short-lived session
// Every change is an audited event, durable before the reply and replayed at open.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "api/serve/crypto.h"
#include "api/serve/service.h"

namespace vetan::serve {

namespace {

constexpr int64_t kCodeSeconds = 5 * 60;       // a code expires 5 minutes after it is sent
constexpr int64_t kCodeWindowSeconds = 15 * 60;  // at most kCodesPerWindow codes per id in it
constexpr size_t kCodesPerWindow = 3;
constexpr std::chrono::seconds kEmployeeSession{15 * 60};

Reply json_reply(int status, std::string body) {
  Reply r{status, std::move(body)};
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

Status text_field(const JsonBody& body, const char* key, size_t max, std::string* out) {
  const JsonValue* v = find_field(body, key);
  if (v == nullptr || v->type != JsonValue::Type::kString || v->text.empty()) {
    return Status::invalid_argument(std::string("field '") + key + "' is required, a non-empty string");
  }
  if (v->text.size() > max) {
    return Status::invalid_argument(std::string("field '") + key + "' is longer than " + std::to_string(max) + " bytes");
  }
  for (unsigned char c : v->text) {
    if (c < 0x20 || c == 0x7f) return Status::invalid_argument(std::string("field '") + key + "' holds a control character");
  }
  *out = v->text;
  return Status();
}

void write_registration(JsonWriter* w, const DdoRegistration& r, bool enrolled_by_file) {
  w->begin_object().field("ddo_code", r.ddo_code).field("name", r.name).field("office", r.office);
  w->field("treasury_code", r.treasury_code).field("mobile", r.mobile);
  w->field("registered_at", r.registered_at).field("registered_by", r.registered_by);
  const char* state = !r.token_sha256.empty() ? "ENROLLED" : r.revoked ? "REVOKED" : "REGISTERED";
  w->field("state", state).field("credentials_issued", r.credentials_issued);
  if (!r.credential.empty()) w->field("credential", r.credential).field("issued_at", r.issued_at);
  w->field("file_token_totp", enrolled_by_file);
  w->end_object();
}

std::string masked(const std::string& mobile) {
  return mobile.size() > 4 ? std::string(mobile.size() - 4, '*') + mobile.substr(mobile.size() - 4) : mobile;
}

}  // namespace

const Principal* Service::authenticate_token(std::string_view token) const {
  if (const Principal* who = tokens_.authenticate(token)) return who;
  return accounts_.authenticate(token);
}

std::string Service::ddo_totp_secret(std::string_view ddo) const {
  std::string online = accounts_.totp_secret(ddo);
  if (!online.empty()) return online;  // issued online (later than the file's), it wins
  const std::string* file = tokens_.totp_secret(ddo);
  return file == nullptr ? std::string() : *file;
}

Status Service::open_accounts() {
  return accounts_.open(options_.tokens_path + ".online");
}

Status Service::record_account(AuditEvent* event, const std::string& actor) {
  if (Status s = store_->health(); !s.ok()) return s;
  event->at = utc_timestamp(options_.clock->now());
  event->actor = actor;
  if (Status s = append_row(event, [] { return Status(); }); !s.ok()) return s;
  return accounts_.apply(*event);
}

Reply Service::admin_ddo_list(const Context& c, const Params&, const std::string&) {
  if (c.who->role != Role::kAdmin) return forbidden(c.who->label() + " may not read the DDO registry (admin)");
  size_t page = 0;
  if (Status s = page_size_of(c.param("page_size"), &page); !s.ok()) return status_reply(s);
  const std::string after = c.param("page_token"), treasury = c.param("treasury");
  JsonWriter w;
  w.begin_object().key("ddos").begin_array();
  size_t n = 0;
  std::string last;
  bool more = false;
  for (const DdoRegistration& r : accounts_.registrations()) {
    if (!after.empty() && r.ddo_code <= after) continue;
    if (!treasury.empty() && r.treasury_code != treasury) continue;
    if (n == page) {
      more = true;
      break;
    }
    write_registration(&w, r, tokens_.totp_secret(r.ddo_code) != nullptr);
    last = r.ddo_code;
    ++n;
  }
  w.end_array();
  if (more) w.field("next_page_token", last);
  w.end_object();
  return json_reply(200, w.take());
}

Reply Service::admin_ddo_get(const Context& c, const Params& p, const std::string&) {
  if (c.who->role != Role::kAdmin) return forbidden(c.who->label() + " may not read the DDO registry (admin)");
  DdoRegistration r;
  if (!accounts_.registration(p[0], &r)) return error_reply(404, "NOT_FOUND", "DDO '" + p[0] + "' is not registered");
  JsonWriter w;
  write_registration(&w, r, tokens_.totp_secret(r.ddo_code) != nullptr);
  return json_reply(200, w.take());
}

Reply Service::admin_ddo_register(const Context& c, const Params&, const std::string& body) {
  if (c.who->role != Role::kAdmin) return forbidden(c.who->label() + " may not register a DDO (admin)");
  JsonBody parsed;
  if (Status s = parse_body(body, {"ddo_code", "name", "office", "treasury_code", "mobile"}, &parsed); !s.ok()) {
    return error_reply(400, "INVALID_ARGUMENT", s.message());
  }
  DdoRegistration r;
  std::string mobile;
  for (auto [key, out, max] : {std::tuple<const char*, std::string*, size_t>{"ddo_code", &r.ddo_code, 64},
                               {"name", &r.name, 200}, {"office", &r.office, 200},
                               {"treasury_code", &r.treasury_code, 64}, {"mobile", &mobile, 32}}) {
    if (Status s = text_field(parsed, key, max, out); !s.ok()) return status_reply(s);
  }
  if (Status s = check_ddo_code(r.ddo_code); !s.ok()) return status_reply(s);
  if (Status s = check_treasury_code(r.treasury_code); !s.ok()) return status_reply(s);
  if (!normalize_mobile(mobile, &r.mobile)) {
    return error_reply(400, "INVALID_ARGUMENT", "field 'mobile': '" + mobile +
                                                    "' is not an Indian mobile number (10 digits from 6-9, "
                                                    "optionally after +91)");
  }
  std::lock_guard lock(state_mutex_);
  if (accounts_.registered(r.ddo_code)) {
    return error_reply(409, "DDO_EXISTS", "field 'ddo_code': DDO '" + r.ddo_code + "' is already registered");
  }
  // A DDO the master's rows name under another treasury: the master is the authority.
  for (size_t row = 0; row < base_->rows; ++row) {
    if (base_->ddo_code[row] == r.ddo_code && base_->treasury_code[row] != r.treasury_code) {
      return error_reply(409, "TREASURY_MISMATCH", "field 'treasury_code': the master has DDO '" + r.ddo_code +
                                                       "' under treasury '" + std::string(base_->treasury_code[row]) + "'");
    }
  }
  AuditEvent e = OnlineAccounts::register_event(r);
  if (Status s = record_account(&e, c.who->label()); !s.ok()) return status_reply(s);
  DdoRegistration done;
  accounts_.registration(r.ddo_code, &done);
  JsonWriter w;
  write_registration(&w, done, tokens_.totp_secret(r.ddo_code) != nullptr);
  return json_reply(201, w.take());
}

Reply Service::admin_ddo_action(const Context& c, const Params& p, const std::string& body) {
  const std::string& ddo = p[0];
  const std::string& action = p[1];
  if (c.who->role != Role::kAdmin) return forbidden(c.who->label() + " may not " + action + " DDO credentials (admin)");
  JsonBody parsed;
  if (Status s = parse_body(body.empty() ? "{}" : body, {}, &parsed); !s.ok()) {
    return error_reply(400, "INVALID_ARGUMENT", s.message());
  }
  std::lock_guard lock(state_mutex_);
  DdoRegistration r;
  if (!accounts_.registration(ddo, &r)) return error_reply(404, "NOT_FOUND", "DDO '" + ddo + "' is not registered");
  const bool live = !r.token_sha256.empty();
  if (action == "revoke") {
    if (!live) return error_reply(409, "NO_CREDENTIALS", "DDO '" + ddo + "' has no live credentials to revoke");
    AuditEvent e = OnlineAccounts::revoke_event(ddo, r.token_sha256);
    if (Status s = record_account(&e, c.who->label()); !s.ok()) return status_reply(s);
    (void)accounts_.write_secrets("", "");  // the revoked secret leaves the file (best effort: it is dead)
    accounts_.registration(ddo, &r);
    JsonWriter w;
    write_registration(&w, r, tokens_.totp_secret(ddo) != nullptr);
    return json_reply(200, w.take());
  }
  if (action == "credentials" && live) {
    return error_reply(409, "ALREADY_ENROLLED", "DDO '" + ddo + "' has live credentials " + r.credential + "; rotate them");
  }
  if (action == "rotate" && !live) {
    return error_reply(409, "NO_CREDENTIALS", "DDO '" + ddo + "' has no live credentials to rotate; issue them");
  }
  std::string token, secret, line;
  if (Status s = make_token("ddo:" + ddo, true, "", &token, &secret, &line); !s.ok()) return status_reply(s);
  const std::string token_sha = sha256_hex(token);
  std::string raw_secret;
  base32_decode(secret, &raw_secret);
  const std::string uri = otpauth_uri(ddo, secret);
  std::string svg;
  if (Status s = qr_svg(uri, &svg); !s.ok()) return status_reply(s);
  // The secret is on disk before the event that makes it live.
  if (Status s = accounts_.write_secrets(token_sha, token_sha + " ddo:" + ddo + " totp=" + secret); !s.ok()) {
    return status_reply(Status::unavailable(s.message(), "SECRETS_UNAVAILABLE"));
  }
  AuditEvent e = OnlineAccounts::credentials_event(ddo, token_sha, sha256_hex(raw_secret), action == "rotate");
  if (Status s = record_account(&e, c.who->label()); !s.ok()) return status_reply(s);
  if (action == "rotate") (void)accounts_.write_secrets("", "");  // the old secret leaves the file
  accounts_.registration(ddo, &r);
  JsonWriter w;
  w.begin_object().field("ddo_code", ddo).field("credential", r.credential).field("issued_at", r.issued_at);
  w.field("rotated", action == "rotate").field("token", token).field("totp_secret", secret);
  w.field("otpauth_uri", uri).field("qr_svg", svg);
  w.field("note", "shown once: the server keeps only the token's hash; give the token to the DDO and let the DDO scan the QR code");
  w.end_object();
  return json_reply(201, w.take());
}

Reply Service::admin_rollout_target(const Context& c, const Params&, const std::string& body) {
  if (c.who->role != Role::kAdmin) return forbidden(c.who->label() + " may not set a roll-out target (admin)");
  JsonBody parsed;
  if (Status s = parse_body(body, {"treasury_code", "target"}, &parsed); !s.ok()) {
    return error_reply(400, "INVALID_ARGUMENT", s.message());
  }
  std::string treasury;
  if (Status s = text_field(parsed, "treasury_code", 64, &treasury); !s.ok()) return status_reply(s);
  if (Status s = check_treasury_code(treasury); !s.ok()) return status_reply(s);
  const JsonValue* target = find_field(parsed, "target");
  if (target == nullptr || target->type != JsonValue::Type::kInteger || target->integer < 0 || target->integer > 1000000) {
    return error_reply(400, "INVALID_ARGUMENT", "field 'target' must be a whole number of DDOs, 0..1000000");
  }
  std::lock_guard lock(state_mutex_);
  AuditEvent e = OnlineAccounts::target_event(treasury, target->integer);
  if (Status s = record_account(&e, c.who->label()); !s.ok()) return status_reply(s);
  JsonWriter w;
  w.begin_object().field("treasury_code", treasury).field("target", target->integer).field("audit_seq", e.seq).end_object();
  return json_reply(200, w.take());
}

// The employee's mobile from the master (formats.md `mobile`, read by the service only), or
// empty. REQUIRES: state_mutex_ held.
std::string Service::master_mobile(const std::string& id) const {
  size_t row;
  if (!find_row(id, &row).ok()) return {};
  const int column = master_.column("mobile");
  if (column < 0) return {};
  const std::vector<std::string> fields = master_.fields(row);
  std::string mobile;
  if (size_t(column) >= fields.size() || !normalize_mobile(fields[size_t(column)], &mobile)) return {};
  return mobile;
}

Reply Service::signin_code(const Context&, const Params&, const std::string& body) {
  JsonBody parsed;
  if (Status s = parse_body(body, {"employee_id"}, &parsed); !s.ok()) return error_reply(400, "INVALID_ARGUMENT", s.message());
  std::string id;
  if (Status s = text_field(parsed, "employee_id", 64, &id); !s.ok()) return status_reply(s);
  const int64_t now = options_.clock->now();
  std::lock_guard lock(state_mutex_);
  if (closed_) return error_reply(503, "SHUTTING_DOWN", "the server is shutting down");
  // The same answers for every id, on the master or not: only the outbox knows.
  if (pending_codes_.size() > 200000) {  // bounded: drop what can no longer matter
    std::erase_if(pending_codes_, [&](const auto& kv) {
      return kv.second.expires <= now && (kv.second.sent.empty() || kv.second.sent.back() + kCodeWindowSeconds <= now);
    });
  }
  PendingCode& pending = pending_codes_[id];
  std::erase_if(pending.sent, [&](int64_t at) { return at + kCodeWindowSeconds <= now; });
  if (pending.sent.size() >= kCodesPerWindow) {
    return error_reply(429, "RATE_LIMITED", "at most " + std::to_string(kCodesPerWindow) +
                                                " codes in 15 minutes for an employee id; wait and ask again");
  }
  pending.sent.push_back(now);
  const std::string mobile = master_mobile(id);
  if (!mobile.empty() && accounts_.guard(id).locked_until <= now) {
    const std::string raw = random_bytes(8);
    uint64_t value = 0;
    for (unsigned char ch : raw) value = value * 256 + ch;
    char code[8];
    std::snprintf(code, sizeof code, "%06u", unsigned(value % 1000000));
    JsonWriter line;
    line.begin_object().field("to", mobile);
    line.field("text", std::string("vetan: your sign-in code is ") + code + ". It expires in 5 minutes. Do not share it.");
    line.field("at", utc_timestamp(now)).end_object();
    std::string text = line.take() + "\n";
    const std::string outbox = options_.data_dir + "/sms-outbox.jsonl";
    const int fd = ::open(outbox.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    const bool written = fd >= 0 && ::write(fd, text.data(), text.size()) == ssize_t(text.size()) && ::fsync(fd) == 0;
    if (fd >= 0) ::close(fd);
    if (!written) return error_reply(503, "OUTBOX_UNAVAILABLE", outbox + ": cannot append the message");
    pending.code_sha256 = sha256_hex(id + ":" + code);
    pending.expires = now + kCodeSeconds;
    JsonWriter after;
    after.begin_object().field("to", masked(mobile)).end_object();
    AuditEvent e = OnlineAccounts::signin_event("signin.code", id, after.take());
    if (Status s = record_account(&e, "system"); !s.ok()) return status_reply(s);
  }
  JsonWriter w;
  w.begin_object().field("sent", true).field("expires_in_s", kCodeSeconds);
  w.field("note", "if the employee id is on the master with a mobile number, a code was sent to it").end_object();
  return json_reply(202, w.take());
}

Reply Service::signin_employee(const Context& c, const Params&, const std::string& body) {
  JsonBody parsed;
  if (Status s = parse_body(body, {"employee_id", "code"}, &parsed); !s.ok()) {
    return error_reply(400, "INVALID_ARGUMENT", s.message());
  }
  std::string id, code;
  if (Status s = text_field(parsed, "employee_id", 64, &id); !s.ok()) return status_reply(s);
  if (Status s = text_field(parsed, "code", 16, &code); !s.ok()) return status_reply(s);
  const int64_t now = options_.clock->now();
  const Principal* who = nullptr;
  {
    std::lock_guard lock(state_mutex_);
    if (closed_) return error_reply(503, "SHUTTING_DOWN", "the server is shutting down");
    const bool on_master = !master_mobile(id).empty();
    SigninGuard guard = accounts_.guard(id);
    if (guard.locked_until > now) {
      return error_reply(429, "LOCKED", "too many wrong codes for this employee id: signing in is locked until " +
                                            utc_timestamp(guard.locked_until));
    }
    auto it = pending_codes_.find(id);
    const bool match = it != pending_codes_.end() && !it->second.code_sha256.empty() && it->second.expires > now &&
                       constant_time_equal(sha256_hex(id + ":" + code), it->second.code_sha256);
    if (!match) {
      ++guard.failures;
      if (guard.failures >= OnlineAccounts::kMaxWrongCodes) {
        guard.locked_until = now + OnlineAccounts::kLockSeconds;
        guard.failures = 0;
        if (it != pending_codes_.end()) it->second.code_sha256.clear();
      }
      if (on_master) {
        JsonWriter after;
        after.begin_object().field("failures", guard.failures).field("locked_until", guard.locked_until).end_object();
        AuditEvent e = OnlineAccounts::signin_event("signin.failure", id, after.take());
        if (Status s = record_account(&e, "employee:" + id); !s.ok()) return status_reply(s);
      } else {
        accounts_.set_memory_guard(id, guard);
      }
      std::string message = "the employee id or the code is not valid (a code is used once and expires in 5 minutes)";
      if (guard.locked_until > now) message += "; too many wrong codes: signing in is locked until " + utc_timestamp(guard.locked_until);
      return error_reply(401, "UNAUTHENTICATED", message);
    }
    it->second.code_sha256.clear();  // single use
    AuditEvent e = OnlineAccounts::signin_event("signin.success", id, "{}");
    if (Status s = record_account(&e, "employee:" + id); !s.ok()) return status_reply(s);
    who = accounts_.employee(id);
  }
  std::string session_id, csrf;
  sessions_.create(who, SessionStore::Clock::now(), &session_id, &csrf, kEmployeeSession);
  Context signed_in = c;
  signed_in.who = who;
  signed_in.session_id = session_id;
  Reply reply = get_session(signed_in, {}, "");
  reply.headers.emplace_back("Set-Cookie", session_cookie(session_id, kEmployeeSession,
                                                          c.request != nullptr && c.request->forwarded_proto == "https"));
  return reply;
}

}  // namespace vetan::serve
