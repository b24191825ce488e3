-- wrk script: the method, body and headers come from the environment, and the summary is
-- printed as one machine-readable line. With WRK_ID_FIRST and WRK_ID_LAST, "{id}" in
-- WRK_PATH takes the ids from the first down to the last, one per request (each delete its
-- own hero), and the thread stops when they run out. With WRK_SEQUENCE_FIRST, each request
-- has a body of its own: "{n}" in WRK_BODY is a number counted up from it, "{age}" 31 or 32
-- by that number's parity, so that no write repeats the one before and every server writes.
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
local sequence = tonumber(os.getenv("WRK_SEQUENCE_FIRST") or "")

local function next_body()
  if not sequence then
    return nil -- wrk.body, the same for every request
  end
  local number = sequence
  sequence = sequence + 1
  local varied = body:gsub("{n}", tostring(number))
  varied = varied:gsub("{age}", tostring(31 + number % 2))
  return varied
end

if next_id or sequence then
  request = function()
    local path = template
    if next_id then
      if next_id < last_id then
        -- Out of ids: stop, and let a request already on its way read instead of delete.
        wrk.thread:stop()
        return wrk.format("GET", "/heroes/?limit=1")
      end
      path = template:gsub("{id}", tostring(next_id))
      next_id = next_id - 1
    end
    return wrk.format(nil, path, nil, next_body())
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
