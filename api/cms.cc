#include "api/cms.h"

// pem.h first: cms.h declares the PEM functions of CMS with its macros.
#include <openssl/pem.h>
// clang-format off
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
// clang-format on

#include <cctype>
#include <ctime>
#include <memory>

namespace vetan {
namespace {

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using Bio = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;
using Cms = std::unique_ptr<CMS_ContentInfo, Deleter<CMS_ContentInfo, CMS_ContentInfo_free>>;
using Cert = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using Key = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using StoreContext = std::unique_ptr<X509_STORE_CTX, Deleter<X509_STORE_CTX, X509_STORE_CTX_free>>;

void free_certs(STACK_OF(X509) * s) { sk_X509_pop_free(s, X509_free); }
void free_stack(STACK_OF(X509) * s) { sk_X509_free(s); }
using Certs = std::unique_ptr<STACK_OF(X509), Deleter<STACK_OF(X509), free_certs>>;  // owns them
using CertList = std::unique_ptr<STACK_OF(X509), Deleter<STACK_OF(X509), free_stack>>;  // borrows

// The last OpenSSL error as text (and the queue emptied).
std::string openssl_error() {
  unsigned long code = 0, last = 0;
  while ((code = ERR_get_error()) != 0) last = code;
  if (last == 0) return "unknown error";
  char text[256];
  ERR_error_string_n(last, text, sizeof text);
  return text;
}

Bio memory(std::string_view bytes) { return Bio(BIO_new_mem_buf(bytes.data(), int(bytes.size()))); }

std::string name_text(const X509_NAME* name) {
  Bio out(BIO_new(BIO_s_mem()));
  X509_NAME_print_ex(out.get(), name, 0, XN_FLAG_RFC2253);
  char* data = nullptr;
  const long n = BIO_get_mem_data(out.get(), &data);
  return std::string(data, size_t(n));
}

int64_t unix_time(const ASN1_TIME* t) {
  struct tm tm{};
  if (ASN1_TIME_to_tm(t, &tm) != 1) return 0;
  return int64_t(timegm(&tm));
}

SignerIdentity identity(X509* cert) {
  SignerIdentity id;
  id.subject = name_text(X509_get_subject_name(cert));
  id.issuer = name_text(X509_get_issuer_name(cert));
  std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>> serial(ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr));
  if (serial) {
    char* hex = BN_bn2hex(serial.get());
    id.serial = hex;
    OPENSSL_free(hex);
  }
  id.not_before = unix_time(X509_get0_notBefore(cert));
  id.not_after = unix_time(X509_get0_notAfter(cert));
  return id;
}

bool base64_decode(std::string_view text, std::string* out) {
  std::string clean;
  for (char c : text) {
    if (std::isspace(uint8_t(c))) continue;
    if (!std::isalnum(uint8_t(c)) && c != '+' && c != '/' && c != '=') return false;
    clean.push_back(c);
  }
  if (clean.empty() || clean.size() % 4 != 0) return false;
  std::string bytes(clean.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(bytes.data()),
                                reinterpret_cast<const unsigned char*>(clean.data()), int(clean.size()));
  if (n < 0) return false;
  size_t size = size_t(n);
  for (size_t i = clean.size(); i > 0 && clean[i - 1] == '='; --i) --size;  // padding
  bytes.resize(size);
  *out = std::move(bytes);
  return true;
}

Status read_pem_file(const std::string& path, const char* what, Bio* bio) {
  bio->reset(BIO_new_file(path.c_str(), "r"));
  if (!*bio) {
    ERR_clear_error();
    return Status::invalid_argument(path + ": cannot read the " + what);
  }
  return Status();
}

}  // namespace

std::string base64_encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()), int(bytes.size()));
  out.resize(size_t(n));
  return out;
}

Status signature_der(std::string_view text, std::string* der) {
  if (text.find("-----BEGIN") != std::string_view::npos) {
    Bio in = memory(text);
    Cms cms(PEM_read_bio_CMS(in.get(), nullptr, nullptr, nullptr));
    if (!cms) {
      ERR_clear_error();
      return Status::refused("the signature is PEM but not a CMS/PKCS #7 signature", "SIGNATURE_MALFORMED");
    }
    unsigned char* bytes = nullptr;
    const int n = i2d_CMS_ContentInfo(cms.get(), &bytes);
    if (n <= 0) return Status::refused("the signature cannot be encoded as DER", "SIGNATURE_MALFORMED");
    der->assign(reinterpret_cast<char*>(bytes), size_t(n));
    OPENSSL_free(bytes);
    return Status();
  }
  if (!base64_decode(text, der)) {
    return Status::refused("the signature is neither PEM nor base64 of DER", "SIGNATURE_MALFORMED");
  }
  return Status();
}

