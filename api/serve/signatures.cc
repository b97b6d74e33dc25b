// Signed bills (issue 12 item 4, docs/signatures.md): the canonical bytes of a bill that an
// officer signs with a class-3 certificate, GET …/canonical to fetch them, and the check of
// the detached CMS signature a confirmation or pass carries.
#include <string>

#include "api/serve/crypto.h"
#include "api/serve/service.h"
#include "core/common/json_text.h"

namespace vetan::serve {

using cycle::Bill;

namespace {

void append_line(std::string* out, std::string_view key, std::string_view value) {
  out->append(key).push_back('=');
  out->append(value).push_back('\n');
}

// One payslip line: employee_id, line, then the amounts, comma-separated.
void append_payslip(std::string* out, std::string_view employee_id, uint32_t row, const int64_t* amounts,
                    size_t count) {
  out->append(employee_id).push_back(',');
  out->append(std::to_string(int64_t(row) + 1));
  for (size_t i = 0; i < count; ++i) out->append(",").append(std::to_string(amounts[i]));
  out->push_back('\n');
}

}  // namespace

Status signature_field(const JsonBody& body, std::string* out) {
  out->clear();
  const JsonValue* v = find_field(body, "signature");
  if (v == nullptr || v->type == JsonValue::Type::kNull) return Status();
  if (v->type != JsonValue::Type::kString) return Status::invalid_argument("field 'signature' must be a string");
  if (v->text.size() > 48 * 1024) return Status::invalid_argument("field 'signature' is longer than 49152 bytes");
  for (char c : v->text) {
    if ((uint8_t(c) < 0x20 && c != '\n' && c != '\r' && c != '\t') || c == 0x7f) {
      return Status::invalid_argument("field 'signature' holds a control character other than a line break");
    }
  }
  *out = v->text;
  return Status();
}

Status Service::set_signature_policy(const SignaturePolicy& policy) {
  if (policy.require_signature && policy.ca_bundle.empty()) {
    return Status::invalid_argument("a required signature needs a CA bundle to verify it against");
  }
  if (!policy.ca_bundle.empty()) {
    if (Status s = signatures_.load_ca_bundle(policy.ca_bundle); !s.ok()) return s;
  }
  signature_policy_ = policy;
  return Status();
}

bool Service::may_act_on_bill(const Context& c, cycle::BillVerb verb, const Bill& bill) {
  return cycle::ddo_verb(verb) ? (c.who->role == Role::kDdo && c.who->scope == bill.ddo)
                               : (c.who->role == Role::kTreasury && c.who->scope == bill.treasury);
}

Status Service::bill_canonical(const Bill& b, std::string* bytes) const {
  // The payslip lines: a header of the columns, then one line per row the bill pays, in row
  // order, each with every payslip amount (as the bill's run computed it).
  std::string lines;
  if (b.run_id == 0) {  // an other-salary bill: its one payslip, as filed
    lines = "employee_id,line";
    for (const auto& [name, amount] : b.payslip) lines.append(",").append(name);
    lines.push_back('\n');
    std::vector<int64_t> amounts;
    for (const auto& [name, amount] : b.payslip) amounts.push_back(amount);
    for (uint32_t row : b.rows) append_payslip(&lines, base_->employee_id[row], row, amounts.data(), amounts.size());
  } else {
    const auto v = view_of_run(b.run_id);
    if (v == nullptr) return Status::unavailable("the run of bill '" + b.id + "' cannot be recomputed");
    const MonthResult& r = v->result;
    lines = "employee_id,line";
    for (size_t col = 0; col < r.layout.columns; ++col) lines.append(",").append(r.layout.names[col]);
    lines.push_back('\n');
    std::vector<int64_t> amounts(r.layout.columns);
    for (uint32_t row : b.rows) {
      for (size_t col = 0; col < r.layout.columns; ++col) amounts[col] = r.amount(col, row);
      append_payslip(&lines, v->table->employee_id[row], row, amounts.data(), amounts.size());
    }
  }
  std::string out = "vetan-bill/1\n";
  append_line(&out, "bill_id", b.id);
  append_line(&out, "month", format_month(b.month));
  append_line(&out, "treasury_code", b.treasury);
  append_line(&out, "ddo_code", b.ddo);
  append_line(&out, "bill_group", b.group);
  append_line(&out, "run_id", std::to_string(b.run_id));
  append_line(&out, "employees", std::to_string(b.amounts.employees));
  append_line(&out, "gross", std::to_string(b.amounts.gross));
  append_line(&out, "total_deductions", std::to_string(b.amounts.total_deductions));
  append_line(&out, "net", std::to_string(b.amounts.net));
  append_line(&out, "payslips_sha256", sha256_hex(lines));
  *bytes = std::move(out);
  return Status();
}

Reply Service::get_bill_canonical(const Context& c, const Params& p, const std::string&) {
  Bill bill;
  if (auto refused = copy_readable_bill(c, p[0] + "/" + p[1] + "/" + p[2] + "/" + p[3], true, &bill)) {
    return *refused;
  }
  std::string bytes;
  if (Status s = bill_canonical(bill, &bytes); !s.ok()) return status_reply(s);  // no lock held
  return Reply{200, std::move(bytes), "text/plain; charset=utf-8"};
}

std::optional<Reply> Service::check_bill_signature(const Context& c, const std::string& bill_id, cycle::BillVerb verb,
                                                   const std::string& signature, cycle::BillSignature* out,
                                                   Bill* signed_bill) {
  if (verb != cycle::BillVerb::kConfirm && verb != cycle::BillVerb::kPass) return std::nullopt;
  {
    std::lock_guard lock(state_mutex_);
    const Bill* found = cycle_.bill(bill_id);
    if (found == nullptr || !may_act_on_bill(c, verb, *found)) return std::nullopt;  // 404 or 403 follow
    *signed_bill = *found;
  }
  const char* action = verb == cycle::BillVerb::kConfirm ? "a confirmation" : "a pass";
  if (signature.empty()) {
    if (!signature_policy_.require_signature) return std::nullopt;
    return error_reply(422, "SIGNATURE_REQUIRED",
                       std::string("field 'signature': this server requires ") + action +
                           " to carry the officer's CMS signature of the bill's canonical bytes (GET /v1/bills/" +
                           bill_id + "/canonical)");
  }
  if (!signatures_.loaded()) {
    return error_reply(422, "CERTIFICATE_REJECTED",
                       "field 'signature': this server has no CA bundle (--ca-bundle) to verify signatures against");
  }
  std::string bytes;
  if (Status s = bill_canonical(*signed_bill, &bytes); !s.ok()) return status_reply(s);
  SignerIdentity signer;
  if (Status s = signatures_.verify(bytes, signature, options_.clock->now(), &signer); !s.ok()) {
    return error_reply(422, s.reason() != nullptr ? s.reason() : "SIGNATURE_INVALID",
                       "field 'signature': " + s.message() + " (bill '" + bill_id + "')");
  }
  std::string der;
  signature_der(signature, &der);  // verified above: it parses
  out->cms_base64 = base64_encode(der);
  out->subject = signer.subject;
  out->issuer = signer.issuer;
  out->serial = signer.serial;
  out->canonical_sha256 = sha256_hex(bytes);
  return std::nullopt;
}

}  // namespace vetan::serve
