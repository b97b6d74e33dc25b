#include "api/serve/audit_store.h"

#include "api/serve/folder_lock.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace vetan::serve {

namespace {

struct Statement {
  sqlite3_stmt* statement = nullptr;
  ~Statement() { sqlite3_finalize(statement); }
};

Status sqlite_error(sqlite3* db, const std::string& what) {
  return Status::io_error("audit store: " + what + ": " + (db ? sqlite3_errmsg(db) : "no database"));
}

// The count DIR/audit.seq holds (0 when empty).
int64_t read_count(int fd) {
  char text[32] = {};
  const ssize_t n = ::pread(fd, text, sizeof text - 1, 0);
  if (n <= 0) return 0;
  return std::strtoll(text, nullptr, 10);
}

bool write_count(int fd, int64_t count) {
  char text[24];
  std::snprintf(text, sizeof text, "%020lld\n", static_cast<long long>(count));
  return ::pwrite(fd, text, 21, 0) == 21 && ::fdatasync(fd) == 0;
}

void bind_text(sqlite3_stmt* s, int index, const std::string& text) {
  sqlite3_bind_text(s, index, text.data(), int(text.size()), SQLITE_TRANSIENT);
}

std::string column_text(sqlite3_stmt* s, int index) {
  const unsigned char* text = sqlite3_column_text(s, index);
  return text ? std::string(reinterpret_cast<const char*>(text), size_t(sqlite3_column_bytes(s, index)))
              : std::string();
}

AuditEvent read_event(sqlite3_stmt* s) {
  AuditEvent e;
  e.seq = sqlite3_column_int64(s, 0);
  e.at = column_text(s, 1);
  e.actor = column_text(s, 2);
  e.action = column_text(s, 3);
  e.entity = column_text(s, 4);
  e.before = column_text(s, 5);
  e.after = column_text(s, 6);
  return e;
}

}  // namespace

AuditStore::~AuditStore() { close(); }

void AuditStore::close() {
  std::lock_guard lock(mutex_);
  if (db_) {
    sqlite3_close(db_);
    db_ = nullptr;
  }
  for (int* fd : {&seq_fd_, &lock_fd_}) {
    if (*fd >= 0) ::close(*fd);  // closing the lock's descriptor releases the folder
    *fd = -1;
  }
}

Status AuditStore::fail(const std::string& why) {
  if (failure_.empty()) failure_ = why;
  return Status::unavailable("audit store: " + failure_ + "; nothing more can be recorded", "STORE_UNAVAILABLE");
}

Status AuditStore::check_identity() {
  if (!failure_.empty()) return fail(failure_);
  struct stat st {};
  if (::stat(path_.c_str(), &st) != 0) return fail(path_ + " has disappeared (" + std::strerror(errno) + ")");
  if (uint64_t(st.st_dev) != device_ || uint64_t(st.st_ino) != inode_) return fail(path_ + " has been replaced");
  return Status();
}

Status AuditStore::health() {
  std::lock_guard lock(mutex_);
  if (!db_) return Status::unavailable("audit store: closed", "STORE_UNAVAILABLE");
  return check_identity();
}

Status AuditStore::exec(const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    std::string text = message ? message : "unknown error";
    sqlite3_free(message);
    return Status::io_error(std::string("audit store: ") + text);
  }
  return Status();
}

Status AuditStore::open(const std::string& folder, const std::string& master_fingerprint) {
  std::lock_guard lock(mutex_);
  if (Status s = lock_data_folder(folder, &lock_fd_); !s.ok()) return s;
  path_ = folder + "/audit.sqlite3";
  const std::string& path = path_;
  const std::string seq_path = folder + "/audit.seq";
  seq_fd_ = ::open(seq_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (seq_fd_ < 0) return Status::io_error(seq_path + ": cannot open (" + std::strerror(errno) + ")");
  const int64_t written = read_count(seq_fd_);
  struct stat st {};
  if (written > 0 && ::stat(path.c_str(), &st) != 0) {
    return Status::conflict(path + " is missing, but " + std::to_string(written) +
                                " events had been written to it (" + seq_path + "); restore it from a backup",
                            "STORE_DAMAGED");
  }
  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                      nullptr) != SQLITE_OK) {
    Status s = sqlite_error(db_, path);
    sqlite3_close(db_);
    db_ = nullptr;
    return s;
  }
  sqlite3_busy_timeout(db_, 5000);
  for (const char* sql : {
           "PRAGMA journal_mode=WAL",
           "PRAGMA synchronous=FULL",
           "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
           "CREATE TABLE IF NOT EXISTS audit (seq INTEGER PRIMARY KEY, at TEXT NOT NULL, "
           "actor TEXT NOT NULL, action TEXT NOT NULL, entity TEXT NOT NULL, "
           "before TEXT NOT NULL, after TEXT NOT NULL)",
           "CREATE INDEX IF NOT EXISTS audit_entity ON audit (entity, seq)",
       }) {
    if (Status s = exec(sql); !s.ok()) return s;
  }
  {
    Statement get;
    sqlite3_prepare_v2(db_, "SELECT value FROM meta WHERE key = 'master'", -1, &get.statement, nullptr);
    const int step = sqlite3_step(get.statement);
    if (step == SQLITE_ROW) {
      const std::string stored = column_text(get.statement, 0);
      if (stored != master_fingerprint) {
        return Status::invalid_argument(path + ": this data folder belongs to another master file (" +
                                        stored + "), not " + master_fingerprint);
      }
    } else {
      Statement put;
      sqlite3_prepare_v2(db_, "INSERT INTO meta (key, value) VALUES ('master', ?)", -1, &put.statement,
                         nullptr);
      bind_text(put.statement, 1, master_fingerprint);
      if (sqlite3_step(put.statement) != SQLITE_DONE) return sqlite_error(db_, "cannot write meta");
    }
  }
  Statement last;
  sqlite3_prepare_v2(db_, "SELECT COALESCE(MAX(seq), 0) FROM audit", -1, &last.statement, nullptr);
  if (sqlite3_step(last.statement) != SQLITE_ROW) return sqlite_error(db_, "cannot read the audit trail");
  last_seq_ = sqlite3_column_int64(last.statement, 0);
  if (last_seq_ < written) {
    return Status::conflict(path + " holds " + std::to_string(last_seq_) + " events, but " + std::to_string(written) +
                                " had been written (" + seq_path + "): it is empty, truncated or replaced; "
                                "restore it from a backup",
                            "STORE_DAMAGED");
  }
  if (last_seq_ > written && !write_count(seq_fd_, last_seq_)) {
    return Status::io_error(seq_path + ": cannot write (" + std::strerror(errno) + ")");
  }
  if (::stat(path.c_str(), &st) != 0) return Status::io_error(path + ": cannot stat (" + std::strerror(errno) + ")");
  device_ = uint64_t(st.st_dev);
  inode_ = uint64_t(st.st_ino);
  failure_.clear();
  return Status();
}

