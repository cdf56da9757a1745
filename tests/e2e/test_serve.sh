#!/bin/bash
# End-to-end: certchain serve with the real parts. Three openssl s_server
# targets on loopback (a good cross-signed chain, a chain missing its issuing
# CA, an expired cross-sign); the API against `check --json`; the Prometheus
# probe, scraped by a real Prometheus whose stored series are queried; the
# page and the paste form in headless Chromium; the allow-list (403, and no
# connection made, by name, by address and after resolution); the cache;
# limits (rate, bad queries, body size); 200 concurrent probes with /healthz
# answering; the alert rules with promtool; the systemd unit.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-check.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
SERVE_PIDS=""
# only our own children are waited for (the s_servers are check_stop_all's)
stop_serves() { for p in $SERVE_PIDS; do kill "$p" 2>/dev/null; done; for p in $SERVE_PIDS; do wait "$p" 2>/dev/null; done; }
trap 'stop_serves; check_stop_all; rm -rf "$T"' EXIT
jget() { python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"; }
OUT=${CERTCHAIN_TEST_OUT:-$top/build/test-output}/serve
mkdir -p "$OUT"

# --- the PKI: the cross-sign scenario, plus a cross-sign that expired ------
d=$T/pki
mkdir -p "$d/ca"
pki_crosssign "$d" rsa || bad "PKI"
: >"$d/ca/index.txt"
echo 1000 >"$d/ca/serial"
cat >"$d/ca.cnf" <<EOF
[ca]
default_ca = c
[c]
database = $d/ca/index.txt
new_certs_dir = $d/ca
serial = $d/ca/serial
default_md = sha256
policy = p
preserve = yes
unique_subject = no
[p]
organizationName = optional
commonName = supplied
[v3]
basicConstraints = critical,CA:true
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
openssl req -new -key "$d/new.key" -subj "/O=certchain test/CN=New Root CA" -out "$d/xexp.csr" 2>/dev/null &&
	openssl ca -batch -config "$d/ca.cnf" -cert "$d/old.pem" -keyfile "$d/old.key" -in "$d/xexp.csr" \
		-out "$d/xexp.pem" -startdate 20200101000000Z -enddate 20210101000000Z -extensions v3 \
		-notext >/dev/null 2>&1 || bad "expired cross-sign"
P="-p today=$d/new.pem,group=current -p old=$d/old.pem,group=legacy"
cat "$d/ica.pem" "$d/cross.pem" >"$d/good.pem"
cat "$d/ica.pem" "$d/xexp.pem" >"$d/expired.pem"
pg=$(free_port); s_serve "$pg" "$d/leaf.pem" "$d/leaf.key" "$d/good.pem"
pm=$(free_port); s_serve "$pm" "$d/leaf.pem" "$d/leaf.key"
pe=$(free_port); s_serve "$pe" "$d/leaf.pem" "$d/leaf.key" "$d/expired.pem"
pm2=$(free_port); s_serve "$pm2" "$d/leaf.pem" "$d/leaf.key" # the same chain as pm
SNI=www.example.test

# serve_start NAME PORT ARGS...: starts serve in the background, waits for /healthz.
serve_start() {
	local name=$1 port=$2
	shift 2
	$CC_WRAP "$CERTCHAIN" serve --listen "127.0.0.1:$port" "$@" 2>"$T/$name.log" &
	SERVE_PIDS="$SERVE_PIDS $!"
	eval "${name}_pid=$!"
	for _ in $(seq 100); do
		curl -s -o /dev/null "http://127.0.0.1:$port/healthz" && return 0
		sleep 0.1
	done
	bad "$name: serve answers /healthz" "$(head -c 300 "$T/$name.log")"
	return 1
}
# get URL: the body to $T/body, the status code printed
get() { curl -s -o "$T/body" -w '%{http_code}' "$@"; }

sp=$(free_port)
# shellcheck disable=SC2086
serve_start main "$sp" --allow 127.0.0.1 $P -I "$d/ica.pem" -I "$d/cross.pem" --no-store --cache-ttl 0
S=http://127.0.0.1:$sp

# --- usage --------------------------------------------------------------------
expect_rc 0 "serve --help" cc serve --help
expect_grep "--allow PATTERN" "$T/out" "--help names --allow"
expect_rc 2 "serve without --allow -> usage error" cc serve --listen 127.0.0.1:0
expect_grep "at least one --allow" "$T/err" "... saying why"
expect_rc 2 "serve --allow garbage -> usage error" cc serve --allow 'a b/c'
expect_rc 2 "serve --listen a name -> usage error" cc serve --allow 127.0.0.1 --listen localhost:1
expect_rc 2 "serve on a taken port -> exit 2" cc serve --allow 127.0.0.1 --listen "127.0.0.1:$sp"
expect_grep "cannot listen on 127.0.0.1:$sp" "$T/err" "... one line naming the address"

# --- the API is check's record ---------------------------------------------
for c in "g $pg" "m $pm" "e $pe"; do
	set -- $c
	expect_eq "$(get "$S/api/check?target=127.0.0.1:$2&sni=$SNI")" 200 "api/check $1: 200"
	cp "$T/body" "$T/api-$1.json"
	# shellcheck disable=SC2086
	cc check --no-store --no-aia $P -I "$d/ica.pem" -I "$d/cross.pem" --sni "$SNI" --json "127.0.0.1:$2" >"$T/check-$1.json"
	python3 - "$T/api-$1.json" "$T/check-$1.json" <<'PY' && ok "api/check $1: the same record as check --json (timing aside)" || bad "api/check $1 differs from check --json"
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:])
for j in (a, b):
    j.pop("ms")
