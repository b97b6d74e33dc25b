// core/common/sha256: FIPS 180-4 test vectors, and the stream equal to the one-shot digest
// however the bytes are cut (vetan close hashes the next master as it writes it).
#include <gtest/gtest.h>

#include <string>

#include "core/common/sha256.h"

namespace vetan {
namespace {

TEST(Sha256, KnownVectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256, StreamEqualsOneShotForEveryCut) {
  std::string text;
  for (int i = 0; i < 300; ++i) text += char('a' + i % 26);
  const std::string whole = sha256_hex(text);
  for (size_t cut : {size_t(0), size_t(1), size_t(63), size_t(64), size_t(65), text.size()}) {
    Sha256Stream stream;
    stream.update(std::string_view(text).substr(0, cut));
    stream.update(std::string_view(text).substr(cut));
    EXPECT_EQ(stream.hex(), whole) << "cut at " << cut;
  }
  Sha256Stream bytewise;
  for (char c : text) bytewise.update(std::string_view(&c, 1));
  EXPECT_EQ(bytewise.hex(), whole);
}

}  // namespace
}  // namespace vetan
