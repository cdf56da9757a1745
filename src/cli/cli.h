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
int cmd_explain(int argc, char **argv);
int cmd_profiles(int argc, char **argv);

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
/* Appends s to the growable array *v of *n option values; -1 when out of memory. */
int cli_push_arg(const char ***v, size_t *n, const char *s);
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

/* trust.c: trust profiles for build, explain, profiles and check. */
/* The data directory: CERTCHAIN_DATA_DIR, the installed share/certchain,
 * PREFIX/share/certchain next to the binary, or the source tree's data/. */
const char *cli_data_dir(void);
/* Fills ps from --profile specs and -r files (the latter become the profile
 * "roots"); with neither, every built-in profile plus "system". Prints the
 * error and returns EXIT_USAGE on failure. */
int cli_profiles(cc_profiles_t *ps, const char *const *specs, size_t nspecs,
		 const char *const *roots, size_t nroots);
void cli_profiles_json(cc_buf_t *b, cc_profiles_t *ps);
void cli_verdicts_json(cc_buf_t *b, cc_profiles_t *ps, const cc_verdicts_t *v);
void cli_verdicts_text(cc_buf_t *b, cc_profiles_t *ps, const cc_verdicts_t *v,
		       const char *indent);
void cli_matrix_json(cc_buf_t *b, cc_profiles_t *ps, const cc_matrix_t *m);
void cli_matrix_text(cc_buf_t *b, cc_profiles_t *ps, const cc_matrix_t *m);
/* paths (may be NULL): the ranked build, to name each row's anchor. */
void cli_explain(cc_buf_t *b, cc_profiles_t *ps, const cc_matrix_t *m,
		 const cc_paths_t *paths);
/* build and explain share one implementation; explain=1 for 'explain'. */
int cli_build_main(int argc, char **argv, int explain);

#endif
