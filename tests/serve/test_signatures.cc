// Signed bills (issue 12 item 4, docs/signatures.md): a DDO's confirmation and a treasury's
// pass carrying a detached CMS signature over the bill's canonical bytes, verified against
// the server's CA bundle and kept in the audit trail across a restart; every refusal (a
// signature missing but required, malformed, over other bytes, by a certificate of another
// CA, expired, or not allowed to sign) is a 4xx that changes nothing. Also `vetan sign` and
// `vetan verify` on a file. The PKI is made here with OpenSSL.
#include <gtest/gtest.h>

#include <fstream>

#include "api/cms.h"
#include "api/commands.h"
#include "core/common/json_text.h"
#include "serve_fixture.h"
#include "test_pki.h"

namespace vetan::serve {
namespace {

using test_pki::Identity;
using test_pki::make_identity;

const std::string kBill = "/v1/bills/2026-11/TR01/DDO001/1";
constexpr long long kYear = 365LL * 86400;

class SignedBillsTest : public ServeTest {
 protected:
  void SetUp() override {
    ServeTest::SetUp();
    const std::string d = dir_.string();
    const long long now = clock_.now();
    ca_ = make_identity(d, "ca", "Vetan Test CA", nullptr, now - 5 * kYear, now + 5 * kYear, true);
    ddo_ = make_identity(d, "ddo", "DDO001 Officer", &ca_, now - kYear, now + kYear, false);
    treasury_ = make_identity(d, "treasury", "TR01 Treasury Officer", &ca_, now - kYear, now + kYear, false);
    expired_ = make_identity(d, "expired", "DDO001 Old Officer", &ca_, now - 3 * kYear, now - 86400, false);
    no_signing_ = make_identity(d, "encipher", "DDO001 Clerk", &ca_, now - kYear, now + kYear, false,
                                "critical,keyEncipherment");
    other_ca_ = make_identity(d, "other-ca", "Some Other CA", nullptr, now - 5 * kYear, now + 5 * kYear, true);
    stranger_ = make_identity(d, "stranger", "DDO001 Officer", &other_ca_, now - kYear, now + kYear, false);
  }
  void TearDown() override {
    for (Identity* id : {&ca_, &ddo_, &treasury_, &expired_, &no_signing_, &other_ca_, &stranger_}) {
      test_pki::free_identity(id);
    }
    ServeTest::TearDown();
  }
  // Reopens the service on the same data with a signature policy.
  void reopen(bool require, bool with_bundle = true) {
    service_.reset();
    service_ = std::make_unique<Service>();
    ASSERT_TRUE(service_->set_signature_policy({with_bundle ? ca_.cert_path : "", require}).ok());
    ServiceOptions o = options((dir_ / "data").string());
    o.gpf_ledger_path.clear();
    const Status s = service_->open(o);
    ASSERT_TRUE(s.ok()) << s.message();
  }
  std::string canonical(Who who = kDdo1) {
    const Reply r = call(who, "GET", kBill + "/canonical");
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.content_type.rfind("text/plain", 0), 0u);
    return r.body;
  }
  static std::string sign(const std::string& bytes, const Identity& id) {
    std::string pem;
    const Status s = cms_sign(bytes, id.key_path, id.cert_path, &pem);
    EXPECT_TRUE(s.ok()) << s.message();
    return pem;
  }
  std::string confirm_body(const std::string& signature) {
    std::string body = "{\"otp\": \"" + totp_code(kTotpSecret, clock_.now()) + "\"";
    if (!signature.empty()) body += ", \"signature\": " + json_quote(signature);
    return body + "}";
  }
  std::string bill_state() {
    const Reply r = call(kAdmin, "GET", kBill);
    const size_t at = r.body.find("\"state\":\"");
    return at == std::string::npos ? "" : r.body.substr(at + 9, r.body.find('"', at + 9) - at - 9);
  }
  // A refused confirmation: the status and error code, and nothing changed.
  void expect_refused(Who who, const std::string& action, const std::string& body, int status, const std::string& code,
                      const std::string& says) {
    const size_t events = audit_events();
    const std::string state = bill_state();
    const Reply r = call(who, "POST", kBill + "/" + action, body);
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_NE(r.body.find("\"" + code + "\""), std::string::npos) << r.body;
    EXPECT_NE(r.body.find(says), std::string::npos) << r.body;
    EXPECT_EQ(audit_events(), events) << "a refused " << action << " was audited";
    EXPECT_EQ(bill_state(), state);
  }

