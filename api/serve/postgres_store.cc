#include "api/serve/postgres_store.h"

#include <fcntl.h>
#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <sstream>

#include "api/serve/folder_lock.h"

namespace vetan::serve {

namespace {

// Advisory locks: the first key is 1986356321 ("veta"); the second 0 while making the schema,
// hashtext(store id) for the right to run the month.
// Events read per query when replaying or catching up.
constexpr int kBatch = 5000;

struct Result {
  PGresult* result = nullptr;
  explicit Result(PGresult* r) : result(r) {}
  Result(const Result&) = delete;
  Result& operator=(const Result&) = delete;
  ~Result() { PQclear(result); }
  ExecStatusType status() const { return result ? PQresultStatus(result) : PGRES_FATAL_ERROR; }
  bool ok() const { return status() == PGRES_COMMAND_OK || status() == PGRES_TUPLES_OK; }
  std::string sqlstate() const {
    const char* s = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
    return s ? s : "";
  }
  int rows() const { return result ? PQntuples(result) : 0; }
  std::string text(int row, int column) const {
    return std::string(PQgetvalue(result, row, column), size_t(PQgetlength(result, row, column)));
  }
};

std::string trimmed(const char* message) {
  std::string text = message ? message : "";
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text.empty() ? "unknown error" : text;
}

Result exec(PGconn* conn, const char* sql, std::initializer_list<std::string> params = {}) {
  std::vector<const char*> values;
  for (const std::string& p : params) values.push_back(p.c_str());
  return Result(PQexecParams(conn, sql, int(values.size()), nullptr, values.data(), nullptr, nullptr, 0));
}

class PostgresStore final : public EventStore {
 public:
  explicit PostgresStore(std::string uri) : uri_(std::move(uri)) {}
  ~PostgresStore() override { close(); }

  Status open(const std::string& folder, const std::string& master_fingerprint) override;
  Status append(AuditEvent* event) override;
  Status health() override;
  Status replay(const std::function<Status(const AuditEvent&)>& visit) override;
  Status catch_up(const std::function<Status(const AuditEvent&)>& visit) override;
  Status list(const std::string& entity, int64_t after_seq, int limit, std::vector<AuditEvent>* events) override;
  int64_t last_seq() override {
    std::lock_guard lock(mutex_);
    return last_seq_;
  }
  bool shared() const override { return true; }
  bool behind() override;
  Status lock_runs() override;
  Status runs_locked() override;
  void unlock_runs() override;
  void close() override;

 private:
  // All REQUIRE mutex_ held.
  Status connect();                         // (re)connects conn_ and sets the session up
  Status usable();                          // failed: unavailable; disconnected: reconnects
  Status fail(const std::string& why);      // fails the store for good
  Status lost(const std::string& what);     // a query failed: the connection, or the store
  Status read_after(int64_t after, std::vector<AuditEvent>* events);
  void note_seen(int64_t seq);              // last_seq_ and DIR/audit.pg-seq
  std::string name() const { return "PostgreSQL store '" + database_ + "'"; }

  const std::string uri_;
  std::mutex mutex_;
  PGconn* conn_ = nullptr;
  bool connected_ = false;
  std::chrono::steady_clock::time_point last_attempt_{};
  std::string database_;   // the database's name, for messages
  std::string store_id_;   // meta 'store_id'
  int64_t last_seq_ = 0;
  int lock_fd_ = -1, seq_fd_ = -1;
  std::string failure_;    // why the store failed for good; empty while healthy

  std::atomic<int64_t> seen_{0};  // last_seq_, read without mutex_
  std::mutex peek_mutex_;
  PGconn* peek_ = nullptr;  // behind()'s session: never waits behind an append
  // The store's head as behind() reads it, one query at a time shared by every request
  // that arrived before it started (head_mutex_ guards these).
  int64_t read_head();  // REQUIRES peek_mutex_ free; -1 when the query failed
  std::mutex head_mutex_;
  std::condition_variable head_read_;
  uint64_t head_queries_started_ = 0, head_queries_done_ = 0;
  bool head_query_running_ = false;
  int64_t head_ = -1;  // the last query's answer

