#!/bin/bash
# End-to-end: fleet scans (check -f) against a private nginx on 127.0.0.1
# choosing the chain by SNI name: name resolution bounded by the deadline
# (a local DNS server that answers slowly or never), JSONL records with line
# numbers, the closing summary, --resume, --shard, --html and certchain report.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-check.sh"
. "$(dirname "$0")/../lib-fleet.sh"
trap 'check_stop_all; rm -rf "$T"' EXIT
root=$(cd "$(dirname "$0")/../.." && pwd)

d=$T/pki
mkdir -p "$d"
fleet_pki "$d" || exit 2
P=$(free_port)
fleet_nginx "$T/ngx" "$d" "$P" || exit 2
# Two client populations (old root only, new root only); the organisation's
# intermediates repair what a server leaves out.
R=(-p "old=$d/old.pem" -p "new=$d/new.pem" -I "$d/ica.pem" -I "$d/cross.pem")
# jq-like: python3 over a JSONL file
pyj() { python3 -c "import json,sys
recs=[json.loads(l) for l in open(sys.argv[-1])]
$2" "${@:3}" "$1"; }

# --- 1. name resolution: part of each target's deadline, never blocking others
python3 "$root/tests/dns_server.py" "$T/dnsport" 1 &
CHECK_PIDS="$CHECK_PIDS $!"
for _ in $(seq 50); do [ -s "$T/dnsport" ] && break; sleep 0.1; done
DNS=127.0.0.1:$(cat "$T/dnsport")
cat >"$T/dns-targets" <<TGT
never1.fleet.test:$P
good1.fleet.test:$P
slow1.fleet.test:$P
never2.fleet.test:$P
bad1.fleet.test:$P
TGT
s=$(date +%s%N)
cc check -f "$T/dns-targets" --json --timeout 3 --dns-server "$DNS" "${R[@]}" >"$T/dj" 2>"$T/derr"
rc=$?
took=$((($(date +%s%N) - s) / 1000000))
expect_eq "$rc" 3 "resolve: a name not resolved in time -> exit 3 overall"
expect_eq "$(pyj "$T/dj" 'print(" ".join("%s=%s/%s/%s" % (r["host"].split(".")[0], r["result"], r.get("failure", "-"), r["exit"]) for r in sorted(recs, key=lambda r: r["line"])))')" \
	"never1=connect-failed/resolve/3 good1=ok/-/0 slow1=ok/-/0 never2=connect-failed/resolve/3 bad1=problems/-/1" \
	"resolve: names the server never answers fail as 'resolve' (exit 3), the others are judged"
expect_grep 'never1.fleet.test not resolved within 3.0 s' "$T/dj" "resolve: the reason says the name was not resolved in time"
expect_eq "$(pyj "$T/dj" 'print(all(r["ms"] < 2000 for r in recs if r["host"][:4] in ("good", "bad1")))')" True \
	"resolve: targets with a prompt answer finish in well under the deadline, beside the silent ones"
expect_eq "$(pyj "$T/dj" 'print([r["host"] for r in recs].index("slow1.fleet.test") > [r["host"] for r in recs].index("good1.fleet.test"))')" True \
	"resolve: results stream as they complete (the slow name's line comes after the prompt one's)"
[ "$took" -lt 5500 ] && ok "resolve: the whole run ends at the 3 s deadline (${took} ms), not later" ||
	bad "resolve: the run took ${took} ms with a 3 s deadline"
expect_rc 3 "resolve: one target, silent name server -> exit 3" \
	cc check --timeout 1 --dns-server "$DNS" "${R[@]}" "never3.fleet.test:$P"
CERTCHAIN_DNS_SERVER=$DNS cc check --json --timeout 3 "${R[@]}" "good7.fleet.test:$P" >"$T/j1"
expect_eq "$(pyj "$T/j1" 'print(recs[0]["peer"], recs[0]["exit"])')" "127.0.0.1:$P 0" \
	"resolve: \$CERTCHAIN_DNS_SERVER names the server to ask (one target, resolved and checked)"
expect_rc 2 "resolve: --dns-server that is not an address -> 2" cc check --dns-server "not a server" "x.test"

# --- 2. a fleet: JSONL records with line numbers, summary, progress
{
	echo "# fleet"
	fleet_targets 16 "$P"
	echo
	echo "127.0.0.1:$(free_port)"
	echo "no:such:target"
} >"$T/targets"
n=$(grep -cv -e '^#' -e '^$' "$T/targets")
cc check -f "$T/targets" --json --timeout 3 "${R[@]}" >"$T/all" 2>"$T/allerr"
expect_eq "$?" 3 "fleet: a refused target -> exit 3 overall"
expect_eq "$(wc -l <"$T/all")" "$n" "fleet: one JSONL record per target"
expect_eq "$(pyj "$T/all" '
lines = open(sys.argv[1]).read().split("\n")
print(all(lines[r["line"] - 1].split()[0] == r["target"] for r in recs))' "$T/targets" 2>&1)" True \
	"fleet: each record carries the target as given and its line number in the list"
expect_eq "$(pyj "$T/all" 'print(" ".join("%s=%d" % (k, sum(1 for r in recs if r["result"] == k)) for k in ("ok", "problems", "connect-failed", "bad-target")))')" \
	"ok=12 problems=4 connect-failed=1 bad-target=1" "fleet: good names ok, bad names problems, refused and malformed counted"
expect_grep '^summary: 18 targets, 12 ok, 0 warnings, 4 problems, 1 connect-failed, 1 bad-target$' "$T/allerr" \
	"fleet --json: the closing summary (on stderr) counts targets by verdict"
expect_grep '^  incomplete-chain +4 targets$' "$T/allerr" "fleet: the summary counts targets per finding id"
expect_grep '^  New Root CA \(issued by Old Root CA, a cross-sign, [0-9a-f]{16}\): served by 12 \(0 with problems\), in the chain to serve of 16$' "$T/allerr" \
	"fleet: the summary names the certificates involved most (the cross-sign: served by 12, to serve by all 16)"
expect_eq "$(pyj "$T/all" 'import collections; print(sorted(collections.Counter(len(r.get("cross_signs", [])) for r in recs if r["result"] != "bad-target").items()))')" \
	"[(0, 1), (1, 16)]" "fleet: each judged record lists the cross-sign among its certificates"
cc check -f "$T/targets" --timeout 3 "${R[@]}" >"$T/text" 2>/dev/null
expect_grep '^bad4.fleet.test:[0-9]+ +PROBLEMS +incomplete-chain' "$T/text" "fleet text: one line per target"
expect_grep '^summary: 18 targets, 12 ok' "$T/text" "fleet text: the summary follows the lines on stdout"
expect_nogrep 'checked [0-9]|'$'\r' "$T/allerr" "fleet: no progress line when stderr is not a terminal"
if command -v script >/dev/null 2>&1; then
	script -qec "$CERTCHAIN check -f $T/targets --json --timeout 3 ${R[*]} >$T/tty.out" /dev/null >"$T/tty" 2>&1
	expect_grep "checked $n/$n targets" "$T/tty" "fleet: a progress line on a terminal"
	expect_eq "$(wc -l <"$T/tty.out")" "$n" "fleet: stdout stays one record per line with the progress line"
fi

# --- 3. --resume: an interrupted scan continues where it stopped
head -n 7 "$T/all" >"$T/part"
sed -n 8p "$T/all" | cut -c1-40 >>"$T/part" # the line being written when killed
cc check -f "$T/targets" --json --timeout 3 "${R[@]}" --resume "$T/part" >"$T/rest" 2>"$T/resterr"
expect_eq "$(wc -l <"$T/rest")" "$((n - 7))" "resume: only the targets not answered in the earlier output are checked"
expect_grep "1 line is not a complete record" "$T/resterr" "resume: a line cut short is said and its target checked again"
expect_eq "$(cat "$T/part" "$T/rest" | grep '^{.*}$' | python3 -c 'import json,sys; print(sorted(json.loads(l)["line"] for l in sys.stdin) == sorted(json.loads(l)["line"] for l in open(sys.argv[1])))' "$T/all")" True \
	"resume: earlier + resumed records cover every target exactly once"
expect_rc 2 "resume: a missing file -> 2" cc check -f "$T/targets" --resume "$T/none" "${R[@]}"
# Interrupted for real: two targets answered, two stuck on a silent name server.
printf 'good1.fleet.test:%s\ngood2.fleet.test:%s\nnever5.fleet.test:%s\nnever6.fleet.test:%s\ngood3.fleet.test:%s\n' \
	"$P" "$P" "$P" "$P" "$P" >"$T/itargets"
mkdir "$T/hd"
"$CERTCHAIN" check -f "$T/itargets" --json --concurrency 2 --timeout 30 --dns-server "$DNS" "${R[@]}" \
	--html "$T/hd/i.html" >"$T/i1" 2>"$T/ierr" &
ipid=$!
for _ in $(seq 100); do [ "$(wc -l <"$T/i1")" -ge 2 ] && break; sleep 0.1; done
sleep 0.3
kill -TERM "$ipid"
wait "$ipid"
expect_eq "$?" 143 "interrupt: SIGTERM stops the scan at once (it dies of the signal)"
expect_eq "$(grep -c '^{.*}$' "$T/i1"):$(wc -l <"$T/i1")" "2:2" "interrupt: the records written are complete lines"
expect_grep 'interrupted after 2 targets.*--resume' "$T/ierr" "interrupt: says how to continue"
expect_eq "$(ls -A "$T/hd" | wc -l)" 0 "interrupt: no HTML page and no temporary file left"
cc check -f "$T/itargets" --json --timeout 1 --dns-server "$DNS" "${R[@]}" --resume "$T/i1" >"$T/i2" 2>/dev/null
expect_eq "$(cat "$T/i1" "$T/i2" | python3 -c 'import json,sys; print(sorted(json.loads(l)["line"] for l in sys.stdin))')" \
	"[1, 2, 3, 4, 5]" "interrupt: --resume checks exactly the rest"

# Killed outright (SIGKILL, no handler) and resumed into the same file: the
# cut line is ended first, every target is answered exactly once.
"$CERTCHAIN" check -f "$T/itargets" --json --concurrency 2 --timeout 30 --dns-server "$DNS" "${R[@]}" \
	>"$T/k1" 2>/dev/null &
ipid=$!
for _ in $(seq 100); do [ "$(wc -l <"$T/k1")" -ge 2 ] && break; sleep 0.1; done
kill -KILL "$ipid"
wait "$ipid" 2>/dev/null
head -c 100 "$T/k1" >>"$T/k1" # what a kill inside a write leaves: a cut last line
cc check -f "$T/itargets" --json --timeout 1 --dns-server "$DNS" "${R[@]}" --resume "$T/k1" >>"$T/k1" 2>"$T/kerr"
expect_grep 'k1: 1 line is not a complete record \(cut short\? first: line 3\)' "$T/kerr" \
	"kill -9: the cut line is named, its target checked again"
expect_eq "$(python3 -c 'import json,sys
good, cut = [], 0
for l in open(sys.argv[1]):
    try:
        good.append(json.loads(l)["line"])
    except ValueError:
        cut += 1
print(sorted(good), cut)' "$T/k1")" "[1, 2, 3, 4, 5] 1" \
	"kill -9, then --resume OUT >>OUT: every target answered exactly once, the cut line stays one line of its own"
cc report --json "$T/k1" >"$T/krep" 2>"$T/kreperr"
expect_eq "$(pyj "$T/krep" 'print(recs[0]["targets"])')" 5 "kill -9: report reads the resumed file (5 targets)"
cp "$T/k1" "$T/k3"
cc check -f "$T/itargets" --json --dns-server "$DNS" "${R[@]}" --resume "$T/k3" >"$T/k3" 2>"$T/err"
expect_eq "$?:$(wc -l <"$T/err")" "2:1" "resume: --resume OUT >OUT (the shell emptied it) -> 2, one line, no silent full rescan"
expect_grep "append with '>>'" "$T/err" "resume: ... saying to append"
cc check -f "$T/itargets" --json --dns-server "$DNS" "${R[@]}" --resume "$T/k1" >"$T/k2" 2>"$T/k2err"
expect_eq "$?:$(wc -c <"$T/k2")" "0:0" "resume: a scan already complete checks nothing"
expect_grep '^resumed: 5 targets answered' "$T/k2err" "resume: says how many were skipped"

# --- bad input: one-line errors, no crash, nothing probed in vain
: >"$T/empty"
cc check -f "$T/empty" "${R[@]}" >"$T/out" 2>"$T/err"
expect_eq "$?:$(wc -l <"$T/err"):$(wc -c <"$T/out")" "2:1:0" "bad input: an empty target list -> 2, one line, no output"
expect_grep 'empty: no targets' "$T/err" "bad input: the line names the file and the cause"
python3 -c 'import random, string
random.seed(16)
# no line can be a host name: each holds a character no name has
bad = [c for c in string.punctuation if c not in "#.-_:[]"]
for _ in range(10000):
    w = [random.choice(string.ascii_letters + "".join(bad)) for _ in range(random.randint(1, 60))]
    w[random.randrange(len(w))] = random.choice(bad)
    print("".join(w))' >"$T/garbage"
s=$(date +%s%N)
cc check -f "$T/garbage" --json "${R[@]}" >"$T/out" 2>"$T/err"
rc=$?
took=$((($(date +%s%N) - s) / 1000000))
expect_eq "$rc:$(wc -l <"$T/err"):$(wc -c <"$T/out")" "2:1:0" "bad input: 10,000 lines of garbage -> 2, one line, no record"
expect_grep "garbage: no line is a target \(line [0-9]+ first" "$T/err" "bad input: the line says no line is a target"
[ "$took" -lt 10000 ] && ok "bad input: the garbage list is refused at once (${took} ms), nothing probed" ||
	bad "bad input: refusing the garbage list took ${took} ms"
{ fleet_targets 2 "$P"; head -n 30 "$T/garbage"; } >"$T/mixed"
cc check -f "$T/mixed" --json "${R[@]}" >"$T/out" 2>"$T/err"
expect_eq "$?" 2 "bad input: a list with lines that are not targets -> 2"
expect_eq "$(pyj "$T/out" 'print(sum(r["result"] == "bad-target" for r in recs), sum(r["result"] == "ok" for r in recs))')" "30 2" \
	"bad input: each bad line is a bad-target record, the good targets are checked"
expect_eq "$(grep -c 'is not HOST\[:PORT\]' "$T/err")" 10 "bad input: only the first 10 bad lines are said on stderr"
expect_grep 'further such lines are counted, not listed' "$T/err" "bad input: ... and it says the rest are counted"
expect_grep '^summary: 32 targets, 2 ok, 0 warnings, 0 problems, 0 connect-failed, 30 bad-target$' "$T/err" \
	"bad input: the summary counts them all"
if [ -w /dev/full ]; then
	cc check -f "$T/mixed" --json "${R[@]}" >/dev/full 2>"$T/err"
	expect_eq "$?" 2 "check -f >/dev/full: records that cannot be written -> 2"
	expect_eq "$(grep -c 'cannot write the records' "$T/err")" 1 "check -f >/dev/full: said once"
fi

# --- 5. --shard K/N and certchain report
for k in 1 2 3; do
	cc check -f "$T/targets" --json --timeout 3 "${R[@]}" --shard "$k/3" >"$T/shard$k" 2>/dev/null
done
key='print("\n".join(sorted("%d %s %s %s" % (r["line"], r["target"], r["result"], ",".join(f["id"] for f in r.get("findings", []))) for r in recs)))'
cat "$T/shard1" "$T/shard2" "$T/shard3" >"$T/shards"
expect_eq "$(pyj "$T/shards" "$key")" "$(pyj "$T/all" "$key")" "shard: the union of 3 shards equals the unsharded run, target for target"
expect_eq "$(for k in 1 2 3; do [ -s "$T/shard$k" ] && echo y; done | wc -l)" 3 "shard: every shard gets targets"
# The Kubernetes Indexed Job command of docs/check.md, run here for indexes 0-2,
# then index 1 again as a retried pod: it resumes, checks nothing again.
job() {
	JOB_COMPLETION_INDEX=$1 CERTCHAIN="$CERTCHAIN" TARGETS="$T/targets" D="$T" sh -c \
		"f=\$D/job-\$JOB_COMPLETION_INDEX.jsonl; touch \$f; \$CERTCHAIN check -f \$TARGETS --json --timeout 3 ${R[*]} --shard \$((JOB_COMPLETION_INDEX + 1))/3 --resume \$f >>\$f; [ \$? -ne 2 ]" 2>/dev/null
}
for i in 0 1 2; do job "$i"; done
before=$(md5sum <"$T/job-1.jsonl")
job 1
expect_eq "$?:$(md5sum <"$T/job-1.jsonl")" "0:$before" "k8s job: a retried index resumes from its own output, checks nothing again, succeeds"
cat "$T"/job-*.jsonl >"$T/jobs"
expect_eq "$(pyj "$T/jobs" "$key")" "$(pyj "$T/all" "$key")" "k8s job (docs/check.md's command): the union of the indexes equals the unsharded run"
expect_rc 2 "shard: 0/3 -> 2" cc check -f "$T/targets" --shard 0/3
expect_rc 2 "shard: 4/3 -> 2" cc check -f "$T/targets" --shard 4/3
expect_rc 2 "shard: not K/N -> 2" cc check -f "$T/targets" --shard 1-3
expect_rc 2 "--html/--resume/--shard without -f -> 2" cc check --shard 1/2 "x.test"
cc report --json "$T/shard1" "$T/shard2" "$T/shard3" >"$T/rep-shards"
cc report --json "$T/all" >"$T/rep-all"
expect_eq "$(cat "$T/rep-shards")" "$(cat "$T/rep-all")" "report: the shards' records give the same summary as the unsharded run"
expect_eq "$(pyj "$T/rep-all" 'r=recs[0]; print(r["targets"], r["verdicts"]["problems"], r["findings"]["incomplete-chain"], r["failures"]["refused"])')" \
	"18 4 4 1" "report --json: targets, verdicts, findings and failures"
# garbage lines among the records: counted and skipped, the records read
{ echo 'not json'; head -c 3000 /dev/urandom | tr -d '\n'; echo; head -n 5 "$T/all"; echo '{"target":'; echo '[1,2]'; } >"$T/mixedj"
cc report --json "$T/mixedj" >"$T/out" 2>"$T/err"
expect_eq "$?:$(pyj "$T/out" 'print(recs[0]["targets"])')" "0:5" "report: garbage lines among records: the 5 records read, exit 0"
expect_eq "$(wc -l <"$T/err")" 1 "report: one line about the garbage"
expect_grep 'mixedj: 4 lines are not a record \(first: line 1\), skipped' "$T/err" "report: says how many lines and where"
head -c 3000000 /dev/urandom >"$T/binary"
cc report "$T/binary" >/dev/null 2>"$T/err"
expect_eq "$?:$(wc -l <"$T/err")" "2:1" "report: a binary file (long lines, no record) -> 2, one line"
cc check -f "$T/targets" --json "${R[@]}" --resume "$T/binary" >/dev/null 2>"$T/err"
expect_grep 'binary: [0-9]+ lines are not a complete record' "$T/err" "resume: a file of garbage is said, every target checked"
printf 'not json\n' >"$T/junk"
expect_rc 2 "report: a file without records -> 2" cc report "$T/junk"
expect_rc 2 "report: a missing file -> 2" cc report "$T/none.jsonl"
expect_rc 2 "report: no file -> 2" cc report
cc report --bogus >/dev/null 2>"$T/err"
expect_eq "$?:$(wc -l <"$T/err")" "2:1" "report: an unknown option -> 2 and one line"
expect_grep "'--bogus'" "$T/err" "report: the line names the option"
if [ -w /dev/full ]; then
	cc report "$T/all" >/dev/full 2>"$T/err"
	expect_eq "$?" 2 "report >/dev/full: a summary that cannot be written is exit 2"
fi

# --- report: saved records with long texts come back whole (no fixed-size
# field cuts a 2,000-byte reason, finding message or CA name)
python3 - "$T/long.jsonl" <<'PY'
import json, sys
reason = "reason-" + "r" * 1990 + "-END"
msg = "message-" + "m" * 1990 + "-END"
ca = "CA-" + "c" * 1990 + "-END"
with open(sys.argv[1], "w") as f:
    f.write(json.dumps({"line": 1, "target": "t" * 1990 + ".test:443", "exit": 3,
                        "result": "connect-failed", "failure": "timeout",
                        "reason": reason}) + "\n")
    f.write(json.dumps({"line": 2, "target": "b.test:443", "exit": 1, "result": "problems",
                        "findings": [{"id": "incomplete-chain", "severity": "error",
                                      "message": msg}],
                        "served": [{"subject_cn": "b.test", "issuer_cn": ca, "sha256": "aa",
                                    "ca": False},
                                   {"subject_cn": ca, "issuer_cn": "Some Root", "sha256": "bb",
                                    "ca": True}]}) + "\n")
PY
cc report --html "$T/long.html" "$T/long.jsonl" >"$T/long.txt" 2>"$T/err"
expect_eq "$?" 0 "report of long records: exit 0"
long_ca="CA-$(printf 'c%.0s' $(seq 1990))-END"
expect_eq "$(grep -c -- "$long_ca" "$T/long.txt")" 1 "report text: the 2,000-byte CA name whole"
cc report --json "$T/long.jsonl" >"$T/long.json" 2>/dev/null
expect_eq "$(pyj "$T/long.json" 'print(recs[0]["certificates"][0]["subject_cn"] == "CA-" + "c" * 1990 + "-END")')" True \
	"report --json: the CA name whole"
expect_eq "$(python3 -c 'import sys; t=open(sys.argv[1]).read(); print(("reason-" + "r"*1990 + "-END") in t, ("message-" + "m"*1990 + "-END") in t, ("t"*1990 + ".test:443") in t)' "$T/long.html")" \
	"True True True" "report --html: reason, finding message and target whole"

# --- 4. --html: one self-contained page
cc check -f "$T/targets" --json --timeout 3 "${R[@]}" --html "$T/fleet.html" >/dev/null 2>&1
cc report --html "$T/report.html" "$T/shard1" "$T/shard2" "$T/shard3" >/dev/null
for h in fleet.html report.html; do
	python3 - "$T/$h" "$T/all" >"$T/html.check" <<'PY'
import html.parser, json, sys
class P(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack, self.text, self.rows, self.external = [], [], 0, []
        self.options = []
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag not in ("br", "meta"):
            self.stack.append(tag)
        if tag == "tr" and "data-ids" in a:
            self.rows += 1
        for k in ("src", "href"):
            if k in a:
                self.external.append(a[k])
        if tag == "link":
            self.external.append("link")
    def handle_endtag(self, tag):
        if not self.stack or self.stack.pop() != tag:
            raise SystemExit("unbalanced </%s>" % tag)
    def handle_data(self, d):
        self.text.append(d)
        if self.stack and self.stack[-1] == "option":
            self.options.append(d)
p = P()
p.feed(open(sys.argv[1]).read())
p.close()
text = "".join(p.text)
recs = [json.loads(l) for l in open(sys.argv[2])]
ids = {f["id"] for r in recs for f in r.get("findings", [])}
missing = [r["target"] for r in recs if r["target"] not in text]
missing += [i for i in ids if i not in text or i not in p.options]
print("rows=%d missing=%s external=%s balanced=%s cross=%s anchor=%s" % (
    p.rows, missing, p.external, not p.stack, "cross-signed by Old Root CA" in text,
    "Old Root CA anchor, not sent" in text))
PY
	expect_eq "$(cat "$T/html.check")" "rows=18 missing=[] external=[] balanced=True cross=True anchor=True" \
		"html ($h): parses, one row per target, every target and finding id (also in the filter), cross-sign and anchor drawn, nothing external"
done
mkdir "$T/ro" && chmod 0555 "$T/ro"
if [ "$(id -u)" != 0 ]; then
	expect_rc 2 "html: an unwritable directory -> 2" cc check -f "$T/targets" --html "$T/ro/x.html" "${R[@]}"
fi
expect_rc 2 "html: a missing directory -> 2, before any probe" cc check -f "$T/targets" --html "$T/nodir/x.html" "${R[@]}"
expect_eq "$(ls "$T/nodir" 2>/dev/null | wc -l)" 0 "html: nothing half-written"

# Rendered once by a real browser (chromium, headless), when installed.
if [ -x /usr/bin/chromium ]; then
	prof=$(mktemp -d)
	timeout 120 /usr/bin/chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
		--disable-component-update --no-first-run --user-data-dir="$prof" \
		--enable-logging=stderr --v=0 --virtual-time-budget=2000 \
		--dump-dom "file://$T/fleet.html" >"$T/dom" 2>"$T/chromium.err"
	expect_eq "$?" 0 "chromium: renders the page"
	expect_eq "$(grep -c '<tr class=' "$T/dom")" 18 "chromium: the rendered DOM has one row per target"
	# Any console message (an exception, console.error) is logged as :CONSOLE.
	expect_nogrep ':CONSOLE|Uncaught|SyntaxError|ReferenceError' "$T/chromium.err" \
		"chromium: the page loads without a console message or script error"
	timeout 120 /usr/bin/chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
		--disable-component-update --no-first-run --user-data-dir="$prof" --virtual-time-budget=2000 \
		--dump-dom "file://$T/fleet.html#f=incomplete-chain" >"$T/dom2" 2>/dev/null
	expect_eq "$(grep '<tr class=' "$T/dom2" | grep -vc 'display: none')" 4 \
		"chromium: the finding-id filter (#f=incomplete-chain) leaves the 4 targets with that finding"
	rm -rf "$prof"
else
	echo "skip - chromium not installed (/usr/bin/chromium): the rendering test did not run"
fi
finish
