#!/usr/bin/env python3
"""Summary of a compare.sh run: medians over the rounds per bridge, the ours/mcp-remote ratios and the targets
of the mode; exit status 1 when a target is missed. Standard library only.

    summary.py ema|plain RESULTS.jsonl FIRST_START_JSON
"""
import json, statistics, sys

# (label, ratio key, limit) per mode; ratios are ours / mcp-remote
TARGETS = {
    "ema": [("startup", "startup", 0.5), ("first start", "first", 1.0), ("added p50", "added_p50", 0.5),
            ("idle RSS", "rss", 0.5)],
    "plain": [("startup", "startup", 0.5), ("added p50", "added_p50", 0.5), ("idle RSS", "rss", 0.6)],
}

def main(mode, results, first_json):
    with open(results) as f:
        rows = [json.loads(l) for l in f]
    first = json.loads(first_json)
    def med(kind, key):
        return statistics.median(r["r"][key] for r in rows if r["kind"] == kind)
    d50, d99 = med("direct", "p50_ms"), med("direct", "p99_ms")
    print("%-12s p50 %.3f ms  p99 %.3f ms   (medians of %d rounds; %s)" % (
        "plain HTTP", d50, d99, len([r for r in rows if r["kind"] == "direct"]),
        "EMA" if mode == "ema" else "plain MCP OAuth, each bridge with its own stored grant"))
    def cpu(kind):  # CPU time used until initialize was answered (hardly depends on the machine's load)
        xs = [r["r"].get("initialize_cpu_ms") for r in rows if r["kind"] == kind]
        return "" if None in xs or not xs else " (CPU %.0f ms)" % statistics.median(xs)
    for name, kind in (("xaa bridge", "ours"), ("mcp-remote", "remote")):
        print("%-12s init %7.1f ms  p50 %7.3f ms (+%.3f)  p99 %7.3f ms (+%.3f)  idle RSS %6.1f MB  errors %d%s" % (
            name, med(kind, "initialize_ms"), med(kind, "p50_ms"), med(kind, "p50_ms") - d50, med(kind, "p99_ms"),
            med(kind, "p99_ms") - d99, med(kind, "idle_rss_kb") / 1024, sum(r["r"]["errors"] for r in rows if r["kind"] == kind),
            cpu(kind)))
    firsts = [first["initialize_ms"]] + [r["r"]["initialize_ms"] for r in rows if r["kind"] == "first"]
    first_ms = statistics.median(firsts)
    print("%-12s init %7.1f ms  (first start, median of %d: nothing cached yet, the token before the server answers; %s)" % (
        "xaa, first", first_ms, len(firsts), " ".join("%.0f" % f for f in firsts)))
    added = lambda kind, key, base: max(med(kind, key) - base, 0.001)
    ratio = {
        "startup": med("ours", "initialize_ms") / med("remote", "initialize_ms"),
        "first": first_ms / med("remote", "initialize_ms"),
        "added_p50": added("ours", "p50_ms", d50) / added("remote", "p50_ms", d50),
        "added_p99": added("ours", "p99_ms", d99) / added("remote", "p99_ms", d99),
        "p50": med("ours", "p50_ms") / med("remote", "p50_ms"),
        "rss": med("ours", "idle_rss_kb") / med("remote", "idle_rss_kb"),
    }
    cpus = {k: [r["r"].get("initialize_cpu_ms") for r in rows if r["kind"] == k] for k in ("ours", "remote")}
    cpu_ratio = "" if any(None in v or not v for v in cpus.values()) or not statistics.median(cpus["remote"]) else \
        " (CPU %.2f)" % (statistics.median(cpus["ours"]) / statistics.median(cpus["remote"]))
    print("ratios ours/mcp-remote: startup %.2f%s  first start %.2f  added p50 %.2f  added p99 %.2f  p50 %.2f  idle RSS %.2f" % (
        ratio["startup"], cpu_ratio, ratio["first"], ratio["added_p50"], ratio["added_p99"], ratio["p50"], ratio["rss"]))
    errors = sum(r["r"].get("errors", 0) for r in rows)
    missed = ["%s %.2f > %.2f" % (label, ratio[key], limit) for label, key, limit in TARGETS[mode] if ratio[key] > limit]
    if errors:
        missed.append("%d tools/call answered with an error" % errors)
    print("targets (%s): %s -> %s" % (mode, ", ".join("%s <= %.1f" % (l, lim) for l, _, lim in TARGETS[mode]),
                                     "missed: " + "; ".join(missed) if missed else "all met"))
    return 1 if missed else 0

if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in TARGETS:
        sys.exit(__doc__)
    sys.exit(main(*sys.argv[1:]))
