// The in-process service fixture shared by the serve tests: the conformance master plus
// E0005 on another DDO and treasury, one token per role (DDO001 with RFC 6238's SHA-1 test
// secret), a manual clock on 2026-11-05 and the mini profile.
//
// The backend (issue 9 §3): the same tests run on SQLite in the data folder, and on
// PostgreSQL when VETAN_TEST_POSTGRES names a server (a libpq URI; the ctest
// serve.postgresql sets it, pg_support.py starting the server): each test then gets a schema
// of its own on that server, dropped at its end.
#pragma once

#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <boost/asio.hpp>
#include <simdjson.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "api/serve/crypto.h"
#include "api/serve/service.h"

namespace vetan::serve {

namespace fs = std::filesystem;

const std::string kTotpSecret = "12345678901234567890";  // RFC 6238's SHA-1 test secret
const std::string kTotpSecret2 = "abcdefghijabcdefghij";  // DDO002's

enum Who { kNone, kAdmin, kAnalyst, kDdo1, kDdo2, kTreasury1, kTreasury2, kWhoCount };
const char* const kTokens[kWhoCount] = {"", "tok-admin", "tok-analyst", "tok-ddo1", "tok-ddo2", "tok-tr1", "tok-tr2"};

// The PostgreSQL server the tests run on (VETAN_TEST_POSTGRES), or nullptr for SQLite.
inline const char* test_postgres() {
  const char* uri = std::getenv("VETAN_TEST_POSTGRES");
  return uri != nullptr && *uri != '\0' ? uri : nullptr;
}

// Runs `sql` on `uri`; the error message, empty when it succeeded.
inline std::string pg_run(const std::string& uri, const std::string& sql) {
  PGconn* conn = PQconnectdb(uri.c_str());
  std::string error;
  if (PQstatus(conn) != CONNECTION_OK) {
    error = PQerrorMessage(conn);
  } else {
    PGresult* r = PQexec(conn, ("SET client_min_messages = warning; " + sql).c_str());
    if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK) error = PQerrorMessage(conn);
    PQclear(r);
  }
  PQfinish(conn);
  return error;
}

