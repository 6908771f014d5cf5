-- wrk script: every request is one of many signed-in members registering for a random upcoming class.
-- args: sessions file, class ids file. Each POST carries the member's CSRF cookie and header.
local sessions, classes = {}, {}
local session_count, class_count = 0, 0
local statuses = {}

function init(args)
  for line in io.lines(args[1]) do
    local session, csrf = line:match("(%S+) (%S+)")
    session_count = session_count + 1
    sessions[session_count] = { session = session, csrf = csrf }
  end
  for line in io.lines(args[2]) do
    class_count = class_count + 1
    classes[class_count] = line
  end
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
end

function request()
  local s = sessions[math.random(session_count)]
  local class_id = classes[math.random(class_count)]
  return wrk.format("POST", "/member/classes/" .. class_id .. "/register/", {
    ["Cookie"] = "sessionid=" .. s.session .. "; csrftoken=" .. s.csrf,
    ["X-CSRFToken"] = s.csrf,
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, "")
end

function done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format(
    "RESULT requests=%d seconds=%.2f p50_ms=%.1f p95_ms=%.1f p99_ms=%.1f errors=%d status_errors=%d\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, errors, summary.errors.status))
end
