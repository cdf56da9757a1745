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
int cmd_fix(int argc, char **argv);
int cmd_store(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_import_pfx(int argc, char **argv);

int cmd_explain(int argc, char **argv);
int cmd_profiles(int argc, char **argv);
int cmd_serve(int argc, char **argv); /* cmd_serve.c, not in the Windows build */

/* Prints "certchain: WHERE: MSG" to stderr; returns EXIT_USAGE. */
int cli_fail(const cc_error_t *err);
/* no_chain.c: export's and bind's one line when no trusted chain exists
 * (the missing issuer by name, key id and URL, or why the path fails).
 * Returns EXIT_PROBLEM. */
int cli_no_chain(const char *cmd, cc_cert_t *leaf, cc_pool_t *pool,
		 cc_pool_t *anchors, const cc_error_t *err);
/* no_chain.c: one line on stderr ("certchain CMD: note: ...") when note (from
 * cc_chain_choose_noted: the chosen chain leaves out a cross-signed twin) is
 * not empty. */
void cli_twin_note(const char *cmd, const cc_buf_t *note);
/* no_chain.c: parses --horizon DAYS (1..36500) into *days; EXIT_USAGE. */
int cli_horizon(const char *cmd, const char *arg, int *days);
/* Prints "certchain CMD: MSG" and a hint to run --help; returns EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* After getopt_long returned '?' (opterr is 0, see main.c): one line naming
 * the unknown option or the option missing its value; returns EXIT_USAGE. */
struct option;
int cli_bad_option(const char *cmd, char **argv, const struct option *lo);
/* Loads path into pool (see cc_pool_load); prints and returns EXIT_USAGE on error. */
int cli_load(cc_pool_t *pool, const char *path, unsigned flags,
	     cc_certlist_t *order);
/* Loads the default system trust store into pool; EXIT_USAGE when missing. */
int cli_load_system_roots(cc_pool_t *pool, const char **used);
/* Appends s to the growable array *v of *n option values; -1 when out of memory. */
int cli_push_arg(const char ***v, size_t *n, const char *s);
/* Longest host name kept (DNS: 253 characters), with its NUL. */
#define CLI_HOST_MAX 256
/* target.c: the one normalisation of a host name, for --host/--sni/
 * --hostname and the host of every HOST[:PORT] target. Writes the name to
 * resolve, match and send as SNI into out (n bytes): not empty, no blank or
 * control character, no wildcard (no client asks for one), one trailing dot
 * dropped (a fully qualified name), a U-label converted to its A-label
 * (libidn2; refused on Windows). 0, or -1 with why (whyn bytes, may be
 * NULL) saying why val is refused, naming it. */
int cli_host_norm(const char *val, char *out, size_t n, char *why, size_t whyn);
/* cli_host_norm for the value of option opt; EXIT_USAGE (one line printed,
 * naming the option and the cause) when refused. */
int cli_host_arg(const char *cmd, const char *opt, const char *val, char *out,
		 size_t n);
/* Checks an output path given to option opt before any network or store
 * work: not empty, not a directory, in a directory that exists and can be
 * written. 0, or EXIT_USAGE with one line naming the path and the cause. */
int cli_out_arg(const char *cmd, const char *opt, const char *path);
/* Parses --at; EXIT_USAGE on a bad value. */
int cli_parse_time(const char *cmd, const char *s, time_t *out);
/* policy_cli.c: parses --policy into *out (enum cc_policy); EXIT_USAGE on a
 * bad value. */
int cli_policy_arg(const char *cmd, const char *val, int *out);
/* Gives --policy to every profile without a policy of its own (-r, the
 * store, -p NAME=PATH without ,policy=, system); built-in profiles and -p
 * specs with ,policy= keep theirs (cc_profile_policy_own), whatever their
 * name. */
void cli_policy_apply(cc_profiles_t *ps, int policy);
#define CLI_POLICY_USAGE                                                        \
	"      --policy P                validation policy: webpki (default),\n"  \
	"                                rfc5280 or legacy; also the policy of\n" \
	"                                -r, the store, -p NAME=PATH without\n"   \
	"                                ,policy= and system\n"

/* Writes the chain as PEM (leaf first) to path atomically. */
int cli_write_pem(const char *path, cc_cert_t *const *v, size_t n);
/* Appends one certificate as PEM to b. */
void cli_pem(cc_buf_t *b, cc_cert_t *c);

/* Findings: one line each ("  error   wrong-order  ..."), or a JSON array.
 * The id column is as wide as the longest id shown, plus two spaces (the
 * column a wrapped message hangs at). */
void cli_findings_text(cc_buf_t *b, const cc_findings_t *f);
/* The same with the id column idw characters wide (at least the longest id
 * of f: cli_findings_idw), so that several lists align. */
void cli_findings_text_w(cc_buf_t *b, const cc_findings_t *f, int idw);
/* The longer of idw and the longest id in f (may be NULL). */
int cli_findings_idw(const cc_findings_t *f, int idw);
/* "error", "warning" or "info". */
const char *cli_sev_name(int severity);
/* The findings as a JSON array of {"id","severity","depth","message"}: a new
 * reference, NULL when out of memory. */
json_t *cli_findings_json(const cc_findings_t *f);
/* Appends the document j and a newline to b, then drops j; a NULL j (a
 * member lost to memory) leaves b marked out of memory, not half a
 * document. */
void cli_json_line(cc_buf_t *b, json_t *j);
/* JSON values made the way every --json document makes them; each is a new
 * reference, NULL when out of memory. */
/* x as a real with the value "%.*f" shows (decimals after the point). */
json_t *cli_json_fixed(double x, int decimals);
/* x as "%g" shows it: an integer when it has no fraction, else a real. */
json_t *cli_json_g(double x);
/* s as a string (cc_json_str), or null when s is NULL or "". */
json_t *cli_json_opt(const char *s);
/* c's SHA-256 fingerprint as 64 lowercase hex digits, or null when c is NULL. */
json_t *cli_json_fp(cc_cert_t *c);
/* The n certificates of v as an array of cc_cert_json() objects, in order. */
json_t *cli_certs_json(cc_cert_t *const *v, size_t n);
/* The n certificates of v as an array of their fingerprints, in order. */
json_t *cli_fps_json(cc_cert_t *const *v, size_t n);
/* The n strings of v as an array of JSON strings (cc_json_str), in order. */
json_t *cli_strs_json(char *const *v, size_t n);

/* A HOST[:PORT] target, parsed. */
typedef struct cli_hostport {
	char host[CLI_HOST_MAX];  /* resolved, sent as SNI, matched and shown: an
				     address literal, or a name as cli_host_norm
				     makes it (A-label, no trailing dot) */
	char typed[CLI_HOST_MAX]; /* the host as given, brackets off */
	char port[16];            /* the port, or the default */
	int port_given;           /* 1 when the target named the port */
} cli_hostport_t;
/* target.c: splits "host", "host:port", "[v6]", "[v6]:port" or a bare v6
 * literal into hp (port defport when none); a name goes through
 * cli_host_norm and must then be letters, digits, '-', '_' and dots (no
 * other byte ever reaches the resolver). 0, or -1 with why (whyn bytes,
 * may be NULL; "" when no more can be said) when s is no target. */
int cli_hostport_parse(const char *s, const char *defport, cli_hostport_t *hp,
		       char *why, size_t whyn);
/* The target spec (parsed into hp) as shown to people, into out (n bytes):
 * spec itself, or when the host was given another way (a trailing dot, a
 * U-label) the host as resolved, sent and matched, with the port when spec
 * names one, then the U-label typed in parentheses:
 * "xn--bcher-kva.example:443 (bücher.example)". */
void cli_hostport_label(const char *spec, const cli_hostport_t *hp, char *out, size_t n);
/* cli_hostport_parse into host (hn bytes) and port (pn bytes); -1 when
 * malformed or too long. */
int cli_split_hostport(const char *s, char *host, size_t hn, char *port,
		       size_t pn, const char *defport);
/* 1 when h is an IPv4 or IPv6 address literal. */
int cli_is_ip(const char *h);

/* Prints the buffer to stdout and frees it (as it is: JSON, PEM, HTML,
 * scripts; a human report goes through cli_flush_text). */
void cli_flush(cc_buf_t *b);

/* wrap.c: human reports fitted to the screen. */
/* The width reports wrap to: $COLUMNS when a positive integer, else the
 * terminal's width when stdout is one, else 100. */
int cli_text_width(void);
/* Appends text[0..len) to out with each line longer than width columns
 * wrapped at spaces. A continuation line is indented to the line's text
 * column: after its leading spaces and a list marker ("- ", "* ", "+ ",
 * "~ ", "N. ", "[N] "), after an id column (a word padded with two or more
 * spaces, as in "  error   wrong-order   text"), else after a short
 * "label: ", else four columns in. Nothing is cut: a word longer than the
 * width (a path, a URL) stays whole on a line of its own. */
void cli_wrap(cc_buf_t *out, const char *text, size_t len, int width);
/* cli_flush for a human report: wraps b to cli_text_width(), prints, frees. */
void cli_flush_text(cc_buf_t *b);
/* cli_flush when json, else cli_flush_text. */
void cli_flush_report(cc_buf_t *b, int json);

/* Draws a chain as an indented tree with CN, key, expiry, for people. */
void cli_tree(cc_buf_t *b, cc_cert_t *const *v, size_t n, size_t served,
	      time_t at);

/* AIA options shared by build and fix (aia_cli.c). Option values for getopt. */
enum { CLI_AIA_ON = 0x200, CLI_AIA_OFF, CLI_AIA_CACHE, CLI_AIA_OFFLINE,
       CLI_AIA_TIMEOUT, CLI_AIA_FETCHES, CLI_AIA_LOCAL };
#define CLI_AIA_LONGOPTS                                                 \
	{ "aia", no_argument, 0, CLI_AIA_ON },                           \
	{ "no-aia", no_argument, 0, CLI_AIA_OFF },                       \
	{ "aia-cache", required_argument, 0, CLI_AIA_CACHE },            \
	{ "offline", no_argument, 0, CLI_AIA_OFFLINE },                  \
	{ "aia-timeout", required_argument, 0, CLI_AIA_TIMEOUT },        \
	{ "aia-max-fetches", required_argument, 0, CLI_AIA_FETCHES },    \
	{ "aia-allow-local", no_argument, 0, CLI_AIA_LOCAL }
#define CLI_AIA_USAGE                                                          \
	"      --aia                     fetch missing issuers from the CA Issuers\n" \
	"                                URLs in the certificates (HTTP/HTTPS)\n"     \
	"      --aia-cache DIR           AIA cache (default $XDG_CACHE_HOME/\n"       \
	"                                certchain/aia or ~/.cache/certchain/aia)\n"  \
	"      --offline                 AIA from the cache only, no network\n"       \
	"      --aia-timeout S           seconds per fetch (default 5; 4x for all)\n" \
	"      --aia-max-fetches N       network fetches per run (default 8)\n"       \
	"      --aia-allow-local         let AIA fetch from loopback and link-local\n" \
	"                                addresses (refused by default)\n"
typedef struct cli_aia {
	int on, offline, allow_local;
	cc_aia_policy_t policy; /* filled by cli_aia_fill */
	const char *cache;
	long timeout_ms;
	unsigned max_fetches;
	char dflt[4096]; /* the default cache directory, when used */
} cli_aia_t;
/* Handles one CLI_AIA_* option; EXIT_USAGE on a bad value. */
int cli_aia_option(const char *cmd, int c, const char *arg, cli_aia_t *a);
/* The library options the CLI options stand for (at: validation time);
 * o->policy points into a, which must outlive o. */
void cli_aia_fill(cli_aia_t *a, time_t at, cc_aia_opts_t *o);
/* Completes pool from AIA for leaf when a->on; EXIT_USAGE on error. */
int cli_aia_run(const char *cmd, cli_aia_t *a, cc_cert_t *leaf, cc_pool_t *pool,
		cc_pool_t *anchors, time_t at, cc_aia_result_t *res);
/* fix --pfx (pfx_out.c): the leaf's key from a file or the store's personal
 * entry, a password (cli_password), then the PFX written 0600. */
typedef struct cli_pfx_out {
	const char *path;           /* --pfx FILE, NULL = no PFX */
	const char *key;            /* --key FILE, NULL = the store's entry */
	const char *pwfile, *pwenv; /* --password-file / --password-env */
	const char *store;          /* --store DIR */
	int no_store;
	cc_pfx_opts_t o;            /* --compat, --name */
	EVP_PKEY *k;
	char *pass;
	char store_name[256], cn[256];
} cli_pfx_out_t;
/* Loads and checks the key and reads the password; EXIT_USAGE (printed). */
int cli_pfx_prepare(const char *cmd, cli_pfx_out_t *p, cc_cert_t *leaf);
/* Writes leaf + chain + key; EXIT_USAGE (printed) on failure. */
int cli_pfx_write(cli_pfx_out_t *p, cc_cert_t *leaf, cc_cert_t *const *chain,
		  size_t n);
const char *cli_pfx_desc(const cli_pfx_out_t *p);
/* Frees the key and the password. */
void cli_pfx_done(cli_pfx_out_t *p);

/* One line per URL tried ("aia: URL (issuer of CN): ..."). */
void cli_aia_text(cc_buf_t *b, const cc_aia_result_t *r);
/* The result as a JSON object {"added":..,"fetches":..,"urls":[...]}: a new
 * reference, NULL when out of memory. */
json_t *cli_aia_json(const cc_aia_result_t *r);
/* Deployment (deploy_opts.c): options shared by bind, unbind, bindings, reload. */
#define CLI_DEPLOY_OPT 0x400 /* getopt codes CLI_DEPLOY_OPT..+15 */
#define CLI_DEPLOY_LONGOPTS                                                    \
	{ "store", required_argument, 0, CLI_DEPLOY_OPT },                     \
	{ "config", required_argument, 0, CLI_DEPLOY_OPT + 1 },                \
	{ "conf-dir", required_argument, 0, CLI_DEPLOY_OPT + 2 },              \
	{ "deploy-dir", required_argument, 0, CLI_DEPLOY_OPT + 3 },            \
	{ "nginx-prefix", required_argument, 0, CLI_DEPLOY_OPT + 4 },          \
	{ "nginx-conf", required_argument, 0, CLI_DEPLOY_OPT + 5 },            \
	{ "nginx-bin", required_argument, 0, CLI_DEPLOY_OPT + 6 },             \
	{ "haproxy-conf", required_argument, 0, CLI_DEPLOY_OPT + 7 },          \
	{ "haproxy-pidfile", required_argument, 0, CLI_DEPLOY_OPT + 8 },       \
	{ "haproxy-bin", required_argument, 0, CLI_DEPLOY_OPT + 9 },           \
	{ "validate-cmd", required_argument, 0, CLI_DEPLOY_OPT + 10 },         \
	{ "reload-cmd", required_argument, 0, CLI_DEPLOY_OPT + 11 },          \
	{ "apache-conf", required_argument, 0, CLI_DEPLOY_OPT + 12 },          \
	{ "apache-root", required_argument, 0, CLI_DEPLOY_OPT + 13 },          \
	{ "apache-bin", required_argument, 0, CLI_DEPLOY_OPT + 14 },           \
	{ "apache-listen", required_argument, 0, CLI_DEPLOY_OPT + 15 }
#define CLI_DEPLOY_MAX_SET 16
typedef struct cli_deploy {
	const char *store, *config;
	struct {
		const char *key, *val;
		int server;
	} set[CLI_DEPLOY_MAX_SET];
	size_t nset;
} cli_deploy_t;
extern const char cli_deploy_help[];
/* 1 if code was a deployment option (recorded in o), else 0. */
int cli_deploy_opt(cli_deploy_t *o, int code, const char *arg);
/* Opens the store (--store or the default); EXIT_USAGE printed on failure. */
int cli_deploy_store(const cli_deploy_t *o, cc_store_t **st);
/* Settings for server: defaults, the store's saved ones (deploy/SERVER.conf),
 * --config, options; saved back when save. */
int cli_deploy_cfg(const char *cmd, const cli_deploy_t *o, cc_store_t *st,
		   int server, cc_deploy_cfg_t *cfg, int save);
/* Appends the binding as one JSON object (the fields 'bindings --json' documents). */
json_t *cli_binding_json(const cc_binding_t *x);
/* 1 if bind has saved settings for server in st. */
int cli_deploy_configured(cc_store_t *st, int server);
/* The arguments of unbind and bindings: --NAME VALUE (into *value), --json,
 * -h/--help (prints usage then help_tail; returns -1) and the deployment
 * options, nothing else. 0, -1 after --help, or EXIT_USAGE (printed). */
int cli_deploy_args(const char *cmd, int argc, char **argv, const char *name,
		    const char **value, int *json, cli_deploy_t *dopt,
		    const char *usage, const char *help_tail);
/* Opens the store of o and loads every binding into *v (the caller frees
 * *v and closes *st). 0, or EXIT_USAGE printed with nothing left open. */
int cli_bindings_open(const cli_deploy_t *o, cc_store_t **st, cc_binding_t **v,
		      size_t *n);
int cmd_bind(int argc, char **argv);
int cmd_bindings(int argc, char **argv);
int cmd_unbind(int argc, char **argv);
int cmd_reload(int argc, char **argv);
/* The certificate store in build/verify (store_use.c). */
typedef struct cli_store_opts {
	const char *dir; /* --store DIR, NULL = default */
	int no_store;    /* --no-store */
	cc_pool_t **disabled; /* cli_store_apply: when set, receives the store's
				 disabled certificates (caller frees; NULL with
				 --no-store), for cc_judge_in_t.withhold */
} cli_store_opts_t;
/*
 * The client options (client_opts.c): every judging command puts
 * CLI_CLIENT_LONGOPTS in its getopt table, CLI_CLIENT_SHORTOPTS in its
 * short options and CLI_CLIENT_USAGE in its --help, and hands each option
 * to cli_client_opt(), so the same options mean the same clients
 * everywhere. A command's own options use other codes.
 */
enum { CLI_CLIENT_STORE = 0x500, CLI_CLIENT_NO_STORE, CLI_CLIENT_AT,
       CLI_CLIENT_POLICY, CLI_CLIENT_HOST };
#define CLI_CLIENT_SHORTOPTS "I:r:p:"
#define CLI_CLIENT_LONGOPTS                                              \
	{ "intermediates", required_argument, 0, 'I' },                  \
	{ "roots", required_argument, 0, 'r' },                          \
	{ "profile", required_argument, 0, 'p' },                        \
	{ "at", required_argument, 0, CLI_CLIENT_AT },                   \
	{ "policy", required_argument, 0, CLI_CLIENT_POLICY },           \
	{ "host", required_argument, 0, CLI_CLIENT_HOST },               \
	{ "store", required_argument, 0, CLI_CLIENT_STORE },             \
	{ "no-store", no_argument, 0, CLI_CLIENT_NO_STORE }
#define CLI_CLIENT_USAGE                                                        \
	"  -I, --intermediates FILE|DIR  certificates that may complete a chain\n"  \
	"                                (repeatable); a served chain is still\n"   \
	"                                judged as sent: no client has them\n"      \
	"  -r, --roots FILE|DIR          trust anchors (repeatable): the profile\n" \
	"                                'roots'\n"                                 \
	"  -p, --profile SPEC            trust profile (repeatable): a built-in\n"  \
	"                                NAME, 'system' or NAME=PATH, each\n"       \
	"                                optionally followed by ,weight=W\n"        \
	"                                ,group=current|legacy ,policy=P\n"         \
	"                                ,distrust=TSV ,sct-not-after=TSV\n"        \
	"                                ,behaviour=B (pathbuild, served-order or\n"\
	"                                no-expiry-check-on-anchor). Without -p\n"  \
	"                                and -r: every built-in profile and\n"      \
	"                                'system' (see 'certchain profiles')\n"     \
	"      --at TIME                 judge at TIME (RFC 3339 or @unixseconds)\n"\
	"      --host NAME               check the leaf is valid for NAME (for\n"   \
	"                                check and fix, default: the HOST given;\n"\
	"                                a U-label becomes its A-label; no\n"      \
	"                                wildcard)\n"                              \
	CLI_POLICY_USAGE                                                        \
	"      --store DIR               certificate store (default $CERTCHAIN_STORE,\n"\
	"                                /var/lib/certchain for root, else\n"       \
	"                                ~/.local/share/certchain): its enabled\n"  \
	"                                roots are the profile 'store', its\n"      \
	"                                intermediates complete chains, its\n"      \
	"                                disabled certificates are never added\n"   \
	"      --no-store                do not use the store\n"
typedef struct cli_client {
	const char **inter, **roots, **specs; /* -I, -r, -p (argv's strings) */
	size_t ninter, nroots, nspecs;
	cli_store_opts_t store; /* --store, --no-store */
	time_t at;              /* --at; 0 = now */
	int policy;             /* --policy (enum cc_policy) */
	const char *host;       /* --host (as hostbuf holds it), or NULL */
	char hostbuf[CLI_HOST_MAX]; /* --host checked: A-label, no trailing dot */
} cli_client_t;
/* Takes option c (getopt's code) into o when it is a client option: 0,
 * EXIT_USAGE on a bad value (printed), or -1 when c is not one of them. */
int cli_client_opt(const char *cmd, cli_client_t *o, int c, const char *arg);
/* Frees the arrays (not the strings: argv's). */
void cli_client_free(cli_client_t *o);
/* Adds every certificate of src (may be NULL) to dst: e.g. the anchors
 * considered, the union of the profiles' pools. 0 or a CC_E* code. */
int cli_pool_merge(cc_pool_t *dst, cc_pool_t *src, cc_error_t *err);

/* For verify and check: unless o->no_store, replaces *anchors by (*anchors
 * minus the store's disabled certificates) plus its enabled roots, and
 * *pool by (*pool minus the disabled certificates) plus its enabled
 * intermediates (what the client knows; the old pools are freed). The
 * certificates of keep (the served chain; may be NULL) stay, disabled or
 * not, and keep is re-pointed into the new pool. Prints the error and
 * returns EXIT_USAGE on failure. */
int cli_store_apply(const cli_store_opts_t *o, cc_pool_t **pool,
		    cc_certlist_t *keep, cc_pool_t **anchors);
/* For build with trust profiles: unless o->no_store, adds the store's
 * enabled roots as the profile "store" (when it has any), rebuilds *pool
 * without the store's disabled certificates (keep->v[0], the leaf, stays;
 * keep is re-pointed) plus its enabled intermediates, and sets *anchors to
 * a copy of the profiles' pool without the disabled certificates: the
 * anchors to search with (caller frees). With no_store, *anchors = NULL. */
int cli_store_profile(const cli_store_opts_t *o, cc_profiles_t *profs,
		      cc_pool_t **pool, cc_certlist_t *keep, cc_pool_t **anchors);
/* For 'profiles': only adds the profile "store" (as build does). */
int cli_store_add_profile(const cli_store_opts_t *o, cc_profiles_t *profs);
/* For a caller that has read the store itself (cc_store_load_pools): adds
 * its enabled roots as the profile "store", exactly as
 * cli_store_add_profile does (nothing when roots is empty). 0, or
 * EXIT_USAGE with the error printed. */
int cli_store_add_roots(cc_profiles_t *profs, cc_pool_t *roots, const cc_store_t *st);
/* reload_judge.c: after a proven reload, each binding's deployed chain judged
 * as check judges it (one line per site in txt, the member "judged" in js). */
void cli_reload_judge(cc_deploy_t *d, cc_store_t *st, const char *name, cc_buf_t *txt,
		      json_t *js);
/* reload_judge.c: reload's report is text (txt) and a JSON object built
 * beside it: o[key] = v and a[] += v (v consumed; NULL o, a or v is safe). A
 * member lost to memory sets txt->oom, which then stands for both reports. */
void cli_reload_set(cc_buf_t *txt, json_t *o, const char *key, json_t *v);
void cli_reload_add(cc_buf_t *txt, json_t *a, json_t *v);

/* trust.c: trust profiles for build, explain, profiles and check. */
/* The data directory: CERTCHAIN_DATA_DIR, the installed share/certchain,
 * PREFIX/share/certchain next to the binary, or the source tree's data/. */
const char *cli_data_dir(void);
/* Fills ps from --profile specs and -r files (the latter become the profile
 * "roots"); with neither, every built-in profile plus "system". Prints the
 * error and returns EXIT_USAGE on failure. */
int cli_profiles(cc_profiles_t *ps, const char *const *specs, size_t nspecs,
		 const char *const *roots, size_t nroots);
/* The JSON makers below return a new reference, NULL when out of memory. */
/* [{"name","behaviour","weight","anchors","policy","group","date","source",
 * "distrust_after"}] for every profile of ps. */
json_t *cli_profiles_json(cc_profiles_t *ps);
/* {"trusted_by","profiles","score","groups","verdicts":[...]}: v judged by ps. */
json_t *cli_verdicts_json(cc_profiles_t *ps, const cc_verdicts_t *v);
void cli_verdicts_text(cc_buf_t *b, cc_profiles_t *ps, const cc_verdicts_t *v,
		       const char *indent);
/* [{"served","description","path_rank","judgement"}], one per row of m. */
json_t *cli_matrix_json(cc_profiles_t *ps, const cc_matrix_t *m);
void cli_matrix_text(cc_buf_t *b, cc_profiles_t *ps, const cc_matrix_t *m);
/* paths (may be NULL): the ranked build, to name each row's anchor. */
/* groups.c: today's clients and legacy clients, apart. One line
 * "PREFIXtoday's clients: 3/5 trust it (not a, b); legacy clients: ...". */
void cli_groups_text(cc_buf_t *b, cc_profiles_t *ps, const cc_verdicts_t *v,
		     const char *prefix);
/* "who needs more than X:" and one line per group, when m's best chain
 * serves more than its shortest candidate; nothing otherwise. */
void cli_groups_need_text(cc_buf_t *b, cc_profiles_t *ps, const cc_matrix_t *m);
/* {"current":{"profiles":N,"trusted_by":N,"untrusted":[names]},"legacy":...}:
 * a new reference, NULL when out of memory. */
json_t *cli_groups_json(cc_profiles_t *ps, const cc_verdicts_t *v);
/* {"shortest_served":N,"current":[names],"legacy":[names]} or null: a new
 * reference, NULL when out of memory. */
json_t *cli_groups_need_json(cc_profiles_t *ps, const cc_matrix_t *m);
void cli_explain(cc_buf_t *b, cc_profiles_t *ps, const cc_matrix_t *m,
		 const cc_paths_t *paths);
/* build and explain share one implementation; explain=1 for 'explain'. */
int cli_build_main(int argc, char **argv, int explain);

/* password.c: a password from file (first line; warns when group/world
 * readable), env var, or /dev/tty without echo (twice when confirm; confirm
 * also refuses an empty one). what names the file in the prompt. *out is
 * freed with cli_password_free(). Returns 0 or EXIT_USAGE (message printed). */
int cli_password(const char *cmd, const char *file, const char *env,
		 const char *what, int confirm, char **out);
void cli_password_free(char *p);
/* Reads what file holds (cc_contents_read), asking for the password (as
 * cli_password) only when it is a PFX; with pfx_only anything else is
 * refused. *out is freed with cc_pfx_free(). 0 or EXIT_USAGE (printed). */
int cli_read_contents(const char *cmd, const char *file, const char *pwfile,
		      const char *pwenv, int pfx_only, cc_pfx_t **out);

#endif
