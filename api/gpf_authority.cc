#include "api/gpf_authority.h"

#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

namespace vetan {

namespace {

constexpr std::string_view kTitle = "VETAN GPF PF-9 AUTHORISATION 1";
constexpr const char* kFieldNames[] = {"case_id",      "application_number", "employee_id", "gpf_account",
                                       "amount",       "bank_account",       "ifsc",        "treasury_code",
                                       "approved_by",  "approved_at"};
constexpr size_t kFieldCount = sizeof kFieldNames / sizeof kFieldNames[0];

std::string escape(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else {
      out += c;
    }
  }
  return out;
}

bool unescape(std::string_view v, std::string* out) {
  out->clear();
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] != '\\') {
      *out += v[i];
      continue;
    }
    if (++i == v.size()) return false;
    if (v[i] == '\\') {
      *out += '\\';
    } else if (v[i] == 'n') {
      *out += '\n';
    } else if (v[i] == 'r') {
      *out += '\r';
    } else {
      return false;
    }
  }
  return true;
}

std::string base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()), int(bytes.size()));
  out.resize(size_t(n));
  return out;
}

// Strict base64 of exactly `size` bytes.
bool unbase64(std::string_view text, size_t size, std::string* out) {
  if (text.size() != 4 * ((size + 2) / 3)) return false;
  std::string buffer(text.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(buffer.data()),
                                reinterpret_cast<const unsigned char*>(text.data()), int(text.size()));
  if (n < 0) return false;
  const size_t pad = text.size() >= 2 && text[text.size() - 2] == '=' ? 2 : (!text.empty() && text.back() == '=' ? 1 : 0);
  if (size_t(n) - pad != size) return false;
  buffer.resize(size);
  *out = std::move(buffer);
  return true;
}

std::string body_of(const Pf9Authorisation& a, const std::string& public_raw) {
  const std::string values[kFieldCount] = {a.case_id,      a.application_number, a.employee_id,   a.gpf_account,
                                           std::to_string(a.amount), a.bank_account, a.ifsc, a.treasury_code,
                                           a.approved_by,  a.approved_at};
  std::string out(kTitle);
  out += '\n';
  for (size_t i = 0; i < kFieldCount; ++i) {
    out += kFieldNames[i];
    out += ": ";
    out += escape(values[i]);
    out += '\n';
  }
  out += "public_key: " + base64(public_raw) + "\n";
  return out;
}

struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

bool verify_raw(const std::string& public_raw, std::string_view bytes, const std::string& signature) {
  Pkey key(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr,
                                       reinterpret_cast<const unsigned char*>(public_raw.data()), public_raw.size()));
  if (!key) return false;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok = ctx != nullptr && EVP_DigestVerifyInit(ctx, nullptr, nullptr, nullptr, key.get()) == 1 &&
            EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                             reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size()) == 1;
  EVP_MD_CTX_free(ctx);
  return ok;
}

std::string raw_public(EVP_PKEY* key) {
  unsigned char raw[32];
  size_t n = sizeof raw;
  if (EVP_PKEY_get_raw_public_key(key, raw, &n) != 1 || n != 32) return "";
  return std::string(reinterpret_cast<char*>(raw), n);
}

}  // namespace

struct Ed25519Key::Impl {
  Pkey key;
};

Ed25519Key::Ed25519Key() : impl_(std::make_unique<Impl>()) {}
Ed25519Key::~Ed25519Key() = default;
bool Ed25519Key::loaded() const { return impl_->key != nullptr; }

