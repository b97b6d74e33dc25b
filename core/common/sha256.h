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

}  // namespace vetan
