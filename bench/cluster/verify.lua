-- wrk script for bench/cluster/run.sh: machine authentications through the load balancer, each with its own
-- X-Correlation-Id (the server echoes it), every answer written to $OUT/answers-<thread>.txt as
-- "<correlation id> <status> <content type>" — so that afterwards each answered attempt can be found in the audit
-- trail exactly once. Attempts from bench/verify/attempts.lua (90 % right codes). Env: CODES, KEY (see there), OUT.
dofile("bench/verify/attempts.lua")
local threads = {}
local counter = 0
local out

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  attempts.load()
  math.randomseed(os.time() + tid * 7919)
  out = io.open(os.getenv("OUT") .. "/answers-" .. tid .. ".txt", "w")
  out:setvbuf("line")
end

request = function()
  counter = counter + 1
  return wrk.format("POST", "/api/v1/machine-auth/verify",
    { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. attempts.key,
      ["X-Correlation-Id"] = string.format("cl-%d-%d", tid, counter) }, attempts.body("cluster"))
end

response = function(status, headers, body)
  local id = headers["X-Correlation-Id"] or headers["x-correlation-id"] or "-"
  local ctype = headers["Content-Type"] or headers["content-type"] or "-"
  out:write(id, " ", status, " ", (ctype:gsub(";.*", "")), "\n")
end

done = function(summary, latency, requests)
  io.write(string.format("requests %d, socket errors %d (connect %d, read %d, write %d, timeout %d), non-2xx/3xx %d, p50 %.2f ms, p99 %.2f ms, rate %.0f/s\n",
    summary.requests, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout, summary.errors.status,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.requests / (summary.duration / 1e6)))
end
