-- wrk script: every request is a GET of the member dashboard by one of many signed-in members.
-- sessions.txt holds one "sessionid csrftoken" pair per line (written by `manage.py loadtest`).
local sessions = {}
local count = 0

function init(args)
  for line in io.lines(args[1]) do
    local session, csrf = line:match("(%S+) (%S+)")
    count = count + 1
    sessions[count] = { session = session, csrf = csrf }
  end
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
end

function request()
  local s = sessions[math.random(count)]
  return wrk.format("GET", wrk.path, { ["Cookie"] = "sessionid=" .. s.session })
end

function done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format(
    "RESULT requests=%d seconds=%.2f p50_ms=%.1f p95_ms=%.1f p99_ms=%.1f errors=%d status_errors=%d\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, errors, summary.errors.status))
end
