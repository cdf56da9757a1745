# certchain - build, test, demo. GNU Make + pkg-config.
PREFIX   ?= /usr/local
CC       ?= cc
PKGS      = libssl libcrypto libcurl libcares jansson libidn2
CFLAGS   ?= -O2 -g
# Flags the build needs whatever CFLAGS the caller gives (check-asan sets CFLAGS).
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -Wall -Wextra -Wno-unused-parameter \
             $(if $(findstring clang,$(CC)),,-Wno-format-truncation) -Iinclude -Isrc/lib \
             $(shell pkg-config --cflags $(PKGS)) $(CPPFLAGS) $(CFLAGS)
LDLIBS   += $(shell pkg-config --libs $(PKGS))
# The command line only: the HTTP server of `certchain serve`.
CLI_PKGS  = libmicrohttpd
CLI_LIBS  = $(shell pkg-config --libs $(CLI_PKGS)) -lpthread
# Where `make install` puts things; the Debian package passes LIBDIR with
# its multiarch triplet.
BINDIR   ?= $(PREFIX)/bin
LIBDIR   ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
MANDIR   ?= $(PREFIX)/share/man
PCDIR    ?= $(LIBDIR)/pkgconfig
# The built-in trust profiles (data/trust-stores).
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
# The version is written once, in include/certchain/base.h. The shared
# library's soname carries the major number (0: the API may still change
# between minor versions, each of which then bumps it).
VERSION  := $(shell sed -n 's/^\#define CERTCHAIN_VERSION "\(.*\)"$$/\1/p' include/certchain/base.h)
SOMAJOR  := $(firstword $(subst ., ,$(VERSION)))
SONAME   := libcertchain.so.$(SOMAJOR)
LIBSO    := $(BUILD)/libcertchain.so.$(VERSION)
# Exported from the shared library: exactly the cc_* functions the public
# headers declare (a version script generated from them; internal.h's
# functions, which the CLI and tests use from the static library, stay local).
LIBMAP   := $(BUILD)/libcertchain.map
BIN      := $(BUILD)/certchain
# The man pages (docs/man/): certchain.1 and certchain-COMMAND.1.
MAN_PAGES := $(sort $(wildcard docs/man/*.1))
# The built-in stores precomputed (see src/lib/trust/profile_index.c), beside them.
IDX      := data/trust-stores/profiles.idx
IDX_TOOL := $(BUILD)/tools/profiles-index

.PHONY: check-run all check demo install uninstall clean check-asan check-valgrind deps
all: $(BIN) $(IDX) $(LIBSO)

# On a fresh machine `make demo` / `make check` install what they need first
# (as root, through scripts/install-deps); elsewhere they say what is missing.
deps:
	@if ! command -v pkg-config >/dev/null 2>&1 || \
	    ! pkg-config --exists $(PKGS) $(CLI_PKGS) cmocka 2>/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then bash scripts/install-deps; \
	  else echo "missing build dependencies: run 'sudo scripts/install-deps'" >&2; exit 2; fi; \
	fi

$(BUILD)/%.o: %.c $(PUB_H) $(wildcard src/lib/*.h src/lib/*/*.h) $(wildcard src/cli/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(LIBA): $(LIB_OBJ)
	$(AR) rcs $@ $^

# The library's objects serve the shared library too (rebuilt when this
# file changes, so objects built before -fPIC never reach the link).
$(LIB_OBJ): ALL_CFLAGS += -fPIC
$(LIB_OBJ): Makefile

# Every function name the public headers declare, as the preprocessor sees
# them (no comments), except function-pointer typedefs "(*cc_x)(".
$(LIBMAP): $(PUB_H)
	@mkdir -p $(dir $@)
	{ echo 'CERTCHAIN_$(SOMAJOR) {'; echo '  global:'; \
	  $(CC) -E -P -Iinclude $(shell pkg-config --cflags libcrypto) include/certchain.h | \
	  grep -oE '(^|[^a-zA-Z0-9_*(]|[^(]\*)[ ]*cc_[a-z0-9_]+ *\(' | \
	  grep -oE 'cc_[a-z0-9_]+' | sort -u | sed 's/.*/    &;/'; \
	  echo '  local: *;'; echo '};'; } >$@.tmp && mv $@.tmp $@

$(LIBSO): $(LIB_OBJ) $(LIBMAP)
	$(CC) -shared -Wl,-soname,$(SONAME) -Wl,--version-script=$(LIBMAP) \
	    -o $@ $(LIB_OBJ) $(LDFLAGS) $(LDLIBS)
	ln -sf $(notdir $@) $(BUILD)/$(SONAME)
	ln -sf $(SONAME) $(BUILD)/libcertchain.so


$(BIN): $(CLI_OBJ) $(LIBA)
	$(CC) $(ALL_CFLAGS) -o $@ $(CLI_OBJ) $(LIBA) $(LDFLAGS) $(LDLIBS) $(CLI_LIBS)

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

check-run: $(BIN) $(IDX) $(UNIT_BIN) $(LIBSO)
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

install: $(BIN) $(IDX) $(LIBA) $(LIBSO)
	install -D -m 0755 $(BIN) $(DESTDIR)$(BINDIR)/certchain
	install -D -m 0644 include/certchain.h $(DESTDIR)$(INCLUDEDIR)/certchain.h
	install -d $(DESTDIR)$(INCLUDEDIR)/certchain
	install -m 0644 include/certchain/*.h $(DESTDIR)$(INCLUDEDIR)/certchain/
	install -D -m 0644 $(LIBA) $(DESTDIR)$(LIBDIR)/libcertchain.a
	install -D -m 0644 $(LIBSO) $(DESTDIR)$(LIBDIR)/$(notdir $(LIBSO))
	ln -sf $(notdir $(LIBSO)) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libcertchain.so
	# certchain.pc with the directories of this install (not of the build)
	install -d $(DESTDIR)$(PCDIR)
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
	    -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@DATADIR@|$(DATADIR)|' \
	    -e 's|@VERSION@|$(VERSION)|' certchain.pc.in >$(DESTDIR)$(PCDIR)/certchain.pc
	chmod 0644 $(DESTDIR)$(PCDIR)/certchain.pc
	# the man pages: certchain(1), the index, and one per command
	install -d $(DESTDIR)$(MANDIR)/man1
	install -m 0644 $(MAN_PAGES) $(DESTDIR)$(MANDIR)/man1/
	install -d $(DESTDIR)$(DATADIR)/trust-stores
	# -p keeps the modification times profiles.idx was checked against
	install -p -m 0644 data/trust-stores/* $(DESTDIR)$(DATADIR)/trust-stores/

# Removes what install put there (the same variables), and the directories
# it made when they are left empty.
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/certchain $(DESTDIR)$(INCLUDEDIR)/certchain.h \
	    $(addprefix $(DESTDIR)$(INCLUDEDIR)/certchain/,$(notdir $(wildcard include/certchain/*.h))) \
	    $(DESTDIR)$(LIBDIR)/libcertchain.a $(DESTDIR)$(LIBDIR)/$(notdir $(LIBSO)) \
	    $(DESTDIR)$(LIBDIR)/$(SONAME) $(DESTDIR)$(LIBDIR)/libcertchain.so \
	    $(DESTDIR)$(PCDIR)/certchain.pc \
	    $(addprefix $(DESTDIR)$(MANDIR)/man1/,$(notdir $(MAN_PAGES)))
	rm -rf $(DESTDIR)$(DATADIR)/trust-stores
	-rmdir $(DESTDIR)$(INCLUDEDIR)/certchain $(DESTDIR)$(DATADIR) 2>/dev/null

clean:
	rm -rf build build-asan build-fuzz

# The Debian packages (debian/: certchain, libcertchain0, libcertchain-dev),
# built from a copy of the tree in build/deb/ so that dpkg-buildpackage
# neither cleans this tree's builds nor writes beside the clone; the .deb
# files are left in build/deb/.
DEB_DIR := build/deb
DEB_SRC := $(DEB_DIR)/certchain-$(VERSION)
.PHONY: deb
deb:
	rm -rf $(DEB_DIR) && mkdir -p $(DEB_SRC)
	tar -cf - --exclude=./build --exclude=./build-asan --exclude=./build-fuzz \
	    --exclude=./.git --exclude=./data/trust-stores/profiles.idx . | tar -xf - -C $(DEB_SRC)
	# the package is built with Debian's flags, never with a sanitizer
	# build's (check-asan passes CC, CFLAGS and BUILD down through MAKEFLAGS)
	cd $(DEB_SRC) && env -u MAKEFLAGS -u MFLAGS -u MAKEOVERRIDES -u CFLAGS \
	    -u LDFLAGS -u CC -u BUILD DEB_BUILD_OPTIONS="nocheck $(DEB_BUILD_OPTIONS)" \
	    dpkg-buildpackage -us -uc -b
	rm -rf $(DEB_SRC)
	@ls $(DEB_DIR)/*.deb

include fuzz/fuzz.mk
include bench/bench.mk
include src/win/win.mk
