# win.mk - the native Windows build: `make windows` cross-compiles
# $(BUILD)/win/certchain.exe with mingw-w64, statically linked against
# OpenSSL 3 built for mingw64 from Debian's source package (cached outside
# the clone by scripts/build-openssl-mingw). The portable sources are
# compiled unchanged with src/win/compat.h force-included; src/win/*.c adds
# the Windows-only parts (POSIX shims, WinHTTP for AIA, the system stores).
WIN_CC    ?= x86_64-w64-mingw32-gcc
WBUILD    := $(BUILD)/win
WIN_EXE   := $(WBUILD)/certchain.exe
# certchain serve (libmicrohttpd) is not part of the Windows build.
WIN_CLI_SKIP := src/cli/cmd_serve.c src/cli/serve_allow.c src/cli/serve_page.c src/cli/serve_prom.c
# The library's Windows side (src/lib/MODULE/win/, src/lib/README.md):
# servers are not run nor their reloads proved (nginx/haproxy/apache
# deployment is Linux only) and names resolve through getaddrinfo (c-ares
# has no mingw build in Debian).
WIN_SRC   := $(LIB_PORTABLE) $(sort $(wildcard src/lib/*/win/*.c)) $(filter-out $(WIN_CLI_SKIP),$(CLI_SRC)) \
             $(sort $(wildcard src/win/*.c))
WIN_OBJ   := $(WIN_SRC:%.c=$(WBUILD)/%.o)
# Read when a recipe runs, after $(WBUILD)/openssl.prefix exists.
WIN_OSSL   = $(shell cat $(WBUILD)/openssl.prefix)
# jansson (fleet records) built the same way, from Debian's source package.
WIN_JANS   = $(shell cat $(WBUILD)/jansson.prefix)
WIN_CFLAGS = -std=c11 -D_GNU_SOURCE -D__USE_MINGW_ANSI_STDIO=1 \
             -D_POSIX_THREAD_SAFE_FUNCTIONS=200112L -O2 -Wall -Wextra \
             -Wno-unused-parameter -Wno-format -Wno-format-truncation \
             -Isrc/win/include -Isrc/win -Iinclude -Isrc/lib -Isrc/cli \
             -I$(WIN_OSSL)/include -I$(WIN_JANS)/include -include src/win/compat.h \
             -DCC_DATADIR='"C:/Program Files/certchain"'
WIN_LIBS   = $(WIN_OSSL)/lib/libssl.a $(WIN_OSSL)/lib/libcrypto.a \
             $(WIN_JANS)/lib/libjansson.a \
             -lwinhttp -lcrypt32 -lws2_32 -luser32 -ladvapi32 -lshell32
# Windows-side e2e tests run when the cross compiler and wine are present.
WIN_READY := $(shell command -v $(WIN_CC) >/dev/null 2>&1 && \
               test -x /usr/lib/wine/wine64 && echo yes)

.PHONY: windows
windows: $(WIN_EXE) $(WBUILD)/trust-stores/profiles.conf

$(WBUILD)/openssl.prefix: scripts/build-openssl-mingw
	@mkdir -p $(WBUILD)
	bash scripts/build-openssl-mingw >$@.tmp && mv $@.tmp $@

$(WBUILD)/jansson.prefix: scripts/build-jansson-mingw
	@mkdir -p $(WBUILD)
	bash scripts/build-jansson-mingw >$@.tmp && mv $@.tmp $@

$(WBUILD)/%.o: %.c $(PUB_H) $(wildcard src/lib/*.h src/lib/*/*.h src/cli/*.h src/win/*.h) \
               | $(WBUILD)/openssl.prefix $(WBUILD)/jansson.prefix
	@mkdir -p $(dir $@)
	$(WIN_CC) $(WIN_CFLAGS) $(if $(filter src/cli/main.c,$<),-Dmain=cc_posix_main) -c -o $@ $<

# binmode.o: every file and stdio stream in binary mode (DER, PFX, LF output).
$(WIN_EXE): $(WIN_OBJ)
	$(WIN_CC) -static -o $@ $(WIN_OBJ) $$($(WIN_CC) -print-file-name=binmode.o) \
	    $(WIN_LIBS) -lpthread

# The trust profiles ship beside the .exe (cli_data_dir looks there).
$(WBUILD)/trust-stores/profiles.conf: $(wildcard data/trust-stores/*)
	@mkdir -p $(WBUILD)/trust-stores
	cp data/trust-stores/* $(WBUILD)/trust-stores/

ifeq ($(WIN_READY),yes)
check-run: windows
endif
