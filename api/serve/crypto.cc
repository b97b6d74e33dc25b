#include "api/serve/crypto.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <cstdio>
#include <stdexcept>

namespace vetan::serve {

std::string hmac_sha1(std::string_view key, std::string_view message) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha1(), key.data(), int(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest, &length);
  return std::string(reinterpret_cast<const char*>(digest), length);
}

namespace {
const char kBase32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
}

std::string base32_encode(std::string_view bytes) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 5) {
      out.push_back(kBase32[(buffer >> (bits - 5)) & 31]);
      bits -= 5;
    }
  }
  if (bits > 0) out.push_back(kBase32[(buffer << (5 - bits)) & 31]);
  return out;
}

bool base32_decode(std::string_view text, std::string* bytes) {
  bytes->clear();
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    if (c == '=' || c == ' ') continue;
    int value;
    if (c >= 'A' && c <= 'Z') value = c - 'A';
    else if (c >= 'a' && c <= 'z') value = c - 'a';
    else if (c >= '2' && c <= '7') value = c - '2' + 26;
    else return false;
    buffer = (buffer << 5) | uint32_t(value);
    bits += 5;
    if (bits >= 8) {
      bytes->push_back(char((buffer >> (bits - 8)) & 0xff));
      bits -= 8;
    }
  }
  return true;
}

std::string random_bytes(size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), int(n)) != 1) {
    throw std::runtime_error("no random bytes from the operating system");
  }
  return out;
}

uint32_t hotp(std::string_view key, uint64_t counter, int digits) {
  char message[8];
  for (int i = 7; i >= 0; --i) {
    message[i] = char(counter & 0xff);
    counter >>= 8;
  }
  const std::string mac = hmac_sha1(key, std::string_view(message, 8));
  const int offset = mac[19] & 0x0f;
  const uint32_t binary = (uint32_t(uint8_t(mac[offset]) & 0x7f) << 24) |
                          (uint32_t(uint8_t(mac[offset + 1])) << 16) |
                          (uint32_t(uint8_t(mac[offset + 2])) << 8) | uint32_t(uint8_t(mac[offset + 3]));
  uint32_t modulus = 1;
  for (int i = 0; i < digits; ++i) modulus *= 10;
  return binary % modulus;
}

std::string totp_code(std::string_view key, int64_t unix_seconds, int digits) {
  const uint64_t step = uint64_t(unix_seconds < 0 ? 0 : unix_seconds) / 30;
  char text[16];
  std::snprintf(text, sizeof text, "%0*u", digits, hotp(key, step, digits));
  return text;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= uint8_t(a[i]) ^ uint8_t(b[i]);
  return diff == 0;
}

int64_t totp_match(std::string_view key, std::string_view code, int64_t unix_seconds) {
  if (code.size() != 6 || key.empty()) return -1;
  int64_t matched = -1;
  for (int64_t skew = -1; skew <= 1; ++skew) {
    const int64_t at = unix_seconds + skew * 30;
    if (constant_time_equal(totp_code(key, at, 6), code)) matched = at / 30;
  }
  return matched;
}

bool totp_verify(std::string_view key, std::string_view code, int64_t unix_seconds) {
  return totp_match(key, code, unix_seconds) >= 0;
}

}  // namespace vetan::serve
