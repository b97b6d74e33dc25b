// The audit store's form of each cycle event (issue 9 §1): one codec per event kind, from a
// typed cycle::Event to the store's row (action, entity, before and after JSON) and back.
// The action is the kind's name (cycle/events.h); the entity is what the event is about:
// "employee:<id>", "bill:<id>", "run:<n>", "profile:<n>" or "ddo:<code>".
//
// Thread-safety: reentrant.
#pragma once

#include <string>

#include "api/serve/audit_store.h"
#include "core/common/json_text.h"
#include "core/common/status.h"
#include "core/cycle/events.h"

namespace vetan::serve {

// Writes `event` as a store row (seq left as the event's). `before` is the state the event
// leaves, for the audit trail's readers (may be "{}").
void encode_event(const cycle::Event& event, AuditEvent* out);

// Reads a store row back into a typed event. Fails on an unknown action or a row that is
// not the shape its action writes, naming the field.
Status decode_event(const AuditEvent& row, cycle::Event* out);

// Writes "summary": {…} of a run (summary.json's fields) as the store and replies show it.
void write_run_summary(JsonWriter* w, Month month, const RunSummary& summary);

// "YYYY-MM-DDTHH:MM:SSZ" back to unix seconds; false when `text` is not one.
bool parse_utc_timestamp(std::string_view text, int64_t* seconds);

}  // namespace vetan::serve
