#!/usr/bin/env python3
"""Measures one stdio MCP bridge (or, with --direct, the upstream over plain HTTP) and prints one JSON line:
time from process start to the initialize response, p50/p99 latency of N sequential tools/call, idle RSS of
the process tree. Used by compare.sh; standard library only."""
import argparse, json, os, statistics, subprocess, sys, threading, time, http.client, urllib.parse

INIT = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": "2025-06-18",
        "capabilities": {}, "clientInfo": {"name": "xaa-bench", "version": "1"}}}

def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100.0 * (len(xs) - 1))))]

def tree_rss_kb(pid):
    kids = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open("/proc/%s/stat" % d) as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                kids.setdefault(ppid, []).append(int(d))
            except (OSError, IndexError, ValueError):
                pass
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        todo.extend(kids.get(p, []))
        try:
            with open("/proc/%d/status" % p) as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total

def program(cmd):
    """The program of cmd (after `env -u NAME VAR=value ...`), never its arguments: they may hold a token."""
    rest = list(cmd)
    while rest and (rest[0] == "env" or "=" in rest[0] or rest[0] == "-u"):
        rest = rest[2:] if rest[0] == "-u" else rest[1:]
    return os.path.basename(rest[0]) if rest else "?"

def cpu_ms(pid):
    """CPU time (user + system, all threads) process pid has used so far: unlike wall time, it hardly depends
    on the load of a shared machine."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) * 1000.0 / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None

def stdio(cmd, calls, tool, args, timeout_s):
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    # a bridge that waits for something that never comes (e.g. a sign-in in a browser) must not hang the run
    watchdog = threading.Timer(timeout_s, p.kill)
    watchdog.start()
    def send(m):
        p.stdin.write((json.dumps(m) + "\n").encode()); p.stdin.flush()
    def answer(i):
        while True:
            line = p.stdout.readline()
            if not line:
                watchdog.cancel()
                raise SystemExit("bridge exited or gave no answer within %d s: %s" % (timeout_s, program(cmd)))
            m = json.loads(line)
            if m.get("id") == i and "method" not in m:
                return m
    send(INIT)
    init = answer(1)
    init_ms = (time.perf_counter() - t0) * 1000
    init_cpu_ms = cpu_ms(p.pid)
    send({"jsonrpc": "2.0", "method": "notifications/initialized"})
    deadline, n = time.time() + 30, 2
    while True:  # a bridge may have answered initialize before its upstream session was ready
        send({"jsonrpc": "2.0", "id": n, "method": "tools/list"})
        if answer(n).get("result", {}).get("tools") or time.time() > deadline:
            break
        n += 1
        time.sleep(0.2)
    lat, errors = [], 0
    for i in range(calls):
        n += 1
        s = time.perf_counter()
        send({"jsonrpc": "2.0", "id": n, "method": "tools/call", "params": {"name": tool, "arguments": args}})
        r = answer(n)
        lat.append((time.perf_counter() - s) * 1000)
        errors += 1 if "error" in r or r.get("result", {}).get("isError") else 0
    watchdog.cancel()
    time.sleep(2)
    rss = tree_rss_kb(p.pid)
    p.stdin.close()
    try:
        p.wait(timeout=15)
    except subprocess.TimeoutExpired:
        p.kill()
    return {"initialize_ms": round(init_ms, 1), "initialize_cpu_ms": init_cpu_ms, "p50_ms": round(statistics.median(lat), 3),
            "p99_ms": round(pct(lat, 99), 3), "idle_rss_kb": rss, "errors": errors,
            "server": init.get("result", {}).get("serverInfo", {}).get("name")}

def direct(url, header, calls, tool, args):
    u = urllib.parse.urlparse(url)
    conn = http.client.HTTPConnection(u.hostname, u.port)
    base = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream", "Authorization": header}
    def post(m, session=None):
        h = dict(base)
        if session:
            h["Mcp-Session-Id"] = session
            h["MCP-Protocol-Version"] = "2025-06-18"
        conn.request("POST", u.path, json.dumps(m), h)
        r = conn.getresponse()
        body = r.read().decode()
        sid = r.getheader("Mcp-Session-Id")
        if r.getheader("Content-Type", "").startswith("text/event-stream"):
            body = "\n".join(l[5:].strip() for l in body.splitlines() if l.startswith("data:") and l[5:].strip())
        return sid, body
    sid, _ = post(INIT)
    post({"jsonrpc": "2.0", "method": "notifications/initialized"}, sid)
    lat = []
    for i in range(calls):
        s = time.perf_counter()
        post({"jsonrpc": "2.0", "id": 100 + i, "method": "tools/call", "params": {"name": tool, "arguments": args}}, sid)
        lat.append((time.perf_counter() - s) * 1000)
    return {"p50_ms": round(statistics.median(lat), 3), "p99_ms": round(pct(lat, 99), 3)}

if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--calls", type=int, default=1000)
    ap.add_argument("--tool", default="whoami")
    ap.add_argument("--args", default="{}")
    ap.add_argument("--direct", help="MCP URL: measure plain HTTP instead of a stdio command")
    ap.add_argument("--header-file", help="file holding the Authorization header value (for --direct)")
    ap.add_argument("--timeout", type=float, help="seconds a bridge gets for its whole run before it is killed "
                    "(default 60 + 0.1 per call)")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    if a.direct:
        with open(a.header_file) as f:
            header = f.read().strip()
        print(json.dumps(direct(a.direct, header, a.calls, a.tool, json.loads(a.args))))
    else:
        cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
        print(json.dumps(stdio(cmd, a.calls, a.tool, json.loads(a.args), a.timeout or 60 + 0.1 * a.calls)))
