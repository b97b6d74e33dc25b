// The API that explains itself (issue 9 §5): an OpenAPI 3.1 description made from the route
// table, every route described and every described route answering; malformed filters and
// tokens named in a 400; an edit that will make the row a mismatch says so in its reply.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <map>
#include <set>

#include "api/serve/service.h"
#include "tests/serve/serve_fixture.h"

namespace vetan::serve {
namespace {

// "/v1/proposals/{n}/{action:approve|reject}" -> "/v1/proposals/{n}/{action}".
std::string openapi_path(std::string pattern) {
  for (size_t colon = pattern.find(':'); colon != std::string::npos; colon = pattern.find(':')) {
    pattern.erase(colon, pattern.find('}', colon) - colon);
  }
  return pattern;
}

TEST_F(ServeTest, OpenApiDescribesEveryRouteAndEveryDescribedRouteAnswers) {
  run_month();
  const Reply doc = call(kNone, "GET", "/v1/openapi.json");
  ASSERT_EQ(doc.status, 200) << doc.body;
  simdjson::dom::parser parser;
  simdjson::dom::element root = parser.parse(doc.body);
  EXPECT_EQ(std::string_view(root["openapi"]), "3.1.0");
  std::set<std::pair<std::string, std::string>> described, routed;
  for (const auto& [method, pattern] : Service::endpoints()) routed.emplace(method, openapi_path(pattern));
  const std::map<std::string, std::string> samples = {{"id", "E0001"}, {"month", "2026-11"}, {"treasury", "TR01"},
                                                      {"ddo", "DDO001"}, {"group", "1"},      {"n", "1"}, {"case", "PF9-000001"},
                                                      {"recovery", "R000001"}, {"message_id", "VETAN-202611-0000000000000000"}};
  for (auto [path, item] : simdjson::dom::object(root["paths"])) {
    for (auto [method, operation] : simdjson::dom::object(item)) {
      std::string upper(method);
      for (char& ch : upper) ch = char(std::toupper(uint8_t(ch)));
      described.emplace(upper, std::string(path));
      // The route answers: the path with sample parameters is not "no route" nor 405.
      std::string target(path);
      for (simdjson::dom::element p : simdjson::dom::array(operation["parameters"])) {
        if (std::string_view(p["in"]) != "path") continue;
        const std::string name = std::string(std::string_view(p["name"]));
        std::string value = samples.count(name) ? samples.at(name) : "";
        simdjson::dom::array values;
        if (!p["schema"]["enum"].get_array().get(values)) value = std::string(std::string_view(values.at(0)));
        ASSERT_FALSE(value.empty()) << "no sample for {" << name << "} of " << path;
        target.replace(target.find("{" + name + "}"), name.size() + 2, value);
      }
      EXPECT_FALSE(std::string_view(operation["summary"]).empty()) << path;
      const Reply r = call(kAdmin, upper, target, upper == "GET" ? "" : "{}");
      EXPECT_NE(r.status, 405) << upper << " " << target << ": " << r.body;
      EXPECT_EQ(r.body.find("no route"), std::string::npos) << upper << " " << target << ": " << r.body;
    }
  }
  EXPECT_EQ(described, routed);
}

TEST_F(ServeTest, MalformedFiltersAndTokensAreNamed400s) {
  run_month();
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"/v1/bills?month=Nov", "month"},
      {"/v1/bills?state=PAID", "state"},
      {"/v1/bills?page_token=zzz", "page_token"},
      {"/v1/reports/mismatches?month=2026-13", "month"},
      {"/v1/reports/mismatches?page_token=x", "page_token"},
      {"/v1/proposals?page_token=-1", "page_token"},
      {"/v1/proposals?status=DONE", "status"},
      {"/v1/runs?page_size=0", "page_size"},
      {"/v1/employees/E0001/audit?limit=x", "limit"},
  };
  for (const auto& [target, name] : cases) {
    const Reply r = call(kAdmin, "GET", target);
    EXPECT_EQ(r.status, 400) << target << ": " << r.body;
    EXPECT_NE(r.body.find("'" + name + "'"), std::string::npos) << target << ": " << r.body;
  }
}

// Issue 9 §5: an IFSC of SBIN00 is accepted (the master may hold it) and the reply lists the
// reason the next run will mismatch the row for.
TEST_F(ServeTest, AnEditThatWillMismatchSaysWhy) {
  const Reply r = call(kDdo1, "PATCH", "/v1/employees/E0001", R"({"ifsc": "SBIN00"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.body.find("\"next_run_fate\":\"MISMATCH\""), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("INVALID_IFSC"), std::string::npos) << r.body;
  const Reply fine = call(kDdo1, "PATCH", "/v1/employees/E0001", R"({"ifsc": "SBIN0001234"})");
  EXPECT_NE(fine.body.find("\"mismatch_reasons\":[]"), std::string::npos) << fine.body;
}

}  // namespace
}  // namespace vetan::serve