Status Ed25519Key::load_or_create(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno != ENOENT) return Status::io_error(path + ": cannot read the GPF authority key");
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr);
    EVP_PKEY* made = nullptr;
    const bool ok = ctx != nullptr && EVP_PKEY_keygen_init(ctx) == 1 && EVP_PKEY_keygen(ctx, &made) == 1;
    EVP_PKEY_CTX_free(ctx);
    if (!ok) return Status::io_error(path + ": cannot make an Ed25519 key");
    Pkey key(made);
    BIO* mem = BIO_new(BIO_s_mem());
    if (mem == nullptr || PEM_write_bio_PrivateKey(mem, key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
      BIO_free(mem);
      return Status::io_error(path + ": cannot encode the Ed25519 key");
    }
    char* data = nullptr;
    const long size = BIO_get_mem_data(mem, &data);
    std::string pem(data, size_t(size));
    BIO_free(mem);
    // Written once: O_EXCL, mode 0600 from the start, synced before it is used.
    const std::string temp = path + ".part";
    ::unlink(temp.c_str());
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return Status::io_error(temp + ": cannot write the GPF authority key");
    const bool written = ::write(fd, pem.data(), pem.size()) == ssize_t(pem.size()) && ::fsync(fd) == 0;
    ::close(fd);
    OPENSSL_cleanse(pem.data(), pem.size());
    if (!written || ::link(temp.c_str(), path.c_str()) != 0) {
      ::unlink(temp.c_str());
      return Status::io_error(path + ": cannot write the GPF authority key");
    }
    ::unlink(temp.c_str());
    if (::stat(path.c_str(), &st) != 0) return Status::io_error(path + ": cannot read the GPF authority key");
  }
  if ((st.st_mode & 077) != 0) {
    return Status::permission_denied(path + ": group or others may access the GPF authority key (mode " +
                                     std::to_string((st.st_mode >> 6) & 7) + std::to_string((st.st_mode >> 3) & 7) +
                                     std::to_string(st.st_mode & 7) + "); chmod 600 it");
  }
  FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return Status::io_error(path + ": cannot read the GPF authority key");
  Pkey key(PEM_read_PrivateKey(f, nullptr, nullptr, nullptr));
  std::fclose(f);
  if (!key || EVP_PKEY_id(key.get()) != EVP_PKEY_ED25519) {
    return Status::invalid_argument(path + ": not an Ed25519 private key (PKCS#8 PEM)");
  }
  public_raw_ = raw_public(key.get());
  if (public_raw_.empty()) return Status::invalid_argument(path + ": not an Ed25519 private key (PKCS#8 PEM)");
  impl_->key = std::move(key);
  return Status();
}

std::string Ed25519Key::public_pem() const {
  BIO* mem = BIO_new(BIO_s_mem());
  std::string out;
  if (mem != nullptr && PEM_write_bio_PUBKEY(mem, impl_->key.get()) == 1) {
    char* data = nullptr;
    const long size = BIO_get_mem_data(mem, &data);
    out.assign(data, size_t(size));
  }
  BIO_free(mem);
  return out;
}

std::string Ed25519Key::sign(std::string_view bytes) const {
  unsigned char signature[64];
  size_t n = sizeof signature;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const bool ok = ctx != nullptr && EVP_DigestSignInit(ctx, nullptr, nullptr, nullptr, impl_->key.get()) == 1 &&
                  EVP_DigestSign(ctx, signature, &n, reinterpret_cast<const unsigned char*>(bytes.data()),
                                 bytes.size()) == 1;
  EVP_MD_CTX_free(ctx);
  return ok ? std::string(reinterpret_cast<char*>(signature), n) : std::string();
}

std::string signed_pf9_authorisation(const Pf9Authorisation& a, const Ed25519Key& key) {
  std::string doc = body_of(a, key.public_raw());
  doc += "signature: " + base64(key.sign(doc)) + "\n";
  return doc;
}

