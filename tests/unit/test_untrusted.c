/* test_untrusted.c - why no client trusts a chain (judge/untrusted.c), on a
 * PKI made with the OpenSSL API: old root, new root, an issuing CA under the
 * new root, a leaf, and an unrelated root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "testpki.h"

#define DAY 86400L

typedef struct pki {
	EVP_PKEY *ko, *kn, *ki, *kl, *ku;
	X509 *old, *nw, *ica, *leaf, *other;
	cc_pool_t *sent, *repair, *anchors;
	cc_profiles_t *profs;
	cc_certlist_t served;
} pki_t;

/* Adds the profile name holding root, and root to k's anchors. */
static void profile(pki_t *k, const char *name, X509 *root)
{
	cc_pool_t *ap = cc_pool_new();
	cc_error_t e;

	tp_add(ap, root);
	tp_add(k->anchors, root);
	assert_int_equal(cc_profiles_add_pool(k->profs, name, ap, CC_BEHAVIOUR_PATHBUILD, 1.0,
					      "unit", &e), 0);
	cc_pool_free(ap);
}

/* The PKI, no profile yet; served: leaf + issuing CA. */
static void pki_make(pki_t *k)
{
	tp_opts_t r = { .ca = 1, .to = 7300 * DAY };

	memset(k, 0, sizeof(*k));
	k->ko = tp_key(1);
	k->kn = tp_key(1);
	k->ki = tp_key(1);
	k->kl = tp_key(1);
	k->ku = tp_key(1);
	k->old = tp_cert("Untrusted Old Root", k->ko, NULL, NULL, &r);
	k->nw = tp_cert("Untrusted New Root", k->kn, NULL, NULL, &r);
	k->other = tp_cert("Unrelated Root", k->ku, NULL, NULL, &r);
	k->ica = tp_cert("Untrusted ICA", k->ki, k->nw, k->kn, &r);
	k->leaf = tp_cert("leaf.test", k->kl, k->ica, k->ki, NULL);
	k->sent = cc_pool_new();
	k->repair = cc_pool_new();
	k->anchors = cc_pool_new();
	k->profs = cc_profiles_new();
	cc_certlist_push(&k->served, tp_add(k->sent, k->leaf));
	cc_certlist_push(&k->served, tp_add(k->sent, k->ica));
}

static void pki_free(pki_t *k)
{
	cc_certlist_clear(&k->served);
	cc_pool_free(k->sent);
	cc_pool_free(k->repair);
	cc_pool_free(k->anchors);
	cc_profiles_free(k->profs);
	X509_free(k->old); X509_free(k->nw); X509_free(k->ica);
	X509_free(k->leaf); X509_free(k->other);
	EVP_PKEY_free(k->ko); EVP_PKEY_free(k->kn); EVP_PKEY_free(k->ki);
	EVP_PKEY_free(k->kl); EVP_PKEY_free(k->ku);
}

/* A chain to the new root exists; legacy lacks that root, modern holds it
 * and rejects the chain for the host name: no one trusts it, each said so. */
static void chosen_chain_nobody_trusts(void **state)
{
	pki_t k;
	cc_judgement_t j;
	cc_untrusted_t u;
	cc_error_t e;

	pki_make(&k);
	profile(&k, "legacy", k.old);
	profile(&k, "modern", k.nw);
	cc_judge_in_t in = { .served = &k.served, .repair = k.repair, .anchors = k.anchors,
			     .profs = k.profs, .ao = { .host = "other.test" }, .judge_after = 1 };
	assert_int_equal(cc_served_judge(&in, &j, &e), 0);
	assert_true(j.best >= 0);
	assert_int_equal(j.after_verdicts->ntrusted, 0);
	assert_int_equal(cc_judge_untrusted(&in, &j, &u, &e), 1);
	assert_int_equal(u.chosen, 1);
	assert_memory_equal(cc_cert_sha256(u.anchor), cc_cert_sha256(tp_add(k.sent, k.nw)), 32);
	assert_int_equal(u.nlack, 1);
	assert_string_equal(cc_profile_name(k.profs, u.lack[0]), "legacy");
	assert_int_equal(u.nreject, 1);
	assert_string_equal(cc_profile_name(k.profs, u.reject[0]), "modern");
	assert_non_null(strstr(u.text, "no client profile in use trusts the chain; legacy lacks "
					"its anchor Untrusted New Root (cured by adding Untrusted "
					"New Root to its anchors, or by Untrusted New Root issued "
					"by a root it has); modern holds Untrusted New Root and "
					"still rejects it (modern: "));
	assert_non_null(strstr(u.text, j.after_verdicts->v[u.reject[0]].reason));
	cc_untrusted_clear(&u);
	assert_null(u.text);
	cc_judgement_clear(&j);
	/* for the leaf's own name modern trusts it: nothing to say */
	in.ao.host = "leaf.test";
	assert_int_equal(cc_served_judge(&in, &j, &e), 0);
	assert_int_equal(cc_judge_untrusted(&in, &j, &u, &e), 0);
	assert_null(u.text);
	assert_null(u.anchor);
	assert_int_equal(u.nlack + u.nreject, 0);
	cc_judgement_clear(&j);
	pki_free(&k);
}

/* No chain: the certificates at hand end at the new root, which the only
 * profile does not hold; without the root at hand, a missing issuer is not
 * this function's to name. */
static void no_chain_root_nobody_holds(void **state)
{
	pki_t k;
	cc_judgement_t j;
	cc_untrusted_t u;
	cc_error_t e;

	pki_make(&k);
	profile(&k, "other", k.other);
	profile(&k, "legacy", k.old);
	tp_add(k.repair, k.nw);
	cc_judge_in_t in = { .served = &k.served, .repair = k.repair, .anchors = k.anchors,
			     .profs = k.profs, .judge_after = 1 };
	assert_int_equal(cc_served_judge(&in, &j, &e), 0);
	assert_true(j.best < 0);
	assert_int_equal(cc_judge_untrusted(&in, &j, &u, &e), 1);
	assert_int_equal(u.chosen, 0);
	assert_memory_equal(cc_cert_sha256(u.anchor), cc_cert_sha256(tp_add(k.sent, k.nw)), 32);
	assert_int_equal(u.nlack, 2);
	assert_int_equal(u.nreject, 0);
	assert_string_equal(u.text, "the chain at hand ends at the self-signed Untrusted New "
				    "Root, which no client profile in use holds (other, legacy): "
				    "cured by adding Untrusted New Root to their anchors, or by "
				    "Untrusted New Root issued by a root they have");
	cc_untrusted_clear(&u);
	cc_judgement_clear(&j);
	/* the new root not at hand: the issuer is missing, no root to name */
	cc_judge_in_t gap = { .served = &k.served, .anchors = k.anchors, .profs = k.profs,
			      .judge_after = 1 };
	assert_int_equal(cc_served_judge(&gap, &j, &e), 0);
	assert_true(j.best < 0);
	assert_int_equal(cc_judge_untrusted(&gap, &j, &u, &e), 0);
	assert_null(u.text);
	cc_judgement_clear(&j);
	/* no judgement: an error, not an answer */
	assert_true(cc_judge_untrusted(&in, NULL, &u, &e) < 0);
	assert_int_equal(e.code, CC_EINVAL);
	pki_free(&k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(chosen_chain_nobody_trusts),
		cmocka_unit_test(no_chain_root_nobody_holds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
