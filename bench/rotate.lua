-- bench/rotate.lua: wrk script for mixes C and D.
--
--   wrk ... -s bench/rotate.lua http://127.0.0.1:PORT/auth/index.html -- tokens.txt
--
-- Sends "Authorization: Bearer <token>" with the tokens of the file (one a
-- line) in rotation.  Every request is formatted once, in init, so the
-- client spends no time building requests during the run.  done() prints
-- one "wrk-result:" line that bench/run reads.

local reqs = {}
local n, i = 0, 0

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
end

function request()
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
