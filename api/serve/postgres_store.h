// The EventStore on PostgreSQL (issue 9 §3-§4), through libpq: `vetan serve --store
// postgresql://…`. The trail is the table audit (seq bigint primary key, the event's text
// columns) beside meta (the master's fingerprint and the store's random id), created on first
// open in the connection's schema.
//
// Durability: each append is one autocommitted INSERT under synchronous_commit = on, so it is
// flushed on the primary, and on a synchronous standby where synchronous_standby_names names
// one, when append() returns.
//
// Several servers may share the store: an append inserts seq = the last seen + 1 only when
// the event before it is there, so the trail stays 1..N without gaps; a unique violation means
// another server appended first (kStoreBehind; catch_up() then reads the new events). The right
// to run the month is a session advisory lock held on a connection of its own, so a server
// that dies (or loses the database) lets it go at once.
//
// Guards: the data folder is locked as with SQLite (one server per folder), and
// DIR/audit.pg-seq keeps the store's id and the events this folder has seen, so a database
// found empty, truncated, missing or replaced by another is refused at open (STORE_DAMAGED).
// A lost connection makes appends and health() unavailable until a reconnect finds the same
// store holding every event seen; a trail found shortened, a table dropped or an event that
// cannot be applied fails the store for good (STORE_UNAVAILABLE until a restart).
#pragma once

#include <memory>
#include <string>

#include "api/serve/event_store.h"

namespace vetan::serve {

// A PostgreSQL store for the libpq URI `uri` (connected by open()).
std::unique_ptr<EventStore> make_postgres_store(const std::string& uri);

}  // namespace vetan::serve