AuthorisationVerdict verify_pf9_authorisation(std::string_view document, std::string_view authority_pem,
                                              std::string* detail, Pf9Authorisation* fields) {
  using V = AuthorisationVerdict;
  std::string authority_raw;
  if (!authority_pem.empty()) {
    BIO* mem = BIO_new_mem_buf(authority_pem.data(), int(authority_pem.size()));
    Pkey key(mem != nullptr ? PEM_read_bio_PUBKEY(mem, nullptr, nullptr, nullptr) : nullptr);
    BIO_free(mem);
    if (!key || EVP_PKEY_id(key.get()) != EVP_PKEY_ED25519 || (authority_raw = raw_public(key.get())).empty()) {
      *detail = "the key is not an Ed25519 public key (PEM)";
      return V::kUnusable;
    }
  }
  // The lines: the title, the fields, public_key, signature; nothing after.
  std::vector<std::string_view> lines;
  size_t at = 0;
  while (at < document.size()) {
    const size_t end = document.find('\n', at);
    if (end == std::string_view::npos) {
      *detail = "not a PF-9 authorisation: the last line has no line end";
      return V::kUnusable;
    }
    lines.push_back(document.substr(at, end - at));
    at = end + 1;
  }
  if (lines.size() != kFieldCount + 3 || lines[0] != kTitle) {
    *detail = "not a PF-9 authorisation (the first line is not '" + std::string(kTitle) + "', or lines are missing)";
    return V::kUnusable;
  }
  Pf9Authorisation a;
  std::string* texts[kFieldCount] = {&a.case_id,      &a.application_number, &a.employee_id,  &a.gpf_account,
                                     nullptr,         &a.bank_account,       &a.ifsc,         &a.treasury_code,
                                     &a.approved_by,  &a.approved_at};
  auto value_of = [&](size_t line, std::string_view name, std::string_view* value) {
    const std::string prefix = std::string(name) + ": ";
    if (lines[line].substr(0, prefix.size()) != prefix) return false;
    *value = lines[line].substr(prefix.size());
    return true;
  };
  for (size_t i = 0; i < kFieldCount; ++i) {
    std::string_view v;
    std::string text;
    if (!value_of(i + 1, kFieldNames[i], &v) || !unescape(v, &text)) {
      *detail = std::string("not a PF-9 authorisation: line ") + std::to_string(i + 2) + " is not '" + kFieldNames[i] +
                ": …'";
      return V::kUnusable;
    }
    if (texts[i] != nullptr) {
      *texts[i] = std::move(text);
    } else {
      char* end = nullptr;
      errno = 0;
      const long long amount = std::strtoll(text.c_str(), &end, 10);
      if (text.empty() || *end != '\0' || errno != 0 || amount < 0) {
        *detail = "not a PF-9 authorisation: 'amount' is not whole rupees";
        return V::kUnusable;
      }
      a.amount = amount;
    }
  }
  std::string_view key_text, signature_text;
  std::string public_raw, signature;
  if (!value_of(kFieldCount + 1, "public_key", &key_text) || !value_of(kFieldCount + 2, "signature", &signature_text)) {
    *detail = "not a PF-9 authorisation: no 'public_key' and 'signature' lines at its end";
    return V::kUnusable;
  }
  if (!unbase64(key_text, 32, &public_raw)) {
    *detail = "invalid: 'public_key' is not 32 bytes of base64";
    return V::kInvalid;
  }
  if (!unbase64(signature_text, 64, &signature)) {
    *detail = "invalid: 'signature' is not 64 bytes of base64";
    return V::kInvalid;
  }
  if (fields != nullptr) *fields = a;
  if (!authority_raw.empty() && authority_raw != public_raw) {
    *detail = "invalid: signed by a key other than the authority's (public_key " + std::string(key_text) + ")";
    return V::kInvalid;
  }
  const size_t signed_bytes = document.size() - signature_text.size() - std::strlen("signature: \n");
  if (!verify_raw(public_raw, document.substr(0, signed_bytes), signature)) {
    *detail = "invalid: the signature does not match the document (changed, or not signed by its public_key)";
    return V::kInvalid;
  }
  *detail = authority_raw.empty() ? "valid: signed by the key it names (public_key " + std::string(key_text) +
                                        "); give --key to check it is the authority's"
                                  : "valid: signed by the authority's key";
  return V::kValid;
}

}  // namespace vetan
