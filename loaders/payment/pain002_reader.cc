#include "loaders/payment/pain002_reader.h"

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <cstring>
#include <memory>

namespace vetan {
namespace {

constexpr char kNamespace[] = "urn:iso:std:iso:20022:tech:xsd:pain.002.001.03";

bool named(const xmlNode* n, const char* name) {
  return n != nullptr && n->type == XML_ELEMENT_NODE &&
         std::strcmp(reinterpret_cast<const char*>(n->name), name) == 0;
}

std::vector<const xmlNode*> children(const xmlNode* parent, const char* name) {
  std::vector<const xmlNode*> out;
  for (const xmlNode* c = parent->children; c != nullptr; c = c->next) {
    if (named(c, name)) out.push_back(c);
  }
  return out;
}

const xmlNode* child(const xmlNode* parent, const char* name) {
  for (const xmlNode* c = parent->children; c != nullptr; c = c->next) {
    if (named(c, name)) return c;
  }
  return nullptr;
}

std::string text(const xmlNode* n) {
  std::unique_ptr<xmlChar, void (*)(void*)> content(xmlNodeGetContent(n), xmlFree);
  std::string s = content ? reinterpret_cast<const char*>(content.get()) : "";
  const size_t b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

class Reader {
 public:
  explicit Reader(const std::string& name) : name_(name) {}

  Status fail(const xmlNode* n, const std::string& problem) const {
    return Status::invalid_argument(name_ + ": line " + std::to_string(xmlGetLineNo(n)) + ": " +
                                    problem);
  }
  // The text of parent's required child `path` ("A/B": nested), non-empty.
  Status required(const xmlNode* parent, const char* parent_name,
                  std::initializer_list<const char*> path, std::string* out) const {
    const xmlNode* n = parent;
    std::string where = parent_name;
    for (const char* step : path) {
      const xmlNode* next = child(n, step);
      where += std::string("/") + step;
      if (next == nullptr) return fail(n, "<" + where + "> is missing (pain.002.001.03 requires it)");
      n = next;
    }
    *out = text(n);
    if (out->empty()) return fail(n, "<" + where + "> is empty");
    return Status();
  }

 private:
  const std::string& name_;
};

// ExternalPaymentTransactionStatus1Code (and ExternalPaymentGroupStatus1Code) values.
bool known_status(const std::string& s) {
  for (const char* code : {"ACCP", "ACSC", "ACSP", "ACTC", "ACWC", "PART", "PDNG", "RCVD", "RJCT"}) {
    if (s == code) return true;
  }
  return false;
}

}  // namespace

Status read_pain002(std::string_view bytes, const std::string& name, PaymentStatusReport* report) {
  std::unique_ptr<xmlParserCtxt, void (*)(xmlParserCtxtPtr)> context(xmlNewParserCtxt(),
                                                                      xmlFreeParserCtxt);
  if (!context) return Status::io_error(name + ": cannot start the XML parser");
  std::unique_ptr<xmlDoc, void (*)(xmlDocPtr)> doc(
      xmlCtxtReadMemory(context.get(), bytes.data(), int(bytes.size()), name.c_str(), nullptr,
                        XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING),
      xmlFreeDoc);
  if (!doc || !context->wellFormed) {
    const xmlError* e = xmlCtxtGetLastError(context.get());
    std::string message = e != nullptr && e->message != nullptr ? e->message : "not XML";
    while (!message.empty() && message.back() == '\n') message.pop_back();
    return Status::invalid_argument(name + ": line " + std::to_string(e ? e->line : 0) +
                                    ", column " + std::to_string(e ? e->int2 : 0) +
                                    ": not well-formed XML (" + message + ")");
  }
  Reader r(name);
  const xmlNode* root = xmlDocGetRootElement(doc.get());
  if (!named(root, "Document") || root->ns == nullptr ||
      std::strcmp(reinterpret_cast<const char*>(root->ns->href), kNamespace) != 0) {
    return r.fail(root, std::string("the root is not <Document xmlns=\"") + kNamespace +
                            "\"> (a pain.002.001.03 payment status report)");
  }
  const xmlNode* message = child(root, "CstmrPmtStsRpt");
  if (message == nullptr) return r.fail(root, "<Document/CstmrPmtStsRpt> is missing");
  PaymentStatusReport out;
  if (Status s = r.required(message, "CstmrPmtStsRpt", {"GrpHdr", "MsgId"}, &out.message_id); !s.ok()) {
    return s;
  }
  const xmlNode* group = child(message, "OrgnlGrpInfAndSts");
  if (group == nullptr) return r.fail(message, "<CstmrPmtStsRpt/OrgnlGrpInfAndSts> is missing");
  out.original_line = int(xmlGetLineNo(group));
  if (Status s = r.required(group, "OrgnlGrpInfAndSts", {"OrgnlMsgId"}, &out.original_message_id); !s.ok()) {
    return s;
  }
  std::string kind;
  if (Status s = r.required(group, "OrgnlGrpInfAndSts", {"OrgnlMsgNmId"}, &kind); !s.ok()) return s;
  if (kind != "pain.001.001.03") {
    return r.fail(child(group, "OrgnlMsgNmId"),
                  "<OrgnlMsgNmId> is '" + kind + "': vetan issues pain.001.001.03 only");
  }
  if (const xmlNode* g = child(group, "GrpSts")) {
    out.group_status = text(g);
    if (!known_status(out.group_status)) {
      return r.fail(g, "<GrpSts> '" + out.group_status + "' is not a payment status code");
    }
  }
  for (const xmlNode* block : children(message, "OrgnlPmtInfAndSts")) {
    std::string block_id;
    if (Status s = r.required(block, "OrgnlPmtInfAndSts", {"OrgnlPmtInfId"}, &block_id); !s.ok()) {
      return s;
    }
    for (const xmlNode* tx : children(block, "TxInfAndSts")) {
      TransactionStatus t;
      t.payment_information_id = block_id;
      t.line = int(xmlGetLineNo(tx));
      if (Status s = r.required(tx, "TxInfAndSts", {"OrgnlEndToEndId"}, &t.end_to_end_id); !s.ok()) {
        return s;
      }
      if (Status s = r.required(tx, "TxInfAndSts", {"TxSts"}, &t.status); !s.ok()) return s;
      if (!known_status(t.status) || t.status == "PART") {
        return r.fail(child(tx, "TxSts"), "<TxSts> '" + t.status +
                                              "' is not a transaction status code "
                                              "(ExternalPaymentTransactionStatus1Code)");
      }
      for (const xmlNode* reason : children(tx, "StsRsnInf")) {
        if (const xmlNode* rsn = child(reason, "Rsn")) {
          if (const xmlNode* cd = child(rsn, "Cd"); cd != nullptr && t.reason_code.empty()) {
            t.reason_code = text(cd);
          }
        }
        for (const xmlNode* more : children(reason, "AddtlInf")) {
          if (!t.additional_information.empty()) t.additional_information += "; ";
          t.additional_information += text(more);
        }
      }
      if (t.status == "RJCT" && t.reason_code.empty()) {
        return r.fail(tx, "<TxInfAndSts> of '" + t.end_to_end_id +
                              "' is RJCT without <StsRsnInf/Rsn/Cd>: the reason is required");
      }
      out.transactions.push_back(std::move(t));
    }
  }
  *report = std::move(out);
  return Status();
}

}  // namespace vetan
