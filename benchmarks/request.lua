-- wrk script: the method, body and headers come from the environment, and the summary is
-- printed as one machine-readable line. With WRK_ID_FIRST and WRK_ID_LAST, "{id}" in
-- WRK_PATH takes the ids from the first down to the last, one per request (each delete its
-- own hero), and the thread stops when they run out.
wrk.method = os.getenv("WRK_METHOD") or "GET"
local body = os.getenv("WRK_BODY")
if body and body ~= "" then
  wrk.body = body
  wrk.headers["Content-Type"] = "application/json"
end
for variable, header in pairs({
  WRK_AUTHORIZATION = "Authorization",
  WRK_COOKIE = "Cookie",
  WRK_IF_NONE_MATCH = "If-None-Match",
}) do
  local value = os.getenv(variable)
  if value and value ~= "" then
    wrk.headers[header] = value
  end
end
wrk.headers["Accept"] = "application/json"

local next_id = tonumber(os.getenv("WRK_ID_FIRST") or "")
local last_id = tonumber(os.getenv("WRK_ID_LAST") or "")
local template = os.getenv("WRK_PATH") or ""
if next_id then
  request = function()
    if next_id < last_id then
      -- Out of ids: stop, and let a request already on its way read instead of delete.
      wrk.thread:stop()
      return wrk.format("GET", "/heroes/?limit=1")
    end
    local path = template:gsub("{id}", tostring(next_id))
    next_id = next_id - 1
    return wrk.format(nil, path)
  end
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRK_RESULT requests=%d duration_us=%d connect=%d read=%d write=%d status=%d timeout=%d "
      .. "latency_p50_us=%d latency_p99_us=%d\n",
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