  std::mutex runs_mutex_;
  PGconn* runs_ = nullptr;  // the run lock's session
  bool runs_held_ = false;  // the run lock is held on it
  std::string runs_id_;     // the store id it was taken for
};

Status PostgresStore::fail(const std::string& why) {
  if (failure_.empty()) failure_ = why;
  return Status::unavailable(name() + ": " + failure_ + "; nothing more can be recorded", "STORE_UNAVAILABLE");
}

Status PostgresStore::lost(const std::string& what) {
  const std::string message = trimmed(PQerrorMessage(conn_));
  if (PQstatus(conn_) != CONNECTION_OK) {
    connected_ = false;
    return Status::unavailable(name() + ": " + what + ": the database cannot be reached (" + message + ")",
                               "STORE_UNAVAILABLE");
  }
  return fail(what + ": " + message);
}

Status PostgresStore::connect() {
  if (conn_ == nullptr) {
    conn_ = PQconnectdb(uri_.c_str());
  } else {
    PQreset(conn_);
  }
  last_attempt_ = std::chrono::steady_clock::now();
  if (PQstatus(conn_) != CONNECTION_OK) {
    return Status::unavailable("PostgreSQL store: cannot connect (" + trimmed(PQerrorMessage(conn_)) + ")",
                               "STORE_UNAVAILABLE");
  }
  database_ = PQdb(conn_);
  char host[128] = {};
  ::gethostname(host, sizeof host - 1);
  const std::string app = "vetan serve, pid " + std::to_string(::getpid()) + " on " + host;
  Result set = exec(conn_, "SELECT set_config('synchronous_commit', 'on', false), set_config('application_name', $1, false), "
                    "set_config('client_min_messages', 'warning', false)",
                    {app.substr(0, 63)});
  if (!set.ok()) return Status::unavailable(name() + ": " + trimmed(PQerrorMessage(conn_)), "STORE_UNAVAILABLE");
  // A reconnection must find the same store, holding every event seen.
  if (!store_id_.empty()) {
    Result id = exec(conn_, "SELECT (SELECT value FROM meta WHERE key = 'store_id'), "
                            "(SELECT count(*) FROM audit WHERE seq = $1)",
                     {std::to_string(last_seq_)});
    if (!id.ok()) return fail("after reconnecting: " + trimmed(PQerrorMessage(conn_)));
    if (id.text(0, 0) != store_id_) return fail("after reconnecting, the database holds another store (" + id.text(0, 0) + ")");
    if (last_seq_ > 0 && id.text(0, 1) != "1") {
      return fail("after reconnecting, event " + std::to_string(last_seq_) +
                  " (acknowledged) is not in the database: it is not the primary the events were written to");
    }
  }
  connected_ = true;
  return Status();
}

Status PostgresStore::usable() {
  if (conn_ == nullptr) return Status::unavailable(name() + ": closed", "STORE_UNAVAILABLE");
  if (!failure_.empty()) return fail(failure_);
  if (connected_) return Status();
  // At most one reconnection a second: a database that is down answers fast enough.
  if (std::chrono::steady_clock::now() - last_attempt_ < std::chrono::seconds(1)) {
    return Status::unavailable(name() + ": the database cannot be reached", "STORE_UNAVAILABLE");
  }
  return connect();
}

void PostgresStore::note_seen(int64_t seq) {
  if (seq <= last_seq_) return;
  last_seq_ = seq;
  seen_ = seq;
  // DIR/audit.pg-seq: "<store id> <events seen>"; synced at close (a stale count only weakens
  // the guard, it never refuses a good store).
  const std::string text = store_id_ + " " + std::to_string(seq) + "\n";
  if (seq_fd_ >= 0 && ::pwrite(seq_fd_, text.data(), text.size(), 0) == ssize_t(text.size())) {
    (void)::ftruncate(seq_fd_, off_t(text.size()));
  }
}

Status PostgresStore::open(const std::string& folder, const std::string& master_fingerprint) {
  std::lock_guard lock(mutex_);
  if (Status s = lock_data_folder(folder, &lock_fd_); !s.ok()) return s;
  const std::string seq_path = folder + "/audit.pg-seq";
  seq_fd_ = ::open(seq_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (seq_fd_ < 0) return Status::io_error(seq_path + ": cannot open (" + std::strerror(errno) + ")");
  std::string seen_id;
  int64_t seen = 0;
  {
    char text[160] = {};
    const ssize_t n = ::pread(seq_fd_, text, sizeof text - 1, 0);
    std::istringstream in(std::string(text, size_t(n > 0 ? n : 0)));
    in >> seen_id >> seen;
  }
  if (Status s = connect(); !s.ok()) {
    return Status::io_error("PostgreSQL store: cannot connect to the database (" +
                            trimmed(PQerrorMessage(conn_)) + ")");
  }
  const auto error = [&](const std::string& what) {
    return Status::io_error(name() + ": " + what + ": " + trimmed(PQerrorMessage(conn_)));
  };
  // Made once, by the first server; the transaction's lock keeps a second from racing it.
  Result begin = exec(conn_, "BEGIN");
  if (!begin.ok()) return error("cannot begin");
  Result guard = exec(conn_, "SELECT pg_advisory_xact_lock(1986356321, 0)");
  if (!guard.ok()) return error("cannot lock the schema");
  Result exists = exec(conn_, "SELECT to_regclass('audit') IS NOT NULL");
  if (!exists.ok()) return error("cannot look for the audit table");
  if (exists.text(0, 0) != "t" && seen > 0) {
    exec(conn_, "ROLLBACK");
    return Status::conflict(name() + " is missing its audit table, but " + std::to_string(seen) +
                                " events had been written to it (" + seq_path + "); restore it from a backup",
                            "STORE_DAMAGED");
  }
  for (const char* sql : {
           "CREATE TABLE IF NOT EXISTS meta (key text PRIMARY KEY, value text NOT NULL)",
           "CREATE TABLE IF NOT EXISTS audit (seq bigint PRIMARY KEY, at text NOT NULL, actor text NOT NULL, "
           "action text NOT NULL, entity text NOT NULL, before text NOT NULL, after text NOT NULL)",
           "CREATE INDEX IF NOT EXISTS audit_entity ON audit (entity, seq)",
           "INSERT INTO meta (key, value) VALUES ('store_id', md5(random()::text || clock_timestamp()::text)) "
           "ON CONFLICT (key) DO NOTHING",
       }) {
    Result r = exec(conn_, sql);
    if (!r.ok()) return error("cannot create the schema");
  }
  Result put = exec(conn_, "INSERT INTO meta (key, value) VALUES ('master', $1) ON CONFLICT (key) DO NOTHING",
                    {master_fingerprint});
  if (!put.ok()) return error("cannot write meta");
  Result meta = exec(conn_, "SELECT (SELECT value FROM meta WHERE key = 'master'), "
                            "(SELECT value FROM meta WHERE key = 'store_id'), "
                            "(SELECT count(*) FROM audit), (SELECT COALESCE(max(seq), 0) FROM audit)");
  if (!meta.ok()) return error("cannot read meta");
  Result commit = exec(conn_, "COMMIT");
  if (!commit.ok()) return error("cannot commit the schema");
  const std::string stored = meta.text(0, 0);
  store_id_ = meta.text(0, 1);
  const int64_t count = std::strtoll(meta.text(0, 2).c_str(), nullptr, 10);
  const int64_t last = std::strtoll(meta.text(0, 3).c_str(), nullptr, 10);
  if (stored != master_fingerprint) {
    return Status::invalid_argument(name() + ": this store belongs to another master file (" + stored + "), not " +
                                    master_fingerprint);
  }
  if (seen > 0 && seen_id != store_id_) {
    return Status::conflict(name() + " is another store (" + store_id_ + ") than the one this data folder has seen " +
                                std::to_string(seen) + " events of (" + seen_id + ", " + seq_path +
                                "): it was replaced; restore it from a backup",
                            "STORE_DAMAGED");
  }
  if (last < seen) {
    return Status::conflict(name() + " holds " + std::to_string(last) + " events, but " + std::to_string(seen) +
                                " had been written (" + seq_path + "): it is empty, truncated or an old copy; "
                                "restore it from a backup",
                            "STORE_DAMAGED");
  }
  if (count != last) {
    return Status::conflict(name() + " holds " + std::to_string(count) + " events numbered up to " +
                                std::to_string(last) + ": events are missing from its trail; restore it from a backup",
                            "STORE_DAMAGED");
  }
  last_seq_ = 0;  // replay() reads them all
  failure_.clear();
  return Status();
}

Status PostgresStore::read_after(int64_t after, std::vector<AuditEvent>* events) {
  events->clear();
  Result r = exec(conn_,
                  "SELECT seq, at, actor, action, entity, before, after FROM audit WHERE seq > $1 "
                  "ORDER BY seq LIMIT $2",
                  {std::to_string(after), std::to_string(kBatch)});
  if (!r.ok()) return lost("cannot read the audit trail");
  int64_t expect = after + 1;
  for (int i = 0; i < r.rows(); ++i, ++expect) {
    AuditEvent e;
    e.seq = std::strtoll(r.text(i, 0).c_str(), nullptr, 10);
    if (e.seq != expect) return fail("event " + std::to_string(expect) + " is missing from the audit trail");
    e.at = r.text(i, 1);
    e.actor = r.text(i, 2);
    e.action = r.text(i, 3);
    e.entity = r.text(i, 4);
    e.before = r.text(i, 5);
    e.after = r.text(i, 6);
    events->push_back(std::move(e));
  }
  return Status();
}

Status PostgresStore::replay(const std::function<Status(const AuditEvent&)>& visit) {
  std::vector<AuditEvent> events;
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (Status s = usable(); !s.ok()) return s;
      if (Status s = read_after(last_seq_, &events); !s.ok()) return s;
    }
    if (events.empty()) return Status();
    for (const AuditEvent& e : events) {
      if (Status s = visit(e); !s.ok()) {
        return Status::invalid_argument("audit event " + std::to_string(e.seq) + " (" + e.action + "): " + s.message());
      }
      std::lock_guard lock(mutex_);
      note_seen(e.seq);
    }
  }
}

Status PostgresStore::catch_up(const std::function<Status(const AuditEvent&)>& visit) {
  std::lock_guard lock(mutex_);
  std::vector<AuditEvent> events;
  do {
    if (Status s = usable(); !s.ok()) return s;
    if (Status s = read_after(last_seq_, &events); !s.ok()) return s;
    for (const AuditEvent& e : events) {
      if (Status s = visit(e); !s.ok()) {
        return fail("event " + std::to_string(e.seq) + " (" + e.action + ") written by another server cannot be "
                    "applied: " + s.message());
      }
      note_seen(e.seq);
    }
  } while (events.size() == size_t(kBatch));
  return Status();
}

Status PostgresStore::append(AuditEvent* event) {
  std::lock_guard lock(mutex_);
  if (Status s = usable(); !s.ok()) return s;
  const int64_t seq = last_seq_ + 1;
  // The event before it must be there: a trail emptied or truncated under a running server is
  // never continued from the middle.
  Result r = exec(conn_,
                  "INSERT INTO audit (seq, at, actor, action, entity, before, after) "
                  "SELECT $1::bigint, $2, $3, $4, $5, $6, $7 "
                  "WHERE $1::bigint = 1 OR EXISTS (SELECT 1 FROM audit WHERE seq = $1::bigint - 1)",
                  {std::to_string(seq), event->at, event->actor, event->action, event->entity, event->before,
                   event->after});
  if (r.sqlstate() == "23505") {
    return Status::conflict(name() + ": event " + std::to_string(seq) + " was appended by another server", kStoreBehind);
  }
  if (!r.ok()) return lost("cannot append");
  if (std::strcmp(PQcmdTuples(r.result), "1") != 0) {
    return fail("event " + std::to_string(seq - 1) + " has disappeared from the audit trail (emptied or truncated)");
  }
  event->seq = seq;
  note_seen(seq);
  return Status();
}

Status PostgresStore::health() {
  std::lock_guard lock(mutex_);
  if (Status s = usable(); !s.ok()) return s;
  Result r = exec(conn_, "SELECT count(*) FROM audit WHERE seq = $1", {std::to_string(last_seq_)});
  if (!r.ok()) return lost("cannot read the audit trail");
  if (last_seq_ > 0 && r.text(0, 0) != "1") {
    return fail("event " + std::to_string(last_seq_) + " has disappeared from the audit trail (emptied or truncated)");
  }
  return Status();
}

Status PostgresStore::list(const std::string& entity, int64_t after_seq, int limit, std::vector<AuditEvent>* events) {
  std::lock_guard lock(mutex_);
  events->clear();
  if (Status s = usable(); !s.ok()) return s;
  Result r = exec(conn_,
                  "SELECT seq, at, actor, action, entity, before, after FROM audit "
                  "WHERE entity = $1 AND seq > $2 ORDER BY seq LIMIT $3",
                  {entity, std::to_string(after_seq), std::to_string(limit)});
  if (!r.ok()) return lost("cannot list the audit trail");
  for (int i = 0; i < r.rows(); ++i) {
    AuditEvent e;
    e.seq = std::strtoll(r.text(i, 0).c_str(), nullptr, 10);
    e.at = r.text(i, 1);
    e.actor = r.text(i, 2);
    e.action = r.text(i, 3);
    e.entity = r.text(i, 4);
    e.before = r.text(i, 5);
    e.after = r.text(i, 6);
    events->push_back(std::move(e));
  }
  return Status();
}

int64_t PostgresStore::read_head() {
  std::lock_guard lock(peek_mutex_);
  if (peek_ == nullptr || PQstatus(peek_) != CONNECTION_OK) {
    if (peek_ != nullptr) PQfinish(peek_);
    peek_ = PQconnectdb(uri_.c_str());
    if (PQstatus(peek_) != CONNECTION_OK) return -1;
  }
  Result r = exec(peek_, "SELECT COALESCE(max(seq), 0) FROM audit");
  if (!r.ok() || r.rows() != 1) return -1;
  return std::strtoll(r.text(0, 0).c_str(), nullptr, 10);
}

bool PostgresStore::behind() {
  // The head must be read by a query that started after the caller's request arrived, so
  // that every event acknowledged before it is counted. Requests arriving together share
  // one: a query already running when one arrives may have started too early, so it waits
  // for the next, which the first of the waiters starts. Under load a few queries answer
  // many requests; alone, a request costs one query as before.
  std::unique_lock lock(head_mutex_);
  const uint64_t needed = head_queries_started_ + 1;
  while (head_queries_done_ < needed) {
    if (head_query_running_) {
      head_read_.wait(lock);
      continue;
    }
    head_query_running_ = true;
    const uint64_t query = ++head_queries_started_;
    lock.unlock();
    const int64_t head = read_head();
    lock.lock();
    head_ = head;
    head_queries_done_ = query;
    head_query_running_ = false;
    head_read_.notify_all();
  }
  return head_ < 0 || head_ != seen_.load();  // a failed query: catch_up() reports it
}

Status PostgresStore::lock_runs() {
  std::string id;
  {
    std::lock_guard lock(mutex_);
    if (Status s = usable(); !s.ok()) return s;
    id = store_id_;
  }
  std::lock_guard lock(runs_mutex_);
  if (runs_held_) return Status();
  // A session of its own, kept open: the lock is taken and let go on it (pg_advisory_unlock
  // answers once it is free, where a closed session frees it some time later).
  if (runs_ != nullptr && PQstatus(runs_) != CONNECTION_OK) {
    PQfinish(runs_);
    runs_ = nullptr;
  }
  const auto unavailable = [&](const std::string& what) {
    const std::string message = trimmed(PQerrorMessage(runs_));
    PQfinish(runs_);
    runs_ = nullptr;
    return Status::unavailable(name() + ": " + what + " (" + message + ")", "STORE_UNAVAILABLE");
  };
  if (runs_ == nullptr) {
    runs_ = PQconnectdb(uri_.c_str());
    if (PQstatus(runs_) != CONNECTION_OK) return unavailable("cannot connect to take the run lock");
    char host[128] = {};
    ::gethostname(host, sizeof host - 1);
    const std::string app = "vetan serve, pid " + std::to_string(::getpid()) + " on " + host + ", running";
    Result set = exec(runs_, "SELECT set_config('application_name', $1, false)", {app.substr(0, 63)});
    if (!set.ok()) return unavailable("cannot set the run lock's session up");
  }
  Result r = exec(runs_, "SELECT pg_try_advisory_lock(1986356321, hashtext($1))", {id});
  if (!r.ok()) return unavailable("cannot take the run lock");
  if (r.text(0, 0) != "t") {
    Result holder = exec(runs_,
                         "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                         "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = 1986356321 "
                         "AND l.objid = hashtext($1)::oid AND l.objsubid = 2 LIMIT 1",
                         {id});
    const std::string who = holder.ok() && holder.rows() == 1 && !holder.text(0, 0).empty() ? holder.text(0, 0)
                                                                                            : "another vetan server";
    return Status::conflict("the month is being run by " + who + " (one server runs at a time); try again when it completes",
                            "RUN_IN_PROGRESS");
  }
  runs_id_ = id;
  runs_held_ = true;
  return Status();
}

Status PostgresStore::runs_locked() {
  std::lock_guard lock(runs_mutex_);
  if (!runs_held_) return Status::unavailable(name() + ": the run lock is not held", "STORE_UNAVAILABLE");
  Result r = exec(runs_, "SELECT 1");
  if (!r.ok()) {
    runs_held_ = false;  // lost with its session
    PQfinish(runs_);
    runs_ = nullptr;
    return Status::unavailable(name() + ": the run lock was lost with its connection", "STORE_UNAVAILABLE");
  }
  return Status();
}

void PostgresStore::unlock_runs() {
  std::lock_guard lock(runs_mutex_);
  if (!runs_held_) return;
  runs_held_ = false;
  Result r = exec(runs_, "SELECT pg_advisory_unlock(1986356321, hashtext($1))", {runs_id_});
  if (!r.ok() || r.text(0, 0) != "t") {  // ending the session lets it go
    PQfinish(runs_);
    runs_ = nullptr;
  }
}

void PostgresStore::close() {
  unlock_runs();
  {
    std::lock_guard lock(peek_mutex_);
    if (peek_ != nullptr) PQfinish(peek_);
    peek_ = nullptr;
  }
  {
    std::lock_guard lock(runs_mutex_);
    if (runs_ != nullptr) PQfinish(runs_);
    runs_ = nullptr;
  }
  std::lock_guard lock(mutex_);
  if (conn_ != nullptr) PQfinish(conn_);
  conn_ = nullptr;
  connected_ = false;
  if (seq_fd_ >= 0) ::fdatasync(seq_fd_);
  for (int* fd : {&seq_fd_, &lock_fd_}) {
    if (*fd >= 0) ::close(*fd);  // closing the lock's descriptor releases the folder
    *fd = -1;
  }
}

}  // namespace

std::unique_ptr<EventStore> make_postgres_store(const std::string& uri) {
  return std::make_unique<PostgresStore>(uri);
}

}  // namespace vetan::serve
