#!/usr/bin/env bash
# Session-owner load benchmark (issue 13 point 2; benchmarks/README.md, "Session-owner load"): BRIDGES `xaa bridge`
# processes on 2 MCP servers of the sample issuer with 30 s access tokens, each driven by an MCP client calling a
# tool every few seconds, in up to three scenarios, then one table of the token exchanges (IdP) and jwt-bearer
# grants (AS) the sample issuer's audit shows against servers × renewals:
#   tray   the desktop app (tray) is the session owner, hosting the broker (under Xvfb when there is no DISPLAY)
#   agent  no tray: the agent the first bridge starts on demand (--agent on-demand, the default), or `xaa agent`
#          started by this script (--agent explicit, XAA_LOAD_AGENT=explicit)
#   none   baseline: no session owner (XAA_AGENT=off): each bridge renews with its own embedded connector
# Exit 0 when every tool call was answered and tray/agent stayed at most 1.5 × expected; 1 otherwise; 2 on bad usage
# or missing jars. It builds nothing: it says what to build.
#
#   benchmarks/load/run.sh                                   # all three, 300 s each (~18 min)
#   benchmarks/load/run.sh --duration 60                     # a quick run (~5 min)
#   benchmarks/load/run.sh --duration 40 --scenarios agent   # one scenario
# Options: --duration SECONDS (300), --scenarios tray,agent,none, --agent explicit|on-demand, --bridges N (10),
# --interval SECONDS between one bridge's calls (3), --ttl SECONDS access-token lifetime (30), --logs DIR (keep logs).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"

usage() { sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
duration=300 scenarios=tray,agent,none agent_mode="${XAA_LOAD_AGENT:-on-demand}" bridges=10 interval=3 ttl=30 logs=""
while [ "$#" -gt 0 ]; do
  case "$1" in
    --duration) duration="${2:?}"; shift 2 ;;
    --scenarios) scenarios="${2:?}"; shift 2 ;;
    --agent) agent_mode="${2:?}"; shift 2 ;;
    --bridges) bridges="${2:?}"; shift 2 ;;
    --interval) interval="${2:?}"; shift 2 ;;
    --ttl) ttl="${2:?}"; shift 2 ;;
    --logs) logs="${2:?}"; shift 2 ;;
    -h|--help) usage ;;
    *) echo "load: unknown option $1" >&2; usage ;;
  esac
done
for n in "$duration" "$bridges" "$interval" "$ttl"; do
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "load: '$n' is not a positive whole number" >&2; exit 2; }
done
case "$agent_mode" in explicit|on-demand) ;; *) echo "load: --agent is explicit or on-demand, not '$agent_mode'" >&2; exit 2 ;; esac
IFS=, read -r -a scenario_list <<<"$scenarios"
for s in "${scenario_list[@]}"; do
  case "$s" in tray|agent|none) ;; *) echo "load: unknown scenario '$s' (tray, agent, none)" >&2; exit 2 ;; esac
done

# The jars it runs: built beforehand (the README's build), never here.
# XAA_LOAD_XAA: another build's xaa launcher (its xaa.jar beside it), e.g. to measure a branch built elsewhere.
xaa="${XAA_LOAD_XAA:-$root/vscode-bridge/target/xaa}"
xaa_jar="$(dirname "$xaa")/xaa.jar"
[ -f "$xaa_jar" ] || xaa_jar="$(dirname "$xaa")/../lib/xaa.jar" # the distribution's bin/xaa and lib/xaa.jar
issuer="$root/sample-issuer/target/sample-issuer" tray_app="$root/desktop-app/target/xaa-desktop"
needed=("$xaa" "$xaa_jar" "$issuer")
[[ ",$scenarios," == *,tray,* ]] && needed+=("$tray_app")
for f in "${needed[@]}"; do
  if [ ! -f "$f" ]; then
    echo "load: missing $f; build first: ./mvnw -B -q -DskipTests package -pl vscode-bridge,sample-issuer,desktop-app -am" >&2
    exit 2
  fi
