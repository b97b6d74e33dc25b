#include "api/serve/online_accounts.h"

#include <fcntl.h>
#include <qrencode.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "api/serve/crypto.h"
#include "api/serve/json.h"

namespace vetan::serve {

namespace {

std::string field_text(const JsonBody& body, std::string_view key) {
  const JsonValue* v = find_field(body, key);
  return v != nullptr && v->type == JsonValue::Type::kString ? v->text : std::string();
}
int64_t field_integer(const JsonBody& body, std::string_view key) {
  const JsonValue* v = find_field(body, key);
  return v != nullptr && v->type == JsonValue::Type::kInteger ? v->integer : 0;
}
std::string entity_tail(const std::string& entity, std::string_view prefix) {
  return entity.rfind(prefix, 0) == 0 ? entity.substr(prefix.size()) : std::string();
}

bool is_upper_code(std::string_view code, size_t max) {
  if (code.empty() || code.size() > max) return false;
  for (char c : code) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) return false;
  }
  return true;
}

Status write_durably(const std::string& path, const std::string& bytes) {
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Status::io_error(tmp + ": cannot write: " + std::strerror(errno));
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      return Status::io_error(tmp + ": cannot write: " + std::strerror(errno));
    }
    done += size_t(n);
  }
  if (::fchmod(fd, 0600) != 0 || ::fsync(fd) != 0) {
    ::close(fd);
    return Status::io_error(tmp + ": cannot sync: " + std::strerror(errno));
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) return Status::io_error(path + ": cannot replace: " + std::strerror(errno));
  const size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return Status();
}

}  // namespace

bool OnlineAccounts::owns(std::string_view action) {
  return action == "ddo.register" || action == "ddo.credentials" || action == "ddo.revoke" ||
         action == "rollout.target" || action.rfind("signin.", 0) == 0;
}

Status OnlineAccounts::open(const std::string& path) {
  std::lock_guard lock(mutex_);
  path_ = path;
  secrets_.clear();
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return Status();  // none issued yet
  if ((st.st_mode & 077) != 0) {
    return Status::permission_denied(path + ": group or others may access the online tokens file; chmod 600 it");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::io_error(path + ": cannot read the online tokens file");
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    std::istringstream words(line);
    std::string hash, role, word;
    if (!(words >> hash) || hash[0] == '#') continue;
    if (!(words >> role) || !(words >> word) || word.rfind("totp=", 0) != 0) {
      return Status::invalid_argument(path + ":" + std::to_string(number) + ": expected '<sha256> ddo:<code> totp=<secret>'");
    }
    std::string raw;
    if (!base32_decode(word.substr(5), &raw) || raw.size() < 10) {
      return Status::invalid_argument(path + ":" + std::to_string(number) + ": totp= is not a base32 secret");
    }
    secrets_[hash] = raw;
  }
  return Status();
}

Status OnlineAccounts::check_secrets() const {
  std::lock_guard lock(mutex_);
  for (const auto& [code, r] : ddos_) {
    if (!r.token_sha256.empty() && !secrets_.count(r.token_sha256)) {
      return Status::io_error(path_ + ": the TOTP secret of DDO '" + code + "' credential " + r.credential +
                              " (issued " + r.issued_at + ") is missing; rotate its credentials");
    }
  }
  return Status();
}

Status OnlineAccounts::write_secrets(const std::string& extra_sha256, const std::string& extra_line) {
  std::string text = "# vetan serve: credentials issued online (docs/web.md). Written by the server; do not edit.\n";
  {
    std::lock_guard lock(mutex_);
    for (const auto& [code, r] : ddos_) {
      if (r.token_sha256.empty()) continue;
      auto it = secrets_.find(r.token_sha256);
      if (it == secrets_.end()) continue;
      text += r.token_sha256 + " ddo:" + code + " totp=" + base32_encode(it->second) + "\n";
    }
  }
  if (!extra_line.empty()) text += extra_line + "\n";
  if (Status s = write_durably(path_, text); !s.ok()) return s;
  if (!extra_sha256.empty()) {
    std::istringstream words(extra_line);
    std::string hash, role, word, raw;
    words >> hash >> role >> word;
    if (base32_decode(word.substr(5), &raw)) {
      std::lock_guard lock(mutex_);
      secrets_[extra_sha256] = raw;
    }
  }
  return Status();
}

