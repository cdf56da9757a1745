/*
 * main_win.c - the entry point of certchain.exe. Commands that cannot work
 * on Windows are refused here with one clear line; everything else goes to
 * the portable dispatcher (src/cli/main.c, compiled as cc_posix_main).
 */
#include "win.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>
#include <shellapi.h>

int cc_posix_main(int argc, char **argv);

/* The commands that take --system (the Windows stores instead of the file store). */
static const char *const judging[] = { "build", "explain", "verify", "check", "fix", "export" };

static int has_system(int argc, char **argv)
{
	for (int i = 2; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--system"))
			return 1;
	/* doctor --help without --system still helps */
	return argc > 2 && !strcmp(argv[1], "doctor") &&
	       (!strcmp(argv[2], "--help") || !strcmp(argv[2], "-h"));
}

/* --system: the Windows stores (win_*.c); 0 when not asked for. */
static int system_cmd(int argc, char **argv, int *rc)
{
	int machine;

	if (argc < 2 || !has_system(argc, argv))
		return 0;
	win_take_system(&argc, argv, &machine);
	if (!strcmp(argv[1], "store") && argc > 2 && !strcmp(argv[2], "export")) {
		argv[2] = "export"; /* store --system export SEL ... = export SEL --system ... */
		*rc = win_with_snapshot(argc - 1, argv + 1, machine);
		return 1;
	}
	if (!strcmp(argv[1], "store"))
		*rc = win_cmd_store(argc - 1, argv + 1, machine);
	else if (!strcmp(argv[1], "doctor"))
		*rc = win_cmd_doctor(argc - 1, argv + 1, machine);
	else if (!strcmp(argv[1], "import-pfx"))
		*rc = win_cmd_import_pfx(argc - 1, argv + 1, machine);
	else {
		for (size_t i = 0; i < sizeof(judging) / sizeof(judging[0]); i++)
			if (!strcmp(argv[1], judging[i])) {
				*rc = win_with_snapshot(argc, argv, machine);
				return 1;
			}
		fprintf(stderr, "certchain %s: --system is not an option of this command\n",
			argv[1]);
		*rc = EXIT_USAGE;
	}
	return 1;
}

/* Deployment to POSIX web servers: needs their binaries and signals. */
static const char *const posix_only[] = { "bindings", "unbind", "reload" };

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

/* The command line as UTF-8, converted once from the UTF-16 Windows keeps
 * (main's argv is in the ANSI code page: "für" would arrive as one byte
 * that is not UTF-8, "証明書" as "???"). From here on every name, selector
 * and path is UTF-8, as on Linux; compat.c opens files through the wide
 * calls. NULL when the conversion fails (main's argv is used then). */
static char **utf8_argv(int *argc)
{
	int n = 0;
	LPWSTR *w = CommandLineToArgvW(GetCommandLineW(), &n);
	char **v = w && n > 0 ? calloc((size_t)n + 1, sizeof(*v)) : NULL;

	for (int i = 0; v && i < n; i++) {
		int len = WideCharToMultiByte(CP_UTF8, 0, w[i], -1, NULL, 0, NULL, NULL);
		if (len <= 0 || !(v[i] = malloc((size_t)len)) ||
		    !WideCharToMultiByte(CP_UTF8, 0, w[i], -1, v[i], len, NULL, NULL)) {
			for (int k = 0; k <= i; k++)
				free(v[k]);
			free(v);
			v = NULL;
		}
	}
	if (w)
		LocalFree(w);
	if (v)
		*argc = n;
	return v;
}

/* Output is UTF-8 (names as typed); a console shows it as such while
 * certchain runs, and gets its own code page back at the end. */
static UINT console_cp;

static void console_restore(void)
{
	SetConsoleOutputCP(console_cp);
}

static void console_utf8(void)
{
	if ((console_cp = GetConsoleOutputCP()) && console_cp != CP_UTF8 &&
	    SetConsoleOutputCP(CP_UTF8))
		atexit(console_restore);
}

int main(int argc, char **argv)
{
	int rc;
	char **u = utf8_argv(&argc);

	if (u)
		argv = u; /* lives as long as the process */
	console_utf8();
	default_store();
	if (system_cmd(argc, argv, &rc))
		return rc;
	if (argc >= 2) {
		for (size_t i = 0; i < sizeof(posix_only) / sizeof(posix_only[0]); i++)
			if (!strcmp(argv[1], posix_only[i])) {
				fprintf(stderr, "certchain: '%s' is not available in the "
						"Windows build: it manages nginx/haproxy/apache "
						"sites\n",
					argv[1]);
				return EXIT_USAGE;
			}
		if (!strcmp(argv[1], "bind")) /* IIS only: a script (cmd_iis.c) */
			return win_cmd_bind(argc - 1, argv + 1, 1);
		if (!strcmp(argv[1], "doctor")) {
			fprintf(stderr, "certchain doctor: give --system (it diagnoses this "
					"machine's Windows certificate stores)\n");
			return EXIT_USAGE;
		}
	}
	return cc_posix_main(argc, argv);
}
