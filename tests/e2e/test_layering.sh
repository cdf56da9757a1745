#!/bin/bash
# test_layering.sh - the library's folders call downwards only, as
# src/lib/README.md's table orders them, and no two files use each other
# (tools/layering.py over the built objects); the check itself fails on an
# upward call, a sideways call, a circle and an upward #include.
. "$(dirname "$0")/../lib.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(dirname "$CERTCHAIN")
CHECK="python3 $ROOT/tools/layering.py"

# The real tree.
expect_rc 0 "the built library follows src/lib/README.md's layers" \
	$CHECK --src "$ROOT/src" "$BUILD"
expect_eq "$(wc -c <"$T/out")" 0 "no violation printed"
n=$(find "$BUILD/src/lib" -name '*.o' | wc -l)
[ "$n" -gt 40 ] && ok "it read the library's objects ($n)" || bad "objects read: $n"

# A synthetic tree: same layout, three folders, tiny files (the C compiler,
# not lib.sh's cc function, which runs certchain).
S=$T/syn
mkdir -p "$S/src/lib/low" "$S/src/lib/mid" "$S/src/lib/high" "$S/src/cli" "$S/b"
table() { # table LOW MID HIGH: layer numbers of the three folders
	printf '| layer | folder | job |\n|---|---|---|\n'
	printf '| %s | `low/` | a |\n| %s | `mid/` | b |\n| %s | `high/` | c |\n' "$1" "$2" "$3"
}
table 0 1 2 >"$S/src/lib/README.md"
echo 'int low_f(void) { return 1; }' >"$S/src/lib/low/l.c"
echo 'int low_f(void); int mid_f(void) { return low_f(); }' >"$S/src/lib/mid/m.c"
echo 'int mid_f(void); int high_f(void) { return mid_f(); }' >"$S/src/lib/high/h.c"
echo 'int high_f(void); int main(void) { return high_f(); }' >"$S/src/cli/main.c"
build_syn() {
	rm -rf "$S/b"
	for f in $(cd "$S" && find src -name '*.c'); do
		mkdir -p "$S/b/$(dirname "$f")"
		command cc -c -I"$S/src/lib" -o "$S/b/${f%.c}.o" "$S/$f" || return 1
	done
}
syn() { $CHECK --src "$S/src" "$S/b"; }

build_syn
expect_rc 0 "synthetic: calls downwards pass" syn

# Upward: low/ calls high/.
echo 'int high_f(void); int low_g(void) { return high_f(); }' >"$S/src/lib/low/up.c"
build_syn
expect_rc 1 "synthetic: an upward call fails" syn
expect_grep 'low/up.c uses high_f from lib/high/h.c \(low/ may not use high/\)' "$T/out" \
	"the message names the file, the symbol and the folders"
# The README is the rule: with low/ on top the same call is fine, and
# mid/'s call into low/ becomes the upward one.
table 3 1 2 >"$S/src/lib/README.md"
expect_rc 1 "synthetic: reordered table, mid/ now calls upwards into low/" syn
expect_grep 'mid/m.c uses low_f' "$T/out" "the reordered table is what is checked"
table 0 1 2 >"$S/src/lib/README.md"
rm "$S/src/lib/low/up.c"

# Sideways: two folders of one layer.
table 0 1 1 >"$S/src/lib/README.md"
build_syn
expect_rc 1 "synthetic: a call inside one layer fails" syn
expect_grep 'high/ may not use mid/' "$T/out" "sideways call named"
table 0 1 2 >"$S/src/lib/README.md"

# A circle between two files of one folder.
echo 'int mid_g(void); int mid_h(void) { return mid_g(); }' >"$S/src/lib/mid/a.c"
echo 'int mid_h(void); int mid_g(void) { return 0; } int mid_k(void) { return mid_h(); }' \
	>"$S/src/lib/mid/c.c"
build_syn
expect_rc 1 "synthetic: a circle between two files fails" syn
expect_grep 'file circle: lib/mid/a.c <-> lib/mid/c.c' "$T/out" "circle named"
rm "$S/src/lib/mid/a.c" "$S/src/lib/mid/c.c"

# A private header of a higher folder included from below.
echo '#define HIGH_X 1' >"$S/src/lib/high/high.h"
printf '#include "high/high.h"\nint low_h(void) { return HIGH_X; }\n' >"$S/src/lib/low/inc.c"
build_syn
expect_rc 1 "synthetic: an upward #include fails" syn
expect_grep 'low/inc.c:1 includes high/high.h' "$T/out" "include named with its line"
rm "$S/src/lib/low/inc.c"

# A folder the table does not name has no place in the order.
mkdir -p "$S/src/lib/extra"
echo 'int extra_f(void) { return 0; }' >"$S/src/lib/extra/e.c"
build_syn
expect_rc 1 "synthetic: a folder missing from the table fails" syn
expect_grep 'extra/: folder not in' "$T/out" "missing folder named"
finish
