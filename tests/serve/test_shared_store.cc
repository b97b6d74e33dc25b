// Two servers on one PostgreSQL store (issue 9 §4), in process: each applies what the other
// wrote before answering, concurrent writes on both are all kept in one gapless trail, and
// one server at a time runs the month (the advisory lock). SQLite has no shared store (one
// server per data folder, test_invariants.cc): these run in the ctest serve.postgresql.
#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include "api/serve/event_store.h"
#include "tests/serve/serve_fixture.h"

namespace vetan::serve {
namespace {

class SharedStoreTest : public ServeTest {
 protected:
  void SetUp() override {
    ServeTest::SetUp();
    if (!postgres()) GTEST_SKIP() << "a shared store is PostgreSQL's (the ctest serve.postgresql)";
    other_ = std::make_unique<Service>();
    const Status s = other_->open(options((dir_ / "data-b").string()));
    ASSERT_TRUE(s.ok()) << s.message();
  }
  void TearDown() override {
    other_.reset();
    ServeTest::TearDown();
  }
  Reply call_other(Who who, const std::string& method, const std::string& target, const std::string& body = "") {
    Request r{method, target, std::string("Bearer ") + kTokens[who], body};
    return other_->handle(r);
  }
  std::unique_ptr<Service> other_;  // the second server, on data folder data-b
};

TEST_F(SharedStoreTest, EachServerAnswersWithWhatTheOtherWrote) {
  Reply edit = call(kDdo1, "PATCH", "/v1/employees/E0001", R"({"lwp_days": 3})");
  ASSERT_EQ(edit.status, 200) << edit.body;
  Reply read = call_other(kDdo1, "GET", "/v1/employees/E0001");
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_NE(read.body.find("\"lwp_days\":3"), std::string::npos) << read.body;
  // A stop on the second, then a run on the first: the run sees the stop.
  Reply stop = call_other(kDdo1, "POST", "/v1/employees/E0002/stop", R"({"reason": "suspended"})");
  ASSERT_EQ(stop.status, 200) << stop.body;
  run_month();
  Reply stopped = call_other(kAnalyst, "GET", "/v1/reports/stopped?month=2026-11");
  ASSERT_EQ(stopped.status, 200) << stopped.body;
  EXPECT_NE(stopped.body.find("E0002"), std::string::npos) << stopped.body;
  // The run and its bills are the second server's too.
  EXPECT_EQ(call_other(kAnalyst, "GET", "/v1/runs/1").body, call(kAnalyst, "GET", "/v1/runs/1").body);
  EXPECT_EQ(call_other(kDdo1, "GET", "/v1/bills/2026-11/TR01/DDO001/1").body,
            call(kDdo1, "GET", "/v1/bills/2026-11/TR01/DDO001/1").body);
}

// A month closed on one server is closed on the other: the other makes the next month's
// master again in its own data folder (byte for byte the one the event names), answers with
// it, and runs December from it.
TEST_F(SharedStoreTest, AMonthClosedOnOneServerIsClosedOnTheOther) {
  ASSERT_EQ(call(kDdo1, "PATCH", "/v1/employees/E0001", R"({"lwp_days": 2})").status, 200);
  run_month();
  settle_and_close("2026-11");
  const std::string closed = read_text((dir_ / "data" / "master-2026-12.csv").string());
  ASSERT_FALSE(closed.empty());
  // The other catches up on its next request.
  const Reply e1 = call_other(kAdmin, "GET", "/v1/employees/E0001");
  ASSERT_EQ(e1.status, 200) << e1.body;
  EXPECT_EQ(e1.body, call(kAdmin, "GET", "/v1/employees/E0001").body);
  EXPECT_NE(e1.body.find("\"lwp_days\":0"), std::string::npos) << e1.body;  // cleared by the close
  EXPECT_EQ(read_text((dir_ / "data-b" / "master-2026-12.csv").string()), closed);
  // December runs on the other, from that master; both answer the same payslip.
  const Reply run = call_other(kAdmin, "POST", "/v1/runs", R"({"wait": true, "month": "2026-12"})");
  ASSERT_EQ(run.status, 201) << run.body;
  const Reply december = call(kAdmin, "GET", "/v1/employees/E0001/payslips/2026-12");
  ASSERT_EQ(december.status, 200) << december.body;
  EXPECT_EQ(december.body, call_other(kAdmin, "GET", "/v1/employees/E0001/payslips/2026-12").body);
  // And a server started afresh on a third folder stands on it too.
  Service third;
  const Status s = third.open(options((dir_ / "data-c").string()));
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(read_text((dir_ / "data-c" / "master-2026-12.csv").string()), closed);
}

TEST_F(SharedStoreTest, ConcurrentWritesOnBothServersAreAllKept) {
  constexpr int kEach = 40;
  std::atomic<int> failures{0};
  std::vector<int64_t> seqs[2];
  auto writer = [&](int which) {
    for (int i = 0; i < kEach; ++i) {
      const std::string body = "{\"lwp_days\": " + std::to_string(i % 30) + "}";
      Request r{"PATCH", which == 0 ? "/v1/employees/E0001" : "/v1/employees/E0002",
                std::string("Bearer ") + kTokens[kDdo1], body};
      const Reply reply = which == 0 ? service_->handle(r) : other_->handle(r);
      const size_t at = reply.body.find("\"audit_seq\":");
      if (reply.status != 200 || at == std::string::npos) {
        ++failures;
        ADD_FAILURE() << reply.status << " " << reply.body;
        continue;
      }
      seqs[which].push_back(std::stoll(reply.body.substr(at + 12)));
    }
  };
  std::thread a(writer, 0), b(writer, 1);
  a.join();
  b.join();
  ASSERT_EQ(failures.load(), 0);
  std::set<int64_t> all(seqs[0].begin(), seqs[0].end());
  all.insert(seqs[1].begin(), seqs[1].end());
  EXPECT_EQ(all.size(), size_t(2 * kEach)) << "two acknowledged writes got one sequence number";
  // Both servers hold the same state and the same trail.
  for (const char* target : {"/v1/employees/E0001", "/v1/employees/E0002", "/v1/employees/E0001/audit?limit=1000",
                             "/v1/employees/E0002/audit?limit=1000"}) {
    const Reply mine = call(kAdmin, "GET", target), theirs = call_other(kAdmin, "GET", target);
    EXPECT_EQ(mine.status, 200) << mine.body;
    EXPECT_EQ(mine.body, theirs.body) << target;
  }
  const Reply trail = call(kAdmin, "GET", "/v1/employees/E0001/audit?limit=1000");
  size_t events = 0;
  for (size_t p = trail.body.find("\"seq\""); p != std::string::npos; p = trail.body.find("\"seq\"", p + 1)) ++events;
  EXPECT_EQ(events, size_t(kEach));
  EXPECT_EQ(call(kDdo1, "GET", "/v1/employees/E0001").body.find("\"lwp_days\":" + std::to_string((kEach - 1) % 30)) !=
                std::string::npos,
            true);
}

TEST_F(SharedStoreTest, OneServerAtATimeRunsTheMonth) {
  // Another session holds the run lock, as a server computing a run does.
  PGconn* holder = PQconnectdb(store_.c_str());
  ASSERT_EQ(PQstatus(holder), CONNECTION_OK) << PQerrorMessage(holder);
  PGresult* r = PQexec(holder,
                       "SELECT set_config('application_name', 'the other vetan', false), "
                       "pg_advisory_lock(1986356321, hashtext((SELECT value FROM meta WHERE key = 'store_id')))");
  ASSERT_EQ(PQresultStatus(r), PGRES_TUPLES_OK) << PQerrorMessage(holder);
  PQclear(r);
  Reply refused = call_other(kAdmin, "POST", "/v1/runs", R"({"month": "2026-11", "wait": true})");
  EXPECT_EQ(refused.status, 409) << refused.body;
  EXPECT_NE(refused.body.find("RUN_IN_PROGRESS"), std::string::npos) << refused.body;
  EXPECT_NE(refused.body.find("the other vetan"), std::string::npos) << refused.body;
  EXPECT_EQ(call(kAnalyst, "GET", "/v1/runs").body.find("run_id"), std::string::npos) << "a refused run left a trace";
  // The holder lets go (a session's end frees it too, but a moment later: the server ends the
  // session after the client has gone).
  r = PQexec(holder, "SELECT pg_advisory_unlock_all()");
  ASSERT_EQ(PQresultStatus(r), PGRES_TUPLES_OK) << PQerrorMessage(holder);
  PQclear(r);
  PQfinish(holder);
  Reply ran = call_other(kAdmin, "POST", "/v1/runs", R"({"month": "2026-11", "wait": true})");
  EXPECT_EQ(ran.status, 201) << ran.body;
  // The lock is let go after the run: the first server runs the next.
  Reply again = call(kAdmin, "POST", "/v1/runs", R"({"month": "2026-11", "wait": true})");
  EXPECT_EQ(again.status, 201) << again.body;
  EXPECT_NE(call_other(kAnalyst, "GET", "/v1/runs/2").body.find("\"COMPLETED\""), std::string::npos);
}

// --store names SQLite (empty) or PostgreSQL; anything else is refused naming it, and a
// database that cannot be reached refuses the start.
TEST(EventStoreSpec, ChoosesTheBackendAndRefusesOthers) {
  std::unique_ptr<EventStore> store;
  ASSERT_TRUE(make_event_store("", &store).ok());
  EXPECT_FALSE(store->shared());
  ASSERT_TRUE(make_event_store("postgresql:///vetan?host=/nonexistent-vetan-socket", &store).ok());
  EXPECT_TRUE(store->shared());
  const fs::path dir = fs::temp_directory_path() / ("vetan-spec-" + std::to_string(::getpid()));
  const Status opened = store->open(dir.string(), "sha256:x");
  EXPECT_EQ(opened.code(), Status::Code::kIoError) << opened.message();
  EXPECT_NE(opened.message().find("cannot connect"), std::string::npos) << opened.message();
  store.reset();
  fs::remove_all(dir);
  const Status refused = make_event_store("mysql://db/vetan", &store);
  EXPECT_EQ(refused.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(refused.message().find("--store 'mysql://db/vetan'"), std::string::npos) << refused.message();
}

}  // namespace
}  // namespace vetan::serve