done
if [[ ",$scenarios," == *,tray,* ]] && [ -z "${DISPLAY:-}" ] && ! command -v Xvfb >/dev/null; then
  echo "load: the tray scenario needs a DISPLAY or Xvfb (Debian package xvfb); or leave it out: --scenarios agent,none" >&2
  exit 2
fi

# A throwaway OS keyring, HOME and broker directory for the whole run (the session goes to the real Secret Service
# API, as on a desktop; the tray app and the baseline's bridges read it there).
if [ -z "${XAA_REAL_HOME:-}" ]; then
  exec "$root/.ci/with-keyring" "$0" --duration "$duration" --scenarios "$scenarios" --agent "$agent_mode" \
    --bridges "$bridges" --interval "$interval" --ttl "$ttl" ${logs:+--logs "$logs"}
fi

started=$(date +%s)
step() { echo "load [$(( $(date +%s) - started ))s]: $*" >&2; }
die() { step "FAILED: $*"; exit 1; }

work="$(mktemp -d /tmp/xaa4j-load.XXXXXX)"
pids=() # background process groups of the current scenario: issuer, Xvfb, tray app, agent
# Stopped in reverse order, each waited for: the tray app before its Xvfb (a GTK app whose display vanishes under it
# dies with SIGSEGV in its main loop).
stop_all() {
  local i pid
  for (( i=${#pids[@]}-1; i>=0; i-- )); do
    pid=${pids[$i]}
    kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  pids=()
  if [ -n "${ondemand_pid:-}" ]; then kill "$ondemand_pid" 2>/dev/null || true; ondemand_pid=""; fi
}
cleanup() {
  local status=$?
  stop_all
  if [ -n "$logs" ] && [ -d "$work" ]; then mkdir -p "$logs" && cp -r "$work"/. "$logs"/ 2>/dev/null || true; fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# children_cpu: sets $cpu to the CPU seconds (user + system) of every child this shell has waited for, and of what
# they waited for (bash `times`, run in this shell: in a $(…) subshell it would see only the subshell's children).
children_cpu() {
  times >"$work/times"
  cpu=$(sed -n 2p "$work/times" | awk '{ split($1, u, /[ms]/); split($2, s, /[ms]/); printf "%.1f", u[1]*60 + u[2] + s[1]*60 + s[2] }')
}
# CPU seconds of a running process that is not our child (the on-demand agent), from /proc.
process_cpu() {
  awk -v hz="$(getconf CLK_TCK)" '{ printf "%.1f", ($14 + $15 + $16 + $17) / hz }' "/proc/$1/stat" 2>/dev/null || echo 0
}
# Fails the run if a JWT (eyJ…), a bearer value or a token/code parameter appears in any of the files.
no_token_in() {
  local f
  for f in "$@"; do
    [ -f "$f" ] || continue
    if grep -q 'eyJ' "$f" || grep -qi 'bearer [A-Za-z0-9._-]\{20,\}' "$f" \
       || grep -Eq '(code|code_verifier|refresh_token|access_token|assertion|subject_token)=[A-Za-z0-9._~-]{8,}' "$f"; then
      die "a token or code appears in ${f#"$work"/}"
    fi
  done
}

step "compiling the MCP driver (LoadDriver.java, against xaa.jar's MCP Java SDK)"
javac -nowarn -cp "$xaa_jar" -d "$work/classes" "$here/LoadDriver.java" 2>"$work/javac.err" || { cat "$work/javac.err" >&2; die "javac"; }
driver=(java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k -Xmx256m -cp "$xaa_jar:$work/classes" LoadDriver)

# The sign-in's browser: dev auto-approve answers /authorize with a redirect to xaa's loopback receiver at once.
cat >"$work/browser" <<'SH'
#!/bin/sh
exec curl -sf -L -o /dev/null "$1"
SH
# Bridges and owners must never open a browser: this one records that it was asked to.
cat >"$work/no-browser" <<SH
#!/bin/sh
echo "a browser was opened" >>"$work/browser-opened"
exit 1
SH
chmod 700 "$work/browser" "$work/no-browser"

# wait_for_owner SCENARIO PID: until the broker answers `xaa agent --status` with a session, served by PID (the
# tray app or the agent this script started: both launchers exec java, so the pid is the JVM's).
wait_for_owner() {
  local status_out="$dir/owner-status.out"
  for _ in $(seq 1 180); do
    if [ -S "$XAA_RUNTIME_DIR/broker.sock" ] && "$xaa" agent --status >"$status_out" 2>&1 && grep -q 'signed in as' "$status_out"; then
      step "$(cat "$status_out")"
      grep -q "(pid $2[,)]" "$status_out" || die "$1: the broker is not served by the process this script started (pid $2)"
      return
    fi
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null || die "a process of the $1 scenario exited (see its log)"; done
    sleep 1
  done
  die "no session owner with a session after 180 s ($1)"
}

run_scenario() {
  local name=$1 label=$1 cpu_before cpu_extra=0 issuer_url notes_url tickets_url
  [ "$name" = agent ] && [ "$agent_mode" = on-demand ] && label=on-demand
  dir="$work/$label"
  mkdir -p "$dir/logs"
  # every process of the scenario runs in its directory: a JVM's crash file (hs_err_pid*.log) lands there
  cd "$dir"
  # a fresh machine per scenario: own config, state, broker directory and sample issuer
  export XAA_CONFIG="$dir/config.json" XAA_RUNTIME_DIR="$dir/run" XDG_CONFIG_HOME="$dir/config" \
         XDG_STATE_HOME="$dir/state" XDG_CACHE_HOME="$dir/cache"
  unset XAA_AGENT
  children_cpu
  cpu_before=$cpu

  step "$label: starting the sample issuer (access tokens of ${ttl} s, dev auto-approve for alice)"
  setsid "$issuer" --port-base 0 --state-dir "$dir/issuer" --access-token-ttl "PT${ttl}S" --dev-auto-approve alice \
    >"$dir/issuer.out" 2>"$dir/issuer.err" &
  pids+=($!)
  for _ in $(seq 1 900); do [ -s "$dir/issuer.out" ] && break; kill -0 "${pids[-1]}" 2>/dev/null || die "the sample issuer exited"; sleep 0.1; done
  [ -s "$dir/issuer.out" ] || die "the sample issuer printed no ready line in 90 s"
  issuer_url=$(sed -n 's/.*"idp":"\(http[^"]*\)".*/\1/p' "$dir/issuer.out")
  notes_url=$(sed -n 's/.*"notes":"\(http[^"]*\)".*/\1/p' "$dir/issuer.out")
  tickets_url=$(sed -n 's/.*"tickets":"\(http[^"]*\)".*/\1/p' "$dir/issuer.out")

  step "$label: xaa idp, server add notes and tickets, secrets into the keyring, xaa login (alice)"
  # XAA_AGENT=off: the set-up itself must not start an agent on demand (the scenario decides who owns the session)
  XAA_AGENT=off
  export XAA_AGENT
  {
    "$xaa" idp "$issuer_url" --client-id xaa-desktop --auth-method client_secret_basic
    echo xaa-desktop-demo-secret | "$xaa" secret set idp-client-secret
    "$xaa" server add notes "$notes_url" --as-client-id xaa-desktop-mcp
    "$xaa" server add tickets "$tickets_url" --as-client-id xaa-desktop-mcp
    echo xaa-desktop-mcp-demo-secret | "$xaa" secret set as-client-secret notes
    echo xaa-desktop-mcp-demo-secret | "$xaa" secret set as-client-secret tickets
    BROWSER="$work/browser" "$xaa" login
  } >"$dir/setup.out" 2>"$dir/setup.err" || { tail -n 20 "$dir/setup.err" >&2; die "$label: set-up or sign-in failed"; }
  grep -q 'signed in as' "$dir/setup.out" || die "$label: xaa login did not sign alice in (see setup.out)"
  signed_in_at=$(date -u +%Y-%m-%dT%H:%M:%S.%NZ) # exchanges are counted from here (an owner may prefetch at start)

  unset XAA_AGENT
  case "$label" in
    tray)
      local display_env="${DISPLAY:-}"
      if [ -z "$display_env" ]; then
        setsid Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$dir/display" 2>"$dir/xvfb.err" &
        pids+=($!)
        for _ in $(seq 1 200); do [ -s "$dir/display" ] && break; sleep 0.1; done
        [ -s "$dir/display" ] || die "Xvfb gave no display"
        display_env=":$(head -n 1 "$dir/display")"
      fi
      step "$label: starting the tray app (desktop-app) on display $display_env"
      # NO_AT_BRIDGE: GTK would start the accessibility bus on the throwaway D-Bus (noise on stderr, CPU)
      DISPLAY="$display_env" NO_AT_BRIDGE=1 BROWSER="$work/no-browser" setsid "$tray_app" >"$dir/tray.out" 2>"$dir/tray.err" &
      pids+=($!)
      wait_for_owner "$label" "${pids[-1]}" ;;
    agent)
      step "$label: starting xaa agent"
      BROWSER="$work/no-browser" setsid "$xaa" agent >"$dir/agent.out" 2>"$dir/agent.err" &
      pids+=($!)
      wait_for_owner "$label" "${pids[-1]}" ;;
    on-demand)
      ! "$xaa" agent --status >/dev/null 2>&1 || die "$label: an agent runs before the first bridge" ;;
    none)
      export XAA_AGENT=off
      [ ! -S "$XAA_RUNTIME_DIR/broker.sock" ] || die "$label: a broker socket exists" ;;
  esac

  step "$label: $bridges bridges for ${duration} s"
  local driver_status=0
  BROWSER="$work/no-browser" "${driver[@]}" run "$label" "$bridges" notes,tickets "$duration" "$interval" "$ttl" "$xaa" \
    "$dir/issuer/audit.jsonl" "$work/results.tsv" "$dir/logs" "$signed_in_at" >"$dir/driver.out" 2>"$dir/driver.err" || driver_status=$?
  cat "$dir/driver.out" >&2
  [ "$driver_status" -eq 0 ] || { cat "$dir/driver.err" >&2; step "$label: the driver reported errors"; }

  if [ "$label" = on-demand ]; then
    "$xaa" agent --status >"$dir/owner-status.out" 2>&1 || die "$label: no agent runs after the bridges: was it started on demand? (the on-demand agent: is it switched off by the policy or XAA_AGENT?)"
    ondemand_pid=$(sed -n 's/.*(pid \([0-9]*\)).*/\1/p' "$dir/owner-status.out")
    step "$label: $(cat "$dir/owner-status.out")"
    [ -n "$ondemand_pid" ] && cpu_extra=$(process_cpu "$ondemand_pid")
  fi
  stop_all
  # a JVM that crashed (its hs_err_pid*.log is in the scenario's directory)
  if compgen -G "$dir/hs_err_pid*.log" >/dev/null; then die "$label: a JVM crashed: $(ls "$dir"/hs_err_pid*.log)"; fi
  [ ! -e "$work/browser-opened" ] || die "$label: a bridge or the session owner opened a browser"
  # …and the logs an on-demand agent writes into the state directory (agent.log)
  no_token_in "$dir"/*.out "$dir"/*.err "$dir"/logs/* $(find "$dir/state" -type f -name '*.log*' 2>/dev/null)
  children_cpu
  awk -v a="$cpu" -v b="$cpu_before" -v c="$cpu_extra" -v n="$label" \
    'BEGIN { printf "%s\t%.0f\n", n, a - b + c }' >>"$work/cpu.tsv"
  return "$driver_status"
}

status=0
for s in "${scenario_list[@]}"; do
  run_scenario "$s" || status=1
done
step "done; $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); CPU = every process the scenario started (issuer, owner, bridges, driver)"
"${driver[@]}" table "$work/results.tsv" "$work/cpu.tsv" || status=1
exit "$status"
