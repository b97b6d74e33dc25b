#include "api/returns_output.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <string_view>
#include <utility>

#include "api/atomic_file.h"
#include "api/output_writer.h"
#include "core/common/json_text.h"

namespace vetan {
namespace {

// Receives a row's fields in order, each once: the header, a CSV line or a JSON object
// come from the same field list, so the two files of a form never disagree.
class FieldSink {
 public:
  virtual ~FieldSink() = default;
  virtual void text(const char* name, std::string_view value) = 0;
  virtual void number(const char* name, int64_t value) = 0;
};

class HeaderSink : public FieldSink {
 public:
  void text(const char* name, std::string_view) override { add(name); }
  void number(const char* name, int64_t) override { add(name); }
  std::string line() const { return header_ + "\n"; }

 private:
  void add(const char* name) {
    if (!header_.empty()) header_ += ',';
    header_ += name;
  }
  std::string header_;
};

class CsvSink : public FieldSink {
 public:
  explicit CsvSink(std::string* out) : out_(out) {}
  void text(const char*, std::string_view value) override {
    comma();
    append_csv_field(out_, value);
  }
  void number(const char*, int64_t value) override {
    comma();
    append_number(out_, value);
  }

 private:
  void comma() {
    if (!first_) out_->push_back(',');
    first_ = false;
  }
  std::string* out_;
  bool first_ = true;
};

class JsonSink : public FieldSink {
 public:
  explicit JsonSink(std::string* out) : out_(out) {}
  void text(const char* name, std::string_view value) override {
    key(name);
    append_json_string(out_, value);
  }
  void number(const char* name, int64_t value) override {
    key(name);
    append_number(out_, value);
  }

 private:
  void key(const char* name) {
    out_->push_back(first_ ? '{' : ',');
    first_ = false;
    append_json_string(out_, name);
    out_->push_back(':');
  }
  std::string* out_;
  bool first_ = true;
};

// The fields of each form's rows (docs/returns.md names them).
class Forms {
 public:
  Forms(const ReturnsInput& in, const TaxReturns& r)
      : in_(in), quarter_(format_tax_quarter(r.quarter)),
        fy_(format_financial_year(r.quarter.fy_start)) {}

  void form24q(FieldSink& s, const Form24QRow& row) const {
    const ReturnsPerson& p = person(row.person);
    s.text("quarter", quarter_);
    ddo_fields(s, row.ddo);
    s.number("serial", row.serial);
    s.text("employee_id", p.employee_id);
    s.text("pan", deductee_pan(p.pan));
    s.text("name", p.name);
    s.text("section", in_.section);
    s.text("month", format_month(row.month));
    s.number("amount_paid", row.amount_paid);
    s.number("tax_deducted", row.tds);
    s.number("tax_deposited", row.tds);
  }
  void form24q_total(FieldSink& s, const Form24QTotal& t) const {
    s.text("quarter", quarter_);
    ddo_fields(s, t.ddo);
    s.number("deductees", t.deductees);
    s.number("rows", t.rows);
    s.number("amount_paid", t.amount_paid);
    s.number("tax_deducted", t.tds);
    s.number("tax_deposited", t.tds);
  }
  void form16(FieldSink& s, const Form16PartB& b) const {
    const ReturnsPerson& p = person(b.person);
    s.text("fy", fy_);
    s.text("employee_id", p.employee_id);
    s.text("pan", deductee_pan(p.pan));
    s.text("name", p.name);
    ddo_fields(s, b.ddo);
    s.text("regime", p.old_regime ? "OLD" : "NEW");
    s.text("period_from", format_month(b.first_month));
    s.text("period_to", format_month(b.last_month));
    s.number("months", b.months);
    s.number("gross_salary", b.gross_salary);
    s.number("gross_from_other_ddos", b.gross_from_other_ddos);
    s.number("standard_deduction", b.standard_deduction);
    s.number("income_under_salaries", b.income_under_salaries);
    s.number("chapter_via_deductions", b.chapter_via_deductions);
    s.number("taxable_income", b.taxable_income);
    s.number("tax_on_income", b.tax_on_income);
    s.number("rebate_87a", b.rebate_87a);
    s.number("surcharge", b.surcharge);
    s.number("cess", b.cess);
    s.number("tax_payable", b.tax_payable);
    s.number("relief_89", b.relief_89);
    s.number("net_tax_payable", b.net_tax_payable);
    s.number("tds", b.tds);
    s.number("balance", b.balance);
  }
  void form24g(FieldSink& s, const Form24GLine& g) const {
    s.text("month", format_month(g.month));
    ddo_fields(s, g.ddo);
    s.number("employees", g.employees);
    s.number("amount_paid", g.amount_paid);
    s.number("tax_deducted", g.tds);
    s.number("tax_remitted", g.tds);
  }
  const std::string& quarter() const { return quarter_; }

