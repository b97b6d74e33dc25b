// AuditStore: the append-only audit trail in SQLite (WAL journal, synchronous FULL). Every
// change the service accepts is one event, durable when append() returns; the service's
// state (master edits, stops, proposals, bill states, runs) is the replay of the events in
// order, so a restart rebuilds it exactly.
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

  // Opens (creating) DIR/audit.sqlite3. `master_fingerprint` names the master file the
  // events refer to: a store made for another master is refused.
  Status open(const std::string& folder, const std::string& master_fingerprint);

  // Appends `event` (setting its seq) durably: on success it is on disk.
  Status append(AuditEvent* event);

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
  std::mutex mutex_;
  sqlite3* db_ = nullptr;
  int64_t last_seq_ = 0;
};

}  // namespace vetan::serve
