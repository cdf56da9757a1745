/* test_groups.c - today's and legacy clients counted apart
 * (cc_verdicts_by_group), who needs the longer chain
 * (cc_matrix_need_longer), a chain's possible anchors
 * (cc_profiles_chain_anchors) and pool copies (cc_pool_add_copy). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "testpki.h"

static char dir[] = "/tmp/cc-unit-groups.XXXXXX";

/* old root, new root, new cross-signed by old, an ICA under new, a leaf */
typedef struct pki {
	EVP_PKEY *ko, *kn, *ki, *kl;
	X509 *old, *nw, *cross, *ica, *leaf;
} pki_t;

static void pki_make(pki_t *p)
{
	tp_opts_t ca = { .ca = 1 };

	p->ko = tp_key(1);
	p->kn = tp_key(1);
	p->ki = tp_key(1);
	p->kl = tp_key(1);
	p->old = tp_cert("G Old", p->ko, NULL, NULL, &ca);
	p->nw = tp_cert("G New", p->kn, NULL, NULL, &ca);
	p->cross = tp_cert("G New", p->kn, p->old, p->ko, &ca);
	p->ica = tp_cert("G ICA", p->ki, p->nw, p->kn, &ca);
	p->leaf = tp_cert("g.test", p->kl, p->ica, p->ki, NULL);
}

static void pki_free(pki_t *p)
{
	X509_free(p->old); X509_free(p->nw); X509_free(p->cross);
	X509_free(p->ica); X509_free(p->leaf);
	EVP_PKEY_free(p->ko); EVP_PKEY_free(p->kn);
	EVP_PKEY_free(p->ki); EVP_PKEY_free(p->kl);
}

static void spec_file(cc_profiles_t *ps, const char *name, X509 *root,
		      const char *group)
{
	char path[300], spec[400], *pem = tp_pem(root);
	FILE *f;
	cc_error_t e;

	snprintf(path, sizeof(path), "%s/%s.pem", dir, name);
	assert_non_null(f = fopen(path, "w"));
	fputs(pem, f);
	fclose(f);
	free(pem);
	snprintf(spec, sizeof(spec), "%s=%s,group=%s", name, path, group);
	assert_int_equal(cc_profiles_add_spec(ps, spec, NULL, &e), 0);
}

/* today: "new" and "new2" (only the new root); legacy: "old". */
static void groups_and_need_longer(void **state)
{
	pki_t k;
	cc_profiles_t *ps = cc_profiles_new();
	cc_pool_t *pool = cc_pool_new();
	cc_group_tally_t t[CC_PROFILE_NGROUPS];
	cc_paths_t *paths;
	cc_matrix_t m;
	cc_need_t nd;
	cc_error_t e;
	cc_cert_t *l;

	pki_make(&k);
	spec_file(ps, "new", k.nw, "current");
	spec_file(ps, "old", k.old, "legacy");
	spec_file(ps, "new2", k.nw, "current");
	assert_int_equal(cc_profile_group(ps, 1), CC_PROFILE_LEGACY);
	assert_string_equal(cc_profile_group_name(cc_profile_group(ps, 0)), "current");
	l = tp_add(pool, k.leaf);
	tp_add(pool, k.ica);
	tp_add(pool, k.cross);
	assert_int_equal(cc_build(NULL, l, pool, cc_profiles_pool(ps), &paths, &e), 0);
	assert_int_equal(cc_ubiquity_rank(ps, paths, NULL, &m, &e), 0);
	assert_int_equal(m.n, 2);
	/* the best row (through the cross-sign) satisfies both groups */
	cc_verdicts_by_group(ps, &m.v[0].verdicts, t);
	assert_int_equal(t[CC_PROFILE_CURRENT].n, 2);
	assert_int_equal(t[CC_PROFILE_CURRENT].ntrusted, 2);
	assert_int_equal(t[CC_PROFILE_LEGACY].ntrusted, 1);
	/* the short row loses the legacy client, named by index */
	cc_verdicts_by_group(ps, &m.v[1].verdicts, t);
	assert_int_equal(t[CC_PROFILE_CURRENT].ntrusted, 2);
	assert_int_equal(t[CC_PROFILE_LEGACY].nuntrusted, 1);
	assert_int_equal(t[CC_PROFILE_LEGACY].untrusted[0], 1);
	/* who needs the cross-sign: the legacy client only */
	assert_int_equal(cc_matrix_need_longer(ps, &m, &nd), 1);
	assert_ptr_equal(nd.best, &m.v[0]);
	assert_ptr_equal(nd.shortest, &m.v[1]);
	assert_int_equal(nd.need[CC_PROFILE_CURRENT].nuntrusted, 0);
	assert_int_equal(nd.need[CC_PROFILE_CURRENT].n, 2);
	assert_int_equal(nd.need[CC_PROFILE_LEGACY].nuntrusted, 1);
	assert_int_equal(nd.need[CC_PROFILE_LEGACY].untrusted[0], 1);
	cc_matrix_clear(&m);
	cc_paths_free(paths);
	/* without the cross-sign the best row is the shortest: nothing to say */
	cc_pool_free(pool);
	pool = cc_pool_new();
	l = tp_add(pool, k.leaf);
	tp_add(pool, k.ica);
	assert_int_equal(cc_build(NULL, l, pool, cc_profiles_pool(ps), &paths, &e), 0);
	assert_int_equal(cc_ubiquity_rank(ps, paths, NULL, &m, &e), 0);
	assert_int_equal(cc_matrix_need_longer(ps, &m, &nd), 0);
	assert_null(nd.best);
	cc_matrix_clear(&m);
	cc_paths_free(paths);
	cc_profiles_free(ps);
	cc_pool_free(pool);
	pki_free(&k);
}

