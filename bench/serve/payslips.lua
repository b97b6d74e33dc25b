-- wrk script: payslip reads spread over employees (bench/serve/run.sh sets TOKEN and IDS).
local ids = {}
for id in string.gmatch(os.getenv("IDS") or "E0001", "[^,]+") do ids[#ids + 1] = id end
local month = os.getenv("MONTH") or "2026-11"
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", "/v1/employees/" .. ids[(i % #ids) + 1] .. "/payslips/" .. month,
                    { ["Authorization"] = "Bearer " .. os.getenv("TOKEN") })
end
