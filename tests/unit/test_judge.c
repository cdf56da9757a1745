/* test_judge.c - the one judgement of a served chain (judge.c), the missing
 * issuer (missing.c) and expiry cliffs (cliff.c), on PKIs made with the
 * OpenSSL API: old root, new root, the new root cross-signed by the old one,
 * an issuing CA under the new name, a leaf. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "testpki.h"

#define DAY 86400L

typedef struct pki {
	EVP_PKEY *ko, *kn, *ki, *kl;
	X509 *old, *nw, *cross, *ica, *leaf;
	cc_pool_t *sent, *repair, *anchors;
	cc_profiles_t *profs;
} pki_t;

static void profile(cc_profiles_t *ps, const char *name, X509 *root)
{
	cc_pool_t *ap = cc_pool_new();
	cc_error_t e;

	tp_add(ap, root);
	assert_int_equal(cc_profiles_add_pool(ps, name, ap, CC_BEHAVIOUR_PATHBUILD, 1.0,
					      "unit", &e), 0);
	cc_pool_free(ap);
}

static void pki_make(pki_t *k, long cross_to)
{
	tp_opts_t r = { .ca = 1, .to = 7300 * DAY }, x = { .ca = 1, .to = cross_to };

	memset(k, 0, sizeof(*k));
	k->ko = tp_key(1);
	k->kn = tp_key(1);
	k->ki = tp_key(1);
	k->kl = tp_key(1);
	k->old = tp_cert("Judge Old Root", k->ko, NULL, NULL, &r);
	k->nw = tp_cert("Judge New Root", k->kn, NULL, NULL, &r);
	k->cross = tp_cert("Judge New Root", k->kn, k->old, k->ko, &x);
	k->ica = tp_cert("Judge ICA", k->ki, k->nw, k->kn, &r);
	k->leaf = tp_cert("leaf.test", k->kl, k->ica, k->ki, NULL);
	k->sent = cc_pool_new();
	k->repair = cc_pool_new();
	k->anchors = cc_pool_new();
	tp_add(k->anchors, k->old);
	tp_add(k->anchors, k->nw);
	k->profs = cc_profiles_new();
	profile(k->profs, "legacy", k->old);
	profile(k->profs, "modern", k->nw);
}

static void pki_free(pki_t *k)
{
	cc_pool_free(k->sent);
	cc_pool_free(k->repair);
	cc_pool_free(k->anchors);
	cc_profiles_free(k->profs);
	X509_free(k->old); X509_free(k->nw); X509_free(k->cross);
	X509_free(k->ica); X509_free(k->leaf);
	EVP_PKEY_free(k->ko); EVP_PKEY_free(k->kn);
	EVP_PKEY_free(k->ki); EVP_PKEY_free(k->kl);
}

static const cc_finding_t *find(const cc_findings_t *f, const char *id)
{
	for (size_t i = 0; i < f->n; i++)
		if (!strcmp(f->v[i].id, id))
			return &f->v[i];
	return NULL;
}

/* leaf + cross-sign, no issuing CA: the gap is named, the cross-sign is not
 * unrelated; the repair adds the issuing CA and says what that brings. */
static void gap_is_incomplete_chain(void **state)
{
	pki_t k;
	cc_certlist_t served = { 0 };
	cc_judgement_t j;
	cc_error_t e;
	const cc_finding_t *f;

	pki_make(&k, 3650 * DAY);
	cc_certlist_push(&served, tp_add(k.sent, k.leaf));
	cc_certlist_push(&served, tp_add(k.sent, k.cross));
	tp_add(k.repair, k.ica);
	cc_judge_in_t in = { .served = &served, .repair = k.repair, .anchors = k.anchors,
			     .profs = k.profs, .judge_after = 1 };
	assert_int_equal(cc_served_judge(&in, &j, &e), 0);
	assert_non_null(f = find(&j.findings, "incomplete-chain"));
	assert_non_null(strstr(f->msg, "the issuer of leaf.test (Judge ICA, key id "));
	assert_non_null(strstr(f->msg, "Judge New Root (position 1) follows it"));
	assert_null(find(&j.findings, "unrelated-cert"));
	assert_true(cc_judgement_failed(&j));
	assert_int_equal(j.served.ntrusted, 0);
	assert_non_null(strstr(j.served.v[1].reason, "missing intermediate: Judge ICA"));
	/* the chain to serve: leaf + ICA + cross-sign, trusted by both */
	assert_true(j.best >= 0);
	assert_int_equal(j.serve.n, 3);
	assert_int_equal(j.nadded, 1);
	assert_int_equal(j.nremoved, 0);
	assert_non_null(strstr(j.added[0].why, "the missing issuer of leaf.test"));
	assert_int_equal(j.added[0].kind, CC_CHANGE_MISSING_ISSUER);
	assert_non_null(j.fixed);
	assert_int_equal(j.fixed->ntrusted, 2);
	for (size_t i = 0; i < j.ngains; i++)
		assert_null(strstr(j.gains[i], "no longer sent"));
	assert_int_equal(j.after.n, 0);
	cc_judgement_clear(&j);
	cc_certlist_clear(&served);
	pki_free(&k);
}