assert a == b, (a, b)
PY
done
expect_eq "$(jget "$T/api-g.json" 'j["result"], j["trust"]["trusted_by"]')" "('ok', 2)" "good chain: ok, trusted by both clients"
expect_eq "$(jget "$T/api-m.json" 'j["result"], [f["id"] for f in j["findings"]][0]')" "('problems', 'incomplete-chain')" \
	"missing issuing CA: problems, incomplete-chain"
expect_eq "$(jget "$T/api-e.json" '[(v["profile"], v["trusted"]) for v in j["trust"]["verdicts"]]')" \
	"[('today', True), ('old', False)]" "expired cross-sign: today's client trusts it, the old one not"

# --- the probe -------------------------------------------------------------
expect_eq "$(get "$S/probe?target=127.0.0.1:$pe&sni=$SNI")" 200 "probe: 200"
cp "$T/body" "$T/probe-e.txt"
expect_grep '^certchain_chain_trusted\{profile="old",group="legacy"\} 0$' "$T/probe-e.txt" "probe: the old client's verdict"
expect_grep '^certchain_chain_trusted\{profile="today",group="current"\} 1$' "$T/probe-e.txt" "probe: today's client's verdict"
expect_grep '^certchain_clients_trusted_ratio\{group="current"\} 1$' "$T/probe-e.txt" "probe: per-group ratio"
expect_grep '^certchain_finding\{id="expired",severity="(error|warning)"\} 1$' "$T/probe-e.txt" "probe: the expired cross-sign as a finding"
expect_grep '^certchain_cert_not_after_seconds\{position="2",cn="New Root CA",sha256="[0-9a-f]{64}"\} 1609459200$' \
	"$T/probe-e.txt" "probe: the cross-sign's notAfter (2021-01-01)"
leaf_na=$(date -d "$(openssl x509 -in "$d/leaf.pem" -noout -enddate | cut -d= -f2)" +%s)
expect_grep "^certchain_expiry_cliff_timestamp_seconds\{profile=\"today\"\} $leaf_na$" "$T/probe-e.txt" \
	"probe: today's client stops trusting it when the leaf expires"
