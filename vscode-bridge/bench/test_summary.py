#!/usr/bin/env python3
"""Tests of summary.py's targets and exit status: python3 -m unittest discover -s vscode-bridge/bench"""
import io, json, os, tempfile, unittest
from contextlib import redirect_stdout
import summary

def run(mode, ours_init=100, remote_init=400, ours_rss=70000, remote_rss=150000, first_init=300, ours_p50=0.6, errors=0):
    rows = [{"kind": "direct", "r": {"p50_ms": 0.4, "p99_ms": 2.0}},
            {"kind": "ours", "r": {"initialize_ms": ours_init, "p50_ms": ours_p50, "p99_ms": 5, "idle_rss_kb": ours_rss, "errors": errors}},
            {"kind": "remote", "r": {"initialize_ms": remote_init, "p50_ms": 2.4, "p99_ms": 12, "idle_rss_kb": remote_rss, "errors": 0}},
            {"kind": "first", "r": {"initialize_ms": first_init, "p50_ms": 0.6, "p99_ms": 5, "idle_rss_kb": ours_rss, "errors": 0}}]
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as f:
        f.write("\n".join(json.dumps(r) for r in rows))
    out = io.StringIO()
    try:
        with redirect_stdout(out):
            rc = summary.main(mode, f.name, json.dumps({"initialize_ms": first_init}))
    finally:
        os.unlink(f.name)
    return rc, out.getvalue()

class SummaryTest(unittest.TestCase):
    def test_all_targets_met_exits_0(self):
        for mode in ("ema", "plain"):
            rc, out = run(mode)
            self.assertEqual(0, rc, out)
            self.assertIn("all met", out)

    def test_startup_over_half_of_mcp_remote_exits_1(self):
        rc, out = run("plain", ours_init=210, remote_init=400)
        self.assertEqual(1, rc)
        self.assertIn("missed: startup 0.53 > 0.50", out)

    def test_added_p50_over_half_exits_1(self):
        rc, out = run("plain", ours_p50=1.5)  # +1.1 ms against mcp-remote's +2.0
        self.assertEqual(1, rc)
        self.assertIn("added p50 0.55 > 0.50", out)

    def test_rss_target_is_0_6_for_plain_oauth_and_0_5_for_ema(self):
        rc, out = run("plain", ours_rss=82500, remote_rss=150000)  # 0.55
        self.assertEqual(0, rc, out)
        rc, out = run("ema", ours_rss=82500, remote_rss=150000)
        self.assertEqual(1, rc)
        self.assertIn("idle RSS 0.55 > 0.50", out)
        rc, out = run("plain", ours_rss=97500, remote_rss=150000)  # 0.65
        self.assertEqual(1, rc)

    def test_first_start_is_a_target_of_ema_only(self):
        self.assertEqual(1, run("ema", first_init=500)[0])
        self.assertEqual(0, run("plain", first_init=500)[0])

    def test_a_failed_call_fails_the_run(self):
        rc, out = run("plain", errors=3)
        self.assertEqual(1, rc)
        self.assertIn("3 tools/call answered with an error", out)

if __name__ == "__main__":
    unittest.main()
