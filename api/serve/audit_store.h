// AuditStore: the append-only audit trail in SQLite (WAL journal, synchronous FULL). Every
// change the service accepts is one event, durable when append() returns; the service's
// state (master edits, stops, proposals, bill states, runs) is the replay of the events in
// order, so a restart rebuilds it exactly.
//
// The store guards its data folder (issue 9 §2): one server per folder (an exclusive lock on
// DIR/vetan.lock, which names its holder); DIR/audit.seq keeps the number of events written,
// so a store found empty, truncated or missing where events had been written is refused at
// open; and a store whose file disappears, is replaced or fails while the server runs makes
// every later append and health() fail as unavailable (STORE_UNAVAILABLE), never a silent
// success.
//
// Thread-safety: all methods lock one mutex; call them from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "core/common/status.h"

struct sqlite3;

namespace vetan::serve {

struct AuditEvent {
  int64_t seq = 0;      // assigned by append(), increasing from 1
  std::string at;       // UTC time from the service's clock, "YYYY-MM-DDTHH:MM:SSZ"
  std::string actor;    // Principal::label(), or "system"
  std::string action;   // e.g. "employee.edit", "bill.confirm", "run.complete"
  std::string entity;   // e.g. "employee:E0001", "bill:2026-11/TR01/DDO001/1", "run:3"
  std::string before;   // JSON object (may be "{}")
  std::string after;    // JSON object
};

class AuditStore {
 public:
  AuditStore() = default;
  AuditStore(const AuditStore&) = delete;
  AuditStore& operator=(const AuditStore&) = delete;
  ~AuditStore();

  // Locks the data folder and opens (creating) DIR/audit.sqlite3. `master_fingerprint`
  // names the master file the events refer to: a store made for another master is refused.
  // Fails with a conflict naming the holder when another server holds the folder, and when
  // the store holds fewer events than DIR/audit.seq says were written.
  Status open(const std::string& folder, const std::string& master_fingerprint);

  // Appends `event` (setting its seq) durably: on success it is on disk. Fails as
  // unavailable once the store has failed.
  Status append(AuditEvent* event);

  // Ok while the store's file is the one opened and no write has failed; else unavailable.
  Status health();

  // Calls `visit` for every event in seq order; stops at the first failure.
  Status replay(const std::function<Status(const AuditEvent&)>& visit);

  // Events of `entity` with seq > `after_seq`, at most `limit`, in seq order.
  Status list(const std::string& entity, int64_t after_seq, int limit,
              std::vector<AuditEvent>* events);

  // Events written so far.
  int64_t last_seq();

  void close();

 private:
  Status exec(const char* sql);
  Status lock_folder(const std::string& folder);
  Status check_identity();  // REQUIRES: mutex_ held
  Status fail(const std::string& why);  // REQUIRES: mutex_ held
  std::mutex mutex_;
  sqlite3* db_ = nullptr;
  int64_t last_seq_ = 0;
  std::string path_;
  int lock_fd_ = -1;
  int seq_fd_ = -1;
  uint64_t device_ = 0, inode_ = 0;  // the store file opened
  std::string failure_;              // why the store failed; empty while healthy
};

}  // namespace vetan::serve