/* the self-signed new root sent to a legacy client: its removal says what
 * the legacy client gains, not "clients already have it". */
static void self_signed_root_removed_with_its_gain(void **state)
{
	pki_t k;
	cc_certlist_t served = { 0 };
	cc_judgement_t j;
	cc_error_t e;

	pki_make(&k, 3650 * DAY);
	cc_certlist_push(&served, tp_add(k.sent, k.leaf));
	cc_certlist_push(&served, tp_add(k.sent, k.ica));
	cc_certlist_push(&served, tp_add(k.sent, k.nw));
	tp_add(k.repair, k.cross);
	cc_judge_in_t in = { .served = &served, .repair = k.repair, .anchors = k.anchors,
			     .profs = k.profs };
	assert_int_equal(cc_served_judge(&in, &j, &e), 0);
	assert_non_null(find(&j.findings, "untrusted"));
	assert_non_null(find(&j.findings, "self-signed-root-preferred"));
	assert_int_equal(j.nremoved, 1);
	assert_string_equal(j.removed[0].why, "a self-signed root that legacy lacks; "
					      "without it they reach Judge Old Root");
	assert_int_equal(j.removed[0].kind, CC_CHANGE_ROOT_LACKED);
	/* the gain line comes from the kind, not from parsing the words */
	int said = 0;
	for (size_t i = 0; i < j.ngains; i++)
		said |= strstr(j.gains[i], "the self-signed root is no longer sent") != NULL;
	assert_true(said);
	cc_judgement_clear(&j);
	cc_certlist_clear(&served);
	pki_free(&k);
}

/* a cross-sign expiring in 100 days: legacy loses the chain then. */
static void expiry_cliff(void **state)
{
	pki_t k;
	cc_certlist_t served = { 0 };
	cc_cliff_t c;
	cc_error_t e;
	cc_buf_t b = { 0 };

	pki_make(&k, 100 * DAY);
	cc_certlist_push(&served, tp_add(k.sent, k.leaf));
	cc_certlist_push(&served, tp_add(k.sent, k.ica));
	cc_certlist_push(&served, tp_add(k.sent, k.cross));
	cc_cliff_in_t in = { .profs = k.profs, .served = &served, .pool = k.sent,
			     .anchors = k.anchors };
	assert_int_equal(cc_cliff_find(&in, &c, &e), 1);
	assert_int_equal(c.nlost, 1);
	assert_string_equal(c.lost, "legacy");
	assert_false(c.anchor);
	assert_non_null(strstr(c.after, "leaf.test + Judge ICA (trusted by 1/2"));
	cc_cliff_text(&c, &b);
	assert_non_null(strstr(b.s, "depends on the cross-sign Judge New Root by Judge Old Root"));
	cc_buf_clear(&b);
	cc_cliff_clear(&c);
	in.horizon_days = 30; /* beyond the horizon: no cliff */
	assert_int_equal(cc_cliff_find(&in, &c, &e), 0);
	cc_certlist_clear(&served);
	pki_free(&k);
}

/* the missing issuer above a leaf, by name and key id. */
static void missing_issuer(void **state)
{
	pki_t k;
	cc_missing_t m;
	cc_cert_t *leaf;
	char aki[129];

	pki_make(&k, 3650 * DAY);
	leaf = tp_add(k.sent, k.leaf);
	assert_int_equal(cc_missing_issuer(leaf, k.sent, k.anchors, &m), 1);
	assert_string_equal(m.issuer, "Judge ICA");
	assert_string_equal(m.aki, cc_cert_aki_hex(leaf, aki, sizeof(aki)));
	assert_true(strlen(m.aki) == 40);
	cc_missing_clear(&m);
	tp_add(k.sent, k.ica);
	assert_int_equal(cc_missing_issuer(leaf, k.sent, k.anchors, &m), 0);
	pki_free(&k);
}