Status cms_sign(std::string_view content, const std::string& key_path, const std::string& cert_path,
                std::string* signature_pem) {
  Bio key_file, cert_file;
  if (Status s = read_pem_file(key_path, "private key", &key_file); !s.ok()) return s;
  if (Status s = read_pem_file(cert_path, "certificate", &cert_file); !s.ok()) return s;
  // An empty passphrase callback: an encrypted key fails rather than prompting.
  auto no_passphrase = [](char*, int, int, void*) { return 0; };
  Key key(PEM_read_bio_PrivateKey(key_file.get(), nullptr, no_passphrase, nullptr));
  if (!key) {
    return Status::invalid_argument(key_path + ": not an unencrypted PEM private key (" + openssl_error() + ")");
  }
  Cert cert(PEM_read_bio_X509(cert_file.get(), nullptr, nullptr, nullptr));
  if (!cert) return Status::invalid_argument(cert_path + ": not a PEM certificate (" + openssl_error() + ")");
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    ERR_clear_error();
    return Status::invalid_argument(key_path + ": the key is not the key of " + cert_path);
  }
  // The rest of the certificate file: intermediates to carry in the signature.
  Certs chain(sk_X509_new_null());
  while (X509* extra = PEM_read_bio_X509(cert_file.get(), nullptr, nullptr, nullptr)) sk_X509_push(chain.get(), extra);
  ERR_clear_error();
  Bio data = memory(content);
  Cms cms(CMS_sign(nullptr, nullptr, chain.get(), nullptr, CMS_DETACHED | CMS_BINARY | CMS_PARTIAL));
  if (!cms || CMS_add1_signer(cms.get(), cert.get(), key.get(), EVP_sha256(), CMS_BINARY) == nullptr ||
      CMS_final(cms.get(), data.get(), nullptr, CMS_DETACHED | CMS_BINARY) != 1) {
    return Status::invalid_argument("cannot sign: " + openssl_error());
  }
  Bio out(BIO_new(BIO_s_mem()));
  if (PEM_write_bio_CMS(out.get(), cms.get()) != 1) return Status::invalid_argument("cannot write: " + openssl_error());
  char* text = nullptr;
  const long n = BIO_get_mem_data(out.get(), &text);
  signature_pem->assign(text, size_t(n));
  return Status();
}

struct CmsVerifier::Store {
  X509_STORE* store = nullptr;
  ~Store() { X509_STORE_free(store); }
};

CmsVerifier::CmsVerifier() = default;
CmsVerifier::~CmsVerifier() = default;

bool CmsVerifier::loaded() const { return store_ != nullptr; }

Status CmsVerifier::load_ca_bundle(const std::string& path) {
  Bio file;
  if (Status s = read_pem_file(path, "CA bundle", &file); !s.ok()) return s;
  auto store = std::make_unique<Store>();
  store->store = X509_STORE_new();
  size_t count = 0;
  while (X509* ca = PEM_read_bio_X509(file.get(), nullptr, nullptr, nullptr)) {
    X509_STORE_add_cert(store->store, ca);
    X509_free(ca);
    ++count;
  }
  ERR_clear_error();
  if (count == 0) return Status::invalid_argument(path + ": holds no PEM certificate (a CA bundle is PEM)");
  store_ = std::move(store);
  return Status();
}

Status CmsVerifier::verify(std::string_view content, std::string_view signature, int64_t now,
                           SignerIdentity* signer) const {
  if (!store_) return Status::refused("no CA bundle is configured", "CERTIFICATE_REJECTED");
  std::string der;
  if (Status s = signature_der(signature, &der); !s.ok()) return s;
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  Cms cms(d2i_CMS_ContentInfo(nullptr, &p, long(der.size())));
  if (!cms || p != reinterpret_cast<const unsigned char*>(der.data()) + der.size()) {
    ERR_clear_error();
    return Status::refused("the signature is not a DER CMS/PKCS #7 structure", "SIGNATURE_MALFORMED");
  }
  if (OBJ_obj2nid(CMS_get0_type(cms.get())) != NID_pkcs7_signed) {
    return Status::refused("the CMS structure is not signed data", "SIGNATURE_MALFORMED");
  }
  if (CMS_get0_content(cms.get()) != nullptr && *CMS_get0_content(cms.get()) != nullptr) {
    return Status::refused("the signature is not detached: it carries content of its own", "SIGNATURE_INVALID");
  }
  if (sk_CMS_SignerInfo_num(CMS_get0_SignerInfos(cms.get())) != 1) {
    return Status::refused("the signature must have exactly one signer", "SIGNATURE_INVALID");
  }
  // The signature over these bytes (the signer certificate found in the signature), then
  // the certificate separately, so that each refusal says which failed.
  Bio data = memory(content);
  if (CMS_verify(cms.get(), nullptr, nullptr, data.get(), nullptr,
                 CMS_DETACHED | CMS_BINARY | CMS_NO_SIGNER_CERT_VERIFY) != 1) {
    const std::string why = openssl_error();
    return Status::refused("the signature does not verify over these bytes (" + why + ")", "SIGNATURE_INVALID");
  }
  CertList signers(CMS_get0_signers(cms.get()));  // the certificates stay the signature's
  if (!signers || sk_X509_num(signers.get()) != 1) {
    return Status::refused("the signer's certificate is not in the signature", "SIGNATURE_INVALID");
  }
  X509* cert = sk_X509_value(signers.get(), 0);
  *signer = identity(cert);
  StoreContext context(X509_STORE_CTX_new());
  STACK_OF(X509)* carried = CMS_get1_certs(cms.get());
  Certs untrusted(carried);
  X509_STORE_CTX_init(context.get(), store_->store, cert, untrusted.get());
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(context.get());
  X509_VERIFY_PARAM_set_time(param, time_t(now));
  X509_STORE_CTX_set_purpose(context.get(), X509_PURPOSE_ANY);
  const int chained = X509_verify_cert(context.get());
  const int error = X509_STORE_CTX_get_error(context.get());
  ERR_clear_error();
  if (chained != 1) {
    return Status::refused(std::string("the signer's certificate (") + signer->subject + ", serial " +
                               signer->serial + ") is not accepted: " + X509_verify_cert_error_string(error),
                           "CERTIFICATE_REJECTED");
  }
  const uint32_t usage = X509_get_key_usage(cert);
  if (usage == UINT32_MAX || !(usage & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION))) {
    return Status::refused("the signer's certificate (" + signer->subject +
                               ") does not allow signing: its key usage has neither digitalSignature "
                               "nor nonRepudiation",
                           "CERTIFICATE_REJECTED");
  }
  return Status();
}

}  // namespace vetan
