-- wrk script: machine authentications against POST /api/v1/machine-auth/verify (bench/verify/attempts.lua: 90 % right
-- codes, 10 % wrong unless WRONG_EVERY says otherwise, spread over all accounts, each from a different caller id).
dofile("bench/verify/attempts.lua")

function init(args)
  attempts.load()
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
end

request = function()
  return wrk.format("POST", "/api/v1/machine-auth/verify",
    { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. attempts.key }, attempts.body("bench"))
end

done = function(summary, latency, requests)
  io.write(string.format("requests %d, errors %d, p50 %.2f ms, p99 %.2f ms, rate %.0f/s\n",
    summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.requests / (summary.duration / 1e6)))
end
