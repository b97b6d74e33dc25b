#include "api/serve/master_records.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "api/serve/crypto.h"
#include "core/table/employee_table.h"
#include "loaders/csv/csv_loader.h"
#include "loaders/csv/csv_record.h"
#include "loaders/csv/text.h"

namespace vetan::serve {

Status MasterRecords::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::io_error(path + ": cannot read (" + std::strerror(errno) + ")");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return Status::io_error(path + ": cannot read");
  return load_bytes(buffer.str(), path);
}

Status MasterRecords::index(std::string bytes, const std::string& name, std::shared_ptr<Base>* out,
                            std::vector<std::string>* header) {
  auto base = std::make_shared<Base>();
  base->bytes = std::move(bytes);
  header->clear();
  const std::string& data = base->bytes;
  size_t position = 0;
  if (data.rfind("\xEF\xBB\xBF", 0) == 0) position = 3;
  CsvRecordReader reader;
  bool have_header = false;
  for (size_t begin = position; reader.next(data, &position); begin = position) {
    if (reader.blank()) continue;
    if (!have_header) {
      for (std::string_view f : reader.fields()) header->emplace_back(trim(f));
      base->header_end = position;
      have_header = true;
      continue;
    }
    base->records.emplace_back(begin, position);
  }
  if (!have_header) return Status::invalid_argument(name + ": no header");
  *out = std::move(base);
  return Status();
}

Status MasterRecords::load_bytes(std::string bytes, const std::string& name) {
  fingerprint_ = sha256_hex(bytes);
  name_ = name;
  changed_.clear();
  std::shared_ptr<Base> base;
  std::vector<std::string> header;
  if (Status s = index(std::move(bytes), name, &base, &header); !s.ok()) return s;
  base_ = std::move(base);
  header_ = std::move(header);
  return Status();
}

Status MasterRecords::rebase(std::string bytes) {
  std::shared_ptr<Base> base;
  std::vector<std::string> header;
  if (Status s = index(std::move(bytes), name_, &base, &header); !s.ok()) return s;
  if (base->records.size() != base_->records.size()) {
    return Status::invalid_argument("the next master has " + std::to_string(base->records.size()) +
                                    " records, the master " + std::to_string(base_->records.size()));
  }
  base_ = std::move(base);
  header_ = std::move(header);
  changed_.clear();
  return Status();
}

int MasterRecords::column(std::string_view name) const {
  for (size_t i = 0; i < header_.size(); ++i) {
    if (header_[i] == name) return int(i);
  }
  return -1;
}

std::vector<std::string> MasterRecords::fields(size_t row) const {
  auto it = changed_.find(uint32_t(row));
  if (it != changed_.end()) return it->second;
  const auto [begin, end] = base_->records[row];
  const std::string_view record(base_->bytes.data() + begin, end - begin);
  CsvRecordReader reader;
  size_t position = 0;
  std::vector<std::string> out;
  if (reader.next(record, &position)) {
    for (std::string_view f : reader.fields()) out.emplace_back(f);
  }
  return out;
}

void MasterRecords::set_field(size_t row, int column, std::string value) {
  auto it = changed_.find(uint32_t(row));
  if (it == changed_.end()) it = changed_.emplace(uint32_t(row), fields(row)).first;
  if (size_t(column) >= it->second.size()) it->second.resize(size_t(column) + 1);
  it->second[size_t(column)] = std::move(value);
}

std::string csv_record(const std::vector<std::string>& fields) {
  std::string out;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) out += ',';
    const std::string& f = fields[i];
    if (f.find_first_of(",\"\r\n") == std::string::npos) {
      out += f;
      continue;
    }
    out += '"';
    for (char c : f) {
      if (c == '"') out += '"';
      out += c;
    }
    out += '"';
  }
  out += '\n';
  return out;
}

Status MasterRecords::parse_row(const std::vector<std::string>& fields, EmployeeTable* table) const {
  std::string csv(base_->bytes.data(), base_->header_end);
  if (!csv.empty() && csv.back() != '\n' && csv.back() != '\r') csv += '\n';
  csv += csv_record(fields);
  CsvLoadOptions options;
  options.deduction_codes = deduction_codes_;
  if (Status s = parse_employees_csv(csv, name_, table, options); !s.ok()) return s;
  if (table->rows != 1) return Status::invalid_argument("the record does not read as one row");
  return Status();
}

std::string MasterRecords::check_row(const std::vector<std::string>& fields) const {
  EmployeeTable table;
  if (Status s = parse_row(fields, &table); !s.ok()) return s.message();
  if (table.is_readable(0)) return "";
  return table.problems.empty() ? "unreadable" : table.problems[0].text;
}

std::string MasterRecords::snapshot() const { return snapshot_of(changed_); }

std::string MasterRecords::snapshot_of(const Base& base, const Changes& changed) {
  std::string out;
  out.reserve(base.bytes.size() + changed.size() * 64 + 1);
  out.append(base.bytes.data(), base.header_end);
  if (!out.empty() && out.back() != '\n' && out.back() != '\r') out += '\n';
  for (size_t row = 0; row < base.records.size(); ++row) {
    auto it = changed.find(uint32_t(row));
    if (it != changed.end()) {
      out += csv_record(it->second);
      continue;
    }
    const auto [begin, end] = base.records[row];
    out.append(base.bytes.data() + begin, end - begin);
    if (out.back() != '\n' && out.back() != '\r') out += '\n';
  }
  return out;
}

}  // namespace vetan::serve
