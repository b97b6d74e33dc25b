// A test PKI made with OpenSSL in the test (issue 12 item 4): keys, CA and end-entity
// certificates with chosen validity and key usage, written as PEM files.
#pragma once

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <stdexcept>
#include <string>

namespace vetan::test_pki {

// A key and its certificate, written to `<stem>.key` and `<stem>.pem`.
struct Identity {
  EVP_PKEY* key = nullptr;
  X509* cert = nullptr;
  std::string key_path, cert_path;
};

inline void add_extension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (ext == nullptr) throw std::runtime_error("bad extension");
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

// A certificate for `cn` valid from `not_before` to `not_after` (unix seconds), signed by
// `issuer` (itself when null: a self-signed CA). `ca`: basicConstraints CA:TRUE and key usage
// keyCertSign, cRLSign; else `key_usage` (e.g. "critical,digitalSignature,nonRepudiation").
inline Identity make_identity(const std::string& dir, const std::string& stem, const std::string& cn,
                              const Identity* issuer, long long not_before, long long not_after, bool ca,
                              const char* key_usage = "critical,digitalSignature,nonRepudiation") {
  static long serial = 0x1000;
  Identity id;
  id.key = EVP_EC_gen("P-256");
  id.cert = X509_new();
  X509_set_version(id.cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(id.cert), ++serial);
  ASN1_TIME_set(X509_getm_notBefore(id.cert), time_t(not_before));
  ASN1_TIME_set(X509_getm_notAfter(id.cert), time_t(not_after));
  X509_set_pubkey(id.cert, id.key);
  X509_NAME* name = X509_get_subject_name(id.cert);
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>("Vetan Test"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509* issuer_cert = issuer ? issuer->cert : id.cert;
  X509_set_issuer_name(id.cert, X509_get_subject_name(issuer_cert));
  add_extension(id.cert, issuer_cert, NID_basic_constraints, ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
  add_extension(id.cert, issuer_cert, NID_key_usage, ca ? "critical,keyCertSign,cRLSign" : key_usage);
  add_extension(id.cert, issuer_cert, NID_subject_key_identifier, "hash");
  if (issuer) add_extension(id.cert, issuer_cert, NID_authority_key_identifier, "keyid");
  X509_sign(id.cert, issuer ? issuer->key : id.key, EVP_sha256());
  id.key_path = dir + "/" + stem + ".key";
  id.cert_path = dir + "/" + stem + ".pem";
  FILE* f = std::fopen(id.key_path.c_str(), "w");
  PEM_write_PrivateKey(f, id.key, nullptr, nullptr, 0, nullptr, nullptr);
  std::fclose(f);
  f = std::fopen(id.cert_path.c_str(), "w");
  PEM_write_X509(f, id.cert);
  std::fclose(f);
  return id;
}

inline void free_identity(Identity* id) {
  X509_free(id->cert);
  EVP_PKEY_free(id->key);
  id->cert = nullptr;
  id->key = nullptr;
}

}  // namespace vetan::test_pki
