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
int cmd_check(int argc, char **argv);

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

#endif
