-- wrk script for every benchmark run: the request comes from the environment (BENCH_METHOD, BENCH_BODY,
-- and BENCH_HEADERS as "Name: value" lines), and `done` prints one JSON line the runner parses, with the
-- latency percentiles wrk's text output rounds away.
wrk.method = os.getenv("BENCH_METHOD") or "GET"
local body = os.getenv("BENCH_BODY")
if body and #body > 0 then
  wrk.body = body
end
for line in (os.getenv("BENCH_HEADERS") or ""):gmatch("[^\n]+") do
  local name, value = line:match("^([^:]+):%s*(.*)$")
  if name then
    wrk.headers[name] = value
  end
end

-- No `response` callback: defining one makes wrk parse every body, which costs the load generator CPU
-- that this 2-core machine would take from the server. Statuses are checked once before each run instead.
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"bytes":%d,"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"mean":%.1f,"p50":%d,"p90":%d,"p99":%d,"max":%d}}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
