// The administrator's roll-out view (issue 11 §3): per treasury, the DDOs of the master and
// those registered online, how many are registered online, how many are enrolled for online
// confirmation (a TOTP secret issued online or on their token line), how many have bills of
// the month, and how many confirmed them online (every bill of the month CONFIRMED or
// PASSED) — what the e-office circulars track against the target of users onboarded, which
// the administrator sets per treasury (POST /v1/admin/rollout/targets, onboarding_routes.cc).
#include <algorithm>
#include <set>

#include "api/serve/service.h"

namespace vetan::serve {

Reply Service::admin_rollout(const Context& c, const Params&, const std::string&) {
  if (c.who->role != Role::kAdmin) return forbidden(c.who->label() + " may not read the roll-out view");
  const std::string month_text = c.param("month");
  Month month;
  if (month_text.empty()) {
    const CivilDate d = civil_from_days(today());
    month = make_month(d.year, d.month);
  } else if (!parse_month(month_text, &month)) {
    return error_reply(400, "INVALID_ARGUMENT", "query 'month': '" + month_text + "' is not YYYY-MM");
  }
  // The (treasury, DDO) pairs of the master's readable rows, by dictionary code: no string
  // per row.
  const EmployeeTable& t = *base_;
  std::set<std::pair<uint32_t, uint32_t>> codes;
  for (size_t row = 0; row < t.rows; ++row) {
    if (t.is_readable(row)) codes.emplace(t.treasury_code.codes[row], t.ddo_code.codes[row]);
  }
  struct Office {
    int64_t ddos = 0, registered = 0, enrolled = 0, with_bills = 0, confirmed = 0;
  };
  std::map<std::string, Office> by_treasury;
  std::set<std::pair<std::string, std::string>> offices;  // (treasury, ddo): the master's and the registered
  std::set<std::string> registered;
  for (const DdoRegistration& r : accounts_.registrations()) {
    offices.emplace(r.treasury_code, r.ddo_code);
    registered.insert(r.ddo_code);
  }
  const std::map<std::string, int64_t> targets = accounts_.targets();
  for (const auto& [treasury, target] : targets) by_treasury[treasury];
  std::map<std::pair<std::string, std::string>, std::pair<int, int>> bills_of;  // (treasury, ddo) -> (bills, settled)
  {
    std::lock_guard lock(state_mutex_);
    for (const auto& [id, b] : cycle_.bills()) {
      if (b.month != month || b.state == cycle::BillState::kSuperseded) continue;
      auto& [n, settled] = bills_of[{b.treasury, b.ddo}];
      ++n;
      if (cycle::settles(b.state)) ++settled;
    }
  }
  for (const auto& [tc, dc] : codes) {
    offices.emplace(std::string(t.treasury_code.dictionary.value(tc)), std::string(t.ddo_code.dictionary.value(dc)));
  }
  for (const auto& [treasury, ddo] : offices) {
    Office& o = by_treasury[treasury];
    ++o.ddos;
    if (registered.count(ddo)) ++o.registered;
    if (!ddo_totp_secret(ddo).empty()) ++o.enrolled;
    auto it = bills_of.find({treasury, ddo});
    if (it != bills_of.end()) {
      ++o.with_bills;
      if (it->second.second == it->second.first) ++o.confirmed;
    }
  }
  JsonWriter w;
  w.begin_object().field("month", format_month(month)).key("treasuries").begin_array();
  for (const auto& [treasury, o] : by_treasury) {
    w.begin_object().field("treasury_code", treasury).field("ddos", o.ddos).field("registered", o.registered);
    w.field("enrolled", o.enrolled);
    if (auto it = targets.find(treasury); it != targets.end()) {
      w.field("target", it->second);
    } else {
      w.key("target").raw("null");
    }
    w.field("with_bills", o.with_bills).field("confirmed_online", o.confirmed).end_object();
  }
  w.end_array().end_object();
  return Reply{200, w.take()};
}

}  // namespace vetan::serve
