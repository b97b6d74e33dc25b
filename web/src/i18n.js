// English and Hindi. The choice is kept in localStorage; a missing Hindi string falls back
// to English. Devanagari is set in Noto Sans Devanagari (Debian fonts-noto-core) by style.css.
const en = {
  title: "vetan — salary console", signin: "Sign in", token: "Access token", signout: "Sign out",
  signin_help: "Paste the access token your administrator issued. It is exchanged for a session of this browser only.",
  language: "हिन्दी", today: "Today", day: "day", windows: "Calendar windows today", open: "open", closed: "closed",
  window_closed: "outside its calendar window", loading: "Loading…", none: "Nothing to show.",
  previous: "Previous", next: "Next", page: "Page", pages: "Pages",
  ddo: "DDO", treasury: "Treasury", analyst: "Analyst", admin: "Administrator", role: "Signed in as",
  bills: "Bills", mismatches: "Mismatch report", stopped: "Stopped payments", proposals: "Proposals",
  employee: "Employee master", other_salary: "Other salary", whatif: "What-if",
  bill: "Bill", month: "Month", group: "Group", state: "Status", employees: "Employees", gross: "Gross",
  deductions: "Deductions", net: "Net", actions: "Actions", details: "Details", budget_head: "Budget head",
  fund_type: "Fund", totals: "Totals", budget_split: "Budget-head split", bill_detail: "Bill",
  confirm: "Confirm", reject: "Reject", pass: "Pass", object: "Object", otp: "One-time code (authenticator app)",
  reason: "Reason", confirmed: "Bill confirmed.", rejected: "Bill rejected.", passed: "Bill passed.", objected: "Bill objected.",
  page_totals: "Totals of this page", filter_state: "Status", all: "All",
  line: "Line", employee_id: "Employee ID", reasons: "Reasons", detail: "Detail", what_to_fix: "What to fix",
  filter_reason: "Reason", by_reason: "Grouped by reason",
  stop: "Stop payment", release: "Release", stop_reason: "Reason for stopping", released: "Payment released.", stopped_ok: "Payment stopped.",
  proposal: "Proposal", kind: "Kind", amount: "Amount (₹)", approve: "Approve", approved: "Approved.", new_proposal: "Propose a deduction",
  propose: "Propose", proposed: "Proposal filed.", status_filter: "Status",
  find: "Find", save: "Save changes", saved: "Saved. The next run uses the change.", field_name: "Field", value: "Value", unchanged: "Nothing changed.",
  file: "File request", filed: "Other salary request filed; it becomes a bill.", withheld_month: "Withheld month (YYYY-MM)",
  by_ddo: "Totals by DDO", to_pass: "Bills to pass or object", ddo_code: "DDO",
  scenario: "Scenario", scenarios: "Scenarios", name: "Name", da: "DA % (from)", da_from: "DA from (YYYY-MM)",
  fitment: "Fitment factor (empty: none)", fitment_from: "Revision from (YYYY-MM)", hra_x: "HRA % class X", hra_y: "HRA % class Y", hra_z: "HRA % class Z",
  from: "From (YYYY-MM)", to: "To (YYYY-MM)", group_by: "Group by", increments: "July increments",
  add_scenario: "Add scenario", remove: "Remove", run: "Run what-if", csv: "Download CSV", chart: "Extra cost by month (₹)",
  cost_table: "Cost by month and group", delta: "Extra cost", baseline: "Baseline gross", scenario_gross: "Scenario gross",
  compare: "Scenarios compared", total_delta: "Total extra cost", one_group: "(one group)",
  runs: "Runs", run_month: "Month", start_run: "Start run",
  admin_note: "DDO onboarding is not in this build; tokens are issued with `vetan tokens`.",
  gpf: "GPF statement", pf9: "PF-9 final payment", sections: "Sections",
  w_master_edit: "master edit", w_employee_proposals: "proposals", w_ddo_approval: "DDO approval",
  w_stop_payment: "stop payment", w_other_salary: "other salary", w_auto_run: "automatic run",
};
const hi = {
  title: "वेतन — वेतन कंसोल", signin: "साइन इन", token: "एक्सेस टोकन", signout: "साइन आउट",
  signin_help: "अपने प्रशासक द्वारा दिया गया एक्सेस टोकन चिपकाएँ। यह केवल इस ब्राउज़र के सत्र से बदला जाता है।",
  language: "English", today: "आज", day: "दिन", windows: "आज की कैलेंडर अवधियाँ", open: "खुली", closed: "बंद",
  window_closed: "अपनी कैलेंडर अवधि से बाहर", loading: "लोड हो रहा है…", none: "दिखाने को कुछ नहीं।",
  previous: "पिछला", next: "अगला", page: "पृष्ठ", pages: "पृष्ठ",
  ddo: "आहरण एवं संवितरण अधिकारी", treasury: "कोषागार", analyst: "विश्लेषक", admin: "प्रशासक", role: "साइन इन:",
  bills: "बिल", mismatches: "बेमेल रिपोर्ट", stopped: "रोके गए भुगतान", proposals: "प्रस्ताव",
  employee: "कर्मचारी मास्टर", other_salary: "अन्य वेतन", whatif: "क्या-यदि विश्लेषण",
  bill: "बिल", month: "माह", group: "समूह", state: "स्थिति", employees: "कर्मचारी", gross: "सकल",
  deductions: "कटौतियाँ", net: "शुद्ध", actions: "कार्य", details: "विवरण", budget_head: "बजट शीर्ष",
  fund_type: "निधि", totals: "योग", budget_split: "बजट शीर्ष अनुसार विभाजन", bill_detail: "बिल",
  confirm: "पुष्टि करें", reject: "अस्वीकार करें", pass: "पारित करें", object: "आपत्ति करें", otp: "एक बार का कोड (ऑथेंटिकेटर ऐप)",
  reason: "कारण", confirmed: "बिल की पुष्टि हुई।", rejected: "बिल अस्वीकृत।", passed: "बिल पारित।", objected: "बिल पर आपत्ति दर्ज।",
  page_totals: "इस पृष्ठ का योग", filter_state: "स्थिति", all: "सभी",
  line: "पंक्ति", employee_id: "कर्मचारी आईडी", reasons: "कारण", detail: "विवरण", what_to_fix: "क्या सुधारें",
  filter_reason: "कारण", by_reason: "कारण अनुसार",
  stop: "भुगतान रोकें", release: "भुगतान जारी करें", stop_reason: "रोकने का कारण", released: "भुगतान जारी किया गया।", stopped_ok: "भुगतान रोका गया।",
  proposal: "प्रस्ताव", kind: "प्रकार", amount: "राशि (₹)", approve: "स्वीकृत करें", approved: "स्वीकृत।", new_proposal: "कटौती का प्रस्ताव",
  propose: "प्रस्तावित करें", proposed: "प्रस्ताव दर्ज हुआ।", status_filter: "स्थिति",
  find: "खोजें", save: "परिवर्तन सहेजें", saved: "सहेजा गया। अगली गणना में लागू होगा।", field_name: "फ़ील्ड", value: "मान", unchanged: "कुछ नहीं बदला।",
  file: "अनुरोध दर्ज करें", filed: "अन्य वेतन अनुरोध दर्ज हुआ; यह बिल बनेगा।", withheld_month: "रोका गया माह (YYYY-MM)",
  by_ddo: "डीडीओ अनुसार योग", to_pass: "पारित या आपत्ति हेतु बिल", ddo_code: "डीडीओ",
  scenario: "परिदृश्य", scenarios: "परिदृश्य", name: "नाम", da: "महँगाई भत्ता %", da_from: "महँगाई भत्ता कब से (YYYY-MM)",
  fitment: "फिटमेंट फैक्टर (खाली: नहीं)", fitment_from: "संशोधन कब से (YYYY-MM)", hra_x: "मकान किराया भत्ता % श्रेणी X", hra_y: "मकान किराया भत्ता % श्रेणी Y", hra_z: "मकान किराया भत्ता % श्रेणी Z",
  from: "से (YYYY-MM)", to: "तक (YYYY-MM)", group_by: "समूह आधार", increments: "जुलाई वेतनवृद्धि",
  add_scenario: "परिदृश्य जोड़ें", remove: "हटाएँ", run: "विश्लेषण चलाएँ", csv: "CSV डाउनलोड", chart: "माह अनुसार अतिरिक्त लागत (₹)",
  cost_table: "माह और समूह अनुसार लागत", delta: "अतिरिक्त लागत", baseline: "आधार सकल", scenario_gross: "परिदृश्य सकल",
  compare: "परिदृश्यों की तुलना", total_delta: "कुल अतिरिक्त लागत", one_group: "(एक समूह)",
  runs: "गणनाएँ", run_month: "माह", start_run: "गणना शुरू करें",
  admin_note: "डीडीओ ऑनबोर्डिंग इस संस्करण में नहीं है; टोकन `vetan tokens` से जारी होते हैं।",
  gpf: "जीपीएफ विवरण", pf9: "पीएफ-9 अंतिम भुगतान", sections: "अनुभाग",
  w_master_edit: "मास्टर संपादन", w_employee_proposals: "प्रस्ताव", w_ddo_approval: "डीडीओ स्वीकृति",
  w_stop_payment: "भुगतान रोक", w_other_salary: "अन्य वेतन", w_auto_run: "स्वचालित गणना",
};
const strings = {en, hi};
let current = localStorage.getItem("vetan.lang") === "hi" ? "hi" : "en";

export function lang() { return current; }
export function setLang(l) {
  current = l === "hi" ? "hi" : "en";
  localStorage.setItem("vetan.lang", current);
  document.documentElement.lang = current;
}
export function t(key) { return strings[current][key] ?? en[key] ?? key; }
document.documentElement.lang = current;
