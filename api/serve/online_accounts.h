// OnlineAccounts (issue 11 §3, issue 10 §5): what the administrator and the subscribers do
// online to who may sign in, as the replay of their audit events:
//   - DDOs registered by the administrator (code, name, office, treasury, one mobile);
//   - their credentials issued online: an API token (shown once, kept hashed) and a TOTP
//     secret enrolled with a QR code; rotated (the old token stops at once) and revoked;
//   - the roll-out target per treasury;
//   - the subscribers' one-time-code sign-in guards (wrong codes in a row, lock).
// The file-based tokens (tokens.h) keep working beside these.
//
// Secrets never enter the audit store: an event names a credential by its token's SHA-256
// and the TOTP secret's fingerprint; the secrets live in the online tokens file beside the
// tokens file (`<tokens file>.online`, mode 0600, the tokens file's line format), rewritten
// whole (temporary file, fsync, rename) before the event is appended. A line there that no
// event made live is ignored; a live credential whose secret is missing is refused at open.
//
// Events (AuditEvent.action, entity, after):
//   ddo.register      "ddo:<code>"       {ddo_code, name, office, treasury_code, mobile}
//   ddo.credentials   "ddo:<code>"       {credential, token_sha256, totp_sha256, rotated}
//   ddo.revoke        "ddo:<code>"       {credential, token_sha256}
//   rollout.target    "treasury:<code>"  {treasury_code, target}
//   signin.code       "employee:<id>"    {to}: a code went to the outbox (never the code)
//   signin.failure    "employee:<id>"    {failures, locked_until}
//   signin.success    "employee:<id>"    {}
//
// Thread-safety: every method locks the object's mutex. The service appends and applies
// events under its state mutex, so the store's order is the order applied.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "api/serve/audit_store.h"
#include "api/serve/tokens.h"
#include "core/common/status.h"

namespace vetan::serve {

struct DdoRegistration {
  std::string ddo_code, name, office, treasury_code, mobile;
  std::string registered_at, registered_by;
  std::string token_sha256;  // the live online credential's; empty when none
  std::string credential;    // its short id (the hash's first 12 hex digits)
  std::string issued_at;
  int64_t credentials_issued = 0;
  bool revoked = false;  // the last credential was revoked (not rotated)
};

struct SigninGuard {
  int64_t failures = 0;      // wrong codes in a row
  int64_t locked_until = 0;  // unix seconds; 0 when never locked
};

// A subscriber's one-time code in flight (memory only: never stored but in the outbox).
struct PendingCode {
  std::string code_sha256;    // SHA-256 of "<id>:<code>"; empty once used
  int64_t expires = 0;        // unix seconds
  std::vector<int64_t> sent;  // when codes were asked for, within the rate window
};

class OnlineAccounts {
 public:
  static constexpr int64_t kMaxWrongCodes = 5;
  static constexpr int64_t kLockSeconds = 15 * 60;

  static bool owns(std::string_view action);

  // Reads the online tokens file at `path` (absent: none yet). Call before replaying.
  Status open(const std::string& path);
  // After the replay: every live credential has its secret.
  Status check_secrets() const;

  // Applies one stored event (replay, or just after append).
  Status apply(const AuditEvent& event);

  // Writes the online tokens file: the live credentials' secrets plus (token_sha256,
  // line) when given. Durable when it returns.
  Status write_secrets(const std::string& extra_sha256, const std::string& extra_line);

  // The principal of an online token, or nullptr (unknown, rotated or revoked).
  const Principal* authenticate(std::string_view token) const;
  // True iff `who` was made by this registry and no longer authenticates.
  bool retired(const Principal* who) const;
  // The TOTP secret (raw) of `ddo`'s live online credential, or empty.
  std::string totp_secret(std::string_view ddo) const;

  bool registered(std::string_view ddo) const;
  std::vector<DdoRegistration> registrations() const;  // by code
  bool registration(std::string_view ddo, DdoRegistration* out) const;
  std::map<std::string, int64_t> targets() const;

  // A subscriber's principal employee:<id>, made once and kept (sessions point at it).
  const Principal* employee(const std::string& id);
  SigninGuard guard(const std::string& id) const;
  // For ids the store does not hear of (not on the master): the same guard, in memory.
  void set_memory_guard(const std::string& id, const SigninGuard& guard);

  // Events ready to append (at, actor set by the caller).
  static AuditEvent register_event(const DdoRegistration& r);
  static AuditEvent credentials_event(const std::string& ddo, const std::string& token_sha256,
                                      const std::string& totp_sha256, bool rotated);
  static AuditEvent revoke_event(const std::string& ddo, const std::string& token_sha256);
  static AuditEvent target_event(const std::string& treasury, int64_t target);
  static AuditEvent signin_event(const std::string& action, const std::string& id, const std::string& after);

 private:
  mutable std::mutex mutex_;
  std::string path_;
  std::map<std::string, DdoRegistration, std::less<>> ddos_;
  std::unordered_map<std::string, std::string> secrets_;  // token sha256 -> raw TOTP secret
  // Every principal ever made (sessions hold pointers): by token sha256, and which are live.
  std::unordered_map<std::string, std::unique_ptr<Principal>> principals_;
  std::unordered_map<const Principal*, bool> live_;
  std::map<std::string, int64_t> targets_;
  std::unordered_map<std::string, std::unique_ptr<Principal>> employees_;
  std::unordered_map<std::string, SigninGuard> guards_;
};

// issue 11 §3 field checks; each message names the field.
Status check_ddo_code(std::string_view code);
Status check_treasury_code(std::string_view code);
// An Indian mobile number: 10 digits starting 6-9, optionally after +91, 91 or 0 (spaces
// and hyphens ignored). *normalized = "+91" and the 10 digits.
bool normalize_mobile(std::string_view text, std::string* normalized);

// The otpauth:// URI an authenticator app reads (RFC 6238: SHA1, 6 digits, 30 s).
std::string otpauth_uri(std::string_view ddo, std::string_view secret_base32);
// A QR code of `text` as an SVG document (libqrencode, error correction M, 4-module margin).
Status qr_svg(std::string_view text, std::string* svg);

}  // namespace vetan::serve
