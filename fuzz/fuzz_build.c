/*
 * fuzz_build.c - libFuzzer target: the path builder on a pool taken from the
 * fuzzer's input. Every certificate of the input joins the untrusted pool;
 * the self-issued ones (and, by a flag in the first byte, the last
 * certificate) are also anchors. The first certificates are used as leaves:
 * build, validate, rank, analyze the input as a served chain. Small limits
 * keep each run short; a hang or an unbounded search is a finding too.
 */
#include "certchain.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cc_pool_t *pool = cc_pool_new(), *anchors = cc_pool_new();
	cc_certlist_t order = { 0 };
	cc_build_opts_t o = { .at = 1767225600, /* 2026-01-01, fixed: reproducible */
			      .max_depth = 8, .max_paths = 16, .max_sigchecks = 64 };
	cc_error_t err;
	unsigned flags = size ? data[0] : 0;

	if (!pool || !anchors)
		goto out;
	if (flags & 2)
		o.host = "www.example.test";
	if (cc_pool_load_mem(pool, data, size, "fuzz", CC_LOAD_ALLOW_EMPTY, &order, &err) ||
	    !order.n)
		goto out;
	for (size_t i = 0; i < cc_pool_count(pool); i++) {
		cc_cert_t *c = cc_pool_get(pool, i);
		size_t len;
		const unsigned char *der = cc_cert_der(c, &len);
		if (cc_cert_self_issued(c) || ((flags & 4) && i + 1 == cc_pool_count(pool)))
			cc_pool_add_der(anchors, der, len, "anchor", NULL, NULL, &err);
	}
	for (size_t i = 0; i < order.n && i < 3; i++) {
		cc_paths_t *ps = NULL;
		if (cc_build(&o, order.v[i], pool, anchors, &ps, &err) == 0) {
			cc_paths_rank(ps, o.at, NULL, NULL);
			(void)cc_paths_best(ps);
		}
		cc_paths_free(ps);
	}
	{
		cc_analyze_opts_t ao = { .at = o.at, .host = o.host };
		cc_findings_t f = { 0 };
		cc_paths_t *best = NULL;
		cc_chain_analyze(&order, pool, anchors, &ao, &f, &best, &err);
		cc_paths_free(best);
		cc_findings_clear(&f);
	}
out:
	cc_certlist_clear(&order);
	cc_pool_free(pool);
	cc_pool_free(anchors);
	return 0;
}