// `uri` with the connection's search_path set to `schema`.
inline std::string pg_with_schema(const std::string& uri, const std::string& schema) {
  return uri + (uri.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" + schema;
}

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class ServeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("vetan-serve-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    // The conformance master plus E0005 on another DDO and treasury.
    std::string csv = read_text(std::string(VETAN_TEST_DATA_DIR) + "/employees.csv");
    std::istringstream lines(csv);
    std::string line, e2;
    while (std::getline(lines, line)) {
      if (line.rfind("E0002,", 0) == 0) e2 = line;
    }
    ASSERT_FALSE(e2.empty());
    auto swap = [&](const std::string& from, const std::string& to) { e2.replace(e2.find(from), from.size(), to); };
    swap("E0002", "E0005");
    swap("TR01", "TR02");
    swap("DDO001", "DDO002");
    swap("1000000002", "1000000005");
    if (csv.back() != '\n') csv += '\n';
    csv += e2 + "\n";
    std::ofstream(dir_ / "employees.csv") << csv;
    std::ofstream tokens(dir_ / "tokens");
    tokens << "# test tokens\n";
    tokens << sha256_hex(kTokens[kAdmin]) << " admin\n";
    tokens << sha256_hex(kTokens[kAnalyst]) << " analyst\n";
    tokens << sha256_hex(kTokens[kDdo1]) << " ddo:DDO001 totp=" << base32_encode(kTotpSecret) << "\n";
    tokens << sha256_hex(kTokens[kDdo2]) << " ddo:DDO002 totp=" << base32_encode(kTotpSecret2) << "\n";
    tokens << sha256_hex(kTokens[kTreasury1]) << " treasury:TR01\n";
    tokens << sha256_hex(kTokens[kTreasury2]) << " treasury:TR02\n";
    tokens.close();
    fs::permissions(dir_ / "tokens", fs::perms::owner_read | fs::perms::owner_write);
    if (const char* pg = test_postgres()) {
      static int tests = 0;
      schema_ = "t" + std::to_string(::getpid()) + "_" + std::to_string(++tests);
      const std::string error = pg_run(pg, "DROP SCHEMA IF EXISTS " + schema_ + " CASCADE; CREATE SCHEMA " + schema_);
      ASSERT_EQ(error, "") << "the test's PostgreSQL server (VETAN_TEST_POSTGRES): " << error;
      store_ = pg_with_schema(pg, schema_);
    }
    set_day(5);
    open();
  }
  void TearDown() override {
    service_.reset();
    if (!schema_.empty()) pg_run(test_postgres(), "DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
    fs::remove_all(dir_);
  }
  // Removes the data folder and, on PostgreSQL, empties the test's schema: a store afresh.
  void remove_data() {
    fs::remove_all(dir_ / "data");
    if (!schema_.empty()) {
      const std::string error = pg_exec("DROP SCHEMA " + schema_ + " CASCADE; CREATE SCHEMA " + schema_);
      ASSERT_EQ(error, "");
    }
  }
  // True when the tests run on PostgreSQL.
  bool postgres() const { return !store_.empty(); }
  // Runs `sql` on the test's PostgreSQL schema; the error, empty when it succeeded.
  std::string pg_exec(const std::string& sql) const { return pg_run(store_, sql); }
  // The options a service of this test opens with, on data folder `data`.
  ServiceOptions options(const std::string& data) {
    ServiceOptions o{profile_path_, (dir_ / "employees.csv").string(), data, (dir_ / "tokens").string(),
                     &clock_, resident_views_, gpf_ledger_path_, store_};
    return o;
  }
  // Opens the service on the fixture's files; fails the test when it refuses.
  void open() {
    Status s = try_open(service_);
    ASSERT_TRUE(s.ok()) << s.message();
  }
  // Opens a service on the fixture's files into *service; returns its verdict.
  Status try_open(std::unique_ptr<Service>& service) {
    service = std::make_unique<Service>();
    return service->open(options((dir_ / "data").string()));
  }
  void set_day(int day) { clock_.set_date(days_from_civil(2026, 11, day)); }
  Reply call(Who who, const std::string& method, const std::string& target, const std::string& body = "") {
    Request r{method, target, who == kNone ? "" : std::string("Bearer ") + kTokens[who], body};
    return service_->handle(r);
  }
  void run_month() {
    Reply r = call(kAdmin, "POST", "/v1/runs", R"({"month": "2026-11", "wait": true})");
    ASSERT_EQ(r.status, 201) << r.body;
    ASSERT_NE(r.body.find("\"COMPLETED\""), std::string::npos) << r.body;
  }
  // Issue 12 §1: confirms (each bill's DDO, its TOTP code) and passes (its treasury) every
  // GENERATED bill of `month`, then closes the month, so that the next month may run.
  void settle_and_close(const std::string& month) {
    const Reply list = call(kAdmin, "GET", "/v1/bills?month=" + month + "&page_size=1000");
    ASSERT_EQ(list.status, 200) << list.body;
    simdjson::dom::parser parser;
    for (simdjson::dom::element b : simdjson::dom::array(parser.parse(list.body)["bills"])) {
      const std::string id{std::string_view(b["bill_id"])};
      const bool second = std::string_view(b["ddo_code"]) == "DDO002";
      const std::string state{std::string_view(b["state"])};
      if (id.find("/OS/") != std::string::npos || (state != "GENERATED" && state != "CONFIRMED")) continue;
      const std::string path = "/v1/bills/" + id;
      Reply r;
      if (state == "GENERATED") {
        clock_.set(clock_.now() + 30);  // a fresh TOTP time step for every confirmation
        const std::string otp = totp_code(second ? kTotpSecret2 : kTotpSecret, clock_.now());
        r = call(second ? kDdo2 : kDdo1, "POST", path + "/confirm", "{\"otp\": \"" + otp + "\"}");
        ASSERT_EQ(r.status, 200) << path << ": " << r.body;
      }
      r = call(second ? kTreasury2 : kTreasury1, "POST", path + "/pass");
      ASSERT_EQ(r.status, 200) << path << ": " << r.body;
    }
    const Reply closed = call(kAdmin, "POST", "/v1/months/" + month + "/close");
    last_close_ = closed.body;
    ASSERT_EQ(closed.status, 200) << closed.body;
  }
  std::string last_close_;  // settle_and_close's reply
  // Audit events across the entities tests touch: a refused request must not add any.
  size_t audit_events() {
    size_t n = 0;
    for (const char* target : {"/v1/employees/E0001/audit", "/v1/employees/E0002/audit", "/v1/employees/E0005/audit",
                               "/v1/bills/2026-11/TR01/DDO001/1/audit", "/v1/bills/2026-11/TR02/DDO002/1/audit"}) {
      const Reply r = call(kAdmin, "GET", target);
      for (size_t p = r.body.find("\"seq\""); p != std::string::npos; p = r.body.find("\"seq\"", p + 1)) ++n;
    }
    return n;
  }

  fs::path dir_;
  std::string profile_path_ = std::string(VETAN_TEST_DATA_DIR) + "/mini-profile.json";
  size_t resident_views_ = 3;
  std::string gpf_ledger_path_;  // ServiceOptions::gpf_ledger_path
  std::string schema_;           // the test's PostgreSQL schema; empty on SQLite
  std::string store_;            // ServiceOptions::store: empty on SQLite
  ManualClock clock_;
  std::unique_ptr<Service> service_;
};

// Sends `request` on a new connection to 127.0.0.1:`port` and returns all it reads until
// the server closes the connection.
inline std::string http_exchange(uint16_t port, const std::string& request) {
  namespace net = boost::asio;
  net::io_context io;
  net::ip::tcp::socket socket(io);
  socket.connect({net::ip::make_address("127.0.0.1"), port});
  boost::system::error_code ec;
  net::write(socket, net::buffer(request), ec);
  std::string reply;
  char buffer[4096];
  for (;;) {
    const size_t n = socket.read_some(net::buffer(buffer), ec);
    reply.append(buffer, n);
    if (ec) break;
  }
  return reply;
}

}  // namespace vetan::serve
