-- bench/rotate.lua: wrk script for mixes C and D (rotation), Z and R
-- (Zipf).
--
--   wrk ... -s bench/rotate.lua http://127.0.0.1:PORT/auth/index.html -- tokens.txt [zipf SEED]
--
-- Sends "Authorization: Bearer <token>" with the tokens of the file (one a
-- line) in rotation, or with "zipf" drawn by a Zipf distribution with
-- s = 1: the token of rank k (its line number) comes with probability
-- (1/k) / H(n), so a few users make most requests and a long tail comes
-- now and then, as real users do (a draw is a binary search in the
-- cumulative distribution; SEED, which bench/run draws anew for each run,
-- seeds the first thread, the next ones count on from it).  Every request
-- is formatted once, in init, so the client spends no time building
-- requests during the run.  done() prints one "wrk-result:" line that
-- bench/run reads.

local reqs, cdf = {}, nil
local n, i = 0, 0

local threads = 0

function setup(thread)
   thread:set("thread_index", threads)
   threads = threads + 1
end

function init(args)
   local f = assert(io.open(args[1], "r"))
   for line in f:lines() do
      if #line > 0 then
         n = n + 1
         reqs[n] = wrk.format("GET", wrk.path,
                              { ["Authorization"] = "Bearer " .. line })
      end
   end
   f:close()
   assert(n > 0, "no tokens in " .. args[1])

   if args[2] == "zipf" then
      local sum = 0
      cdf = {}
      for k = 1, n do
         sum = sum + 1 / k
         cdf[k] = sum
      end
      for k = 1, n do
         cdf[k] = cdf[k] / sum
      end
      math.randomseed((tonumber(args[3]) or os.time()) + (thread_index or 0))
   end
end

local function zipf()
   local u = math.random()
   local lo, hi = 1, n
   while lo < hi do
      local mid = math.floor((lo + hi) / 2)
      if cdf[mid] < u then
         lo = mid + 1
      else
         hi = mid
      end
   end
   return reqs[lo]
end

function request()
   if cdf then
      return zipf()
   end
   i = i + 1
   if i > n then
      i = 1
   end
   return reqs[i]
end

function done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      "wrk-result: requests=%d duration_us=%d bytes=%d p50_us=%d p90_us=%d " ..
      "p99_us=%d mean_us=%.1f max_us=%d err_connect=%d err_read=%d " ..
      "err_write=%d err_status=%d err_timeout=%d\n",
      summary.requests, summary.duration, summary.bytes,
      latency:percentile(50), latency:percentile(90), latency:percentile(99),
      latency.mean, latency.max, e.connect, e.read, e.write, e.status,
      e.timeout))
end
