/* test_analyze_ip.c - cc_chain_analyze with an IP literal as the host: the
 * leaf is matched against its IP SANs (not its DNS names), and the path is
 * validated with that address, for IPv4 and IPv6. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "testpki.h"

static int has(const cc_findings_t *f, const char *id)
{
	for (size_t i = 0; i < f->n; i++)
		if (!strcmp(f->v[i].id, id))
			return 1;
	return 0;
}

/* Analyzes leaf (SAN san) + root for host; returns 1 when hostname-mismatch
 * was found, and in *valid whether a valid path exists. */
static int mismatch(const char *san, const char *host, int *valid)
{
	tp_opts_t ca = { .ca = 1 }, lo = { .san = san };
	EVP_PKEY *kr = tp_key(1), *kl = tp_key(1);
	X509 *root = tp_cert("IP Root", kr, NULL, NULL, &ca);
	X509 *leaf = tp_cert("ip leaf", kl, root, kr, &lo);
	cc_pool_t *pool = cc_pool_new(), *anchors = cc_pool_new();
	cc_analyze_opts_t o = { .host = host };
	cc_certlist_t served = { 0 };
	cc_findings_t f = { 0 };
	cc_paths_t *best = NULL;
	cc_error_t e;
	int m;

	tp_add(anchors, root);
	assert_int_equal(cc_certlist_push(&served, tp_add(pool, leaf)), 0);
	assert_int_equal(cc_chain_analyze(&served, pool, anchors, &o, &f, &best, &e), 0);
	m = has(&f, "hostname-mismatch");
	*valid = best && best->n && best->v[0].valid;
	cc_paths_free(best);
	cc_findings_clear(&f);
	cc_certlist_clear(&served);
	cc_pool_free(pool);
	cc_pool_free(anchors);
	X509_free(leaf);
	X509_free(root);
	EVP_PKEY_free(kl);
	EVP_PKEY_free(kr);
	return m;
}

static void ipv4(void **state)
{
	int valid;
	/* testpki writes "DNS:<san>": the rest of the list adds an IP SAN. */
	assert_int_equal(mismatch("ip.test,IP:192.0.2.7", "192.0.2.7", &valid), 0);
	assert_true(valid);
	assert_int_equal(mismatch("ip.test,IP:192.0.2.7", "192.0.2.8", &valid), 1);
	assert_false(valid);
	/* a DNS name that spells the address is not an IP SAN */
	assert_int_equal(mismatch("192.0.2.7", "192.0.2.7", &valid), 1);
	assert_false(valid);
	/* names still match names */
	assert_int_equal(mismatch("ip.test,IP:192.0.2.7", "ip.test", &valid), 0);
	assert_true(valid);
}

static void ipv6(void **state)
{
	int valid;
	assert_int_equal(mismatch("ip.test,IP:2001:db8::7", "2001:db8:0::7", &valid), 0);
	assert_true(valid);
	assert_int_equal(mismatch("ip.test,IP:2001:db8::7", "::1", &valid), 1);
	assert_false(valid);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ipv4),
		cmocka_unit_test(ipv6),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
