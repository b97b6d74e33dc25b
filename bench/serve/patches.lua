-- wrk script: master edits (PATCH lwp_days) spread over employees (bench/serve/pg.sh sets
-- TOKEN and IDS); each connection walks its own values.
local ids = {}
for id in string.gmatch(os.getenv("IDS") or "E0001", "[^,]+") do ids[#ids + 1] = id end
local i = 0
request = function()
  i = i + 1
  return wrk.format("PATCH", "/v1/employees/" .. ids[(i % #ids) + 1],
                    { ["Authorization"] = "Bearer " .. os.getenv("TOKEN"), ["Content-Type"] = "application/json" },
                    '{"lwp_days": ' .. (i % 30) .. '}')
end