/* a leaf for another name: no chain cures it; the judgement of the chain
 * to serve (host checked) rejects it, and a leaf for the name is needed. */
static void needs_leaf_for_the_name(void **state)
{
	pki_t k;
	cc_certlist_t served = { 0 };
	cc_judgement_t j;
	cc_error_t e;

	pki_make(&k, 3650 * DAY);
	cc_certlist_push(&served, tp_add(k.sent, k.leaf));
	cc_certlist_push(&served, tp_add(k.sent, k.ica));
	cc_certlist_push(&served, tp_add(k.sent, k.cross));
	cc_judge_in_t in = { .served = &served, .anchors = k.anchors, .profs = k.profs,
			     .ao = { .host = "other.test" }, .judge_after = 1 };
	assert_int_equal(cc_served_judge(&in, &j, &e), 0);
	assert_true(j.best >= 0);
	assert_non_null(j.after_verdicts);
	assert_int_equal(j.after_verdicts->ntrusted, 0);
	assert_non_null(find(&j.after, "hostname-mismatch"));
	assert_int_equal(j.nneeds, 1);
	assert_int_equal(j.needs[0].kind, CC_NEED_LEAF);
	assert_string_equal(j.needs[0].subject, "other.test");
	assert_string_equal(j.needs[0].issuer, "Judge ICA");
	assert_string_equal(j.needs[0].profiles, "legacy, modern");
	for (size_t i = 0; i < j.ngains; i++)
		assert_null(strstr(j.gains[i], "accept the chain to serve"));
	cc_judgement_clear(&j);
	/* for its own name nothing is needed */
	in.ao.host = "leaf.test";
	assert_int_equal(cc_served_judge(&in, &j, &e), 0);
	assert_int_equal(j.nneeds, 0);
	cc_judgement_clear(&j);
	cc_certlist_clear(&served);
	pki_free(&k);
}

/* the cross-sign has expired and no valid one is at hand: the legacy
 * client still fails, the findings on the chain to serve say so, and a
 * renewed cross-sign is needed. */
static void needs_renewed_cross_sign(void **state)
{
	pki_t k;
	cc_certlist_t served = { 0 };
	cc_judgement_t j;
	cc_error_t e;

	pki_make(&k, 5 * DAY);
	cc_certlist_push(&served, tp_add(k.sent, k.leaf));
	cc_certlist_push(&served, tp_add(k.sent, k.ica));
	cc_certlist_push(&served, tp_add(k.sent, k.cross));
	cc_judge_in_t in = { .served = &served, .anchors = k.anchors, .profs = k.profs,
			     .ao = { .at = time(NULL) + 30 * DAY }, .judge_after = 1 };
	assert_int_equal(cc_served_judge(&in, &j, &e), 0);
	assert_true(j.best >= 0);
	assert_non_null(find(&j.after, "untrusted"));
	assert_int_equal(j.nneeds, 1);
	assert_int_equal(j.needs[0].kind, CC_NEED_RENEWED);
	assert_string_equal(j.needs[0].subject, "Judge New Root");
	assert_string_equal(j.needs[0].issuer, "Judge Old Root");
	assert_string_equal(j.needs[0].profiles, "legacy");
	cc_judgement_clear(&j);
	/* a valid cross-sign at hand: fixed, nothing needed */
	{
		tp_opts_t x = { .ca = 1, .to = 3650 * DAY };
		X509 *c2 = tp_cert("Judge New Root", k.kn, k.old, k.ko, &x);
		tp_add(k.repair, c2);
		in.repair = k.repair;
		assert_int_equal(cc_served_judge(&in, &j, &e), 0);
		assert_int_equal(j.nneeds, 0);
		assert_null(find(&j.after, "untrusted"));
		cc_judgement_clear(&j);
		X509_free(c2);
	}
	cc_certlist_clear(&served);
	pki_free(&k);
}