static void chain_anchors(void **state)
{
	pki_t k;
	cc_profiles_t *ps = cc_profiles_new();
	cc_pool_t *pool = cc_pool_new(), *other = cc_pool_new();
	cc_certlist_t out = { 0 };
	cc_error_t e;
	cc_cert_t *l, *r;

	pki_make(&k);
	spec_file(ps, "new", k.nw, "current");
	spec_file(ps, "old", k.old, "legacy");
	l = tp_add(pool, k.leaf);
	tp_add(pool, k.ica);
	/* without the cross-sign only the new root is reachable */
	assert_int_equal(cc_profiles_chain_anchors(ps, l, pool, &out, &e), 1);
	assert_true(cc_profile_has_anchor(ps, 0, out.v[0]));
	assert_false(cc_profile_has_anchor(ps, 1, out.v[0]));
	tp_add(pool, k.cross);
	/* with it, the old root too; the new one is not listed twice */
	assert_int_equal(cc_profiles_chain_anchors(ps, l, pool, &out, &e), 1);
	assert_int_equal(out.n, 2);
	assert_true(cc_profile_has_anchor(ps, 1, out.v[1]));
	cc_certlist_clear(&out);
	/* a root given as the chain is its own anchor */
	r = tp_add(other, k.old);
	assert_int_equal(cc_profiles_chain_anchors(ps, r, NULL, &out, &e), 1);
	assert_true(cc_profile_has_anchor(ps, 1, out.v[0]));
	cc_certlist_clear(&out);
	cc_profiles_free(ps);
	cc_pool_free(pool);
	cc_pool_free(other);
	pki_free(&k);
}

static void pool_add_copy(void **state)
{
	pki_t k;
	cc_pool_t *a = cc_pool_new(), *b = cc_pool_new();
	cc_cert_t *c, *got, *again;
	const unsigned char *d1, *d2;
	cc_certlist_t iss = { 0 };
	size_t n1, n2;
	cc_error_t e;

	pki_make(&k);
	c = tp_add(a, k.ica);
	assert_int_equal(cc_pool_add_copy(b, c, &got, &e), 0);
	assert_ptr_not_equal(got, c);
	assert_memory_equal(cc_cert_sha256(got), cc_cert_sha256(c), 32);
	d1 = cc_cert_der(got, &n1);
	d2 = cc_cert_der(c, &n2);
	assert_int_equal(n1, n2);
	assert_ptr_not_equal(d1, d2);
	assert_memory_equal(d1, d2, n2);
	/* the copy is found by subject like a parsed one */
	assert_int_equal(cc_pool_issuers_of(b, tp_add(a, k.leaf), &iss), 1);
	assert_ptr_equal(iss.v[0], got);
	cc_certlist_clear(&iss);
	assert_int_equal(cc_pool_add_copy(b, c, &again, &e), 0);
	assert_ptr_equal(again, got);
	assert_int_equal(cc_pool_count(b), 1);
	/* the original may go: the copy owns its bytes */
	cc_pool_free(a);
	assert_int_equal(cc_pool_count(b), 1);
	cc_pool_free(b);
	pki_free(&k);
}

static int setup(void **state)
{
	return tp_dir_make(dir);
}

static int teardown(void **state)
{
	return tp_dir_remove(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(groups_and_need_longer),
		cmocka_unit_test(chain_anchors),
		cmocka_unit_test(pool_add_copy),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