 private:
  // The person and DDO of an index; empty ones for the header's row of no one.
  const ReturnsPerson& person(uint32_t i) const {
    static const ReturnsPerson kNone;
    return i < in_.persons.size() ? in_.persons[i] : kNone;
  }
  void ddo_fields(FieldSink& s, uint32_t ddo) const {
    static const ReturnsDdo kNone;
    const ReturnsDdo& d = ddo < in_.ddos.size() ? in_.ddos[ddo] : kNone;
    s.text("treasury_code", d.treasury_code);
    s.text("ddo_code", d.ddo_code);
  }
  const ReturnsInput& in_;
  std::string quarter_, fy_;
};

// Writes `rows` as NAME.csv (a header, then one line each) and NAME.json
// ({"quarter", "rows": [objects]} and `extra`, JSON members written after the rows).
template <typename Row, typename Fields>
Status write_form(const std::string& folder, const char* name, const std::string& quarter,
                  const std::vector<Row>& rows, const Fields& fields,
                  const std::string& extra = "") {
  {
    AtomicFile file(folder + "/" + name + ".csv");
    HeaderSink header;
    fields(header, Row{});
    file.write(header.line());
    write_rows_parallel(&file, rows.size(), [&](size_t i, std::string* out) {
      CsvSink sink(out);
      fields(sink, rows[i]);
      out->push_back('\n');
    });
    if (Status s = file.commit(); !s.ok()) return s;
  }
  AtomicFile file(folder + "/" + name + ".json");
  file.write("{\"quarter\":" + json_quote(quarter) + ",\"rows\":[\n");
  write_rows_parallel(&file, rows.size(), [&](size_t i, std::string* out) {
    if (i > 0) out->append(",\n");
    JsonSink sink(out);
    fields(sink, rows[i]);
    out->push_back('}');
  });
  file.write("\n]" + extra + "}\n");
  return file.commit();
}

// Form 24G's totals per treasury and month, as JSON members.
std::string form24g_totals(const ReturnsInput& in, const TaxReturns& r) {
  struct Total {
    int64_t ddos = 0, employees = 0;
    Money amount_paid = 0, tds = 0;
  };
  std::map<std::pair<Month, std::string>, Total> totals;
  for (const Form24GLine& g : r.form24g) {
    Total& t = totals[{g.month, in.ddos[g.ddo].treasury_code}];
    ++t.ddos;
    t.employees += g.employees;
    t.amount_paid += g.amount_paid;
    t.tds += g.tds;
  }
  JsonWriter json;
  json.begin_array();
  for (const auto& [key, t] : totals) {
    json.begin_object()
        .field("month", format_month(key.first))
        .field("treasury_code", key.second)
        .field("ddos", t.ddos)
        .field("employees", t.employees)
        .field("amount_paid", t.amount_paid)
        .field("tax_deducted", t.tds)
        .field("tax_remitted", t.tds)
        .end_object();
  }
  json.end_array();
  return ",\"totals\":" + json.take();
}

}  // namespace

Status write_tax_returns(const std::string& folder, const ReturnsInput& in,
                         const TaxReturns& returns) {
  if (::mkdir(folder.c_str(), 0755) != 0 && errno != EEXIST) {
    return Status::io_error(folder + ": cannot create (" + std::strerror(errno) + ")");
  }
  const Forms forms(in, returns);
  const std::string& q = forms.quarter();
  if (Status s = write_form(folder, "form24q", q, returns.form24q,
                            [&](FieldSink& s, const Form24QRow& r) { forms.form24q(s, r); });
      !s.ok()) {
    return s;
  }
  if (Status s = write_form(folder, "form24q_ddos", q, returns.form24q_totals,
                            [&](FieldSink& s, const Form24QTotal& t) { forms.form24q_total(s, t); });
      !s.ok()) {
    return s;
  }
  if (Status s = write_form(folder, "form16_partb", q, returns.form16,
                            [&](FieldSink& s, const Form16PartB& b) { forms.form16(s, b); });
      !s.ok()) {
    return s;
  }
  return write_form(folder, "form24g", q, returns.form24g,
                    [&](FieldSink& s, const Form24GLine& g) { forms.form24g(s, g); },
                    form24g_totals(in, returns));
}

}  // namespace vetan