Status OnlineAccounts::apply(const AuditEvent& e) {
  const auto bad = [&](const std::string& what) {
    return Status::invalid_argument("audit event " + std::to_string(e.seq) + " (" + e.action + "): " + what);
  };
  JsonBody body;
  if (Status s = parse_body(e.after, {"ddo_code", "name", "office", "treasury_code", "mobile", "credential", "token_sha256",
                                      "totp_sha256", "rotated", "target", "to", "failures", "locked_until"},
                            &body);
      !s.ok()) {
    return bad(s.message());
  }
  std::lock_guard lock(mutex_);
  if (e.action == "ddo.register") {
    DdoRegistration r;
    r.ddo_code = field_text(body, "ddo_code");
    r.name = field_text(body, "name");
    r.office = field_text(body, "office");
    r.treasury_code = field_text(body, "treasury_code");
    r.mobile = field_text(body, "mobile");
    r.registered_at = e.at;
    r.registered_by = e.actor;
    if (r.ddo_code.empty() || ddos_.count(r.ddo_code)) return bad("DDO '" + r.ddo_code + "' is empty or already registered");
    ddos_.emplace(r.ddo_code, std::move(r));
    return Status();
  }
  if (e.action == "ddo.credentials" || e.action == "ddo.revoke") {
    const std::string code = entity_tail(e.entity, "ddo:");
    auto it = ddos_.find(code);
    if (it == ddos_.end()) return bad("DDO '" + code + "' is not registered");
    DdoRegistration& r = it->second;
    if (!r.token_sha256.empty()) {
      auto p = principals_.find(r.token_sha256);
      if (p != principals_.end()) live_[p->second.get()] = false;
    }
    if (e.action == "ddo.revoke") {
      if (r.token_sha256.empty()) return bad("DDO '" + code + "' has no live credential");
      r.token_sha256.clear();
      r.credential.clear();
      r.revoked = true;
      return Status();
    }
    const std::string sha = field_text(body, "token_sha256");
    if (sha.size() != 64 || principals_.count(sha)) return bad("token_sha256 is not a new SHA-256");
    auto who = std::make_unique<Principal>();
    who->role = Role::kDdo;
    who->scope = code;
    who->name = "online";
    live_[who.get()] = true;
    principals_.emplace(sha, std::move(who));
    r.token_sha256 = sha;
    r.credential = sha.substr(0, 12);
    r.issued_at = e.at;
    r.revoked = false;
    ++r.credentials_issued;
    return Status();
  }
  if (e.action == "rollout.target") {
    const std::string treasury = field_text(body, "treasury_code");
    if (treasury.empty()) return bad("treasury_code is empty");
    targets_[treasury] = field_integer(body, "target");
    return Status();
  }
  const std::string id = entity_tail(e.entity, "employee:");
  if (id.empty()) return bad("entity '" + e.entity + "' is not employee:<id>");
  if (e.action == "signin.failure") {
    guards_[id] = SigninGuard{field_integer(body, "failures"), field_integer(body, "locked_until")};
  } else if (e.action == "signin.success") {
    guards_[id].failures = 0;
  } else if (e.action != "signin.code") {
    return bad("unknown action");
  }
  return Status();
}

const Principal* OnlineAccounts::authenticate(std::string_view token) const {
  if (token.empty() || token.size() > 256) return nullptr;
  const std::string sha = sha256_hex(token);
  std::lock_guard lock(mutex_);
  auto it = principals_.find(sha);
  if (it == principals_.end()) return nullptr;
  auto live = live_.find(it->second.get());
  return live != live_.end() && live->second ? it->second.get() : nullptr;
}

