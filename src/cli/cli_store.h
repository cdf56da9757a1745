/* cli_store.h - what the store command files and build/verify share. */
#ifndef CC_CLI_STORE_H
#define CC_CLI_STORE_H

#include "cli.h"

/* Options of every 'certchain store' command. */
typedef struct cli_store_args {
	const char *dir;  /* --store, NULL = default */
	const char *key;  /* import --key */
	const char *name; /* import --name */
	const char *out;  /* export -o */
	int to;           /* import --to, 0 = auto */
	int json, der, insecure;
	char **args;      /* positional arguments after the store command */
	size_t nargs;
} cli_store_args_t;

/* store_args.c: the usage text of every store command (--help). */
extern const char cli_store_usage[];
/* Parses argv (argv[0] is the store command); -1 after --help, EXIT_USAGE
 * after a bad option (message printed), 0 otherwise. */
int cli_store_args(int argc, char **argv, cli_store_args_t *a);
/* Opens a->dir (or the default store); prints and returns EXIT_USAGE on error. */
int cli_store_open(const cli_store_args_t *a, cc_store_t **st);

int cmd_store_import(int argc, char **argv);

/* Undoes a failed multi-certificate import (call it holding the store lock):
 * removes every res[0..n) this call added (res->added), leaving what was
 * already there. 0, or the first removal's error code (err set). */
int cli_store_undo(cc_store_t *st, const cc_store_imported_t *res, size_t n,
		   cc_error_t *err);

#endif
