// API tokens and roles (issue 3 §2). The tokens file holds one token per line, hashed:
//
//   # comment
//   <sha256 hex of the token> <role> [totp=<BASE32 secret>] [name=<label>]
//
// Roles: `ddo:<ddo_code>` (its own employees and bills), `treasury:<treasury_code>` (bills
// of its DDOs), `analyst` (reads everything), `admin` (everything). A DDO's TOTP secret,
// used to confirm its bills, is registered on its token line. `vetan tokens` writes lines.
//
// Thread-safety: a loaded TokenRegistry is immutable; read it from any thread.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>

#include "core/common/status.h"

namespace vetan::serve {

enum class Role {
  kDdo, kTreasury, kAnalyst, kAdmin,
  // The GPF fund and its PF-9 cases only (gpf.md §7; other routes refuse them): the Head of
  // Office of a DDO office `hoo:<ddo_code>`, the AG office's `ag:initiator`, `ag:checker`,
  // `ag:approver`, and the subscriber `employee:<employee_id>`.
  kHeadOfOffice, kAgInitiator, kAgChecker, kAgApprover, kEmployee,
};
// True iff `role` may use only the GPF and PF-9 routes.
constexpr bool fund_only_role(Role role) { return role >= Role::kHeadOfOffice; }

struct Principal {
  Role role = Role::kAnalyst;
  std::string scope;        // the DDO or treasury code; empty for analyst and admin
  std::string name;         // optional label, for the audit trail
  std::string totp_secret;  // raw bytes; DDO tokens only, may be empty

  // "ddo:DDO001", "treasury:TR01", "analyst", "admin": who, in the audit trail.
  std::string label() const;
};

// Parses "ddo:X", "treasury:X", "analyst" or "admin". The code must be 1..64 bytes of
// printable ASCII without spaces.
Status parse_role(std::string_view text, Role* role, std::string* scope);

class TokenRegistry {
 public:
  // Reads the tokens file; the message names the file, the line and the problem.
  Status load(const std::string& path);
  Status parse(std::string_view text, const std::string& name);

  // The principal whose token is `token`, or nullptr.
  const Principal* authenticate(std::string_view token) const;

  // The TOTP secret registered for `ddo_code` (raw bytes), or nullptr when none.
  const std::string* totp_secret(std::string_view ddo_code) const;

  size_t size() const { return by_hash_.size(); }

 private:
  std::unordered_map<std::string, Principal> by_hash_;
  std::unordered_map<std::string, std::string> ddo_secret_;
};

// Makes a new token (prints it once; only the hash is kept) and its tokens-file line. With
// `with_totp` (DDO roles only) also makes a TOTP secret, returned in base32.
Status make_token(std::string_view role_text, bool with_totp, std::string_view name,
                  std::string* token, std::string* secret_base32, std::string* line);

}  // namespace vetan::serve