expect_eq "$(get "$S/probe?target=127.0.0.1:$(free_port)")" 200 "probe of a closed port: 200 (the probe failed, not the scrape)"
expect_grep '^certchain_probe_success 0$' "$T/body" "... certchain_probe_success 0"
python3 - "$T/probe-e.txt" <<'PY' && ok "probe: metric names follow Prometheus conventions (prefix, unit suffixes, HELP and TYPE)" || bad "probe: naming"
import re, sys
seen = set()
for l in open(sys.argv[1]):
    if l.startswith("# TYPE"):
        seen.add(l.split()[2])
    elif not l.startswith("#"):
        name = re.match(r"[a-z_]+", l).group(0)
        assert name.startswith("certchain_") and name in seen, name
        assert "time" not in name or name.endswith("_seconds"), name
PY

# --- the allow-list: 403 before any connection -------------------------------
# A listener that records every connection stands where the refused targets point.
python3 - "$T/conns" <<'PY' &
import socket, sys, threading
log = open(sys.argv[1], "a", buffering=1)
socks = []
for a in ("127.0.0.1", "127.0.0.2"):
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((a, 0)); s.listen(16); socks.append(s)
open(sys.argv[1] + ".ports", "w").write(" ".join(str(s.getsockname()[1]) for s in socks) + "\n")
def acc(s):
    while True:
        c, peer = s.accept(); log.write("%s\n" % (s.getsockname(),)); c.close()
for s in socks:
    threading.Thread(target=acc, args=(s,), daemon=True).start()
threading.Event().wait(600)
PY
SERVE_PIDS="$SERVE_PIDS $!"
for _ in $(seq 50); do [ -s "$T/conns.ports" ] && break; sleep 0.1; done
read -r rp1 rp2 <"$T/conns.ports"
expect_eq "$(get "$S/api/check?target=127.0.0.2:$rp2")" 403 "allow: 127.0.0.2 outside --allow 127.0.0.1 -> 403"
expect_grep "not allowed" "$T/body" "... saying so"
expect_eq "$(get "$S/probe?target=localhost:$rp1")" 403 "allow: a name no pattern admits -> 403"
# the name is admitted, but it resolves to an address outside the CIDRs
sp2=$(free_port)
serve_start names "$sp2" --allow localhost --allow 127.0.0.2 $P --no-store --cache-ttl 0
expect_eq "$(get "http://127.0.0.1:$sp2/api/check?target=localhost:$rp1")" 403 \
	"allow: an admitted name resolving outside the CIDRs -> 403 (checked after resolution)"
expect_eq "$(get "http://127.0.0.1:$sp2/api/check?target=127.0.0.2:$rp2")" 200 "allow: the admitted address is probed"
sleep 0.3
expect_eq "$(grep -c "'127.0.0.1'" "$T/conns")" 0 "allow: no connection was made to a refused target"
expect_eq "$(grep -c "'127.0.0.2'" "$T/conns")" 1 "... and exactly one to the allowed one"

# --- bad requests ------------------------------------------------------------
expect_eq "$(get "$S/api/check")" 400 "api/check without target -> 400"
expect_eq "$(wc -l <"$T/body")" 1 "... one line"
expect_eq "$(get "$S/api/check?target=a%20b")" 400 "a target with a blank -> 400"
expect_eq "$(get "$S/api/check?target=127.0.0.1:$pg&sni=%3Cscript%3E")" 400 "an SNI that is not a name -> 400"
expect_eq "$(get "$S/nothing")" 404 "unknown path -> 404"
expect_eq "$(get -X POST "$S/api/check?target=127.0.0.1:$pg")" 405 "POST to the API -> 405"
head -c 100000 /dev/zero | tr '\0' A >"$T/big"
expect_eq "$(get --data-urlencode "pem@$T/big" "$S/chain")" 413 "a paste over 64 KiB -> 413"
expect_eq "$(get --data-urlencode "pem=garbage" "$S/chain")" 400 "a paste without a certificate -> 400"
expect_grep "the pasted text" "$T/body" "... naming what was wrong"

