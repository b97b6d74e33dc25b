// Payment files and bank returns in the service (issue 12 items 3 and 4; docs/payment.md
// "In the service"). The treasury issues a PASSED bill's ISO 20022 pain.001.001.03 message
// and bank advice (the bytes `vetan pay` writes for the same payslips, api/pay_bill.h), kept
// in DATA/payments whole or not at all; one audited event `payment.issue` records what was
// issued and what makes it again (so a restart writes a lost file with the same bytes and
// refuses one that differs). Issuing again answers the same message; a bill whose files would
// now differ is refused, naming the message issued. The bank's pain.002 return marks credits
// failed (`payment.return`); the DDO may pay such a row once more through other salary
// (core/cycle/cycle_state.h). With a signing key, each message carries the treasury's
// detached CMS signature, `<MsgId>.xml.p7s` (PEM).
#include <optional>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <set>

#include "api/cms.h"
#include "api/commands.h"
#include "api/file_batch.h"
#include "api/pay_bill.h"
#include "api/serve/crypto.h"
#include "api/serve/event_codec.h"
#include "api/serve/service.h"
#include "core/payment/return_reasons.h"
#include "loaders/payment/pain002_reader.h"

namespace vetan::serve {

using cycle::Bill;
using cycle::BillState;

namespace {

// Payment message `message_id` and the bill it pays (nullptr if gone), or the 404 naming an
// unknown message. REQUIRES: the state lock held.
std::optional<Reply> find_payment(const cycle::CycleState& cycle, const std::string& message_id,
                                  const cycle::Payment** payment, const Bill** bill) {
  *payment = cycle.payment(message_id);
  if (*payment == nullptr) return error_reply(404, "NOT_FOUND", "no payment message '" + message_id + "'");
  *bill = cycle.bill((*payment)->issue.bill_id);
  return std::nullopt;
}

std::string payments_dir(const std::string& data_dir) { return data_dir + "/payments"; }

// The bytes of an issued payment's message and advice, made again from its event.
void files_of(const cycle::PaymentIssue& p, BillPaymentFiles* files) {
  for (const cycle::PaymentCredit& c : p.credits) {
    files->credits.push_back(Credit{c.employee_id, {c.name, c.account, c.ifsc}, c.amount});
  }
  format_bill_payment(p.bill_id, p.month, p.execution_date, p.initiating_party,
                      DebtorAccount{p.debtor_name, p.debtor_account, p.debtor_ifsc}, files);
}

// The sequence (from 1) of EndToEndId `id` in a message of `credits` credits, else 0.
uint32_t credit_sequence(const PaymentIds& ids, std::string_view id, size_t credits) {
  if (id.size() != ids.end_to_end_prefix.size() + 7 ||
      id.substr(0, ids.end_to_end_prefix.size()) != ids.end_to_end_prefix) {
    return 0;
  }
  uint32_t n = 0;
  for (char c : id.substr(ids.end_to_end_prefix.size())) {
    if (c < '0' || c > '9') return 0;
    n = n * 10 + uint32_t(c - '0');
  }
  return n >= 1 && n <= credits ? n : 0;
}

// The RFC 2253 subject of the certificate in PEM file `path`.
Status certificate_subject(const std::string& path, std::string* subject) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return Status::invalid_argument(path + ": cannot read the certificate");
  X509* cert = PEM_read_X509(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  if (cert == nullptr) return Status::invalid_argument(path + ": not a PEM certificate");
  BIO* bio = BIO_new(BIO_s_mem());
  X509_NAME_print_ex(bio, X509_get_subject_name(cert), 0, XN_FLAG_RFC2253);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  subject->assign(data, size_t(n));
  BIO_free(bio);
  X509_free(cert);
  return Status();
}

}  // namespace

void Service::set_payment_config(const PaymentConfig& config) { payment_config_ = config; }

Status Service::set_payment_signer(const std::string& key_path, const std::string& cert_path) {
  std::string probe;
  if (Status s = cms_sign("vetan payment signer probe", key_path, cert_path, &probe); !s.ok())
    return s;
  if (Status s = certificate_subject(cert_path, &payment_signer_); !s.ok()) return s;
  payment_key_path_ = key_path;
  payment_cert_path_ = cert_path;
  return Status();
}

bool Service::may_read_payment(const Context& c, const Bill& bill) {
  return c.who->role == Role::kAdmin || (c.who->role == Role::kDdo && c.who->scope == bill.ddo) ||
         (c.who->role == Role::kTreasury && c.who->scope == bill.treasury);
}

bool Service::may_issue_payment(const Context& c, const Bill& bill) {
  return c.who->role == Role::kAdmin ||
         (c.who->role == Role::kTreasury && c.who->scope == bill.treasury);
}

std::string Service::payment_json(const cycle::Payment& p) const {
  JsonWriter w;
  write_payment(&w, p);
  return w.take();
}

void Service::write_payment(JsonWriter* out, const cycle::Payment& p) const {
  const cycle::PaymentIssue& i = p.issue;
  size_t failed = 0;  // the returns' failed credits are keyed by (message id, credit)
  const auto& returned = cycle_.failed_payments();
  for (auto it = returned.lower_bound({i.message_id, 0}); it != returned.end() && it->first.first == i.message_id;
       ++it) {
    ++failed;
  }
  JsonWriter& w = *out;
  w.begin_object().field("bill_id", i.bill_id).field("message_id", i.message_id);
  w.field("payment_information_id", i.payment_information_id).field("month", format_month(i.month));
  w.field("execution_date", format_date(i.execution_date))
      .field("transactions", int64_t(i.credits.size()));
  w.field("control_sum", int64_t(i.control_sum)).field("debtor_account", i.debtor_account);
  w.field("file", i.message_id + ".xml").field("sha256", i.xml_sha256);
  w.field("advice_file", i.message_id + "-advice.csv").field("advice_sha256", i.advice_sha256);
  if (!i.signature_sha256.empty()) {
    w.key("signature")
        .begin_object()
        .field("file", i.message_id + ".xml.p7s")
        .field("format", "PEM");
    w.field("sha256", i.signature_sha256).field("subject", i.signature_subject).end_object();
  }
  w.field("failed_credits", int64_t(failed));
  w.field("issued_by", p.issued_by).field("issued_at", utc_timestamp(p.issued_at)).end_object();
}

Status Service::ensure_payment_files(const cycle::PaymentIssue& p) const {
  namespace fs = std::filesystem;
  const std::string dir = payments_dir(options_.data_dir);
  struct Expected {
    std::string path, sha256;
  };
  std::vector<Expected> files = {{dir + "/" + p.message_id + ".xml", p.xml_sha256},
                                 {dir + "/" + p.message_id + "-advice.csv", p.advice_sha256}};
  if (!p.signature_sha256.empty())
    files.push_back({dir + "/" + p.message_id + ".xml.p7s", p.signature_sha256});
  bool missing = false;
  for (const Expected& f : files) {
    std::error_code error;
    if (!fs::exists(f.path, error)) {
      missing = true;
      continue;
    }
    std::string bytes;
    if (Status s = read_file(f.path, &bytes); !s.ok()) return Status::io_error(s.message());
    if (sha256_hex(bytes) != f.sha256) {
      return Status::conflict(
          f.path + ": not the file issued for bill '" + p.bill_id + "' (its SHA-256 is " +
              sha256_hex(bytes) + ", the payment.issue event recorded " + f.sha256 +
              "); restore the file issued, or remove it to have it written again",
          "PAYMENT_FILE_DIFFERS");
    }
  }
  if (!missing) return Status();
  BillPaymentFiles made;
  files_of(p, &made);
  if (made.xml_sha256 != p.xml_sha256 || made.advice_sha256 != p.advice_sha256) {
    return Status::conflict(
        "payment " + p.message_id + ": its event does not make the files it recorded",
        "PAYMENT_FILE_DIFFERS");
  }
  std::error_code error;
  fs::create_directories(dir, error);
  FileBatch batch;
  if (!fs::exists(files[0].path, error)) batch.write(files[0].path, made.xml);
  if (!fs::exists(files[1].path, error)) batch.write(files[1].path, made.advice);
  if (files.size() > 2 && !fs::exists(files[2].path, error))
    batch.write(files[2].path, p.signature_pem);
  return batch.commit();
}

Status Service::check_payment_files() const {
  for (const auto& [bill_id, payment] : cycle_.payments()) {
    if (Status s = ensure_payment_files(payment.issue); !s.ok()) return s;
  }
  return Status();
}

Reply Service::issue_payment(const Context& c, const Params& p, const std::string& body) {
  const std::string bill_id = p[0] + "/" + p[1] + "/" + p[2] + "/" + p[3];
  JsonBody parsed;
  if (Status s = parse_body(body.empty() ? std::string_view("{}") : std::string_view(body),
                            {"execution_date"}, &parsed);
      !s.ok()) {
    return error_reply(400, "INVALID_ARGUMENT", s.message());
  }
  const JsonValue* date_value = find_field(parsed, "execution_date");
  Date execution_date = 0;
  const bool dated = date_value != nullptr && date_value->type != JsonValue::Type::kNull;
  if (dated && (date_value->type != JsonValue::Type::kString ||
                !parse_iso_date(date_value->text, &execution_date))) {
    return error_reply(400, "INVALID_ARGUMENT",
                       "field 'execution_date' must be the day the bank pays, YYYY-MM-DD");
  }
  std::lock_guard issuing(payments_mutex_);  // one issue at a time: the files' names are the bill's
  Bill bill;
  std::vector<std::string> os_fields;
  {
    std::lock_guard lock(state_mutex_);
    const Bill* found = cycle_.bill(bill_id);
    if (found == nullptr) return error_reply(404, "NOT_FOUND", "no bill '" + bill_id + "'");
    if (!may_issue_payment(c, *found)) {
      return forbidden(c.who->label() + " may not issue the payment of bill '" + bill_id +
                       "' (its treasury, admin)");
    }
    if (found->state != BillState::kPassed) {
      return error_reply(409, "WRONG_STATE",
                         "bill '" + bill_id + "' is " + cycle::name(found->state) +
                             "; only a PASSED bill is paid");
    }
    if (!payment_config_) {
      return error_reply(
          409, "PAYMENT_NOT_CONFIGURED",
          "this server has no payment configuration (--payment-config debtors.json)");
    }
    bill = *found;
    if (bill.run_id == 0 && !bill.rows.empty()) os_fields = master_.fields(bill.rows[0]);
  }
  auto debtor = payment_config_->debtors.find(bill.ddo);
  if (debtor == payment_config_->debtors.end()) {
    return error_reply(422, "RULE_REFUSED",
                       "the payment configuration has no debtor account for DDO '" + bill.ddo +
                           "' (bill '" + bill_id + "')");
  }
  if (!dated) execution_date = first_day(bill.month + 1);

  // The bill's payslips as the service holds them, in employee_id order (payslips.csv's).
  std::vector<uint32_t> rows = bill.rows;
  std::vector<std::string> ids(rows.size()), names(rows.size()), accounts(rows.size()),
      ifscs(rows.size());
  std::vector<Money> nets(rows.size());
  if (bill.run_id != 0) {
    const auto v = view_of_run(bill.run_id);
    if (v == nullptr)
      return status_reply(
          Status::unavailable("the run of bill '" + bill_id + "' cannot be recomputed"));
    const EmployeeTable& t = *v->table;
    std::sort(rows.begin(), rows.end(),
              [&](uint32_t a, uint32_t b) { return t.employee_id[a] < t.employee_id[b]; });
    for (size_t i = 0; i < rows.size(); ++i) {
      const uint32_t r = rows[i];
      ids[i] = std::string(t.employee_id[r]);
      names[i] = std::string(t.name[r]);
      accounts[i] = std::string(t.bank_account[r].view());
      ifscs[i] = std::string(t.ifsc[r].view());
      nets[i] = v->result.amount(v->result.layout.net, r);
    }
  } else {  // an other-salary bill: its one payslip, paid to the account the master holds now
    EmployeeTable one;
    if (Status s = master_.parse_row(os_fields, &one); !s.ok() || one.rows != 1) {
      return error_reply(422, "RULE_REFUSED",
                         "the employee's master row is unreadable; correct it first");
    }
    ids[0] = std::string(one.employee_id[0]);
    names[0] = std::string(one.name[0]);
    accounts[0] = std::string(one.bank_account[0].view());
    ifscs[0] = std::string(one.ifsc[0].view());
    nets[0] = bill.amounts.net;
  }
  std::vector<PayslipCredit> payslips(rows.size());
  for (size_t i = 0; i < rows.size(); ++i)
    payslips[i] = {ids[i], names[i], accounts[i], ifscs[i], nets[i]};
  BillPaymentFiles files;
  size_t bad = 0;
  if (std::string problem = prepare_bill_credits(payslips, &files, &bad); !problem.empty()) {
    return error_reply(422, "RULE_REFUSED",
                       "bill '" + bill_id + "': line " + std::to_string(rows[bad] + 1) +
                           " of the master (" + ids[bad] + "): " + problem);
  }
  format_bill_payment(bill_id, bill.month, execution_date, payment_config_->initiating_party,
                      debtor->second, &files);

  cycle::PaymentIssue issue;
  issue.bill_id = bill_id;
  issue.message_id = files.ids.message_id;
  issue.payment_information_id = files.ids.payment_information_id;
  issue.month = bill.month;
  issue.execution_date = execution_date;
  issue.xml_sha256 = files.xml_sha256;
  issue.advice_sha256 = files.advice_sha256;
  issue.control_sum = Money(files.control_sum);
  issue.initiating_party = payment_config_->initiating_party;
  issue.debtor_name = debtor->second.name;
  issue.debtor_account = debtor->second.account;
  issue.debtor_ifsc = debtor->second.ifsc;
  for (size_t k = 0; k < files.credits.size(); ++k) {
    const Credit& cr = files.credits[k];
    issue.credits.push_back(cycle::PaymentCredit{
        rows[files.credited[k]], std::string(cr.employee_id), std::string(cr.creditor.name),
        std::string(cr.creditor.account), std::string(cr.creditor.ifsc), cr.amount});
  }
  {
    std::lock_guard lock(state_mutex_);
    if (const cycle::Payment* issued = cycle_.payment_of_bill(bill_id)) {
      const cycle::PaymentIssue& i = issued->issue;
      if (i.xml_sha256 != issue.xml_sha256 || i.advice_sha256 != issue.advice_sha256) {
        return error_reply(
            409, "ALREADY_ISSUED",
            "bill '" + bill_id + "' was issued as " + i.message_id + ".xml (sha256 " +
                i.xml_sha256 +
                ") with other content: it is not issued again (a second file could pay twice); pay "
                "a "
                "difference through other salary (POST /v1/employees/{id}/other-salary)");
      }
      if (Status s = ensure_payment_files(i); !s.ok()) return status_reply(s);
      return Reply{200, payment_json(*issued)};
    }
    if (const cycle::Payment* other = cycle_.payment(issue.message_id)) {
      return error_reply(409, "WRONG_STATE",
                         "bill '" + bill_id + "': its MsgId " + issue.message_id +
                             " is that of bill '" + other->issue.bill_id + "' issued before");
    }
  }
  // The treasury's signature over the message's bytes (not reproducible: the event keeps it).
  if (!payment_key_path_.empty()) {
    if (Status s = cms_sign(files.xml, payment_key_path_, payment_cert_path_, &issue.signature_pem);
        !s.ok()) {
      return status_reply(
          Status::unavailable("signing payment " + issue.message_id + ": " + s.message()));
    }
    issue.signature_sha256 = sha256_hex(issue.signature_pem);
    issue.signature_subject = payment_signer_;
  }
  // The files first (durable, whole or not at all), then the event: a crash between leaves
  // files no event names, which the next issue writes again with the same bytes.
  {
    namespace fs = std::filesystem;
    const std::string dir = payments_dir(options_.data_dir);
    std::error_code error;
    fs::create_directories(dir, error);
    if (error)
      return status_reply(Status::io_error(dir + ": cannot create (" + error.message() + ")"));
    FileBatch batch;
    batch.write(dir + "/" + issue.message_id + ".xml", files.xml);
    batch.write(dir + "/" + issue.message_id + "-advice.csv", files.advice);
    if (!issue.signature_pem.empty())
      batch.write(dir + "/" + issue.message_id + ".xml.p7s", issue.signature_pem);
    if (Status s = batch.commit(); !s.ok()) return status_reply(s);
  }
  std::lock_guard lock(state_mutex_);
  cycle::Event e(cycle::EventKind::kPaymentIssue, std::move(issue));
  if (Status s = record(&e, c.who->label()); !s.ok()) return status_reply(s);
  return Reply{201, payment_json(*cycle_.payment_of_bill(bill_id))};
}

Reply Service::get_bill_payment(const Context& c, const Params& p, const std::string&) {
  const std::string bill_id = p[0] + "/" + p[1] + "/" + p[2] + "/" + p[3];
  std::shared_lock lock(state_mutex_);  // a reader
  const Bill* bill = cycle_.bill(bill_id);
  if (bill == nullptr) return error_reply(404, "NOT_FOUND", "no bill '" + bill_id + "'");
  if (!may_read_payment(c, *bill))
    return forbidden(c.who->label() + " may not read the payment of bill '" + bill_id + "'");
  const cycle::Payment* payment = cycle_.payment_of_bill(bill_id);
  if (payment == nullptr)
    return error_reply(404, "NOT_FOUND", "bill '" + bill_id + "' has no payment file issued");
  return Reply{200, payment_json(*payment)};
}

Reply Service::get_payment_file(const Context& c, const Params& p, const std::string&) {
  const std::string& message_id = p[0];
  const std::string which = p.size() > 1 ? p[1] : "xml";
  cycle::PaymentIssue issue;
  {
    std::shared_lock lock(state_mutex_);  // a reader
    const cycle::Payment* payment;
    const Bill* bill;
    if (auto refused = find_payment(cycle_, message_id, &payment, &bill)) return *refused;
    if (bill == nullptr || !may_read_payment(c, *bill)) {
      return forbidden(c.who->label() + " may not read payment message '" + message_id + "'");
    }
    if (which == "signature" && payment->issue.signature_sha256.empty()) {
      return error_reply(404, "NOT_FOUND",
                         "payment message '" + message_id + "' was issued unsigned");
    }
    issue = payment->issue;
  }
  std::lock_guard issuing(payments_mutex_);
  if (Status s = ensure_payment_files(issue); !s.ok()) return status_reply(s);
  const std::string dir = payments_dir(options_.data_dir) + "/" + message_id;
  std::string bytes;
  const std::string path = which == "xml"      ? dir + ".xml"
                           : which == "advice" ? dir + "-advice.csv"
                                               : dir + ".xml.p7s";
  if (Status s = read_file(path, &bytes); !s.ok())
    return status_reply(Status::io_error(s.message()));
  const char* type = which == "xml"      ? "application/xml"
                     : which == "advice" ? "text/csv; charset=utf-8"
                                         : "application/pkcs7-signature";
  return Reply{200, std::move(bytes), type};
}

Reply Service::import_payment_return(const Context& c, const Params& p, const std::string& body) {
  const std::string& message_id = p[0];
  cycle::PaymentIssue issue;
  {
    std::lock_guard lock(state_mutex_);
    const cycle::Payment* payment;
    const Bill* bill;
    if (auto refused = find_payment(cycle_, message_id, &payment, &bill)) return *refused;
    if (bill == nullptr || !may_issue_payment(c, *bill)) {
      return forbidden(c.who->label() + " may not import the bank's return of message '" +
                       message_id + "' (its treasury, admin)");
    }
    issue = payment->issue;
  }
  const std::string name = "the return (pain.002)";
  PaymentStatusReport report;
  if (Status s = read_pain002(body, name, &report); !s.ok())
    return error_reply(400, "INVALID_ARGUMENT", s.message());
  if (report.original_message_id != message_id) {
    return error_reply(409, "WRONG_MESSAGE",
                       name + ": line " + std::to_string(report.original_line) +
                           ": <OrgnlMsgId> '" + report.original_message_id + "' is not message " +
                           message_id);
  }
  if (Status s = check_return_group(report, name); !s.ok())
    return error_reply(409, "NOTHING_PAID", s.message());
  {
    std::lock_guard issuing(payments_mutex_);
    if (Status s = ensure_payment_files(issue); !s.ok())
      return status_reply(s);  // the advice issued
  }
  const PaymentIds ids = payment_ids(issue.bill_id, issue.month);
  std::vector<size_t> rejected;
  if (Status s = rejected_credits(
          report, name, {issue.message_id, issue.payment_information_id, issue.bill_id},
          [&](std::string_view id) { return credit_sequence(ids, id, issue.credits.size()) != 0; },
          &rejected);
      !s.ok()) {
    return error_reply(409, "NOT_OF_MESSAGE", s.message());
  }
  std::lock_guard lock(state_mutex_);
  cycle::PaymentReturn r;
  r.message_id = message_id;
  r.return_message_id = report.message_id;
  std::set<uint32_t> seen;
  for (size_t k : rejected) {
    const TransactionStatus& t = report.transactions[k];
    const uint32_t sequence = credit_sequence(ids, t.end_to_end_id, issue.credits.size());
    if (cycle_.failed_payments().count({message_id, sequence}) || !seen.insert(sequence).second)
      continue;
    r.failed.push_back(
        cycle::FailedCredit{sequence, t.end_to_end_id, t.reason_code, t.additional_information});
  }
  JsonWriter w;
  w.begin_object().field("message_id", message_id).field("bill_id", issue.bill_id);
  w.field("return_message_id", report.message_id)
      .field("statuses", int64_t(report.transactions.size()));
  w.field("rejected", int64_t(rejected.size())).field("failed_newly", int64_t(r.failed.size()));
  if (!r.failed.empty()) {
    cycle::Event e(cycle::EventKind::kPaymentReturn, r);
    if (Status s = record(&e, c.who->label()); !s.ok()) return status_reply(s);
    w.field("audit_seq", e.header.seq);
  }
  w.key("failed").begin_array();
  for (const cycle::FailedCredit& f : r.failed) {
    const cycle::PaymentCredit& credit = issue.credits[f.sequence - 1];
    w.begin_object()
        .field("end_to_end_id", f.end_to_end_id)
        .field("employee_id", credit.employee_id);
    w.field("amount", int64_t(credit.amount)).field("reason_code", f.reason_code);
    w.field("reason", return_reason_text(f.reason_code)).end_object();
  }
  w.end_array().end_object();
  return Reply{r.failed.empty() ? 200 : 201, w.take()};
}

Reply Service::list_payments(const Context& c, const Params&, const std::string&) {
  if (c.who->role != Role::kAdmin && c.who->role != Role::kDdo && c.who->role != Role::kTreasury) {
    return forbidden(c.who->label() + " may not list payment files (a DDO its own, a treasury its DDOs', admin)");
  }
  BillPage page;
  if (auto refused = bill_page_of(c, "list the payment files of", &page)) return *refused;
  const std::string& ddo = page.ddo, &treasury = page.treasury, &month = page.month, &token = page.token;
  const size_t page_size = page.size;
  std::shared_lock lock(state_mutex_);  // a reader
  JsonWriter w;
  w.begin_object().key("payments").begin_array();
  size_t n = 0;
  std::string last;
  bool more = false;
  const auto& payments = cycle_.payments();  // by bill id, so in the bills' order
  for (auto it = token.empty() ? payments.begin() : payments.upper_bound(token); it != payments.end(); ++it) {
    const Bill* bill = cycle_.bill(it->first);
    if (bill == nullptr || (!ddo.empty() && bill->ddo != ddo) || (!treasury.empty() && bill->treasury != treasury) ||
        (!month.empty() && format_month(it->second.issue.month) != month)) {
      continue;
    }
    if (n == page_size) {
      more = true;
      break;
    }
    write_payment(&w, it->second);
    last = it->first;
    ++n;
  }
  w.end_array();
  if (more) w.field("next_page_token", last);
  w.end_object();
  return Reply{200, w.take()};
}

Reply Service::list_failed_payments(const Context& c, const Params&, const std::string&) {
  if (c.who->role != Role::kAdmin && c.who->role != Role::kDdo && c.who->role != Role::kTreasury) {
    return forbidden(c.who->label() +
                     " may not list failed payments (a DDO its own, a treasury its DDOs', admin)");
  }
  std::shared_lock lock(state_mutex_);  // a reader
  JsonWriter w;
  w.begin_object().key("failed").begin_array();
  for (const auto& [key, f] : cycle_.failed_payments()) {
    const Bill* bill = cycle_.bill(f.bill_id);
    if (bill == nullptr || !may_read_payment(c, *bill)) continue;
    const Bill* again = cycle_.repayment(f.month, f.credit.row);
    const bool repaid = again != nullptr && again->state != BillState::kRejected;
    w.begin_object()
        .field("message_id", f.message_id)
        .field("end_to_end_id", f.failed.end_to_end_id);
    w.field("bill_id", f.bill_id)
        .field("ddo_code", bill->ddo)
        .field("treasury_code", bill->treasury);
    w.field("month", format_month(f.month))
        .field("employee_id", f.credit.employee_id)
        .field("name", f.credit.name);
    w.field("bank_account", f.credit.account)
        .field("ifsc", f.credit.ifsc)
        .field("amount", int64_t(f.credit.amount));
    w.field("reason_code", f.failed.reason_code)
        .field("reason", return_reason_text(f.failed.reason_code));
    w.field("additional_information", f.failed.additional_information);
    w.field("return_message_id", f.return_message_id)
        .field("returned_at", utc_timestamp(f.returned_at));
    w.field("repaid", repaid);
    if (again != nullptr)
      w.field("repaid_by", again->id).field("repaid_state", cycle::name(again->state));
    w.end_object();
  }
  w.end_array().end_object();
  return Reply{200, w.take()};
}

}  // namespace vetan::serve
