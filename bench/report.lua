-- bench/report.lua: wrk script for mixes A, B and E.
--
-- Only done(): without a request() function wrk keeps its static request
-- (headers from -H), the fastest client path.  Prints the same
-- "wrk-result:" line as bench/rotate.lua.

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
