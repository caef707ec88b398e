-- Shared by the wrk scripts that send machine authentications (bench/verify/verify.lua, bench/cluster/verify.lua):
-- the codes of the handed-over letters and one attempt's request body. Loaded with dofile from the repository root.
-- Env: CODES (file with kvnr;card;code lines), KEY (API key with scope machine-auth), WRONG_EVERY (one in how many
-- codes is wrong: default 10; 0 = none, for runs that must not change the accounts, e.g. the warm-up comparison).
attempts = {}

local codes = {}
local wrongEvery = tonumber(os.getenv("WRONG_EVERY") or "10")
attempts.key = os.getenv("KEY")

function attempts.load()
  for line in io.lines(os.getenv("CODES")) do
    local kvnr, card, code = line:match("([^;]+);([^;]+);([^;]+)")
    codes[#codes + 1] = { kvnr, card, code }
  end
end

-- A random account's attempt, its code wrong one time in WRONG_EVERY, from a caller id of its own (so that the
-- spraying defence measures the normal case, not a throttled source).
function attempts.body(callId)
  local row = codes[math.random(#codes)]
  local code = row[3]
  if wrongEvery > 0 and math.random(wrongEvery) == 1 then
    code = string.format("%04d", (tonumber(code) + math.random(1, 9998)) % 10000)
  end
  return string.format(
    '{"kvnr":"%s","cardNumber":"%s","code":"%s","channel":"portal","source":{"callerId":"+49%09d","callId":"%s"}}',
    row[1], row[2], code, math.random(0, 999999999), callId)
end
