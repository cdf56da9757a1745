# fuzz.mk - libFuzzer targets (included by the Makefile). Each fuzz/fuzz_*.c
# is one target, linked against the library built with coverage and
# ASan+UBSan into build-fuzz/. Seeds: fuzz/corpus/<target>/.
FUZZ_BUILD   := build-fuzz
FUZZ_SRC     := $(sort $(wildcard fuzz/fuzz_*.c))
FUZZ_BINS    := $(FUZZ_SRC:fuzz/%.c=$(FUZZ_BUILD)/%)
FUZZ_OBJ     := $(LIB_SRC:%.c=$(FUZZ_BUILD)/%.o)
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS  := -std=c11 -D_GNU_SOURCE -Iinclude -Isrc/lib \
                $(shell pkg-config --cflags $(PKGS)) -O1 -g -fno-omit-frame-pointer $(FUZZ_SAN)
# Seconds `make fuzz-smoke` spends on all targets together (check runs it).
FUZZ_SMOKE_SECONDS ?= 48

.PHONY: fuzz fuzz-smoke
fuzz: $(FUZZ_BINS)

$(FUZZ_BUILD)/src/%.o: src/%.c $(PUB_H) src/lib/internal.h
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_BUILD)/libcertchain.a: $(FUZZ_OBJ)
	$(AR) rcs $@ $^

$(FUZZ_BUILD)/fuzz_%: fuzz/fuzz_%.c $(FUZZ_BUILD)/libcertchain.a
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_BUILD)/libcertchain.a $(LDLIBS)

# Runs every target on its seeds for a bounded time; skips (saying why) only
# when clang cannot link libFuzzer.
fuzz-smoke:
	@if bash fuzz/have-libfuzzer.sh; then \
	  $(MAKE) --no-print-directory fuzz && \
	  bash fuzz/smoke.sh $(FUZZ_SMOKE_SECONDS) $(FUZZ_BINS); \
	else echo "fuzz-smoke: SKIPPED: clang with libFuzzer is not installed (scripts/install-deps installs clang and libclang-rt-14-dev)"; fi
