-- wrk script of the matchProviders benchmark: a typical navigator need per request,
-- varied: the patient's ZIP (drawn from the directory's own ZIPs, so dense metros come
-- up as often as their providers do), the treatment (one of the five TRD treatments, or
-- the next pathway step after medications, or after medications and TMS), the plan
-- (one of the three national plans, or none). Within 25 miles, accepting new patients
-- preferred, telehealth if needed, first 10, with each match's score components and the
-- evidence of its treatment claims.
--
--   wrk -t1 -c1 -d30s --latency -s bench/matching/match.lua http://127.0.0.1:8123/graphql -- bench/out/match_zips.txt
--
-- A second argument "list" asks for the list a navigator scans first: the same matches and
-- score components, without the evidence of the treatment claims (the detail view's).
--
-- Prints one JSON line at the end: requests, seconds, rps, latency percentiles (ms), and
-- how many answers were not 200 or carried a GraphQL error (both must be 0).

local head = "query Match($need: PatientNeedInput!) { matchProviders(need: $need, first: 10) { "
  .. "totalCount considered relaxed { kind added } errors { code message } "
  .. "matches { rank score distanceMiles via relaxed unknown npi name components { name points } "
local evidence = "treatments { treatment evidence { source retrieved currentConfidence } } "
local query = head .. evidence .. "} } }"
local treatments = { "TMS_STANDARD", "ESKETAMINE_REMS", "IV_KETAMINE", "ECT", "TMS_ACCELERATED" }
local tried = { '["MEDICATION_MANAGEMENT"]', '["MEDICATION_MANAGEMENT","TMS_STANDARD"]' }
local plans = { ',"planId":"plan-0"', ',"planId":"plan-1"', ',"planId":"plan-2"', "" }
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("seed", #threads)
end

function init(args)
  if args[2] == "list" then
    query = head .. "} } }"
  end
  zips = {}
  for line in io.lines(args[1] or "bench/out/match_zips.txt") do
    zips[#zips + 1] = line
  end
  math.randomseed(20261206 + seed)
  non200 = 0
  failed = 0
end

function request()
  local zip = zips[math.random(#zips)]
  local what
  local pick = math.random(7)
  if pick <= 5 then
    what = '"treatments":["' .. treatments[pick] .. '"]'
  else
    what = '"tried":' .. tried[pick - 5]
  end
  local need = '{"near":{"zip":"' .. zip .. '"},"maxMiles":25,' .. what .. plans[math.random(#plans)]
    .. ',"acceptingNewPatients":"PREFERRED","telehealth":"IF_NEEDED"}'
  local body = '{"query":"' .. query .. '","variables":{"need":' .. need .. "}}"
  return wrk.format("POST", nil, { ["Content-Type"] = "application/json" }, body)
end

function response(status, headers, body)
  if status ~= 200 then
    non200 = non200 + 1
  elseif string.find(body, '"errors":[{', 1, true) or string.find(body, '"errors": [{', 1, true) then
    failed = failed + 1
  end
end

function done(summary, latency, requests)
  local bad, errors = 0, 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("non200")
    errors = errors + thread:get("failed")
  end
  local seconds = summary.duration / 1e6
  io.write(string.format(
    '{"requests": %d, "seconds": %.1f, "rps": %.1f, "p50_ms": %.2f, "p90_ms": %.2f, "p99_ms": %.2f, '
      .. '"max_ms": %.2f, "non200": %d, "graphql_errors": %d, "socket_errors": %d}\n',
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, bad, errors,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  ))
end
