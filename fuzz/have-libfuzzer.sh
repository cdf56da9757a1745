#!/bin/bash
# have-libfuzzer.sh - exit 0 if clang can build and link a libFuzzer target.
command -v clang >/dev/null 2>&1 || exit 1
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
printf '#include <stdint.h>\n#include <stddef.h>\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { return 0; }\n' >"$d/t.c"
clang -fsanitize=fuzzer,address,undefined -o "$d/t" "$d/t.c" >/dev/null 2>&1
