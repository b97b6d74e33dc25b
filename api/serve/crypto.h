// Hashes and one-time passwords for the REST shell: SHA-256 of API tokens (tokens are
// stored hashed), HMAC-SHA1 TOTP (RFC 6238) for bill confirmation, base32 (RFC 4648) for
// TOTP secrets, and random bytes for new tokens. Backed by OpenSSL's libcrypto.
//
// Thread-safety: every function is reentrant.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/common/sha256.h"

namespace vetan::serve {

// Lower-case hex of SHA-256(`data`) (core/common/sha256.h).
using vetan::sha256_hex;

// HMAC-SHA1(key, message), 20 raw bytes.
std::string hmac_sha1(std::string_view key, std::string_view message);

// RFC 4648 base32 without padding, upper case.
std::string base32_encode(std::string_view bytes);
// Decodes base32 (case-insensitive, '=' padding and spaces ignored). Returns false on any
// other character.
bool base32_decode(std::string_view text, std::string* bytes);

// `n` bytes from the operating system's random source.
std::string random_bytes(size_t n);

// RFC 4226 HOTP value for `counter`, `digits` decimal digits (6..8).
uint32_t hotp(std::string_view key, uint64_t counter, int digits);

// RFC 6238 TOTP: the code for unix time `unix_seconds` with a 30 s step, as `digits` digits
// with leading zeros.
std::string totp_code(std::string_view key, int64_t unix_seconds, int digits = 6);

// True iff `code` is the 6-digit TOTP of `key` for the step of `unix_seconds` or one step
// either side (clock skew). Compares in constant time.
bool totp_verify(std::string_view key, std::string_view code, int64_t unix_seconds);

// The RFC 6238 time step (unix seconds / 30) whose 6-digit code `code` is, among the step of
// `unix_seconds` and one step either side (the latest when several match); -1 when none.
// A verifier that accepts each step once (RFC 6238 §5.2) keeps the last step accepted.
int64_t totp_match(std::string_view key, std::string_view code, int64_t unix_seconds);

// Constant-time equality of two strings of equal length (false when lengths differ).
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace vetan::serve
