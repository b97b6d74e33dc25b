// Detached CMS (PKCS #7, RFC 5652) signatures over any bytes, as a class-3 digital
// signature certificate signs a document: the signer's certificate travels in the
// signature, and a verifier trusts it through a CA bundle. Used for bills (the DDO's
// confirmation and the treasury's pass in `vetan serve`) and for any file
// (`vetan sign`, `vetan verify`, docs/signatures.md).
//
// Thread-safety: a CmsVerifier is immutable once loaded and may verify from any number of
// threads; the free functions are reentrant.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/common/status.h"

namespace vetan {

// Who signed: the signer certificate's subject and issuer (RFC 2253 text), serial number
// (upper-case hex) and validity (unix seconds).
struct SignerIdentity {
  std::string subject;
  std::string issuer;
  std::string serial;
  int64_t not_before = 0, not_after = 0;
};

// Signs `content` with the private key and certificate of PEM files (a key protected by a
// passphrase is refused: give an unencrypted key). Writes the detached signature as PEM
// ("-----BEGIN CMS-----"), SHA-256, the signer certificate included, to *signature_pem.
Status cms_sign(std::string_view content, const std::string& key_path, const std::string& cert_path,
                std::string* signature_pem);

// The signature text as a request carries it (PEM, or base64 of the DER, whitespace
// allowed) as DER bytes. Fails when it is neither.
Status signature_der(std::string_view text, std::string* der);

// Base64 (RFC 4648, no line breaks) of `bytes`.
std::string base64_encode(std::string_view bytes);

// Verifies detached signatures against a bundle of trusted CA certificates.
class CmsVerifier {
 public:
  CmsVerifier();
  ~CmsVerifier();
  CmsVerifier(const CmsVerifier&) = delete;
  CmsVerifier& operator=(const CmsVerifier&) = delete;

  // Loads the PEM certificates of `path` as the trust anchors. Fails naming the file when it
  // cannot be read or holds no certificate.
  Status load_ca_bundle(const std::string& path);
  bool loaded() const;

  // Checks that `signature` (PEM or base64 DER) is one signer's detached CMS signature over
  // exactly `content`; that the signer certificate chains to the bundle (certificates in the
  // signature may serve as intermediates) and is valid at `now` (unix seconds), as is its
  // chain; and that its key usage allows digitalSignature or nonRepudiation. On success
  // fills *signer. Failures are Status::refused with a reason for the reply:
  // SIGNATURE_MALFORMED (not CMS), SIGNATURE_INVALID (not over these bytes, or not one
  // signer), CERTIFICATE_REJECTED (untrusted, expired, not yet valid, or the wrong key
  // usage); the message says which.
  Status verify(std::string_view content, std::string_view signature, int64_t now,
                SignerIdentity* signer) const;

 private:
  struct Store;
  std::unique_ptr<Store> store_;
};

}  // namespace vetan
