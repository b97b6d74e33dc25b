#include "api/bill_text.h"

#include <cstring>

#include "api/output_writer.h"

namespace vetan {
namespace {

// "YYYY-MM/suffix" as one CSV field.
void append_bill_id(std::string* out, std::string_view month, std::string_view suffix) {
  if (suffix.find_first_of(",\"\r\n") == std::string_view::npos) {
    out->append(month).push_back('/');
    out->append(suffix);
  } else {
    append_csv_field(out, std::string(month) + "/" + std::string(suffix));
  }
}

}  // namespace

BillText::BillText(const EmployeeTable& table, const TableIndex& index, std::string_view month)
    : table_(table), index_(index), month_(month) {
  auto has_slash = [](const Dictionary& d) {
    for (size_t c = 0; c < d.size(); ++c) {
      if (d.value(Dictionary::Code(c)).find('/') != std::string_view::npos) return true;
    }
    return false;
  };
  ids_unique_ = !has_slash(table.treasury_code.dictionary) &&
                !has_slash(table.ddo_code.dictionary) && !has_slash(table.bill_group.dictionary);
  entries_.resize(index.bills.size());
  std::string piece;
  for (size_t b = 0; b < index.bills.size(); ++b) {
    const BillKey& key = index.bills[b];
    piece.clear();
    append_bill_id(&piece, month_, key.id_suffix);
    piece.push_back(',');
    append_csv_field(&piece, table.treasury_code.dictionary.value(key.treasury_code));
    piece.push_back(',');
    append_csv_field(&piece, table.ddo_code.dictionary.value(key.ddo_code));
    const size_t mid = piece.size();
    piece.push_back(',');
    append_csv_field(&piece, table.bill_group.dictionary.value(key.bill_group));
    Entry& e = entries_[b];
    e.treasury_code = key.treasury_code;
    e.ddo_code = key.ddo_code;
    e.bill_group = key.bill_group;
    if (piece.size() > UINT16_MAX || text_.size() + piece.size() > UINT32_MAX) {
      e.offset = 0;
      e.mid = e.size = 0;  // too long to hold: formatted per row instead
      continue;
    }
    e.offset = uint32_t(text_.size());
    e.mid = uint16_t(mid);
    e.size = uint16_t(piece.size());
    text_.append(piece);
  }
}

void BillText::append(std::string* out, size_t r, bool with_group) const {
  const Entry& e = entries_[index_.bill_of_row[r]];
  if (e.size == 0 || (!ids_unique_ && (table_.treasury_code.codes[r] != e.treasury_code ||
                                       table_.ddo_code.codes[r] != e.ddo_code ||
                                       table_.bill_group.codes[r] != e.bill_group))) {
    append_own(out, r, with_group);
    return;
  }
  out->append(text_.data() + e.offset, with_group ? e.size : e.mid);
}

void BillText::prefetch(size_t r) const {
  __builtin_prefetch(text_.data() + entries_[index_.bill_of_row[r]].offset);
}

void BillText::append_own(std::string* out, size_t r, bool with_group) const {
  append_bill_id(out, month_, index_.bills[index_.bill_of_row[r]].id_suffix);
  out->push_back(',');
  append_csv_field(out, table_.treasury_code[r]);
  out->push_back(',');
  append_csv_field(out, table_.ddo_code[r]);
  if (with_group) {
    out->push_back(',');
    append_csv_field(out, table_.bill_group[r]);
  }
}

}  // namespace vetan
