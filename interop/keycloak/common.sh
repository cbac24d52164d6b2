# Shared by run.sh (plain MCP OAuth) and run-ema.sh (EMA: ID-JAGs redeemed): sourced after `here`, `root` and
# `kc_version` are set. First re-runs the sourcing script inside .ci/with-keyring (a throwaway OS keyring and HOME)
# unless already there. Gives: step/die, $work (a temp dir) and pids+=() cleaned up at exit (with XAA_KC_LOGS
# copying the logs), free_port, http_status, kc_java_home/best (a JDK for Keycloak), kc_unpack (the Keycloak
# distribution under target/), kc_start REALM_FILE REALM [KC_ARGS...] (start-dev with the realm imported, waiting
# until ready), jars (xaa and the sample issuer, built unless XAA_SKIP_BUILD=1), start_issuer, issuer_url,
# no_token_in.
if [ -z "${XAA_REAL_HOME:-}" ]; then
  exec "$root/.ci/with-keyring" "$0" "$@"
fi

started=$(date +%s)
step() { echo "${step_prefix:-keycloak-interop} [$(( $(date +%s) - started ))s]: $*" >&2; }
die() { step "FAILED: $*"; exit 1; }

work="$(mktemp -d /tmp/xaa4j-keycloak.XXXXXX)"
pids=() # background processes: the sample issuer, Keycloak
cleanup() {
  local status=$?
  # each was started by setsid as its own process group leader: the group goes (kc.sh's java child too)
  for pid in "${pids[@]}"; do kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ -n "${XAA_KC_LOGS:-}" ] && [ -d "$work" ]; then
    mkdir -p "$XAA_KC_LOGS" && (cd "$work" && cp -- *.out *.err keycloak.log "$XAA_KC_LOGS"/ 2>/dev/null || true)
  fi
  if [ "$status" -ne 0 ] && [ -d "$work" ]; then
    for log in keycloak.log issuer.err login.out bridge.err; do
      if [ -s "$work/$log" ]; then echo "--- last lines of $log:" >&2; tail -n 25 "$work/$log" >&2; fi
    done
  fi
  rm -rf "$work" "${kc_data:-$work}"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A TCP port on 127.0.0.1 nobody listens on (bash's /dev/tcp: a refused connection means free).
free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$(( 20000 + RANDOM % 20000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
  die "no free port found"
}

# The HTTP status of GET http://127.0.0.1:PORT/PATH, or nothing (bash's /dev/tcp: curl is not on every machine).
http_status() {
  local line
  (exec 3<>"/dev/tcp/127.0.0.1/$1" && printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1:%s\r\n\r\n' "$2" "$1" >&3 \
    && IFS=' ' read -r _ line _ <&3 && echo "$line") 2>/dev/null || true
}

# A JDK for Keycloak: the newest of KC_JAVA_HOME, JAVA_HOME, /usr/lib/jvm/*, java on PATH — 21 or later where
# there is one (what Keycloak 26 documents; Temurin 25 here), else 17 (Keycloak 26.7.3 also starts on it).
java_major() { "$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1; }
kc_java_home=""
best=0
for candidate in ${KC_JAVA_HOME:-} ${JAVA_HOME:-} /usr/lib/jvm/*; do
  [ -x "$candidate/bin/java" ] || continue
  major="$(java_major "$candidate")"
  if [ -n "$major" ] && [ "$major" -gt "$best" ]; then best=$major; kc_java_home=$candidate; fi
done
if [ -z "$kc_java_home" ] && command -v java >/dev/null; then
  kc_java_home="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"; best="$(java_major "$kc_java_home")"
fi
[ -n "$kc_java_home" ] && [ "${best:-0}" -ge 17 ] || die "no JDK 17+ found for Keycloak (set KC_JAVA_HOME)"

# Keycloak: download (once: cached in the local Maven repository) and unpack under target/ (once per checkout).
dist="$here/target/keycloak-$kc_version"
kc_unpack() {
  if [ ! -x "$dist/bin/kc.sh" ]; then
    step "downloading org.keycloak:keycloak-quarkus-dist:$kc_version (zip, ~170 MB, Maven Central via ./mvnw)"
    mkdir -p "$here/target"
    (cd "$root" && ./mvnw -B -q -N dependency:copy -Dartifact="org.keycloak:keycloak-quarkus-dist:$kc_version:zip" \
        -DoutputDirectory="$here/target") || die "could not download Keycloak $kc_version"
    step "unpacking Keycloak"
    rm -rf "$dist.partial" && mkdir -p "$dist.partial"
    # the JDK's jar tool (unzip is not on every fresh machine); it keeps no file modes, so the scripts get theirs back
    (cd "$dist.partial" && "${JAVA_HOME:+$JAVA_HOME/bin/}jar" xf "$here/target/keycloak-quarkus-dist-$kc_version.zip")
    chmod +x "$dist.partial/keycloak-$kc_version"/bin/*.sh
    mv "$dist.partial/keycloak-$kc_version" "$dist" && rm -rf "$dist.partial"
  fi
  # Keycloak reads the realm import and keeps its dev database under its home's data/; each run starts from an
  # empty one (so one run at a time per checkout) and removes it at exit: the realm file holds secrets.
  kc_data="$dist/data"
  rm -rf "$kc_data" && mkdir -p "$kc_data/import" && chmod 700 "$kc_data"
  kc_port=$(free_port)
}

# kc_start REALM_JSON REALM [MORE_KC_ARGS...]: the realm file (secrets filled in: mode 600 in a 700 directory,
# deleted once imported, never in argv or env) imported by start-dev on 127.0.0.1:$kc_port; returns when the
# realm's discovery answers 200 (XAA_KC_START_BUDGET seconds at most). Realm events go to keycloak.log at info.
kc_start() {
  local realm_file="$1" realm="$2"
  shift 2
  chmod 600 "$realm_file"
  step "starting Keycloak $kc_version on 127.0.0.1:$kc_port with Java $best ($kc_java_home)${*:+ $*}"
  JAVA_HOME="$kc_java_home" JAVA_OPTS_KC_HEAP="-Xms64m -Xmx512m" \
    setsid "$dist/bin/kc.sh" start-dev --http-host=127.0.0.1 --http-port="$kc_port" --import-realm \
      --spi-events-listener--jboss-logging--success-level=info "$@" \
    > "$work/keycloak.log" 2>&1 &
  pids+=($!)
  local budget="${XAA_KC_START_BUDGET:-240}" kc_started
  kc_started=$(date +%s)
  until [ "$(http_status "$kc_port" "/realms/$realm/.well-known/openid-configuration")" = 200 ]; do
    kill -0 "${pids[-1]}" 2>/dev/null || die "Keycloak exited"
    [ $(( $(date +%s) - kc_started )) -lt "$budget" ] || die "Keycloak not ready within ${budget}s (XAA_KC_START_BUDGET)"
    sleep 1
  done
  step "Keycloak ready after $(( $(date +%s) - kc_started ))s: http://127.0.0.1:$kc_port/realms/$realm"
  rm -f "$realm_file"
}

# The jars the scripts run: built here (./mvnw package) unless XAA_SKIP_BUILD=1 (.ci/run: ./test built them).
issuer_jar="$root/sample-issuer/target/sample-issuer.jar"
xaa_jar="$root/vscode-bridge/target/xaa.jar"
jars() {
  if [ "${XAA_SKIP_BUILD:-}" != 1 ]; then
    step "building xaa and the sample issuer (./mvnw -B -q -DskipTests package -pl vscode-bridge,sample-issuer -am)"
    (cd "$root" && ./mvnw -B -q -DskipTests package -pl vscode-bridge,sample-issuer -am) || die "build failed"
  fi
  [ -f "$issuer_jar" ] && [ -f "$xaa_jar" ] || die "missing $issuer_jar or $xaa_jar (build first, or drop XAA_SKIP_BUILD)"
}

# start_issuer ARGS...: the sample issuer (--port-base 0, state under $work) with ARGS; sets issuer_out to its
# ready line's file once printed.
start_issuer() {
  setsid java -jar "$issuer_jar" --port-base 0 --state-dir "$work/issuer" "$@" > "$work/issuer.out" 2> "$work/issuer.err" &
  pids+=($!)
  for _ in $(seq 1 900); do # up to 90 s (it took 9-12 s on a busy 2-core machine)
    [ -s "$work/issuer.out" ] && break
    kill -0 "${pids[-1]}" 2>/dev/null || die "the sample issuer exited"
    sleep 0.1
  done
}

# The MCP server NAME's URL, or the IdP's (idp), from the sample issuer's ready line.
issuer_url() { sed -n "s/.*\"$1\":\"\(http[^\"]*\)\".*/\1/p" "$work/issuer.out" | head -n 1; }

# fill_secret PLACEHOLDER SECRET_FILE FILE: replaces every PLACEHOLDER in FILE by SECRET_FILE's content (first line);
# the value never goes through argv or the environment (readable in /proc), only SECRET_FILE's path does.
fill_secret() {
  PLACEHOLDER="$1" SECRET_FILE="$2" perl -pi -e 'BEGIN { open(my $f, "<", $ENV{SECRET_FILE})
    or die "$ENV{SECRET_FILE}: $!\n"; $s = <$f>; defined $s or die "$ENV{SECRET_FILE}: empty\n"; chomp $s;
    $p = $ENV{PLACEHOLDER} } s/\Q$p\E/$s/g' "$3"
}

# no_token_in FILE...: fails the run if a JWT (base64url of '{"' = eyJ), a bearer value or a code/token/assertion
# parameter appears in any of them.
no_token_in() {
  local f
  for f in "$@"; do
    if grep -q 'eyJ' "$work/$f" 2>/dev/null || grep -qi 'bearer [A-Za-z0-9._-]\{20,\}' "$work/$f" 2>/dev/null \
       || grep -Eq '(code|code_verifier|refresh_token|access_token|assertion|subject_token)=[A-Za-z0-9._~-]{8,}' "$work/$f" 2>/dev/null; then
      die "a token or code appears in $f"
    fi
  done
}
