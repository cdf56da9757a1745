/* test_served.c - cross-sign-available, self-signed-root-preferred, and the
 * chain to serve ranked by the anchors it reaches (cc_trust_reach). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testpki.h"

static EVP_PKEY *kold, *knew, *kica, *kleaf;
static X509 *old_root, *new_root, *cross, *ica, *leaf;

static int setup(void **state)
{
	tp_opts_t ca = { .ca = 1 }, lo = { .san = "served.test" };
	kold = tp_key(1);
	knew = tp_key(1);
	kica = tp_key(1);
	kleaf = tp_key(1);
	old_root = tp_cert("Old Root", kold, NULL, NULL, &ca);
	new_root = tp_cert("New Root", knew, NULL, NULL, &ca);
	cross = tp_cert("New Root", knew, old_root, kold, &ca);
	ica = tp_cert("Served ICA", kica, new_root, knew, &ca);
	leaf = tp_cert("served.test", kleaf, ica, kica, &lo);
	return 0;
}

static int teardown(void **state)
{
	X509 *x[] = { old_root, new_root, cross, ica, leaf };
	EVP_PKEY *k[] = { kold, knew, kica, kleaf };
	for (size_t i = 0; i < 5; i++)
		X509_free(x[i]);
	for (size_t i = 0; i < 4; i++)
		EVP_PKEY_free(k[i]);
	return 0;
}

struct fx {
	cc_pool_t *pool, *anchors;
	cc_certlist_t served;
	cc_findings_t f;
	cc_paths_t *fix;
};

/* served: a string of letters, l=leaf i=ica c=cross n=new root; pool also
 * gets extra; anchors: o=old n=new. */
static void run(struct fx *x, const char *served, const char *extra,
		const char *anchors)
{
	X509 *by[128] = { 0 };
	cc_error_t e;

	by['l'] = leaf;
	by['i'] = ica;
	by['c'] = cross;
	by['n'] = new_root;
	by['o'] = old_root;
	memset(x, 0, sizeof(*x));
	x->pool = cc_pool_new();
	x->anchors = cc_pool_new();
	for (const char *s = served; *s; s++)
		assert_int_equal(cc_certlist_push(&x->served, tp_add(x->pool, by[(int)*s])), 0);
	for (const char *s = extra; *s; s++)
		tp_add(x->pool, by[(int)*s]);
	for (const char *s = anchors; *s; s++)
		tp_add(x->anchors, by[(int)*s]);
	assert_int_equal(cc_served_review(&x->served, x->pool, x->anchors, NULL, NULL,
					  NULL, &x->f, &x->fix, &e), 0);
	assert_non_null(x->fix);
}

static void done(struct fx *x)
{
	cc_certlist_clear(&x->served);
	cc_findings_clear(&x->f);
	cc_paths_free(x->fix);
	cc_pool_free(x->pool);
	cc_pool_free(x->anchors);
}

static int has(const struct fx *x, const char *id)
{
	for (size_t i = 0; i < x->f.n; i++)
		if (!strcmp(x->f.v[i].id, id))
			return 1;
	return 0;
}

/* The chain to serve: the best path without its anchor, as letters. */
static void fix_is(struct fx *x, const char *want)
{
	char got[16] = "";
	const cc_path_t *p = &x->fix->v[0];
	X509 *by[] = { leaf, ica, cross, new_root, old_root };
	const char *names = "licno";

	assert_int_equal(cc_paths_best(x->fix), 0);
	for (size_t i = 0; i + 1 < p->certs.n; i++)
		for (size_t k = 0; k < 5; k++)
			if (!X509_cmp(cc_cert_x509(p->certs.v[i], NULL), by[k]))
				got[strlen(got)] = names[k];
	assert_string_equal(got, want);
}

static void complete_chain_clean(void **state)
{
	struct fx x;
	run(&x, "lic", "", "on");
	assert_int_equal(x.f.n, 0);
	fix_is(&x, "lic");
	done(&x);
}

static void cross_sign_available(void **state)
{
	struct fx x;
	/* leaf + ICA reach only the new root; the cross-sign would add the old one */
	run(&x, "li", "c", "on");
	assert_true(has(&x, "cross-sign-available"));
	assert_false(has(&x, "self-signed-root-preferred"));
	fix_is(&x, "lic");
	assert_true(x.fix->v[0].trust_score > 0.99);
	done(&x);
}

static void no_cross_sign_no_finding(void **state)
{
	struct fx x;
	/* only the new root is an anchor: the cross-sign reaches nothing more */
	run(&x, "li", "c", "n");
	assert_int_equal(x.f.n, 0);
	fix_is(&x, "li");
	done(&x);
}

static void self_signed_root_preferred(void **state)
{
	struct fx x;
	run(&x, "lin", "c", "on");
	assert_true(has(&x, "self-signed-root-preferred"));
	assert_false(has(&x, "cross-sign-available")); /* the same advice, said once */
	fix_is(&x, "lic");
	done(&x);

	/* without the cross-sign in the pool there is nothing to prefer */
	run(&x, "lin", "", "on");
	assert_false(has(&x, "self-signed-root-preferred"));
	done(&x);
}

static void reach_score(void **state)
{
	struct fx x;
	run(&x, "li", "c", "on");
	/* both paths are valid; the short one reaches one anchor of two */
	for (size_t i = 0; i < x.fix->n; i++) {
		const cc_path_t *p = &x.fix->v[i];
		double want = p->certs.n == 4 ? 1.0 : 0.5;
		assert_true(p->valid);
		assert_true(cc_trust_reach(p, x.fix) > want - 0.01 &&
			    cc_trust_reach(p, x.fix) < want + 0.01);
	}
	done(&x);
}

static void empty_served(void **state)
{
	cc_certlist_t none = { 0 };
	cc_findings_t f = { 0 };
	cc_paths_t *fix = (cc_paths_t *)1;
	cc_error_t e;
	assert_int_equal(cc_served_review(&none, NULL, NULL, NULL, NULL, NULL, &f, &fix, &e),
			 CC_EINVAL);
	assert_null(fix);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(complete_chain_clean),
		cmocka_unit_test(cross_sign_available),
		cmocka_unit_test(no_cross_sign_no_finding),
		cmocka_unit_test(self_signed_root_preferred),
		cmocka_unit_test(reach_score),
		cmocka_unit_test(empty_served),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