  Identity ca_, ddo_, treasury_, expired_, no_signing_, other_ca_, stranger_;
};

TEST_F(SignedBillsTest, CanonicalBytesNameTheBillAndItsPayslips) {
  run_month();
  const std::string bytes = canonical();
  EXPECT_EQ(bytes.rfind("vetan-bill/1\nbill_id=2026-11/TR01/DDO001/1\nmonth=2026-11\ntreasury_code=TR01\n", 0), 0u)
      << bytes;
  const Reply bill = call(kAdmin, "GET", kBill);
  const size_t net = bill.body.find("\"net\":");
  ASSERT_NE(net, std::string::npos);
  const std::string net_value = bill.body.substr(net + 6, bill.body.find_first_of(",}", net) - net - 6);
  EXPECT_NE(bytes.find("\nnet=" + net_value + "\n"), std::string::npos) << bytes;
  EXPECT_NE(bytes.find("\npayslips_sha256="), std::string::npos);
  EXPECT_EQ(canonical(kTreasury1), bytes);  // the same bytes for whoever signs
  EXPECT_EQ(call(kTreasury2, "GET", kBill + "/canonical").status, 403);
  EXPECT_EQ(call(kDdo1, "GET", "/v1/bills/2026-11/TR01/DDO001/9/canonical").status, 404);
}

TEST_F(SignedBillsTest, EveryRefusalChangesNothing) {
  reopen(true);
  run_month();
  const std::string bytes = canonical();
  expect_refused(kDdo1, "confirm", confirm_body(""), 422, "SIGNATURE_REQUIRED", "field 'signature'");
  expect_refused(kDdo1, "confirm", confirm_body("not a signature!"), 422, "SIGNATURE_MALFORMED", "neither PEM nor");
  expect_refused(kDdo1, "confirm", confirm_body("-----BEGIN CMS-----\nAAAA\n-----END CMS-----\n"), 422,
                 "SIGNATURE_MALFORMED", "not a CMS");
  // A tampered bill: the signature is over other bytes (the net changed by a rupee).
  std::string tampered = bytes;
  const size_t net = tampered.find("\nnet=") + 5;
  tampered[net] = tampered[net] == '9' ? '8' : char(tampered[net] + 1);
  expect_refused(kDdo1, "confirm", confirm_body(sign(tampered, ddo_)), 422, "SIGNATURE_INVALID",
                 "does not verify over these bytes");
  expect_refused(kDdo1, "confirm", confirm_body(sign(bytes, stranger_)), 422, "CERTIFICATE_REJECTED",
                 "unable to get local issuer certificate");
  expect_refused(kDdo1, "confirm", confirm_body(sign(bytes, expired_)), 422, "CERTIFICATE_REJECTED",
                 "certificate has expired");
  expect_refused(kDdo1, "confirm", confirm_body(sign(bytes, no_signing_)), 422, "CERTIFICATE_REJECTED",
                 "does not allow signing");
  // A signature does not let another role act: the treasury cannot confirm.
  expect_refused(kTreasury1, "confirm", confirm_body(sign(bytes, treasury_)), 403, "FORBIDDEN", "may not");
  // The OTP was not used by any refusal: the signed confirmation with it is accepted.
  const Reply ok = call(kDdo1, "POST", kBill + "/confirm", confirm_body(sign(bytes, ddo_)));
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_NE(ok.body.find("\"signed_by\":\"CN=DDO001 Officer,O=Vetan Test\""), std::string::npos) << ok.body;
  // The treasury's pass: required too, and verified with the treasury officer's certificate.
  expect_refused(kTreasury1, "pass", "{}", 422, "SIGNATURE_REQUIRED", "a pass");
  expect_refused(kTreasury1, "pass", "{\"signature\": " + json_quote(sign(bytes, expired_)) + "}", 422,
                 "CERTIFICATE_REJECTED", "expired");
  const Reply passed = call(kTreasury1, "POST", kBill + "/pass", "{\"signature\": " + json_quote(sign(bytes, treasury_)) + "}");
  ASSERT_EQ(passed.status, 200) << passed.body;
  EXPECT_EQ(bill_state(), "PASSED");
}

// The signatures are audit facts: the events keep signature, subject and serial, and a
// restart (the state is the replay of the events) keeps them and the bill's state.
TEST_F(SignedBillsTest, SignaturesSurviveARestart) {
  reopen(false);
  run_month();
  const std::string bytes = canonical();
  ASSERT_EQ(call(kDdo1, "POST", kBill + "/confirm", confirm_body(sign(bytes, ddo_))).status, 200);
  ASSERT_EQ(call(kTreasury1, "POST", kBill + "/pass", "{\"signature\": " + json_quote(sign(bytes, treasury_)) + "}").status,
            200);
  const std::string audit = call(kAdmin, "GET", kBill + "/audit").body;
  char serial[32];
  std::snprintf(serial, sizeof serial, "%lX", ASN1_INTEGER_get(X509_get0_serialNumber(ddo_.cert)));
  EXPECT_NE(audit.find("\"subject\":\"CN=DDO001 Officer,O=Vetan Test\""), std::string::npos) << audit;
  EXPECT_NE(audit.find("\"subject\":\"CN=TR01 Treasury Officer,O=Vetan Test\""), std::string::npos) << audit;
  EXPECT_NE(audit.find(std::string("\"serial\":\"") + serial + "\""), std::string::npos) << audit;
  EXPECT_NE(audit.find("\"canonical_sha256\":\"" + sha256_hex(bytes) + "\""), std::string::npos) << audit;
  EXPECT_NE(audit.find("\"cms\":\"MI"), std::string::npos) << audit;  // base64 DER: a SEQUENCE

  reopen(true);  // a restart replays the events
  EXPECT_EQ(bill_state(), "PASSED");
  EXPECT_EQ(call(kAdmin, "GET", kBill + "/audit").body, audit);
  // The stored signature still verifies over the bytes it names.
  const size_t at = audit.find("\"cms\":\"") + 7;
  const std::string stored = audit.substr(at, audit.find('"', at) - at);
  CmsVerifier verifier;
  ASSERT_TRUE(verifier.load_ca_bundle(ca_.cert_path).ok());
  SignerIdentity signer;
  const Status s = verifier.verify(bytes, stored, clock_.now(), &signer);
  EXPECT_TRUE(s.ok()) << s.message();
}

TEST_F(SignedBillsTest, UnsignedWhenNotRequiredAndUnverifiableWithoutABundle) {
  reopen(false, false);
  run_month();
  const std::string bytes = canonical();
  expect_refused(kDdo1, "confirm", confirm_body(sign(bytes, ddo_)), 422, "CERTIFICATE_REJECTED", "no CA bundle");
  const Reply ok = call(kDdo1, "POST", kBill + "/confirm", confirm_body(""));
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.body.find("signed_by"), std::string::npos);
  Service s;
  EXPECT_FALSE(s.set_signature_policy({"", true}).ok());
  EXPECT_NE(s.set_signature_policy({(dir_ / "employees.csv").string(), false}).message().find("holds no PEM certificate"),
            std::string::npos);
}

