// The part of ISO 20022 pain.001.001.03 (CustomerCreditTransferInitiationV03) that vetan
// writes, as the tests check it: each element's children in the order the message
// definition gives them, how often each may occur, and each leaf's data type (length,
// pattern, code list). Written from the standard's message definition report for the
// elements named here; optional elements vetan never writes are listed where they stand,
// so that a misplaced element is found. Not a copy of any schema file.
#pragma once

#include <libxml/tree.h>

#include <string>
#include <vector>

namespace vetan::test {

// Checks `document` against the definition. Returns "" when it holds, else the first
// breach: "GrpHdr/NbOfTxs: ..." .
std::string check_pain001(xmlDoc* document);

}  // namespace vetan::test
