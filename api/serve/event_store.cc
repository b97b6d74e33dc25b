#include "api/serve/event_store.h"

#include "api/serve/audit_store.h"
#include "api/serve/postgres_store.h"

namespace vetan::serve {

Status make_event_store(const std::string& spec, std::unique_ptr<EventStore>* out) {
  if (spec.empty()) {
    *out = std::make_unique<AuditStore>();
    return Status();
  }
  if (spec.rfind("postgresql://", 0) == 0 || spec.rfind("postgres://", 0) == 0) {
    *out = make_postgres_store(spec);
    return Status();
  }
  return Status::invalid_argument("--store '" + spec +
                                  "': not a store (omit it for SQLite in the data folder, or give "
                                  "postgresql://…)");
}

}  // namespace vetan::serve
