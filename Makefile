# certchain - build, test, demo. GNU Make + pkg-config.
PREFIX   ?= /usr/local
CC       ?= cc
PKGS      = libssl libcrypto libcurl libcares jansson libidn2
CFLAGS   ?= -O2 -g
# Flags the build needs whatever CFLAGS the caller gives (check-asan sets CFLAGS).
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -Wall -Wextra -Wno-unused-parameter \
             $(if $(findstring clang,$(CC)),,-Wno-format-truncation) -Iinclude -Isrc/lib \
             $(shell pkg-config --cflags $(PKGS)) $(CFLAGS)
LDLIBS   += $(shell pkg-config --libs $(PKGS))
# Where `make install` puts the built-in trust profiles (data/trust-stores).
DATADIR  ?= $(PREFIX)/share/certchain
ALL_CFLAGS += -DCC_DATADIR='"$(DATADIR)"'
BUILD    ?= build

# The library's portable files, plus the POSIX side of what differs by
# operating system (src/lib/MODULE/posix/: platform/, deploy/); src/win/win.mk
# builds the same portable files with the src/lib/MODULE/win/ ones.
LIB_PORTABLE := $(sort $(wildcard src/lib/*/*.c))
LIB_SRC  := $(LIB_PORTABLE) $(sort $(wildcard src/lib/*/posix/*.c))
CLI_SRC  := $(sort $(wildcard src/cli/*.c))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
# The public headers: the umbrella and one per module.
PUB_H    := include/certchain.h $(sort $(wildcard include/certchain/*.h))
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/%.o)
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
LIBA     := $(BUILD)/libcertchain.a
BIN      := $(BUILD)/certchain
# The built-in stores precomputed (see src/lib/trust/profile_index.c), beside them.
IDX      := data/trust-stores/profiles.idx
IDX_TOOL := $(BUILD)/tools/profiles-index

.PHONY: check-run all check demo install clean check-asan check-valgrind deps
all: $(BIN) $(IDX)

# On a fresh machine `make demo` / `make check` install what they need first
# (as root, through scripts/install-deps); elsewhere they say what is missing.
deps:
	@if ! command -v pkg-config >/dev/null 2>&1 || \
	    ! pkg-config --exists $(PKGS) cmocka 2>/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then bash scripts/install-deps; \
	  else echo "missing build dependencies: run 'sudo scripts/install-deps'" >&2; exit 2; fi; \
	fi

$(BUILD)/%.o: %.c $(PUB_H) $(wildcard src/lib/*.h src/lib/*/*.h) $(wildcard src/cli/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(LIBA): $(LIB_OBJ)
	$(AR) rcs $@ $^

$(BIN): $(CLI_OBJ) $(LIBA)
	$(CC) $(ALL_CFLAGS) -o $@ $(CLI_OBJ) $(LIBA) $(LDFLAGS) $(LDLIBS)

$(IDX_TOOL): tools/profiles-index.c $(LIBA)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LIBA) $(LDFLAGS) $(LDLIBS)

$(IDX): $(IDX_TOOL) data/trust-stores/profiles.conf $(wildcard data/trust-stores/*.pem)
	$(IDX_TOOL) data

$(BUILD)/tests/%: tests/unit/%.c tests/unit/testpki.c tests/unit/testpki.h $(LIBA)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests/unit -o $@ $< tests/unit/testpki.c $(LIBA) \
	    $(LDFLAGS) $(LDLIBS) $(shell pkg-config --libs cmocka)

# The test command the README gives; .ci/run runs exactly this.
# fuzz-smoke runs first so that the suite's "N passed, N failed" line closes the output.
check: deps
	@if [ "$(FUZZ_SMOKE)" != no ]; then $(MAKE) --no-print-directory fuzz-smoke; fi
	@$(MAKE) --no-print-directory check-run

check-run: $(BIN) $(IDX) $(UNIT_BIN)
	@bash tests/run-all.sh "$(abspath $(BIN))" $(UNIT_BIN)

check-asan:
	CERTCHAIN_TIME_SCALE=10 $(MAKE) BUILD=build-asan CC=clang FUZZ_SMOKE=no \
	  CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	  LDFLAGS="-fsanitize=address,undefined" check

check-valgrind: $(BIN) $(IDX) $(UNIT_BIN)
	@CERTCHAIN_TIME_SCALE=100 CERTCHAIN_WRAP="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite" \
	  bash tests/run-all.sh "$(abspath $(BIN))" $(UNIT_BIN)

demo: deps
	@$(MAKE) --no-print-directory $(BIN) $(IDX)
	@bash scripts/demo.sh "$(abspath $(BIN))"

install: $(BIN) $(IDX)
	install -D -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/certchain
	install -D -m 0644 include/certchain.h $(DESTDIR)$(PREFIX)/include/certchain.h
	install -d $(DESTDIR)$(PREFIX)/include/certchain
	install -m 0644 include/certchain/*.h $(DESTDIR)$(PREFIX)/include/certchain/
	install -D -m 0644 $(LIBA) $(DESTDIR)$(PREFIX)/lib/libcertchain.a
	install -D -m 0644 docs/certchain.1 $(DESTDIR)$(PREFIX)/share/man/man1/certchain.1
	install -d $(DESTDIR)$(DATADIR)/trust-stores
	# -p keeps the modification times profiles.idx was checked against
	install -p -m 0644 data/trust-stores/* $(DESTDIR)$(DATADIR)/trust-stores/

clean:
	rm -rf build build-asan build-fuzz

include fuzz/fuzz.mk
include bench/bench.mk
include src/win/win.mk
