-- wrk script: machine authentications against POST /api/v1/machine-auth/verify.
-- 90 % right codes, 10 % wrong, spread over all accounts; each request from a different caller id (so the
-- spraying defence measures the normal case, not a throttled source).
-- Env: CODES (file with kvnr;card;code lines), KEY (API key with scope machine-auth), WRONG_EVERY (one in how many
-- codes is wrong: default 10; 0 = none, for runs that must not change the accounts, e.g. the warm-up comparison).
local codes = {}
local key = os.getenv("KEY")
local wrongEvery = tonumber(os.getenv("WRONG_EVERY") or "10")

function init(args)
  for line in io.lines(os.getenv("CODES")) do
    local kvnr, card, code = line:match("([^;]+);([^;]+);([^;]+)")
    codes[#codes + 1] = { kvnr, card, code }
  end
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
end

request = function()
  local row = codes[math.random(#codes)]
  local code = row[3]
  if wrongEvery > 0 and math.random(wrongEvery) == 1 then
    code = string.format("%04d", (tonumber(code) + math.random(1, 9998)) % 10000)
  end
  local body = string.format(
    '{"kvnr":"%s","cardNumber":"%s","code":"%s","channel":"portal","source":{"callerId":"+49%09d","callId":"bench"}}',
    row[1], row[2], code, math.random(0, 999999999))
  return wrk.format("POST", "/api/v1/machine-auth/verify",
    { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. key }, body)
end

local counts = {}
response = function(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
end

done = function(summary, latency, requests)
  io.write(string.format("requests %d, errors %d, p50 %.2f ms, p99 %.2f ms, rate %.0f/s\n",
    summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.requests / (summary.duration / 1e6)))
end
