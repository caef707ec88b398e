-- wrk script: disclosure decisions against POST /api/v1/disclosure/decide (issue 5, "under 1 ms of server time").
-- Each request: a random insured person, channel, request kind and direction; without an authentication, so the
-- decision is mostly a refusal with explanation and alternatives (the longest path through the rules).
-- Env: PERSONS (the import CSV, KVNR in the first column), KEY (API key with scope staff).
local kvnrs = {}
local key = os.getenv("KEY")
local channels = { "phone", "portal", "in-person", "letter", "contact-form", "email" }
local kinds = { "general-information", "insurance-status", "contributions", "benefits-health-data", "address-change",
  "bank-details-change", "new-egk", "new-auth-code", "send-documents", "portal-registration" }
local directions = { "inbound", "outbound" }

function init(args)
  local first = true
  for line in io.lines(os.getenv("PERSONS")) do
    if not first then kvnrs[#kvnrs + 1] = line:match("^([^;]+)") end
    first = false
  end
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
end

request = function()
  local body = string.format('{"channel":"%s","requestKind":"%s","direction":"%s","subjectKvnr":"%s"}',
    channels[math.random(#channels)], kinds[math.random(#kinds)], directions[math.random(#directions)], kvnrs[math.random(#kvnrs)])
  return wrk.format("POST", "/api/v1/disclosure/decide",
    { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. key }, body)
end

done = function(summary, latency, requests)
  io.write(string.format("requests %d, non-2xx/errors %d, mean %.3f ms, p50 %.3f ms, p99 %.3f ms, rate %.0f/s\n",
    summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency.mean / 1000, latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.requests / (summary.duration / 1e6)))
end