# --- the page and the paste form in a real browser ---------------------------
# The strings of a hostile server come back escaped (here, a target the form echoes).
expect_eq "$(get "$S/?target=%22%3E%3Cscript%3Ealert(1)%3C/script%3E")" 400 "page: a hostile target -> 400"
expect_nogrep "<script>" "$T/body" "... echoed escaped, never as markup"
if [ -x /usr/bin/chromium ]; then
	prof=$(mktemp -d)
	chrome() { timeout 120 /usr/bin/chromium --headless --no-sandbox --disable-gpu \
		--disable-background-networking --disable-component-update --no-first-run \
		--user-data-dir="$prof" "$@"; }
	for c in "good $pg" "missing $pm" "expired $pe"; do
		set -- $c
		url="$S/?target=127.0.0.1:$2&sni=$SNI"
		chrome --enable-logging=stderr --v=0 --virtual-time-budget=2000 --dump-dom "$url" \
			>"$T/dom-$1" 2>"$T/chr-$1.err"
		expect_nogrep ':CONSOLE|Uncaught|Refused' "$T/chr-$1.err" "chromium $1: no console message"
		chrome --window-size=412,1600 --screenshot="$OUT/$1.png" "$url" >/dev/null 2>&1
		[ -s "$OUT/$1.png" ] && ok "chromium $1: screenshot at phone width ($OUT/$1.png)" || bad "chromium $1: screenshot"
	done
	expect_grep 'id="verdict" class="ok">OK' "$T/dom-good" "page good: verdict OK"
	expect_grep '<tr data-profile="old" data-trusted="1">' "$T/dom-good" "page good: the old client trusts it"
	expect_grep 'data-result="problems"' "$T/dom-missing" "page missing: problems"
	expect_grep '<li data-id="incomplete-chain" class="error">' "$T/dom-missing" "page missing: the finding"
	expect_grep 'id="download" download="fullchain.pem" href="data:application/x-pem-file;base64,' "$T/dom-missing" \
		"page missing: the chain to serve as a download"
	python3 - "$T/dom-missing" "$d/leaf.pem" "$d/ica.pem" "$d/cross.pem" <<'PY' && ok "page missing: the download is leaf + issuing CA + cross-sign" || bad "page missing: download content"
import base64, re, sys
dom = open(sys.argv[1]).read()
pem = base64.b64decode(re.search(r'base64,([A-Za-z0-9+/=]+)"', dom).group(1)).decode()
want = "".join(open(f).read() for f in sys.argv[2:])
norm = lambda s: re.findall(r"-----BEGIN CERTIFICATE-----[^-]*-----END CERTIFICATE-----", s)
assert [x.replace("\n", "") for x in norm(pem)] == [x.replace("\n", "") for x in norm(want)]
PY
	expect_grep '<tr data-profile="old" data-trusted="0">' "$T/dom-expired" "page expired: the old client does not trust it"
	expect_grep '<li data-id="expired"' "$T/dom-expired" "page expired: the expired cross-sign as a finding"
	expect_grep '<time>2021-01-01</time> New Root CA' "$T/dom-expired" "page expired: on the timeline"
	# the paste form, submitted by the browser
	{
		echo "<!doctype html><html><body onload=\"document.forms[0].submit()\">"
		echo "<form method=\"post\" action=\"$S/chain\"><textarea name=\"pem\">"
		cat "$d/leaf.pem"
		echo "</textarea></form></body></html>"
	} >"$T/paste.html"
	# The submit is a second navigation: on a loaded machine the dump can
	# come before it ends (an empty DOM); try again, up to three times.
	for _ in 1 2 3; do
		chrome --enable-logging=stderr --v=0 --virtual-time-budget=10000 \
			--dump-dom "file://$T/paste.html" >"$T/dom-paste" 2>"$T/chr-paste.err"
		grep -q 'id="result"' "$T/dom-paste" && break
	done
	expect_grep 'id="fixchain"' "$T/dom-paste" "paste form: the chain to serve"
	expect_grep '<b>Issuing CA 1</b>' "$T/dom-paste" "... with the issuing CA"
	expect_grep 'id="download"' "$T/dom-paste" "... and its download"
	expect_nogrep ':CONSOLE|Uncaught' "$T/chr-paste.err" "paste form: no console message"
	rm -rf "$prof"
