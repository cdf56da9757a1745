# doctor.sh - part of tests/e2e/test_windows.sh (after store.sh: the old
# root in Root, www.example.test with its key in My, Issuing CA 1 in CA):
# the FAQ's broken machine (the self-signed twin enabled in Root, the
# cross-sign not in CA), doctor before and after --apply.
# shellcheck shell=bash

expect_rc 0 "doctor set-up: the self-signed twin back into Root" cc store --system import "$s/new.pem"
expect_rc 0 "doctor set-up: the cross-sign out of CA" cc store --system remove "$(sha1 "$s/cross.pem")"
f0=$FAIL
expect_rc 1 "doctor set-up: the cross-sign is gone from CA (reopened)" \
	cc store --system show --folder CA "$(sha1 "$s/cross.pem")"
[ "$FAIL" = "$f0" ] || { echo "#  the stores now:"; cc store --system list 2>&1 | sed 's/^/#  /'; }
profs="-p legacy=$s/old.pem -p modern=$s/new.pem"
# shellcheck disable=SC2086
expect_rc 1 "doctor --system: the short chain is found (exit 1)" cc doctor --system $profs -I "$s/cross.pem"
cp "$T/out" "$T/doc1"
expect_grep "SChannel sends www.example.test \+ Issuing CA 1 \(to New Root CA in Root\)" "$T/doc1" "doctor: names the chain SChannel sends"
expect_grep "losing trust: legacy \(" "$T/doc1" "doctor: the client that loses trust, with the reason"
expect_nogrep "losing trust:.*modern" "$T/doc1" "doctor: a client that keeps trust is not named"
expect_grep "fix: import the cross-sign of New Root CA \(issued by Old Root CA\) into CA" "$T/doc1" "doctor: says to import the cross-sign"
expect_grep "fix: disable New Root CA \($(sha1 "$s/new.pem")\) in Root" "$T/doc1" "doctor: says to disable the twin, by thumbprint"
expect_nogrep "applied" "$T/doc1" "doctor without --apply: no change claimed"
expect_rc 1 "doctor without --apply changed nothing: the cross-sign is not in CA" \
	cc store --system show --folder CA "$(sha1 "$s/cross.pem")"
expect_rc 0 "doctor without --apply changed nothing: the twin" cc store --system show "$(sha1 "$s/new.pem")"
expect_grep "purposes: +enabled" "$T/out" "doctor without --apply: the twin is still enabled"

# shellcheck disable=SC2086
expect_rc 0 "doctor --system --apply: fixed (exit 0)" cc doctor --system --apply $profs -I "$s/cross.pem"
cp "$T/out" "$T/doc2"
expect_grep "applied: imported into CA: New Root CA \(issued by Old Root CA\)" "$T/doc2" "doctor --apply: prints the import"
expect_grep "applied: disabled in Root: New Root CA" "$T/doc2" "doctor --apply: prints the disable"
expect_rc 0 "after --apply: the cross-sign is in CA (reopened)" \
	cc store --system show --folder CA "$(sha1 "$s/cross.pem")"
expect_rc 0 "after --apply: the twin" cc store --system show "$(sha1 "$s/new.pem")"
expect_grep "purposes: +disabled" "$T/out" "after --apply: the twin is disabled (reopened)"
# shellcheck disable=SC2086
expect_rc 0 "doctor again: nothing to fix" cc doctor --system $profs
expect_grep "SChannel sends www.example.test \+ Issuing CA 1 \+ New Root CA \(to Old Root CA in Root\)" "$T/out" \
	"doctor again: SChannel now sends the cross-signed chain"
expect_grep "ok: the chain goes through the cross-sign New Root CA \(issued by Old Root CA\); its self-signed twin in Root is disabled" \
	"$T/out" "doctor again: says the chain now goes through the cross-sign"
expect_nogrep "no cross-signed twin" "$T/out" "doctor again: not 'no cross-signed twin is known'"
expect_rc 2 "doctor without --system is refused" cc doctor
