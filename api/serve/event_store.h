// EventStore: the append-only audit trail the service's state is the replay of (issue 9 §3),
// as an interface with two backends: SQLite in the data folder (audit_store.h, the embedded
// default) and PostgreSQL (postgres_store.h, `vetan serve --store postgresql://…`). Both keep
// the same events with the same promises:
//   - append() is durable when it returns ok (SQLite: WAL with synchronous FULL; PostgreSQL:
//     a committed transaction with synchronous_commit on, so also on a synchronous standby);
//   - a store found empty, truncated, or made for another master is refused at open;
//   - once the store fails (its file or table disappears, a write fails, the database cannot
//     be reached), append() and health() answer unavailable (STORE_UNAVAILABLE), never a
//     silent success.
// A shared store (PostgreSQL) may be written by several servers at once (issue 9 §4): each
// append takes the next sequence number; when another server took it first, append() fails
// with a conflict STORE_BEHIND, and catch_up() hands over the events written meanwhile so the
// caller can apply them, check its event again and retry. One server at a time runs the
// month: lock_runs() takes that right (a PostgreSQL advisory lock) until unlock_runs().
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/common/status.h"

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

// The reason of the conflict append() returns when another server appended first.
inline constexpr const char* kStoreBehind = "STORE_BEHIND";

class EventStore {
 public:
  virtual ~EventStore() = default;

  // Opens the store for the server on data folder `folder` (which it locks: one server per
  // folder; a second is refused with a conflict DATA_FOLDER_LOCKED naming the holder).
  // `master_fingerprint` names the master file the events refer to: a store made for
  // another master is refused. Refused (STORE_DAMAGED) when the store holds fewer events
  // than this folder has seen written.
  virtual Status open(const std::string& folder, const std::string& master_fingerprint) = 0;

  // Appends `event` as the next event (setting its seq), durably: on success it is stored.
  // Fails with a conflict kStoreBehind when another server appended events this one has not
  // seen (catch_up() first), and as unavailable once the store has failed.
  virtual Status append(AuditEvent* event) = 0;

  // Ok while the store is the one opened, reachable and no write has failed; else
  // unavailable.
  virtual Status health() = 0;

  // Calls `visit` for every event in seq order, from the first; stops at the first failure.
  // Call once, after open(): the events visited count as seen.
  virtual Status replay(const std::function<Status(const AuditEvent&)>& visit) = 0;

  // Calls `visit` for each event written by another server since the last one seen, in seq
  // order; they count as seen once visited. A failure of `visit` fails the store (its state
  // can no longer follow the trail). Ok and nothing for a store only this server writes.
  virtual Status catch_up(const std::function<Status(const AuditEvent&)>& visit) = 0;

  // Events of `entity` with seq > `after_seq`, at most `limit`, in seq order.
  virtual Status list(const std::string& entity, int64_t after_seq, int limit,
                      std::vector<AuditEvent>* events) = 0;

  // The last event seen (replayed, caught up or appended).
  virtual int64_t last_seq() = 0;

  // True iff other servers may append to this store (catch_up() can find events).
  virtual bool shared() const = 0;

  // True when the store may hold events this server has not seen (catch_up() would find
  // some), or cannot tell; false when it holds none. Cheap, and never waits for an append in
  // progress: readers ask it before taking the state's lock.
  virtual bool behind() = 0;

  // Takes the right to run the month: ok when taken (or already held by this server), a
  // conflict RUN_IN_PROGRESS when another server holds it, unavailable when it cannot be
  // asked. Held until unlock_runs() or until this server ends (or loses the database).
  virtual Status lock_runs() = 0;
  // Ok while this server still holds the right lock_runs() took; else unavailable (it may
  // have been lost with the database connection).
  virtual Status runs_locked() = 0;
  virtual void unlock_runs() = 0;

  virtual void close() = 0;
};

// The store `spec` names: empty for SQLite in the data folder, a libpq URI
// "postgresql://…" (or "postgres://…") for PostgreSQL. Fails naming the spec when it is
// neither.
Status make_event_store(const std::string& spec, std::unique_ptr<EventStore>* out);

}  // namespace vetan::serve
