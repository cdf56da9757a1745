#!/bin/bash
# End-to-end: the documentation's examples are tests. Every `$ certchain ...`
# line of the ```console blocks of README.md and docs/*.md and of the .EX
# blocks of the man pages runs in the lab README.md describes
# (scripts/docs-lab, with its two TLS servers on 127.0.0.1), and what it
# prints must be the text that follows it (tests/docs/run_examples.py says
# what may differ: dates, durations, generated fingerprints, ports, paths).
# A README that drifts from the tool fails here. The runner itself is
# checked first: a changed line is caught and named, --update repairs it.
# shellcheck shell=bash
. "$(dirname "$0")/../lib.sh"

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
RUN="$ROOT/tests/docs/run_examples.py"
LAB="$T/lab"
trap '"$ROOT/scripts/docs-lab" stop "$LAB" 2>/dev/null; rm -rf "$T"' EXIT

if ! "$ROOT/scripts/docs-lab" "$LAB" >"$T/lab.out" 2>&1; then
	bad "scripts/docs-lab makes the lab" "$(head -c 400 "$T/lab.out")"
	finish
	exit 1
fi
ok "scripts/docs-lab makes the lab"
"$ROOT/scripts/docs-lab" serve "$LAB" >"$T/serve.out" 2>&1 &&
	grep -q '^export GAP_PORT=[0-9]' "$LAB/lab.env" && ok "scripts/docs-lab serve starts the servers" ||
	bad "scripts/docs-lab serve starts the servers" "$(head -c 400 "$T/serve.out")"

ex() { python3 "$RUN" --lab "$LAB" --bin "$CERTCHAIN" "$@"; }

# --- the runner: a drifted line fails with file:line, --update repairs it.
mkdir -p "$T/self"
cat >"$T/self/page.md" <<'EOF'
# a page

```console
$ certchain store import intermediates/ica.pem
added to intermediate: Issuing CA 1 (sha256 0123456789abcdef)
$ certchain build -I real-certs -r real-certs/usertrust-rsa-root.pem real-certs/sectigo-dv-r36.pem | head -3
chain to serve (2 certificates, leaf first):
  Sectigo Public Server Authentication CA DV R36
     RSA 3072, expires 2036-03-21, sha256 8c54c334b66ba4e4
```

```sh
certchain this-is-not-run
```
EOF
ex "$T/self/page.md" >"$T/self/out" 2>&1
expect_grep '^2 passed, 0 failed$' "$T/self/out" \
	"runner: a generated fingerprint and a date may differ, the rest matches"
sed -i 's/8c54c334b66ba4e4/8c54c334b66ba4e5/; s/^added to intermediate: Issuing/added to root: Issuing/' \
	"$T/self/page.md"
ex "$T/self/page.md" >"$T/self/out" 2>&1
rc=$?
expect_eq "$rc" 1 "runner: a drifted block fails"
expect_grep 'FAIL - .*page.md:4: certchain store import' "$T/self/out" "runner: names file:line of the command"
expect_grep 'expected: added to root: Issuing CA 1' "$T/self/out" "runner: shows the expected line"
expect_grep 'got: +added to intermediate: Issuing CA 1' "$T/self/out" "runner: shows the line it got"
expect_grep 'FAIL - .*page.md:6:' "$T/self/out" \
	"runner: a real certificate's fingerprint must match exactly"
ex --update "$T/self/page.md" >/dev/null 2>&1
ex "$T/self/page.md" >"$T/self/out" 2>&1
expect_grep '^2 passed, 0 failed$' "$T/self/out" "runner: --update rewrites the outputs from real runs"
expect_grep '^     RSA 3072, expires 2036-03-21, sha256 8c54c334b66ba4e4$' "$T/self/page.md" \
	"runner: --update writes the real output"
grep -q 'certchain this-is-not-run' "$T/self/page.md" && ok "runner: --update leaves other blocks alone" ||
	bad "runner: --update leaves other blocks alone"

# A man page: .EX/.EE, roff escapes undone for the run and redone by --update.
cat >"$T/self/page.1" <<'EOF'
.TH X 1
.SH EXAMPLES
.EX
$ certchain verify \-\-no\-store \-r new\-root.pem leaf.pem | grep \-o incomplete\-chain
2
.EE
EOF
ex "$T/self/page.1" >"$T/self/out" 2>&1
expect_grep 'FAIL - .*page.1:4: certchain verify --no-store -r new-root.pem leaf.pem' "$T/self/out" \
	"runner: runs a man page's .EX block (escapes undone)"
ex --update "$T/self/page.1" >/dev/null 2>&1
ex "$T/self/page.1" >"$T/self/out" 2>&1
expect_grep '^1 passed, 0 failed$' "$T/self/out" "runner: --update on a man page round-trips"
expect_grep '^incomplete\\-chain$' "$T/self/page.1" "runner: --update writes roff (- as \\-)"
# A character outside ASCII is \[uXXXX] in a page (groff -man -ww reads a
# page as Latin-1): undone for the comparison, written so by --update.
cat >"$T/self/tree.1" <<'EOF'
.TH X 1
.SH EXAMPLES
.EX
$ certchain build \-\-no\-store \-I real\-certs \-r real\-certs/usertrust\-rsa\-root.pem real\-certs/sectigo\-dv\-r36.pem | sed \-n 5p
     \[u2514]\[u2500] Sectigo Public Server Authentication Root R46
.EE
EOF
ex "$T/self/tree.1" >"$T/self/out" 2>&1
expect_grep '^1 passed, 0 failed$' "$T/self/out" 'runner: \[u2514] in a man page is the character the tool prints'
sed -i 's/\\\[u2500\]/-/' "$T/self/tree.1"
ex "$T/self/tree.1" >"$T/self/out" 2>&1
expect_grep '^0 passed, 1 failed$' "$T/self/out" 'runner: a different character is a different line'
ex --update "$T/self/tree.1" >/dev/null 2>&1
expect_grep '^     \\\[u2514\]\\\[u2500\] Sectigo' "$T/self/tree.1" 'runner: --update writes it as \[u2514] again'

# --- the documentation itself.
ex >"$T/docs.out" 2>&1
rc=$?
cat "$T/docs.out"
sum=$(tail -1 "$T/docs.out")
n_ok=${sum%% passed*}
n_bad=${sum#*, }
n_bad=${n_bad%% failed}
case "$n_ok$n_bad" in
*[!0-9]*|"") bad "the documentation's examples ran" "$sum" ;;
*)
	PASS=$((PASS + n_ok))
	FAIL=$((FAIL + n_bad))
	[ "$n_ok" -ge 10 ] && ok "at least 10 examples in the documentation ($n_ok)" ||
		bad "at least 10 examples in the documentation" "only $n_ok"
	[ "$rc" = 0 ] || [ "$n_bad" -gt 0 ] || bad "the examples runner exited $rc"
	;;
esac

finish
