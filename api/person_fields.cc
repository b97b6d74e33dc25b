#include "api/person_fields.h"

#include "api/output_writer.h"

namespace vetan {

void append_person_fields(std::string* out, const EmployeeTable& t, size_t r) {
  out->push_back(',');
  append_csv_field(out, t.name[r]);
  out->push_back(',');
  append_csv_field(out, t.pay_level[r]);
  out->push_back(',');
  append_number(out, t.pay_cell[r]);
  out->push_back(',');
  append_csv_field(out, t.department[r]);
  for (const TextValue& text : {t.bank_account[r], t.ifsc[r], t.pan[r]}) {
    out->push_back(',');
    append_csv_field(out, text.view());
  }
  out->push_back(',');
  append_csv_field(out, t.pran[r]);
}

}  // namespace vetan
