/* cli.h - what the subcommand files share. */
#ifndef CC_CLI_H
#define CC_CLI_H

#include "certchain.h"

#include <stdio.h>

/* Exit codes, the same for every command (documented in --help and the man page). */
enum {
	EXIT_OK = 0,       /* success: a valid chain / no problems */
	EXIT_PROBLEM = 1,  /* ran fine, the answer is negative (no path, findings) */
	EXIT_USAGE = 2,    /* bad usage or unreadable/invalid input */
	EXIT_CONNECT = 3   /* could not connect or handshake */
};

/* Each subcommand: argc/argv start at the subcommand name. */
typedef int (*cmd_fn)(int argc, char **argv);

int cmd_build(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_store(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_import_pfx(int argc, char **argv);

/* Prints "certchain: WHERE: MSG" to stderr; returns EXIT_USAGE. */
int cli_fail(const cc_error_t *err);
/* Prints "certchain CMD: MSG" and a hint to run --help; returns EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Loads path into pool (see cc_pool_load); prints and returns EXIT_USAGE on error. */
int cli_load(cc_pool_t *pool, const char *path, unsigned flags,
	     cc_certlist_t *order);
/* Loads the default system trust store into pool; EXIT_USAGE when missing. */
int cli_load_system_roots(cc_pool_t *pool, const char **used);
/* Parses --at; EXIT_USAGE on a bad value. */
int cli_parse_time(const char *cmd, const char *s, time_t *out);

/* Writes the chain as PEM (leaf first) to path atomically. */
int cli_write_pem(const char *path, cc_cert_t *const *v, size_t n);
/* Appends one certificate as PEM to b. */
void cli_pem(cc_buf_t *b, cc_cert_t *c);

/* Prints the buffer to stdout and frees it. */
void cli_flush(cc_buf_t *b);

/* Draws a chain as an indented tree with CN, key, expiry, for people. */
void cli_tree(cc_buf_t *b, cc_cert_t *const *v, size_t n, size_t served,
	      time_t at);

/* The certificate store in build/verify (store_use.c). */
typedef struct cli_store_opts {
	const char *dir; /* --store DIR, NULL = default */
	int no_store;    /* --no-store */
} cli_store_opts_t;
/* Unless o->no_store: replaces *anchors by (*anchors minus the store's
 * disabled certificates) plus its enabled roots, and adds its enabled
 * intermediates to *pool. With filter_pool, *pool is also replaced by one
 * without the disabled certificates, except keep->v[0] (the leaf); keep's
 * entries are re-pointed into the new pool (NULL when dropped). Old pools
 * are freed. Prints the error and returns EXIT_USAGE on failure. */
int cli_store_apply(const cli_store_opts_t *o, cc_pool_t **pool,
		    cc_pool_t **anchors, cc_certlist_t *keep, int filter_pool);

/* password.c: a password from file (first line; warns when group/world
 * readable), env var, or /dev/tty without echo (twice when confirm; confirm
 * also refuses an empty one). what names the file in the prompt. *out is
 * freed with cli_password_free(). Returns 0 or EXIT_USAGE (message printed). */
int cli_password(const char *cmd, const char *file, const char *env,
		 const char *what, int confirm, char **out);
void cli_password_free(char *p);

#endif
