/* deploy_check.c - prove what a binding serves: one TLS handshake per SNI
 * name, the served chain compared with the deployed one, retried while a
 * reload takes effect. */
#include "internal.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Pause between attempts: short enough to notice a reload quickly, long
 * enough not to hammer a server that is restarting its workers. */
#define RETRY_MS 250
/* One handshake on loopback takes milliseconds; 5 s is a hung server. */
#define ATTEMPT_TIMEOUT_MS 5000
/*
 * A graceful reload leaves old workers accepting on the shared socket until
 * they see the signal, so one good handshake proves little: a name counts as
 * switched once it has served the deployed chain on every attempt for this
 * long (old nginx/HAProxy workers stop accepting within milliseconds).
 */
#define STABLE_MS 1000

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* One handshake; fills r. Returns 1 if the served chain equals b->chain. */
static int probe_one(const cc_binding_t *b, cc_served_t *r, int timeout_ms,
		     cc_error_t *err)
{
	const char *addr = !strcmp(b->ip, "*") ? "127.0.0.1" : b->ip;
	cc_probe_opts_t o = { 0 };
	cc_probe_result_t res;
	cc_pool_t *pool = cc_pool_new();
	char port[8], fp[65];
	int rc;

	if (!pool)
		return cc_err(err, CC_ENOMEM, b->site, "out of memory");
	snprintf(port, sizeof(port), "%u", b->port);
	memset(&res, 0, sizeof(res));
	o.host = addr;
	o.port = port;
	o.sni = r->sni;
	o.timeout_ms = timeout_ms;
	if ((rc = cc_probe_run(&o, pool, &res, err)) < 0) {
		cc_pool_free(pool);
		return rc;
	}
	r->fail = res.fail;
	r->match = 0;
	r->nserved = res.served.n;
	r->leaf[0] = 0;
	if (res.fail) {
		snprintf(r->reason, sizeof(r->reason), "%s: %s", cc_probe_fail_name(res.fail),
			 res.reason);
	} else {
		if (res.served.n)
			cc_cert_sha256_hex(res.served.v[0], r->leaf);
		r->match = res.served.n == b->nchain;
		for (size_t i = 0; r->match && i < res.served.n; i++) {
			cc_cert_sha256_hex(res.served.v[i], fp);
			r->match = !strcmp(fp, b->chain[i]);
		}
		if (r->match)
			r->reason[0] = 0;
		else if (!b->nchain || strcmp(r->leaf, b->chain[0]))
			snprintf(r->reason, sizeof(r->reason), "serves another certificate "
				 "(leaf sha256 %.16s, deployed %.16s)", r->leaf, b->chain[0]);
		else
			snprintf(r->reason, sizeof(r->reason), "serves the deployed leaf with "
				 "another chain (%zu certificate%s, deployed %zu)",
				 res.served.n, res.served.n == 1 ? "" : "s", b->nchain);
	}
	cc_probe_result_clear(&res);
	cc_pool_free(pool);
	return r->match;
}

/* 1 when r shows the removed binding b gone: refused, or another leaf. */
static int gone(const cc_binding_t *b, cc_served_t *r)
{
	int still = !r->fail && b->nchain && !strcmp(r->leaf, b->chain[0]);

	r->match = still;
	if (still)
		snprintf(r->reason, sizeof(r->reason), "still serves the removed certificate "
			 "(leaf sha256 %.16s)", r->leaf);
	else if (!r->fail)
		snprintf(r->reason, sizeof(r->reason), "serves another certificate (leaf "
			 "sha256 %.16s)", r->leaf);
	return !still;
}

/* Probes every name of b until each has been good (deployed chain served,
 * or with want_gone the removed leaf not served) for STABLE_MS, or until
 * the deadline, when the last attempt decides. */
static int check_loop(const cc_binding_t *b, int wait_ms, int want_gone,
		      cc_served_t res[CC_BIND_MAX_HOSTS], cc_error_t *err)
{
	long deadline = now_ms() + (wait_ms > 0 ? wait_ms : CC_DEPLOY_CHECK_WAIT_MS);
	long since[CC_BIND_MAX_HOSTS]; /* start of each name's matching streak, 0: none */
	int all, stable;

	for (size_t i = 0; i < b->nhosts; i++) {
		memset(&res[i], 0, sizeof(res[i]));
		since[i] = 0;
		if (!strncmp(b->hosts[i], "*.", 2))
			snprintf(res[i].sni, sizeof(res[i].sni), "certchain-check.%s", b->hosts[i] + 2);
		else
			snprintf(res[i].sni, sizeof(res[i].sni), "%s", b->hosts[i]);
	}
	for (;;) {
		long left = deadline - now_ms();
		all = stable = 1;
		for (size_t i = 0; i < b->nhosts; i++) {
			int r = probe_one(b, &res[i], left < ATTEMPT_TIMEOUT_MS && left > 0 ?
							  (int)left : ATTEMPT_TIMEOUT_MS, err);
			if (r < 0)
				return r;
			if (want_gone)
				r = gone(b, &res[i]);
			if (!r)
				since[i] = 0;
			else if (!since[i])
				since[i] = now_ms();
			all &= r;
			stable &= r && now_ms() - since[i] >= STABLE_MS;
		}
		/* At the deadline the last attempt decides. */
		if (stable || now_ms() + RETRY_MS >= deadline)
			return all;
		usleep(RETRY_MS * 1000);
	}
}

int cc_deploy_check(const cc_binding_t *b, int wait_ms,
		    cc_served_t res[CC_BIND_MAX_HOSTS], cc_error_t *err)
{
	return check_loop(b, wait_ms, 0, res, err);
}

int cc_deploy_check_gone(const cc_binding_t *b, int wait_ms,
			 cc_served_t res[CC_BIND_MAX_HOSTS], cc_error_t *err)
{
	return check_loop(b, wait_ms, 1, res, err);
}