/* findings that name the real problem: a root no client has, an extra
 * certificate after a complete chain, another PKI's namesake after a gap. */
static void findings_name_the_problem(void **state)
{
	pki_t k, o;
	cc_certlist_t served = { 0 };
	cc_judgement_t j;
	cc_error_t e;
	cc_profiles_t *legacy = cc_profiles_new();
	cc_pool_t *old_only = cc_pool_new();
	const cc_finding_t *f;

	pki_make(&k, 3650 * DAY);
	profile(legacy, "legacy", k.old);
	tp_add(old_only, k.old);
	cc_certlist_push(&served, tp_add(k.sent, k.leaf));
	cc_certlist_push(&served, tp_add(k.sent, k.ica));
	cc_certlist_push(&served, tp_add(k.sent, k.nw));
	tp_add(k.repair, k.cross);
	cc_judge_in_t in = { .served = &served, .repair = k.repair, .anchors = old_only,
			     .profs = legacy };
	assert_int_equal(cc_served_judge(&in, &j, &e), 0);
	assert_non_null(f = find(&j.findings, "unknown-root-sent"));
	assert_int_equal(f->depth, 2);
	assert_non_null(strstr(f->msg, "serve instead leaf.test + Judge ICA + Judge New "
				       "Root cross-signed by Judge Old Root"));
	assert_null(find(&j.findings, "anchor-sent"));
	cc_judgement_clear(&j);
	/* leaf + ICA + cross + self-signed root, both clients: no wrong order */
	cc_certlist_clear(&served);
	cc_certlist_push(&served, tp_add(k.sent, k.leaf));
	cc_certlist_push(&served, tp_add(k.sent, k.ica));
	cc_certlist_push(&served, tp_add(k.sent, k.cross));
	cc_certlist_push(&served, tp_add(k.sent, k.nw));
	in.anchors = k.anchors;
	in.profs = k.profs;
	assert_int_equal(cc_served_judge(&in, &j, &e), 0);
	assert_null(find(&j.findings, "wrong-order"));
	assert_non_null(f = find(&j.findings, "anchor-sent"));
	assert_int_equal(f->depth, 3);
	assert_false(cc_judgement_failed(&j));
	cc_judgement_clear(&j);
	/* leaf + another PKI's "Judge ICA": unrelated, not "follows" */
	pki_make(&o, 3650 * DAY);
	cc_certlist_clear(&served);
	cc_certlist_push(&served, tp_add(k.sent, k.leaf));
	cc_certlist_push(&served, tp_add(k.sent, o.ica));
	in.repair = NULL;
	assert_int_equal(cc_served_judge(&in, &j, &e), 0);
	assert_non_null(f = find(&j.findings, "unrelated-cert"));
	assert_int_equal(f->depth, 1);
	assert_non_null(f = find(&j.findings, "incomplete-chain"));
	assert_null(strstr(f->msg, "follows it"));
	assert_non_null(strstr(f->msg, "another PKI"));
	cc_judgement_clear(&j);
	cc_certlist_clear(&served);
	cc_pool_free(old_only);
	cc_profiles_free(legacy);
	pki_free(&o);
	pki_free(&k);
}

/* A message is kept whole, however long the names in it (it was cut at
 * 383 bytes). */
static void finding_message_whole(void **state)
{
	cc_findings_t f = { 0 };
	char name[1001];

	(void)state;
	memset(name, 'n', 1000);
	name[1000] = 0;
	for (int i = 0; i < 20; i++)
		assert_int_equal(cc_findings_add(&f, "untrusted", CC_SEV_ERROR, i,
						 "position %d (%s) is long", i, name), 0);
	assert_int_equal(f.n, 20);
	assert_int_equal(strlen(f.v[19].msg), strlen("position 19 () is long") + 1000);
	assert_non_null(strstr(f.v[19].msg, ") is long"));
	cc_findings_clear(&f);
	assert_int_equal(f.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(gap_is_incomplete_chain),
		cmocka_unit_test(self_signed_root_removed_with_its_gain),
		cmocka_unit_test(expiry_cliff),
		cmocka_unit_test(missing_issuer),
		cmocka_unit_test(needs_leaf_for_the_name),
		cmocka_unit_test(needs_renewed_cross_sign),
		cmocka_unit_test(findings_name_the_problem),
		cmocka_unit_test(finding_message_whole),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