else
	echo "skip - chromium not installed (/usr/bin/chromium): the page test did not run"
fi

# --- real Prometheus scraping the probe ------------------------------------
if command -v prometheus >/dev/null; then
	pp=$(free_port)
	mkdir -p "$T/prom"
	cat >"$T/prom/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: certchain
    metrics_path: /probe
    params:
      sni: [$SNI]
    static_configs:
      - targets: ["127.0.0.1:$pg", "127.0.0.1:$pm", "127.0.0.1:$pe"]
    relabel_configs:
      - source_labels: [__address__]
        target_label: __param_target
      - source_labels: [__param_target]
        target_label: instance
      - target_label: __address__
        replacement: 127.0.0.1:$sp
EOF
	prometheus --config.file="$T/prom/prometheus.yml" --storage.tsdb.path="$T/prom/data" \
		--web.listen-address="127.0.0.1:$pp" >"$T/prom.log" 2>&1 &
	SERVE_PIDS="$SERVE_PIDS $!"
	q() { curl -s "http://127.0.0.1:$pp/api/v1/query" --data-urlencode "query=$1"; }
	n=0
	for _ in $(seq 150); do
		n=$(q 'count(certchain_chain_trusted)' | python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else 0)' 2>/dev/null)
		[ "$n" = 6 ] && break
		sleep 0.2
	done
	expect_eq "$n" 6 "prometheus: 3 targets x 2 profiles stored"
	q 'certchain_chain_trusted' >"$T/q1.json"
	expect_eq "$(python3 - "$T/q1.json" "$pg" "$pm" "$pe" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["data"]["result"]
port = {sys.argv[2]: "good", sys.argv[3]: "missing", sys.argv[4]: "expired"}
got = sorted("%s/%s=%s" % (port[x["metric"]["instance"].split(":")[1]], x["metric"]["profile"], x["value"][1]) for x in r)
print(" ".join(got))
PY
)" "expired/old=0 expired/today=1 good/old=1 good/today=1 missing/old=0 missing/today=0" \
		"prometheus: each target's certchain_chain_trusted as stored"
	q 'certchain_finding{severity="error"}' >"$T/q2.json"
	expect_eq "$(python3 -c 'import json,sys; print(sorted((x["metric"]["instance"].split(":")[1], x["metric"]["id"]) for x in json.load(open(sys.argv[1]))["data"]["result"] if x["metric"]["id"] == "incomplete-chain"))' "$T/q2.json")" \
		"[('$pm', 'incomplete-chain')]" "prometheus: the missing issuing CA stored as an error finding of that target only"
	expect_eq "$(q 'certchain_probe_success' | python3 -c 'import json,sys; print(sorted(x["value"][1] for x in json.load(sys.stdin)["data"]["result"]))')" \
		"['1', '1', '1']" "prometheus: every probe succeeded"
else
	bad "prometheus not installed (scripts/install-deps installs it)"
fi
expect_rc 0 "promtool check rules on the shipped alert rules" promtool check rules "$top/contrib/prometheus/certchain.rules.yml"
(cd "$top/contrib/prometheus" && promtool check config prometheus.yml >"$T/promcfg" 2>&1) &&
	ok "promtool check config on the shipped scrape configuration" || bad "promtool check config" "$(cat "$T/promcfg")"
if command -v systemd-analyze >/dev/null; then
	sed "s|/usr/bin/certchain|$CERTCHAIN|" "$top/contrib/systemd/certchain-serve.service" >"$T/certchain-serve.service"
	expect_rc 0 "systemd-analyze verify on the shipped unit" systemd-analyze verify --man=no "$T/certchain-serve.service"
fi

