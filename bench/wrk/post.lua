-- wrk script: POST one GraphQL request and check every response.
-- usage: wrk -s post.lua URL -- BODY_FILE EXPECTED_LENGTH
--   BODY_FILE        the JSON request body to POST
--   EXPECTED_LENGTH  byte length of the correct response from this gateway (the harness
--                    checks one response for JSON equality first and takes its length);
--                    0 disables the length check
-- A response counts as an error if its status is not 200 or its body length differs.
-- done() prints one line "BENCH_RESULT <json>" for the harness.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  local file = assert(io.open(args[1], "rb"))
  wrk.method = "POST"
  wrk.body = file:read("*a")
  file:close()
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Accept"] = "application/json"
  expected_length = tonumber(args[2] or "0")
  responses = 0
  non_200 = 0
  wrong_length = 0
end

function response(status, headers, body)
  responses = responses + 1
  if status ~= 200 then
    non_200 = non_200 + 1
  elseif expected_length > 0 and #body ~= expected_length then
    wrong_length = wrong_length + 1
  end
end

function done(summary, latency, requests)
  local checked, bad_status, bad_length = 0, 0, 0
  for _, thread in ipairs(threads) do
    checked = checked + thread:get("responses")
    bad_status = bad_status + thread:get("non_200")
    bad_length = bad_length + thread:get("wrong_length")
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"duration_us":%d,"bytes":%d,'
      .. '"connect_errors":%d,"read_errors":%d,"write_errors":%d,"status_errors":%d,'
      .. '"timeouts":%d,"checked":%d,"non_200":%d,"wrong_length":%d,'
      .. '"p50_us":%d,"p90_us":%d,"p99_us":%d,"mean_us":%.1f,"max_us":%d}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    checked, bad_status, bad_length,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.mean, latency.max))
end
