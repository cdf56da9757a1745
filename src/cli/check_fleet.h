/* check_fleet.h - check -f: many targets in one poll loop (check_fleet.c).
 * check_target.c owns the judgement of one target and cmd_check.c the
 * options; the fleet scan sees both only through the check_* functions below. */
#ifndef CC_CHECK_FLEET_H
#define CC_CHECK_FLEET_H

#include "certchain.h"

struct copts;  /* cmd_check.c's options, opaque here */
struct target; /* one parsed target line, opaque here */

/* What check -f was asked to do beyond judging each target. */
typedef struct check_fleet {
	const char *targets; /* -f FILE, "-" = stdin */
	int concurrency;     /* probes in flight */
	int json;            /* --json: one JSON object per target and line */
	const char *html;    /* --html FILE, or NULL */
	const char *resume;  /* --resume FILE, or NULL */
	unsigned shard, nshards; /* --shard K/N: K in 1..N; nshards 0 = all */
} check_fleet_t;

/* Room for why a target line is refused (check_prepare). */
#define CHECK_WHY_MAX 512

/* check_target.c: the size of a struct target, to allocate one per slot. */
size_t check_target_size(void);
/* check_target.c: the target as shown to people: HOST[:PORT] as given, or
 * the host as resolved, sent and matched (A-label, no trailing dot) with
 * the U-label typed in parentheses. */
const char *check_target_label(const struct target *t);
/* check_target.c: parses one target line into t and the probe options for it
 * (po points into t and o); -1 with why (whyn bytes; "" when no more can be
 * said) when the line is not HOST[:PORT] [ADDR], -2 when only its ADDR (or
 * --connect) is bad. */
int check_prepare(const struct copts *o, const char *line, struct target *t,
		  cc_probe_opts_t *po, char *why, size_t whyn);
/* check_target.c: judges one finished probe (certificates in pool) and appends
 * its JSON record (one line) to b; returns the target's exit code. */
int check_judge(const struct copts *o, const struct target *t, cc_pool_t *pool,
		cc_probe_result_t *pr, cc_buf_t *b);

/* check_target.c: the trust profiles the targets are judged by (borrowed). */
cc_profiles_t *check_profiles(const struct copts *o);

/* serve: check's options (argv as for check, one HOST placeholder last)
 * parsed and set up as check does, with a judgement cache when ttl > 0
 * (one judgement per served chain, name and clients within ttl seconds);
 * NULL with *rc the exit code (message printed) on error. Freed with
 * check_opts_free(). */
struct copts *check_opts_new(int argc, char **argv, int ttl, int *rc);
/* The judgement cache's counters (zeroes without a TTL). */
void check_opts_cache_stats(const struct copts *o, cc_judge_cache_stats_t *st);
void check_opts_free(struct copts *o);
/* The --timeout in milliseconds. */
int check_opts_timeout_ms(const struct copts *o);
/* serve: probes target (HOST[:PORT]) with SNI sni (NULL = check's), each
 * address asked of allow first, judges it and appends the record check
 * --json prints (one line) to b, and the chain to serve as PEM to pem (may
 * be NULL). Thread-safe. Returns the record's exit code,
 * -1 when target is not HOST[:PORT]. */
struct sockaddr;
int check_record(const struct copts *o, const char *target, const char *sni,
		 int (*allow)(const struct sockaddr *, socklen_t, void *), void *arg,
		 cc_buf_t *b, cc_buf_t *pem);
/* serve: judges certificates pasted as text (PEM, leaf first) as a served
 * chain without a host name, and appends check's record to b and the chain
 * to serve as PEM to pem (may be NULL). -1 with why filled when the text
 * holds no certificate. Thread-safe. */
int check_pem_record(const struct copts *o, const char *text, size_t len, cc_buf_t *b,
		     cc_buf_t *pem, char *why, size_t whyn);

/* Parses --shard K/N into f; EXIT_USAGE (printed) when malformed. */
int check_fleet_shard_arg(check_fleet_t *f, const char *arg);
/* Checks every target of f->targets; returns the highest exit code. */
int check_fleet(const struct copts *o, const check_fleet_t *f);

#endif