bool OnlineAccounts::retired(const Principal* who) const {
  std::lock_guard lock(mutex_);
  auto it = live_.find(who);
  return it != live_.end() && !it->second;
}

std::string OnlineAccounts::totp_secret(std::string_view ddo) const {
  std::lock_guard lock(mutex_);
  auto it = ddos_.find(ddo);
  if (it == ddos_.end() || it->second.token_sha256.empty()) return {};
  auto s = secrets_.find(it->second.token_sha256);
  return s == secrets_.end() ? std::string() : s->second;
}

bool OnlineAccounts::registered(std::string_view ddo) const {
  std::lock_guard lock(mutex_);
  return ddos_.find(ddo) != ddos_.end();
}

std::vector<DdoRegistration> OnlineAccounts::registrations() const {
  std::lock_guard lock(mutex_);
  std::vector<DdoRegistration> out;
  out.reserve(ddos_.size());
  for (const auto& [code, r] : ddos_) out.push_back(r);
  return out;
}

bool OnlineAccounts::registration(std::string_view ddo, DdoRegistration* out) const {
  std::lock_guard lock(mutex_);
  auto it = ddos_.find(ddo);
  if (it == ddos_.end()) return false;
  *out = it->second;
  return true;
}

std::map<std::string, int64_t> OnlineAccounts::targets() const {
  std::lock_guard lock(mutex_);
  return targets_;
}

const Principal* OnlineAccounts::employee(const std::string& id) {
  std::lock_guard lock(mutex_);
  auto& p = employees_[id];
  if (!p) {
    p = std::make_unique<Principal>();
    p->role = Role::kEmployee;
    p->scope = id;
    p->name = "one-time code";
  }
  return p.get();
}

SigninGuard OnlineAccounts::guard(const std::string& id) const {
  std::lock_guard lock(mutex_);
  auto it = guards_.find(id);
  return it == guards_.end() ? SigninGuard{} : it->second;
}

void OnlineAccounts::set_memory_guard(const std::string& id, const SigninGuard& guard) {
  std::lock_guard lock(mutex_);
  if (guards_.size() > 200000) guards_.clear();  // bounded: ids off the master only cost memory
  guards_[id] = guard;
}

AuditEvent OnlineAccounts::register_event(const DdoRegistration& r) {
  AuditEvent e;
  e.action = "ddo.register";
  e.entity = "ddo:" + r.ddo_code;
  e.before = "{}";
  JsonWriter w;
  w.begin_object().field("ddo_code", r.ddo_code).field("name", r.name).field("office", r.office);
  w.field("treasury_code", r.treasury_code).field("mobile", r.mobile).end_object();
  e.after = w.take();
  return e;
}

AuditEvent OnlineAccounts::credentials_event(const std::string& ddo, const std::string& token_sha256,
                                             const std::string& totp_sha256, bool rotated) {
  AuditEvent e;
  e.action = "ddo.credentials";
  e.entity = "ddo:" + ddo;
  e.before = "{}";
  JsonWriter w;
  w.begin_object().field("credential", token_sha256.substr(0, 12)).field("token_sha256", token_sha256);
  w.field("totp_sha256", totp_sha256).field("rotated", rotated).end_object();
  e.after = w.take();
  return e;
}

AuditEvent OnlineAccounts::revoke_event(const std::string& ddo, const std::string& token_sha256) {
  AuditEvent e;
  e.action = "ddo.revoke";
  e.entity = "ddo:" + ddo;
  e.before = "{}";
  JsonWriter w;
  w.begin_object().field("credential", token_sha256.substr(0, 12)).field("token_sha256", token_sha256).end_object();
  e.after = w.take();
  return e;
}

AuditEvent OnlineAccounts::target_event(const std::string& treasury, int64_t target) {
  AuditEvent e;
  e.action = "rollout.target";
  e.entity = "treasury:" + treasury;
  e.before = "{}";
  JsonWriter w;
  w.begin_object().field("treasury_code", treasury).field("target", target).end_object();
  e.after = w.take();
  return e;
}

