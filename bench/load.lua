-- wrk script for bench/load.py: one page kind per wrk process.
-- Arguments (after --): a file of request paths and a file of Cookie header values, one a line.
-- Each request takes the next path and the next cookie (several logged-in sessions), and any
-- status other than 200 is counted: a redirect to the login page or a 429 is a failed request
-- here, although wrk itself counts only 4xx/5xx as errors. done() prints one JSON line.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  paths, cookies = {}, {}
  for line in io.lines(args[1]) do
    if #line > 0 then paths[#paths + 1] = line end
  end
  for line in io.lines(args[2]) do
    if #line > 0 then cookies[#cookies + 1] = line end
  end
  counter = 0
  not_ok = 0
  first_bad = ""
end

function request()
  counter = counter + 1
  local path = paths[(counter - 1) % #paths + 1]
  local cookie = cookies[(counter - 1) % #cookies + 1]
  return wrk.format("GET", path, { ["Cookie"] = cookie })
end

function response(status, headers, body)
  if status ~= 200 then
    not_ok = not_ok + 1
    if first_bad == "" then
      first_bad = tostring(status) .. " " .. (headers["Location"] or headers["location"] or "")
    end
  end
end

function done(summary, latency, requests)
  local bad, example = 0, ""
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("not_ok")
    local first = thread:get("first_bad")
    if example == "" and first then example = first end
  end
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, ' ..
    '"max_us": %d, "connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d, ' ..
    '"not_200": %d, "first_not_200": "%s"}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, e.connect, e.read, e.write, e.status, e.timeout,
    bad, string.gsub(example, '"', "'")))
end
