#include "loaders/payment/run_credits.h"

#include "loaders/csv/csv_record.h"
#include "loaders/csv/text.h"

namespace vetan {
namespace {

// Reads the header of `data` and the positions of `names`; all required.
Status header_positions(std::string_view data, const std::string& path,
                        const std::vector<std::string_view>& names, size_t* body,
                        std::vector<size_t>* positions, size_t* fields) {
  CsvHeader header;
  if (Status s = read_csv_header(data, path, names, names.size(), body, &header); !s.ok()) {
    return s;
  }
  positions->assign(header.position.begin(), header.position.end());
  *fields = header.fields;
  return Status();
}

Status bad_field(const std::string& path, size_t line, std::string_view column,
                 std::string_view value, const char* what) {
  return Status::invalid_argument(path + ": line " + std::to_string(line) + ", column " +
                                  std::string(column) + ": '" + std::string(value) + "' " + what);
}

}  // namespace

Status read_run_credits(const std::string& path, RunCredits* c) {
  if (Status s = c->file.open(path); !s.ok()) return s;
  const std::string_view data = c->file.data();
  static const std::vector<std::string_view> kNames = {"bill_id", "employee_id", "name",
                                                       "bank_account", "ifsc", "net"};
  size_t body = bom_length(data), fields = 0;
  std::vector<size_t> at;
  if (Status s = header_positions(data, path, kNames, &body, &at, &fields); !s.ok()) return s;
  // The header's line: count line ends before the body.
  size_t line = 1;
  for (size_t i = 0; i + 1 < body; ++i) line += data[i] == '\n';
  const size_t estimate = data.size() / 200 + 16;
  for (auto* v : {&c->bill_id, &c->employee_id, &c->name, &c->bank_account, &c->ifsc}) {
    v->reserve(estimate);
  }
  c->net.reserve(estimate);
  c->file_line.reserve(estimate);
  CsvRecordReader reader;
  size_t position = body;
  const char* begin = data.data();
  const char* end = begin + data.size();
  auto keep = [&](std::string_view v) {
    if (v.data() >= begin && v.data() + v.size() <= end) return v;
    return std::string_view(c->quoted.emplace_back(v));
  };
  while (reader.next(data, &position)) {
    ++line;
    if (reader.blank()) continue;
    const auto& f = reader.fields();
    if (f.size() != fields) {
      return Status::invalid_argument(path + ": line " + std::to_string(line) + ": " +
                                      std::to_string(f.size()) + " fields, the header has " +
                                      std::to_string(fields));
    }
    int64_t net = 0;
    if (!parse_integer(f[at[5]], &net)) return bad_field(path, line, "net", f[at[5]], "is not whole rupees");
    c->bill_id.push_back(keep(f[at[0]]));
    c->employee_id.push_back(keep(f[at[1]]));
    c->name.push_back(keep(f[at[2]]));
    c->bank_account.push_back(keep(f[at[3]]));
    c->ifsc.push_back(keep(f[at[4]]));
    c->net.push_back(net);
    c->file_line.push_back(uint32_t(line));
    // A quoted field with a line break spans lines.
    for (std::string_view v : f) {
      for (char ch : v) line += ch == '\n';
    }
  }
  return Status();
}

Status read_run_bills(const std::string& path, std::vector<RunBill>* bills) {
  MappedFile file;
  if (Status s = file.open(path); !s.ok()) return s;
  const std::string_view data = file.data();
  static const std::vector<std::string_view> kNames = {"bill_id", "month", "treasury_code",
                                                       "ddo_code", "employees", "net"};
  size_t body = bom_length(data), fields = 0;
  std::vector<size_t> at;
  if (Status s = header_positions(data, path, kNames, &body, &at, &fields); !s.ok()) return s;
  CsvRecordReader reader;
  size_t position = body, line = 1;
  while (reader.next(data, &position)) {
    ++line;
    if (reader.blank()) continue;
    const auto& f = reader.fields();
    if (f.size() != fields) {
      return Status::invalid_argument(path + ": line " + std::to_string(line) + ": " +
                                      std::to_string(f.size()) + " fields, the header has " +
                                      std::to_string(fields));
    }
    RunBill b;
    b.bill_id = f[at[0]], b.month = f[at[1]], b.treasury_code = f[at[2]], b.ddo_code = f[at[3]];
    if (!parse_integer(f[at[4]], &b.employees) || b.employees < 0) {
      return bad_field(path, line, "employees", f[at[4]], "is not a count");
    }
    if (!parse_integer(f[at[5]], &b.net)) return bad_field(path, line, "net", f[at[5]], "is not whole rupees");
    bills->push_back(std::move(b));
  }
  return Status();
}

}  // namespace vetan
