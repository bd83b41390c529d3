"""Markdown tables from bench/overhead.sh's TSV: per target, page and concurrency the median over the rounds, then
every gateway build against the bare Vert.x floor (issue #15's goals) and against nginx."""
import statistics
import sys
from collections import OrderedDict

rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1])]
head, rows = rows[0], rows[1:]
col = {name: i for i, name in enumerate(head)}
groups = OrderedDict()
for r in rows:
    groups.setdefault((r[col["target"]], r[col["page"]], r[col["connections"]]), []).append(r)


def median(key, name):
    if name not in col:  # a TSV from before the column existed
        return None
    values = [float(r[col[name]]) for r in groups.get(key, []) if len(r) > col[name] and r[col[name]] not in ("-", "")]
    return statistics.median(values) if values else None


def fmt(v, spec):
    return "-" if v is None else format(v, spec)


print("| target | page | conns | rounds | req/s | p50 ms | p99 ms | p99.9 ms | errors | CPU µs/req | event loop µs/req"
      " | event loop B/req | all threads B/req | syscalls/req | instructions/req | JIT CPU | young GCs | young pause ms"
      " | RSS MiB |")
print("|---" * 19 + "|")
for key, rs in groups.items():
    errors = sum(int(r[col["errors"]]) for r in rs)
    print("| %s | %s | %s | %d | %s | %s | %s | %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
        key[0], key[1], key[2], len(rs), fmt(median(key, "rps"), ".0f"), fmt(median(key, "p50_ms"), ".2f"),
        fmt(median(key, "p99_ms"), ".2f"), fmt(median(key, "p999_ms"), ".2f"), errors,
        fmt(median(key, "cpu_us_per_req"), ".1f"), fmt(median(key, "event_loop_us_per_req"), ".1f"),
        fmt(median(key, "event_loop_bytes_per_req"), ".0f"), fmt(median(key, "all_threads_bytes_per_req"), ".0f"),
        fmt(median(key, "syscalls_per_req"), ".2f"), fmt(median(key, "instructions_per_req"), ".0f"),
        fmt(median(key, "jit_pct"), ".0f") + ("%" if median(key, "jit_pct") is not None else ""),
        fmt(median(key, "young_gcs"), ".0f"), fmt(median(key, "young_pause_ms"), ".2f"),
        fmt(median(key, "rss_mib"), ".0f")))

gateways = [t for t in OrderedDict.fromkeys(k[0] for k in groups) if t not in ("direct", "nginx", "vertx")]
cells = OrderedDict.fromkeys((k[1], k[2]) for k in groups)


def ratio(a, b):
    return None if a is None or b is None or b == 0 else a / b


def diff(a, b):
    return None if a is None or b is None else a - b


print()
print("Against the floor (goal of issue #15: CPU ≤ 1.3×, p99 ≤ 2×, allocation ≤ floor + 10 KB), and against nginx:")
print()
print("| build | page | conns | CPU µs/req ÷ floor | p99 ÷ floor | B/req − floor (all threads) | syscalls/req ÷ floor"
      " | CPU µs/req ÷ nginx | p99 ÷ nginx | req/s ÷ nginx |")
print("|---" * 10 + "|")
for g in gateways:
    for page, conns in cells:
        k, f, n = (g, page, conns), ("vertx", page, conns), ("nginx", page, conns)
        if k not in groups:
            continue
        print("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            g, page, conns,
            fmt(ratio(median(k, "cpu_us_per_req"), median(f, "cpu_us_per_req")), ".2f"),
            fmt(ratio(median(k, "p99_ms"), median(f, "p99_ms")), ".2f"),
            fmt(diff(median(k, "all_threads_bytes_per_req"), median(f, "all_threads_bytes_per_req")), ",.0f"),
            fmt(ratio(median(k, "syscalls_per_req"), median(f, "syscalls_per_req")), ".2f"),
            fmt(ratio(median(k, "cpu_us_per_req"), median(n, "cpu_us_per_req")), ".2f"),
            fmt(ratio(median(k, "p99_ms"), median(n, "p99_ms")), ".2f"),
            fmt(ratio(median(k, "rps"), median(n, "rps")), ".2f")))