AuditEvent OnlineAccounts::signin_event(const std::string& action, const std::string& id, const std::string& after) {
  AuditEvent e;
  e.action = action;
  e.entity = "employee:" + id;
  e.before = "{}";
  e.after = after;
  return e;
}

Status check_ddo_code(std::string_view code) {
  if (!is_upper_code(code, 32)) {
    return Status::invalid_argument("field 'ddo_code': '" + std::string(code.substr(0, 64)) +
                                    "' is not 1-32 upper-case letters, digits, '-' or '_'");
  }
  return Status();
}

Status check_treasury_code(std::string_view code) {
  // Letters then digits, as the master's treasuries are (TR01, JMU03).
  size_t letters = 0;
  while (letters < code.size() && code[letters] >= 'A' && code[letters] <= 'Z') ++letters;
  bool digits = letters < code.size();
  for (size_t i = letters; i < code.size(); ++i) digits = digits && code[i] >= '0' && code[i] <= '9';
  if (letters < 2 || letters > 6 || !digits || code.size() - letters > 6) {
    return Status::invalid_argument("field 'treasury_code': '" + std::string(code.substr(0, 64)) +
                                    "' is not a treasury code (2-6 upper-case letters then 1-6 digits, e.g. TR01)");
  }
  return Status();
}

bool normalize_mobile(std::string_view text, std::string* normalized) {
  std::string digits;
  bool plus = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == ' ' || c == '-') continue;
    if (c == '+' && digits.empty() && !plus) {
      plus = true;
      continue;
    }
    if (c < '0' || c > '9') return false;
    digits.push_back(c);
  }
  if (plus) {
    if (digits.rfind("91", 0) != 0) return false;
    digits.erase(0, 2);
  } else if (digits.size() == 12 && digits.rfind("91", 0) == 0) {
    digits.erase(0, 2);
  } else if (digits.size() == 11 && digits[0] == '0') {
    digits.erase(0, 1);
  }
  if (digits.size() != 10 || digits[0] < '6') return false;
  *normalized = "+91" + digits;
  return true;
}

std::string otpauth_uri(std::string_view ddo, std::string_view secret_base32) {
  std::string label;
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (unsigned char c : std::string("vetan:") + std::string(ddo)) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.') {
      label.push_back(char(c));
    } else {
      label += '%';
      label.push_back(kHex[c >> 4]);
      label.push_back(kHex[c & 15]);
    }
  }
  return "otpauth://totp/" + label + "?secret=" + std::string(secret_base32) +
         "&issuer=vetan&algorithm=SHA1&digits=6&period=30";
}

Status qr_svg(std::string_view text, std::string* svg) {
  const std::string input(text);
  QRcode* q = QRcode_encodeString(input.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  if (q == nullptr) return Status::invalid_argument("the QR code cannot hold " + std::to_string(text.size()) + " bytes");
  const int width = q->width, margin = 4, size = width + 2 * margin;
  std::string path;
  for (int y = 0; y < width; ++y) {
    for (int x = 0; x < width;) {
      if (!(q->data[y * width + x] & 1)) {
        ++x;
        continue;
      }
      int run = 1;
      while (x + run < width && (q->data[y * width + x + run] & 1)) ++run;
      path += 'M';
      path += std::to_string(x + margin);
      path += ' ';
      path += std::to_string(y + margin);
      path += 'h';
      path += std::to_string(run);
      path += "v1h-";
      path += std::to_string(run);
      path += 'z';
      x += run;
    }
  }
  QRcode_free(q);
  const std::string n = std::to_string(size);
  svg->assign("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ");
  for (const std::string& part : {n, std::string(" "), n, std::string("\" width=\""), std::to_string(size * 6),
                                  std::string("\" height=\""), std::to_string(size * 6),
                                  std::string("\" shape-rendering=\"crispEdges\"><rect width=\""), n,
                                  std::string("\" height=\""), n, std::string("\" fill=\"#fff\"/><path fill=\"#000\" d=\""),
                                  path, std::string("\"/></svg>")}) {
    svg->append(part);
  }
  return Status();
}

}  // namespace vetan::serve
