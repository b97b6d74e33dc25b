// AuditStore: the EventStore in SQLite (WAL journal, synchronous FULL), the embedded default
// (event_store.h). Every
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

#include "api/serve/event_store.h"
#include "core/common/status.h"

struct sqlite3;

namespace vetan::serve {

class AuditStore : public EventStore {
 public:
  AuditStore() = default;
  AuditStore(const AuditStore&) = delete;
  AuditStore& operator=(const AuditStore&) = delete;
  ~AuditStore() override;

  // Locks the data folder and opens (creating) DIR/audit.sqlite3. `master_fingerprint`
  // names the master file the events refer to: a store made for another master is refused.
  // Fails with a conflict naming the holder when another server holds the folder, and when
  // the store holds fewer events than DIR/audit.seq says were written.
  Status open(const std::string& folder, const std::string& master_fingerprint) override;

  // Appends `event` (setting its seq) durably: on success it is on disk. Fails as
  // unavailable once the store has failed.
  Status append(AuditEvent* event) override;

  // Ok while the store's file is the one opened and no write has failed; else unavailable.
  Status health() override;

  // Calls `visit` for every event in seq order; stops at the first failure.
  Status replay(const std::function<Status(const AuditEvent&)>& visit) override;

  // Nothing to do: only this server writes the folder's store.
  Status catch_up(const std::function<Status(const AuditEvent&)>&) override { return Status(); }

  // Events of `entity` with seq > `after_seq`, at most `limit`, in seq order.
  Status list(const std::string& entity, int64_t after_seq, int limit,
              std::vector<AuditEvent>* events) override;

  // Events written so far.
  int64_t last_seq() override;

  // False: the folder's lock keeps other servers out.
  bool shared() const override { return false; }
  bool behind() override { return false; }

  // Always ok: the folder's lock already makes this server the only one.
  Status lock_runs() override { return Status(); }
  Status runs_locked() override { return Status(); }
  void unlock_runs() override {}

  void close() override;

 private:
  Status exec(const char* sql);
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
