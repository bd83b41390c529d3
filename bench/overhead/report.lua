-- wrk reporter: one tab-separated line with requests/s, latency percentiles (ms) and errors.
done = function(summary, latency, requests)
  local secs = summary.duration / 1e6
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.status + summary.errors.timeout
  io.write(string.format("WRK\t%.1f\t%.3f\t%.3f\t%.3f\t%d\t%d\n", summary.requests / secs,
      latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency:percentile(99.9) / 1000,
      summary.requests, errors))
end
