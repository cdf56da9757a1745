/*
 * main_win.c - the entry point of certchain.exe. Commands that cannot work
 * on Windows are refused here with one clear line; everything else goes to
 * the portable dispatcher (src/cli/main.c, compiled as cc_posix_main).
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cc_posix_main(int argc, char **argv);

/* Deployment to POSIX web servers: needs their binaries and signals. */
static const char *const posix_only[] = { "bind", "bindings", "unbind", "reload" };

/* The file store's default place: Windows has no HOME, so unless
 * CERTCHAIN_STORE or HOME says otherwise it is %LOCALAPPDATA%\certchain
 * (the per-user application data folder). */
static void default_store(void)
{
	const char *la = getenv("LOCALAPPDATA");
	static char env[1200];

	if ((getenv("CERTCHAIN_STORE") && *getenv("CERTCHAIN_STORE")) ||
	    (getenv("HOME") && *getenv("HOME")) || !la || !*la)
		return;
	snprintf(env, sizeof(env), "CERTCHAIN_STORE=%s\\certchain", la);
	_putenv(env);
}

int main(int argc, char **argv)
{
	default_store();
	if (argc >= 2) {
		for (size_t i = 0; i < sizeof(posix_only) / sizeof(posix_only[0]); i++)
			if (!strcmp(argv[1], posix_only[i])) {
				fprintf(stderr, "certchain: '%s' is not available in the "
						"Windows build: it manages nginx/haproxy/apache "
						"sites\n",
					argv[1]);
				return EXIT_USAGE;
			}
	}
	return cc_posix_main(argc, argv);
}
