// vetan sign / vetan verify (docs/signatures.md): a detached CMS signature over any file's
// bytes (a bill's canonical bytes, a payment file), made with an officer's or the
// treasury's key and certificate, and its offline check against a CA bundle.
#include <cstdio>
#include <ctime>
#include <set>
#include <string>
#include <vector>

#include "api/atomic_file.h"
#include "api/cms.h"
#include "api/commands.h"
#include "api/flags.h"
#include "core/common/civil_date.h"

namespace vetan {
namespace {

const char kSignHelp[] =
    "usage: vetan sign --key KEY.pem --cert CERT.pem [--out SIGNATURE] FILE\n"
    "\n"
    "Signs FILE's bytes as they are with a detached CMS (PKCS #7) signature, SHA-256, the\n"
    "certificate included (and any further certificates of CERT.pem, as intermediates).\n"
    "Writes PEM to SIGNATURE (default FILE.p7s). KEY.pem must be an unencrypted PEM key.\n"
    "A bill's bytes to sign come from GET /v1/bills/{id}/canonical (docs/signatures.md).\n"
    "Exit 0 signed; 2 refused (one line on stderr); 1 when writing fails.\n";

const char kVerifyHelp[] =
    "usage: vetan verify --ca CA.pem [--at YYYY-MM-DD] FILE SIGNATURE\n"
    "\n"
    "Checks that SIGNATURE (PEM or base64 DER) is a detached CMS signature over FILE's bytes\n"
    "by a certificate that chains to CA.pem, valid on --at (default: now) and allowed to\n"
    "sign (key usage digitalSignature or nonRepudiation). Prints the signer (subject,\n"
    "issuer, serial) and exits 0; exits 2 with one line naming the problem otherwise\n"
    "(docs/signatures.md).\n";

// Splits `args` into flags (with their values) and positional arguments.
void split(const Arguments& args, const std::set<std::string>& valued, Arguments* flags, Arguments* positional) {
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i].rfind("--", 0) == 0) {
      flags->push_back(args[i]);
      if (valued.count(args[i].substr(2)) && i + 1 < args.size()) flags->push_back(args[++i]);
    } else {
      positional->push_back(args[i]);
    }
  }
}

bool wants_help(const Arguments& args) {
  for (const std::string& a : args) {
    if (a == "--help" || a == "-h") return true;
  }
  return false;
}

}  // namespace

int sign_command(const Arguments& args) {
  if (wants_help(args)) {
    std::fputs(kSignHelp, stdout);
    return kExitOk;
  }
  auto refuse = [](const std::string& m) {
    std::fprintf(stderr, "vetan sign: %s\n", m.c_str());
    return kExitRefused;
  };
  const std::set<std::string> valued = {"key", "cert", "out"};
  Arguments flag_args, files;
  split(args, valued, &flag_args, &files);
  Flags flags(valued, {});
  if (Status s = flags.parse(flag_args); !s.ok()) return refuse(s.message() + " (see --help)");
  if (Status s = flags.require({"key", "cert"}); !s.ok()) return refuse(s.message() + " (see --help)");
  if (files.size() != 1) return refuse("give exactly one FILE to sign (see --help)");
  std::string content;
  if (Status s = read_file(files[0], &content); !s.ok()) return refuse(s.message());
  std::string signature;
  if (Status s = cms_sign(content, flags.get("key"), flags.get("cert"), &signature); !s.ok()) {
    return refuse(s.message());
  }
  const std::string out = flags.get("out", files[0] + ".p7s");
  AtomicFile file(out);
  file.write(signature);
  if (Status s = file.commit(); !s.ok()) {
    std::fprintf(stderr, "vetan sign: %s\n", s.message().c_str());
    return kExitFailed;
  }
  std::printf("vetan sign: %s -> %s\n", files[0].c_str(), out.c_str());
  return kExitOk;
}

int verify_command(const Arguments& args) {
  if (wants_help(args)) {
    std::fputs(kVerifyHelp, stdout);
    return kExitOk;
  }
  auto refuse = [](const std::string& m) {
    std::fprintf(stderr, "vetan verify: %s\n", m.c_str());
    return kExitRefused;
  };
  const std::set<std::string> valued = {"ca", "at"};
  Arguments flag_args, files;
  split(args, valued, &flag_args, &files);
  Flags flags(valued, {});
  if (Status s = flags.parse(flag_args); !s.ok()) return refuse(s.message() + " (see --help)");
  if (Status s = flags.require({"ca"}); !s.ok()) return refuse(s.message() + " (see --help)");
  if (files.size() != 2) return refuse("give FILE and SIGNATURE (see --help)");
  int64_t now = int64_t(std::time(nullptr));
  if (flags.has("at")) {
    const std::string at = flags.get("at");
    Month month;
    if (at.size() != 10 || at[7] != '-' || !parse_month(at.substr(0, 7), &month) || at[8] < '0' || at[8] > '3' ||
        at[9] < '0' || at[9] > '9' || std::stoi(at.substr(8)) < 1 || std::stoi(at.substr(8)) > days_in(month)) {
      return refuse("--at '" + at + "' is not YYYY-MM-DD");
    }
    now = int64_t(first_day(month) + std::stoi(at.substr(8)) - 1) * 86400 + 12 * 3600;
  }
  CmsVerifier verifier;
  if (Status s = verifier.load_ca_bundle(flags.get("ca")); !s.ok()) return refuse(s.message());
  std::string content, signature;
  if (Status s = read_file(files[0], &content); !s.ok()) return refuse(s.message());
  if (Status s = read_file(files[1], &signature); !s.ok()) return refuse(s.message());
  SignerIdentity signer;
  if (Status s = verifier.verify(content, signature, now, &signer); !s.ok()) {
    return refuse(files[1] + ": " + (s.reason() ? std::string(s.reason()) + ": " : "") + s.message());
  }
  std::printf("vetan verify: %s is signed by %s (serial %s, issued by %s)\n", files[0].c_str(),
              signer.subject.c_str(), signer.serial.c_str(), signer.issuer.c_str());
  return kExitOk;
}

}  // namespace vetan
