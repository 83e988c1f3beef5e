-- wrk script for bench/run.sh.
--   WRK_MODE=get  (default): GET the URL given to wrk.
--   WRK_MODE=post: POST a valid review form (review[summary], review[details], review[rating]) as a
--                  signed-in member. BENCH_COOKIES names a file of session cookies (one member per
--                  line) and BENCH_ITEMS a file of item paths (/c/line/item); every request uses a
--                  different (member, item) pair, since a member reviews an item once.
--   WRK_MODE=spread: GET every item page of BENCH_ITEMS in turn (most are not kept rendered: the
--                  database's read path under load).
--   BENCH_ENCODING: an Accept-Encoding header to send with every GET (bench/run.sh sends a
--                  browser's, "gzip, deflate, br, zstd", for the endpoints named NAME-br).
-- done() prints: RESULT <req/s> <p50 ms> <p99 ms> <non-2xx/3xx> <socket errors> <requests>
--                <bytes per answer, headers included>
local mode = os.getenv("WRK_MODE") or "get"
local nthreads = tonumber(os.getenv("WRK_THREADS") or "") or 2 -- wrk's -t, from bench/run.sh
local threads = {}
local cookies, items = {}, {}
local counter = 0

function setup(thread)
  thread:set("thread_index", #threads)
  table.insert(threads, thread)
end

local function lines(path)
  local out = {}
  for line in io.lines(path) do
    if line ~= "" then table.insert(out, line) end
  end
  return out
end

function init(args)
  local enc = os.getenv("BENCH_ENCODING") or ""
  if enc ~= "" and mode ~= "post" then wrk.headers["Accept-Encoding"] = enc end
  if mode == "get" then return end
  items = lines(os.getenv("BENCH_ITEMS"))
  if mode ~= "post" then return end
  cookies = lines(os.getenv("BENCH_COOKIES"))
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end

local function urlencode(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

-- next_n numbers this thread's requests n = thread_index + threads * counter: threads never
-- take the same number.
local function next_n()
  local n = thread_index + nthreads * counter
  counter = counter + 1
  return n
end

function request()
  if mode == "spread" then
    return wrk.format("GET", items[next_n() % #items + 1])
  end
  if mode ~= "post" then return wrk.format() end
  -- Pair n: pairs never repeat until members × items requests have been made. The item changes
  -- fastest, so requests in flight together review different items, as a site's visitors do;
  -- BENCH_HOT=1 sends every member to one item at a time instead (the hot-item case: writes to
  -- one item queue on its star counts' row).
  local n = next_n()
  local member, item
  if os.getenv("BENCH_HOT") == "1" then
    member = n % #cookies + 1
    item = math.floor(n / #cookies) % #items + 1
  else
    item = n % #items + 1
    member = math.floor(n / #items) % #cookies + 1
  end
  local rating = n % 5 + 1
  local body = "review%5Bsummary%5D=" .. urlencode("Load test review " .. n) ..
    "&review%5Bdetails%5D=" .. urlencode("Posted by wrk <bench> & friends; rating " .. rating .. ".") ..
    "&review%5Brating%5D=" .. rating
  return wrk.format("POST", items[item] .. "/reviews", { ["Cookie"] = cookies[member],
    ["Content-Type"] = "application/x-www-form-urlencoded" }, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %.1f %.2f %.2f %d %d %d %.0f\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    e.status, e.connect + e.read + e.write + e.timeout, summary.requests,
    summary.bytes / math.max(summary.requests, 1)))
end