Status AuditStore::append(AuditEvent* event) {
  std::lock_guard lock(mutex_);
  if (!db_) return Status::unavailable("audit store: closed", "STORE_UNAVAILABLE");
  if (Status s = check_identity(); !s.ok()) return s;
  Statement insert;
  if (sqlite3_prepare_v2(db_,
                         "INSERT INTO audit (seq, at, actor, action, entity, before, after) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?)",
                         -1, &insert.statement, nullptr) != SQLITE_OK) {
    return fail(std::string("cannot prepare an insert: ") + sqlite3_errmsg(db_));
  }
  const int64_t seq = last_seq_ + 1;
  sqlite3_bind_int64(insert.statement, 1, seq);
  bind_text(insert.statement, 2, event->at);
  bind_text(insert.statement, 3, event->actor);
  bind_text(insert.statement, 4, event->action);
  bind_text(insert.statement, 5, event->entity);
  bind_text(insert.statement, 6, event->before);
  bind_text(insert.statement, 7, event->after);
  // Autocommit: the insert is its own transaction, on disk (WAL, synchronous FULL) when
  // sqlite3_step returns SQLITE_DONE.
  if (sqlite3_step(insert.statement) != SQLITE_DONE) return fail(std::string("cannot append: ") + sqlite3_errmsg(db_));
  last_seq_ = seq;
  event->seq = seq;
  // The event is durable; a count that cannot be written fails the store for what follows.
  if (!write_count(seq_fd_, seq)) fail("cannot write audit.seq (" + std::string(std::strerror(errno)) + ")");
  return Status();
}

Status AuditStore::replay(const std::function<Status(const AuditEvent&)>& visit) {
  std::vector<AuditEvent> events;
  {
    std::lock_guard lock(mutex_);
    if (!db_) return Status::io_error("audit store: closed");
    Statement select;
    sqlite3_prepare_v2(db_, "SELECT seq, at, actor, action, entity, before, after FROM audit ORDER BY seq",
                       -1, &select.statement, nullptr);
    int step;
    while ((step = sqlite3_step(select.statement)) == SQLITE_ROW) events.push_back(read_event(select.statement));
    if (step != SQLITE_DONE) return sqlite_error(db_, "cannot read the audit trail");
  }
  for (const AuditEvent& e : events) {
    if (Status s = visit(e); !s.ok()) {
      return Status::invalid_argument("audit event " + std::to_string(e.seq) + " (" + e.action +
                                      "): " + s.message());
    }
  }
  return Status();
}

Status AuditStore::list(const std::string& entity, int64_t after_seq, int limit,
                        std::vector<AuditEvent>* events) {
  std::lock_guard lock(mutex_);
  events->clear();
  if (!db_) return Status::io_error("audit store: closed");
  Statement select;
  sqlite3_prepare_v2(db_,
                     "SELECT seq, at, actor, action, entity, before, after FROM audit "
                     "WHERE entity = ? AND seq > ? ORDER BY seq LIMIT ?",
                     -1, &select.statement, nullptr);
  bind_text(select.statement, 1, entity);
  sqlite3_bind_int64(select.statement, 2, after_seq);
  sqlite3_bind_int(select.statement, 3, limit);
  int step;
  while ((step = sqlite3_step(select.statement)) == SQLITE_ROW) events->push_back(read_event(select.statement));
  if (step != SQLITE_DONE) return sqlite_error(db_, "cannot list the audit trail");
  return Status();
}

int64_t AuditStore::last_seq() {
  std::lock_guard lock(mutex_);
  return last_seq_;
}

}  // namespace vetan::serve
