/* check_target.h - what cmd_check.c (options) and check_target.c (one
 * target judged and rendered) share; check_fleet.c sees these structs only
 * as opaque, through check_fleet.h. */
#ifndef CC_CHECK_TARGET_H
#define CC_CHECK_TARGET_H

#include "cli.h"

struct copts {
	const char *sni, *connect, *fix_out, *targets;
	const char *dns; /* --dns-server or $CERTCHAIN_DNS_SERVER, NULL = system */
	int timeout_ms, json, starttls, concurrency, horizon;
	cc_analyze_opts_t ao;
	cc_pool_t *inter, *anchors; /* anchors: -r or the profiles' union, + store */
	cc_pool_t *withhold;        /* the store's disabled certificates, or NULL */
	cc_profiles_t *profs;
	cli_aia_t aia;
	cc_judge_cache_t *cache; /* -f: judgements reused, NULL with --no-cache;
				  serve: with a TTL */
	int time_step;   /* serve: judged at the time rounded down to this (s) */
	char snibuf[CLI_HOST_MAX]; /* --sni, as sent and matched */
	char hostbuf[CLI_HOST_MAX]; /* --host, as matched */
	cc_buf_t *pem;   /* serve: the chain to serve as PEM, or NULL */
	int no_host;     /* serve's pasted chain: no host name to check */
};

struct target {
	char spec[600];  /* HOST[:PORT] as given (JSON "target", --resume's key) */
	char host[CLI_HOST_MAX], port[16], connect[256], cport[16];
	/* As shown to people: spec, or when the host was given another way
	 * (a trailing dot, a U-label) the host as resolved, sent and matched,
	 * then the U-label typed in parentheses. */
	char label[2 * CLI_HOST_MAX + 32];
};

/* Probes and judges the one target spec, prints the report; the exit code. */
int check_one(const struct copts *o, const char *spec);

#endif