// vetan sign / vetan verify over any file's bytes (a payment file, say).
TEST_F(SignedBillsTest, SignAndVerifyAFile) {
  const std::string file = (dir_ / "payment.xml").string();
  std::ofstream(file) << "<Document>pain.001</Document>\n";
  auto run = [](int (*command)(const Arguments&), std::vector<std::string> args) {
    testing::internal::CaptureStderr();
    testing::internal::CaptureStdout();
    const int code = command(Arguments(args.begin(), args.end()));
    const std::string err = testing::internal::GetCapturedStderr();
    testing::internal::GetCapturedStdout();
    return std::make_pair(code, err);
  };
  ASSERT_EQ(run(sign_command, {"--key", treasury_.key_path, "--cert", treasury_.cert_path, file}).first, kExitOk);
  const std::string sig = file + ".p7s";
  EXPECT_EQ(read_text(sig).rfind("-----BEGIN CMS-----", 0), 0u);
  EXPECT_EQ(run(verify_command, {"--ca", ca_.cert_path, file, sig}).first, kExitOk);
  // Refusals: another CA, a changed file, a date after the certificate's end, a wrong key.
  auto [code, err] = run(verify_command, {"--ca", other_ca_.cert_path, file, sig});
  EXPECT_EQ(code, kExitRefused);
  EXPECT_NE(err.find("CERTIFICATE_REJECTED"), std::string::npos) << err;
  std::tie(code, err) = run(verify_command, {"--ca", ca_.cert_path, "--at", "2099-01-01", file, sig});
  EXPECT_EQ(code, kExitRefused);
  EXPECT_NE(err.find("expired"), std::string::npos) << err;
  std::ofstream(file, std::ios::app) << "<!-- one more line -->\n";
  std::tie(code, err) = run(verify_command, {"--ca", ca_.cert_path, file, sig});
  EXPECT_EQ(code, kExitRefused);
  EXPECT_NE(err.find("SIGNATURE_INVALID"), std::string::npos) << err;
  std::tie(code, err) = run(sign_command, {"--key", ddo_.key_path, "--cert", treasury_.cert_path, file});
  EXPECT_EQ(code, kExitRefused);
  EXPECT_NE(err.find("is not the key of"), std::string::npos) << err;
}

}  // namespace
}  // namespace vetan::serve
