// GET /v1/employees/{id}/payslips/{month}.pdf (issue 12 item 7): one employee's payslip as
// the printable PDF of `vetan payslips`. It is the JSON payslip route's answer drawn: the
// same scope, refusals and figures (a settled bill's own run, an other-salary bill's
// payslip), so the two can never disagree; the name, pay level and cell and the bank
// account come from the master.
#include <simdjson.h>

#include <string>
#include <vector>

#include "api/payslip_pdf/payslip_pdf.h"
#include "api/serve/service.h"

namespace vetan::serve {

Reply Service::get_payslip_pdf(const Context& c, const Params& p, const std::string& body) {
  Reply json = get_payslip(c, p, body);
  if (json.status != 200) return json;
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(json.body).get(root) != simdjson::SUCCESS) {
    return error_reply(500, "INTERNAL", "the payslip could not be read back");
  }
  std::string_view employee_id, month, bill_id, treasury, ddo;
  int64_t line = 0, payable_days = 0;
  simdjson::dom::object amounts;
  if (root["employee_id"].get(employee_id) || root["month"].get(month) ||
      root["bill_id"].get(bill_id) || root["treasury_code"].get(treasury) ||
      root["ddo_code"].get(ddo) || root["line"].get(line) || root["amounts"].get(amounts)) {
    return error_reply(500, "INTERNAL", "the payslip lacks a field");
  }
  if (root["payable_days"].get(payable_days) != simdjson::SUCCESS) payable_days = 0;  // other salary: none
  std::vector<std::string> names;
  std::vector<Money> values;
  for (auto field : amounts) {
    int64_t amount = 0;
    if (field.value.get(amount)) return error_reply(500, "INTERNAL", "a payslip amount is not an integer");
    names.emplace_back(field.key);
    values.push_back(amount);
  }
  PayslipSheet sheet;
  if (Status s = PayslipSheet::from_columns(names, &sheet); !s.ok()) {
    return error_reply(500, "INTERNAL", s.message());
  }
  const EmployeeTable& master = *base_;
  const size_t row = size_t(line - 1);
  const TextValue account = master.bank_account[row];
  const TextValue ifsc = master.ifsc[row];
  PayslipPage page;
  page.month = month;
  page.bill_id = bill_id;
  page.treasury_code = treasury;
  page.ddo_code = ddo;
  page.employee_id = employee_id;
  page.name = master.name[row];
  page.pay_level = master.pay_level[row];
  page.pay_cell = int(master.pay_cell[row]);
  page.payable_days = int(payable_days);
  page.bank_account = account.view();
  page.ifsc = ifsc.view();
  page.amounts = values.data();
  std::string pdf;
  PayslipPdf writer(sheet, month, "Payslip " + std::string(employee_id) + " " + std::string(month),
                    [&pdf](std::string_view bytes) { pdf.append(bytes); });
  writer.add_page(page);
  if (Status s = writer.finish(); !s.ok()) return error_reply(500, "INTERNAL", s.message());
  return Reply{200, std::move(pdf), "application/pdf"};
}

}  // namespace vetan::serve
