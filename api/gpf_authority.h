// The PF-9 authorisation as a signed document (gpf.md §7 step 4, issue 10 item 5): when the
// AG's approver authorises a case, the service issues a text document naming the case, the
// subscriber, the account, the amount, where it is paid, who approved it and when, signed with
// the service's Ed25519 key (OpenSSL EVP_PKEY_ED25519). `vetan gpf verify` checks it offline.
//
// The document, UTF-8, one "name: value" line each, LF line ends, in this order:
//
//   VETAN GPF PF-9 AUTHORISATION 1
//   case_id: PF9-000001
//   application_number: PF9/2026/000001
//   employee_id: E0002
//   gpf_account: GPF/2
//   amount: 123456                       (rupees, the approver's amount)
//   bank_account: 1000000002
//   ifsc: SBIN0001234
//   treasury_code: TR01
//   approved_by: ag:approver
//   approved_at: 2026-11-05T10:00:00Z
//   public_key: <base64 of the 32-byte Ed25519 public key>
//   signature: <base64 of the 64-byte Ed25519 signature of every byte before this line>
//
// A value's backslash, CR and LF are written \\, \r and \n. Ed25519 is deterministic, so the
// same case and key give the same bytes whenever the document is produced.
//
// Thread-safety: the functions are reentrant; an Ed25519Key is immutable once loaded.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/common/money.h"
#include "core/common/status.h"

namespace vetan {

struct Pf9Authorisation {
  std::string case_id, application_number, employee_id, gpf_account;
  Money amount = 0;
  std::string bank_account, ifsc, treasury_code, approved_by, approved_at;
};

class Ed25519Key {
 public:
  Ed25519Key();
  ~Ed25519Key();
  Ed25519Key(const Ed25519Key&) = delete;
  Ed25519Key& operator=(const Ed25519Key&) = delete;

  // Loads the private key (PKCS#8 PEM) at `path`, or makes one there (mode 0600, synced)
  // when there is none. Refuses (permission denied) a key file that group or others may
  // access, and (invalid argument) one that is not an Ed25519 private key; names the file.
  Status load_or_create(const std::string& path);

  bool loaded() const;
  // The public key: raw 32 bytes; as SubjectPublicKeyInfo PEM.
  const std::string& public_raw() const { return public_raw_; }
  std::string public_pem() const;
  // The 64-byte signature of `bytes`. REQUIRES: loaded().
  std::string sign(std::string_view bytes) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string public_raw_;
};

// The document for `a`, signed with `key`. REQUIRES: key.loaded().
std::string signed_pf9_authorisation(const Pf9Authorisation& a, const Ed25519Key& key);

// Checks a document: kValid, kInvalid (a wrong signature, a key other than `authority_pem`'s,
// a document changed), kUnusable (not such a document at all, or a key that is not an
// Ed25519 public key PEM). `authority_pem` empty: checked against the key the document
// names. `detail` says why, or what was checked; `fields` gets the document's fields.
enum class AuthorisationVerdict { kValid, kInvalid, kUnusable };
AuthorisationVerdict verify_pf9_authorisation(std::string_view document, std::string_view authority_pem,
                                              std::string* detail, Pf9Authorisation* fields = nullptr);

}  // namespace vetan
