-- wrk script: signed-in sessions browsing the portal (issue 12: overview, security history with 1,000 entries,
-- letters; p95 <= 50 ms). Each request takes the next session's cookies (COOKIES: one Cookie header per line, written
-- by `Pforte.Benchmarks portal-seed`) and one of the pages (PAGES: space-separated paths; default the three below;
-- bench/mailbox/pages.sh sets PAGES=/portal/postfach). Any answer but 200 (a redirect to the sign-in page
-- included) is counted as an error.
local sessions = {}
local pages = {}
for path in string.gmatch(os.getenv("PAGES") or "/portal/uebersicht /portal/verlauf /portal/briefe", "%S+") do pages[#pages + 1] = path end
local threads = {}
local counter = 0
bad = 0

function setup(thread)
  thread:set("id", #threads)
  threads[#threads + 1] = thread
end

function init(args)
  for line in io.lines(os.getenv("COOKIES")) do sessions[#sessions + 1] = line end
  counter = id * 7
end

request = function()
  counter = counter + 1
  local session = sessions[(counter % #sessions) + 1]
  local page = pages[(math.floor(counter / #sessions) % #pages) + 1]
  return wrk.format("GET", page, { ["Cookie"] = session })
end

response = function(status, headers, body)
  if status ~= 200 then bad = bad + 1 end
end

done = function(summary, latency, requests)
  local wrong = 0
  for _, thread in ipairs(threads) do wrong = wrong + thread:get("bad") end
  io.write(string.format("requests %d, not 200 %d, errors %d, mean %.2f ms, p50 %.2f ms, p95 %.2f ms, p99 %.2f ms, rate %.0f/s\n",
    summary.requests, wrong, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency.mean / 1000, latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.requests / (summary.duration / 1e6)))
end