# --- the cache, the metrics, the rate limit --------------------------------
sp3=$(free_port)
serve_start cached "$sp3" --allow 127.0.0.1 $P -I "$d/ica.pem" --no-store --cache-ttl 60 --rate-limit 8
C=http://127.0.0.1:$sp3
get "$C/api/check?target=127.0.0.1:$pm&sni=$SNI" >/dev/null; cp "$T/body" "$T/c1.json"
get "$C/api/check?target=127.0.0.1:$pm&sni=$SNI" >/dev/null; cp "$T/body" "$T/c2.json"
expect_eq "$(cmp -s "$T/c1.json" "$T/c2.json" && echo same)" same "cache: the second answer is the first record"
get "$C/api/check?target=127.0.0.1:$pm2&sni=$SNI" >/dev/null; cp "$T/body" "$T/c3.json"
get "$C/metrics" >/dev/null
expect_grep '^certchain_serve_probes_total 2$' "$T/body" "cache: one probe per target for three requests"
expect_grep '^certchain_serve_cache_hits_total 1$' "$T/body" "cache: one answer from the cache"
expect_grep '^certchain_serve_judgements_total 1$' "$T/body" "judgement cache: another target serving the same chain is not judged again"
expect_grep '^certchain_serve_judge_cache_hits_total 1$' "$T/body" "judgement cache: one reuse"
expect_grep '^certchain_serve_requests_total\{endpoint="api",code="200"\} 3$' "$T/body" "metrics: requests by endpoint and code"
python3 - "$T/c1.json" "$T/c3.json" <<'PY' && ok "judgement cache: the reused judgement gives the same findings and verdicts" || bad "judgement cache: records differ"
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:])
for k in ("findings", "trust", "fix", "result", "served"):
    assert a[k] == b[k], k
PY
codes=""
for _ in 1 2 3 4 5 6 7; do codes="$codes $(get "$C/healthz")"; done
expect_grep "429" <(echo "$codes") "rate limit: past 8 requests a minute -> 429"
expect_grep " 200 .* 429" <(echo "$codes") "... after the allowed ones were answered"

# --- 200 concurrent probes; /healthz answers meanwhile -------------------------
for i in $(seq 200); do echo "url = \"$S/probe?target=127.0.0.1:$pg&sni=$SNI&n=$i\""; echo "output = \"$T/load/$i\""; done >"$T/load.cfg"
mkdir -p "$T/load"
start=$(date +%s%N)
curl -s --parallel --parallel-max 200 -K "$T/load.cfg" -w '%{http_code}\n' >"$T/load.codes" &
lp=$!
hz=""
while kill -0 "$lp" 2>/dev/null; do
	hz="$hz $(curl -s -m 2 -o /dev/null -w '%{http_code}' "$S/healthz")"
	sleep 0.05
done
wait "$lp"
expect_eq "$(sort "$T/load.codes" | uniq -c | awk '{print $1" "$2}')" "200 200" "load: 200 concurrent probes, all 200"
expect_eq "$(grep -l '^certchain_chain_trusted{profile="old",group="legacy"} 1$' "$T"/load/* | wc -l)" 200 \
	"load: every answer has the verdict"
expect_nogrep "000|5[0-9][0-9]" <(echo "$hz") "load: /healthz answered during the load ($(echo $hz | wc -w) times)"
hwm=$(awk '/VmHWM/{print $2}' "/proc/$main_pid/status")
# 256 MiB; sanitizer and valgrind builds (CERTCHAIN_TIME_SCALE) keep freed
# memory in quarantine: four times that
lim=$((262144 * (${CERTCHAIN_TIME_SCALE:-1} > 1 ? 4 : 1)))
[ -n "$hwm" ] && [ "$hwm" -lt "$lim" ] && ok "load: peak memory ${hwm} KiB (< $((lim / 1024)) MiB)" ||
	bad "load: peak memory ${hwm:-?} KiB (limit $((lim / 1024)) MiB)"
echo "load: 200 probes in $((($(date +%s%N) - start) / 1000000)) ms"

# --- one log line per request; SIGTERM stops it cleanly ------------------------
expect_grep "^certchain serve: 127.0.0.1 GET /api/check target=127.0.0.2:$rp2 403 " "$T/main.log" "log: one line per request, with the status"
kill -TERM "$main_pid"
wait "$main_pid"
expect_eq "$?" 0 "SIGTERM: serve exits 0"
expect_grep "SIGTERM: stopping" "$T/main.log" "... and says so"
finish
