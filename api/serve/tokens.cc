#include "api/serve/tokens.h"

#include <fstream>
#include <sstream>

#include "api/serve/crypto.h"

namespace vetan::serve {

std::string Principal::label() const {
  switch (role) {
    case Role::kDdo: return "ddo:" + scope;
    case Role::kTreasury: return "treasury:" + scope;
    case Role::kAnalyst: return "analyst";
    case Role::kAdmin: return "admin";
    case Role::kHeadOfOffice: return "hoo:" + scope;
    case Role::kAgInitiator: return "ag:initiator";
    case Role::kAgChecker: return "ag:checker";
    case Role::kAgApprover: return "ag:approver";
    case Role::kEmployee: return "employee:" + scope;
  }
  return "?";
}

namespace {
bool is_code(std::string_view code) {
  if (code.empty() || code.size() > 64) return false;
  for (char c : code) {
    if (c <= ' ' || c > '~') return false;
  }
  return true;
}
}  // namespace

Status parse_role(std::string_view text, Role* role, std::string* scope) {
  scope->clear();
  if (text == "analyst") {
    *role = Role::kAnalyst;
  } else if (text == "admin") {
    *role = Role::kAdmin;
  } else if (text.rfind("ddo:", 0) == 0 && is_code(text.substr(4))) {
    *role = Role::kDdo;
    *scope = std::string(text.substr(4));
  } else if (text.rfind("treasury:", 0) == 0 && is_code(text.substr(9))) {
    *role = Role::kTreasury;
    *scope = std::string(text.substr(9));
  } else if (text.rfind("hoo:", 0) == 0 && is_code(text.substr(4))) {
    *role = Role::kHeadOfOffice;
    *scope = std::string(text.substr(4));
  } else if (text == "ag:initiator" || text == "ag:checker" || text == "ag:approver") {
    *role = text == "ag:initiator" ? Role::kAgInitiator : text == "ag:checker" ? Role::kAgChecker : Role::kAgApprover;
  } else if (text.rfind("employee:", 0) == 0 && is_code(text.substr(9))) {
    *role = Role::kEmployee;
    *scope = std::string(text.substr(9));
  } else {
    return Status::invalid_argument("role '" + std::string(text) +
                                    "' is not ddo:<code>, treasury:<code>, analyst, admin, hoo:<code>, "
                                    "ag:initiator, ag:checker, ag:approver or employee:<id>");
  }
  return Status();
}

Status TokenRegistry::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::io_error(path + ": cannot read the tokens file");
  std::ostringstream text;
  text << in.rdbuf();
  return parse(text.str(), path);
}

Status TokenRegistry::parse(std::string_view text, const std::string& name) {
  by_hash_.clear();
  ddo_secret_.clear();
  std::istringstream in{std::string(text)};
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto fail = [&](const std::string& problem) {
      return Status::invalid_argument(name + ":" + std::to_string(number) + ": " + problem);
    };
    std::istringstream words(line);
    std::string hash, role_text, word;
    if (!(words >> hash) || hash[0] == '#') continue;
    if (hash.size() != 64 || hash.find_first_not_of("0123456789abcdef") != std::string::npos) {
      return fail("the token hash must be 64 lower-case hex digits (SHA-256)");
    }
    if (!(words >> role_text)) return fail("a role must follow the hash");
    Principal p;
    if (Status s = parse_role(role_text, &p.role, &p.scope); !s.ok()) return fail(s.message());
    while (words >> word) {
      if (word.rfind("totp=", 0) == 0) {
        if (p.role != Role::kDdo) return fail("totp= is for ddo roles only");
        if (!base32_decode(word.substr(5), &p.totp_secret) || p.totp_secret.size() < 10) {
          return fail("totp= must be a base32 secret of at least 80 bits");
        }
      } else if (word.rfind("name=", 0) == 0) {
        p.name = word.substr(5);
      } else {
        return fail("unknown word '" + word + "' (expected totp=… or name=…)");
      }
    }
    if (by_hash_.count(hash)) return fail("the same token hash is listed twice");
    if (!p.totp_secret.empty()) {
      auto [it, added] = ddo_secret_.emplace(p.scope, p.totp_secret);
      if (!added && it->second != p.totp_secret) {
        return fail("DDO '" + p.scope + "' has two different TOTP secrets");
      }
    }
    by_hash_.emplace(hash, std::move(p));
  }
  return Status();
}

const Principal* TokenRegistry::authenticate(std::string_view token) const {
  if (token.empty() || token.size() > 256) return nullptr;
  auto it = by_hash_.find(sha256_hex(token));
  return it == by_hash_.end() ? nullptr : &it->second;
}

const std::string* TokenRegistry::totp_secret(std::string_view ddo_code) const {
  auto it = ddo_secret_.find(std::string(ddo_code));
  return it == ddo_secret_.end() ? nullptr : &it->second;
}

Status make_token(std::string_view role_text, bool with_totp, std::string_view name,
                  std::string* token, std::string* secret_base32, std::string* line) {
  Role role;
  std::string scope;
  if (Status s = parse_role(role_text, &role, &scope); !s.ok()) return s;
  if (with_totp && role != Role::kDdo) return Status::invalid_argument("--totp is for ddo roles only");
  for (char c : name) {
    if (c <= ' ' || c > '~') return Status::invalid_argument("--name must be printable ASCII without spaces");
  }
  static const char kHex[] = "0123456789abcdef";
  const std::string random = random_bytes(24);
  *token = "vt_";
  for (unsigned char c : random) {
    token->push_back(kHex[c >> 4]);
    token->push_back(kHex[c & 15]);
  }
  *line = sha256_hex(*token) + " " + std::string(role_text);
  secret_base32->clear();
  if (with_totp) {
    *secret_base32 = base32_encode(random_bytes(20));
    *line += " totp=" + *secret_base32;
  }
  if (!name.empty()) *line += " name=" + std::string(name);
  return Status();
}

}  // namespace vetan::serve
