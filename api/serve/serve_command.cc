// vetan serve and vetan tokens (issue 3).
#include <sys/stat.h>

#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "api/free_memory.h"
#include "api/atomic_file.h"
#include "api/commands.h"
#include "api/flags.h"
#include "api/serve/http_server.h"
#include "api/serve/service.h"
#include "api/serve/tokens.h"

namespace vetan {
namespace {

const char kServeHelp[] =
    "usage: vetan serve --profile P.json --employees E.csv --data DIR --tokens TOKENS\n"
    "                   [--listen 127.0.0.1:8080] [--io-threads N] [--date YYYY-MM-DD]\n"
    "                   [--body-limit BYTES] [--large-body-limit BYTES] [--header-limit BYTES]\n"
    "                   [--read-timeout-ms MS] [--max-connections N] [--resident-runs N]\n"
    "                   [--ca-bundle CA.pem [--require-signature]]\n"
    "                   [--gpf-ledger LEDGER.csv] [--store postgresql://…]\n"
    "                   [--payment-config debtors.json\n"
    "                    [--payment-signing-key KEY.pem --payment-signing-cert CERT.pem]]\n"
    "\n"
    "Serves the monthly cycle over HTTP/1.1 (README 'REST'). Every accepted change is in\n"
    "the event store (DIR/audit.sqlite3, or --store) before its reply; a restart replays it.\n"
    "SIGTERM or SIGINT: stop accepting, finish requests in flight and any run, close the\n"
    "store, exit 0.\n"
    "\n"
    "  --listen        address and port (port 0: any free port, printed on stdout)\n"
    "  --io-threads    HTTP threads (default 2)\n"
    "  --body-limit    request body limit (default 65536)\n"
    "  --large-body-limit  body limit of POST /v1/whatif, /v1/arrears, GPF ledger imports, PF-9\n"
    "                  documents and payment returns (default 1048576)\n"
    "  --max-connections  open connections at most; beyond, 503 (default 1024)\n"
    "  --resident-runs completed runs' results held in memory (default 3); others are\n"
    "                  recomputed when read\n"
    "  --date          stand the service's clock still on this date, 10:00 IST (rehearsals, tests)\n"
    "  --auto-run-seconds  how often to check the auto-run window (default 60)\n"
    "  --ca-bundle     CA certificates (PEM) that officers' signing certificates chain to:\n"
    "                  confirm and pass may carry a CMS signature of the bill\n"
    "                  (docs/signatures.md)\n"
    "  --require-signature  confirm and pass must carry a valid signature beside the OTP\n"
    "  --store         a PostgreSQL database (libpq URI postgresql://…) instead of SQLite in\n"
    "                  DIR: servers on one database share it, each applying the others'\n"
    "                  changes before answering; one at a time runs the month (README\n"
    "                  'Deploying on PostgreSQL')\n"
    "  --gpf-ledger    the AG's opening GPF ledger (gpf.md §2), imported once (refused whole when\n"
    "                  a line cannot be read)\n"
    "  --payment-config  the DDOs' debtor accounts (vetan pay --config's format): the treasury\n"
    "                  issues PASSED bills' pain.001 files (docs/payment.md 'In the service')\n"
    "  --payment-signing-key, --payment-signing-cert  the treasury's key and certificate (PEM):\n"
    "                  each payment file issued gets a detached CMS signature <MsgId>.xml.p7s\n";

const char kTokensHelp[] =
    "usage: vetan tokens --role ROLE [--file TOKENS] [--totp [--rotate]] [--name LABEL]\n"
    "\n"
    "Makes an API token for ROLE (ddo:<code>, treasury:<code>, analyst, admin), appends its\n"
    "SHA-256 hash to TOKENS (only the hash is stored) and prints the token once. With --totp\n"
    "(ddo roles) also registers a TOTP secret (RFC 6238, 6 digits, 30 s) for confirming bills\n"
    "and prints it with its otpauth:// URI. A DDO has one secret: a second --totp for it is\n"
    "refused unless --rotate, which replaces it (the old secret stops working). TOKENS is\n"
    "written whole, readable by its owner only (0600).\n";

int refuse(const char* command, const std::string& message) {
  std::fprintf(stderr, "vetan %s: %s\n", command, message.c_str());
  return kExitRefused;
}

bool parse_size(const Flags& flags, const char* name, long long low, long long high, long long* value) {
  return !flags.has(name) || parse_count(flags.get(name), low, high, value);
}

}  // namespace

int serve_command(const Arguments& args) {
  Flags flags({"profile", "employees", "data", "tokens", "listen", "io-threads", "date", "body-limit", "large-body-limit",
               "header-limit", "read-timeout-ms", "auto-run-seconds", "max-connections", "resident-runs", "ca-bundle",
               "gpf-ledger", "store", "payment-config", "payment-signing-key", "payment-signing-cert"},
              {"help", "require-signature"});
  if (Status s = flags.parse(args); !s.ok()) return refuse("serve", s.message());
  if (flags.has("help")) {
    std::fputs(kServeHelp, stdout);
    return kExitOk;
  }
  if (Status s = flags.require({"profile", "employees", "data", "tokens"}); !s.ok()) return refuse("serve", s.message());
  serve::HttpOptions http;
  if (Status s = serve::parse_listen_address(flags.get("listen", "127.0.0.1:8080"), &http.address, &http.port); !s.ok()) {
    return refuse("serve", s.message());
  }
  long long threads = 2, body = 64 * 1024, large_body = 1024 * 1024, header = 8 * 1024, timeout = 10000, tick = 60;
  if (!parse_size(flags, "io-threads", 1, 256, &threads)) return refuse("serve", "--io-threads must be 1..256");
  if (!parse_size(flags, "body-limit", 1, 1 << 26, &body)) return refuse("serve", "--body-limit must be 1..2^26");
  if (!parse_size(flags, "large-body-limit", 1, 1 << 26, &large_body)) {
    return refuse("serve", "--large-body-limit must be 1..2^26");
  }
  if (!parse_size(flags, "header-limit", 256, 1 << 20, &header)) return refuse("serve", "--header-limit must be 256..2^20");
  if (!parse_size(flags, "read-timeout-ms", 1, 3600000, &timeout)) return refuse("serve", "--read-timeout-ms must be 1..3600000");
  if (!parse_size(flags, "auto-run-seconds", 1, 86400, &tick)) return refuse("serve", "--auto-run-seconds must be 1..86400");
  long long connections = 1024;
  if (!parse_size(flags, "max-connections", 1, 1 << 20, &connections)) {
    return refuse("serve", "--max-connections must be 1..2^20");
  }
  http.max_connections = size_t(connections);
  long long resident = 3;
  if (!parse_size(flags, "resident-runs", 1, 120, &resident)) return refuse("serve", "--resident-runs must be 1..120");
  http.threads = int(threads);
  http.body_limit = size_t(body);
  http.large_body_limit = size_t(large_body);
  http.header_limit = size_t(header);
  http.read_timeout = std::chrono::milliseconds(timeout);
  http.handle_signals = true;

  serve::SystemClock system_clock;
  serve::ManualClock fixed_clock;
  const serve::Clock* clock = &system_clock;
  if (flags.has("date")) {
    const std::string text = flags.get("date");
    Month month;
    long long day_value = 0;
    if (text.size() != 10 || text[7] != '-' || !parse_month(text.substr(0, 7), &month) ||
        !parse_count(text.substr(8), 1, days_in(month), &day_value)) {
      return refuse("serve", "--date '" + text + "' is not YYYY-MM-DD");
    }
    fixed_clock.set_date(first_day(month) + int(day_value) - 1);
    clock = &fixed_clock;
  }

  serve::Service service;
  serve::ServiceOptions options{flags.get("profile"), flags.get("employees"), flags.get("data"), flags.get("tokens"),
                                clock, size_t(resident), {}, {}};
  options.gpf_ledger_path = flags.get("gpf-ledger");
  options.store = flags.get("store");
  if (flags.has("require-signature") && !flags.has("ca-bundle")) {
    return refuse("serve", "--require-signature needs --ca-bundle (the CAs signatures are verified against)");
  }
  if (Status s = service.set_signature_policy({flags.get("ca-bundle"), flags.has("require-signature")}); !s.ok()) {
    return refuse("serve", s.message());
  }
  if (flags.has("payment-config")) {
    std::string text;
    if (Status s = read_file(flags.get("payment-config"), &text); !s.ok()) return refuse("serve", s.message());
    PaymentConfig config;
    if (Status s = parse_payment_config(text, &config); !s.ok()) {
      return refuse("serve", flags.get("payment-config") + ": " + s.message());
    }
    service.set_payment_config(config);
  }
  if (flags.has("payment-signing-key") != flags.has("payment-signing-cert")) {
    return refuse("serve", "--payment-signing-key and --payment-signing-cert go together");
  }
  if (flags.has("payment-signing-key")) {
    if (!flags.has("payment-config")) return refuse("serve", "--payment-signing-key needs --payment-config");
    if (Status s = service.set_payment_signer(flags.get("payment-signing-key"), flags.get("payment-signing-cert"));
        !s.ok()) {
      return refuse("serve", s.message());
    }
  }
  if (Status s = service.open(options); !s.ok()) return refuse("serve", s.message());
  release_free_memory();  // the load's chunk tables and the replay's runs: kept by jemalloc otherwise
  serve::HttpServer server(&service, http);
  if (Status s = server.listen(); !s.ok()) return refuse("serve", s.message());
  std::printf("vetan serve: listening on %s:%u\n", http.address.c_str(), unsigned(server.port()));
  std::fflush(stdout);

  std::mutex mutex;
  std::condition_variable wake;
  bool done = false;
  std::thread ticker([&] {
    std::unique_lock lock(mutex);
    while (!done) {
      lock.unlock();
      service.tick();
      lock.lock();
      wake.wait_for(lock, std::chrono::seconds(tick), [&] { return done; });
    }
  });
  server.run();
  {
    std::lock_guard lock(mutex);
    done = true;
  }
  wake.notify_all();
  ticker.join();
  service.shutdown();
  std::printf("vetan serve: stopped\n");
  return kExitOk;
}

namespace {

// Adds `line` to the tokens file at `path`, rewritten whole with mode 0600. A new TOTP
// secret for a DDO that has one is refused unless `rotate`, which drops the old secret.
Status add_token_line(const std::string& path, const std::string& line, std::string_view role_text, bool totp,
                      bool rotate) {
  std::string text;
  if (std::ifstream in(path, std::ios::binary); in) {
    std::ostringstream bytes;
    bytes << in.rdbuf();
    text = bytes.str();
  }
  serve::Role role;
  std::string scope;
  if (Status s = serve::parse_role(role_text, &role, &scope); !s.ok()) return s;
  std::string out;
  std::istringstream lines(text);
  for (std::string l; std::getline(lines, l);) {
    std::istringstream words(l);
    std::string hash, owner, word, kept;
    if (totp && (words >> hash >> owner) && hash[0] != '#' && owner == "ddo:" + scope &&
        l.find(" totp=") != std::string::npos) {
      if (!rotate) {
        return Status::conflict(path + ": DDO '" + scope + "' already has a TOTP secret; give --rotate to replace it "
                                "(the old secret stops working)");
      }
      kept = hash + " " + owner;
      while (words >> word) {
        if (word.rfind("totp=", 0) != 0) kept += " " + word;
      }
      l = kept;
    }
    out += l + "\n";
  }
  out += line + "\n";
  AtomicFile file(path, 0600);
  file.write(out);
  if (Status s = file.commit(); !s.ok()) return s;
  if (::chmod(path.c_str(), 0600) != 0) return Status::io_error(path + ": cannot make it 0600");
  return Status();
}

}  // namespace

int tokens_command(const Arguments& args) {
  Flags flags({"role", "file", "name"}, {"help", "totp", "rotate"});
  if (Status s = flags.parse(args); !s.ok()) return refuse("tokens", s.message());
  if (flags.has("help")) {
    std::fputs(kTokensHelp, stdout);
    return kExitOk;
  }
  if (Status s = flags.require({"role"}); !s.ok()) return refuse("tokens", s.message());
  if (flags.has("rotate") && !flags.has("totp")) return refuse("tokens", "--rotate replaces a TOTP secret: give --totp");
  std::string token, secret, line;
  if (Status s = serve::make_token(flags.get("role"), flags.has("totp"), flags.get("name"), &token, &secret, &line);
      !s.ok()) {
    return refuse("tokens", s.message());
  }
  if (flags.has("file")) {
    if (Status s = add_token_line(flags.get("file"), line, flags.get("role"), flags.has("totp"), flags.has("rotate"));
        !s.ok()) {
      return refuse("tokens", s.message());
    }
  } else {
    std::printf("line: %s\n", line.c_str());
  }
  std::printf("token: %s\n", token.c_str());
  if (!secret.empty()) {
    std::printf("totp_secret: %s\n", secret.c_str());
    std::printf("totp_uri: otpauth://totp/vetan:%s?secret=%s&issuer=vetan&digits=6&period=30\n",
                flags.get("role").c_str(), secret.c_str());
  }
  return kExitOk;
}

}  // namespace vetan
