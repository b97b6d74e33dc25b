// SHA-256 (FIPS 180-4), backed by OpenSSL's libcrypto: one implementation for the whole
// project (API token hashes in api/serve, payment file manifests in api/pay_command.cc).
// Hashing reads only the bytes it is given: no I/O.
//
// Thread-safety: reentrant.
#pragma once

#include <string>
#include <string_view>

namespace vetan {

// Lower-case hex of SHA-256(`data`).
std::string sha256_hex(std::string_view data);

// SHA-256 of bytes given in pieces (a file as it is written), equal to sha256_hex() of their
// concatenation.
// Thread-safety: one object per thread.
class Sha256Stream {
 public:
  Sha256Stream();
  Sha256Stream(const Sha256Stream&) = delete;
  Sha256Stream& operator=(const Sha256Stream&) = delete;
  ~Sha256Stream();

  void update(std::string_view bytes);

  // Lower-case hex of the digest of everything given so far. REQUIRES: called once.
  std::string hex();

 private:
  void* context_;  // EVP_MD_CTX
};

}  // namespace vetan
