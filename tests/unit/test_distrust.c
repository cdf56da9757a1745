/* test_distrust.c - distrust-after dates (trust/distrust.c): the earliest
 * embedded SCT, the verdict on leaves issued before and after an anchor's
 * date (by notBefore, by SCT, Chrome's SCT-only rule), the search going on
 * past a distrusted anchor, distrust cliffs, the file's errors, and the real
 * built-in mozilla-2026 profile with its Entrust Root Certification
 * Authority entry (and Chrome v17's constraint on the same root). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "testpki.h"

#define DAY 86400L

static char dir[] = "/tmp/certchain-distrust.XXXXXX";

static int setup(void **st) { (void)st; return tp_dir_make(dir); }
static int teardown(void **st) { (void)st; return tp_dir_remove(dir); }

/* Writes text to dir/name; returns the path (static buffer). */
static const char *file(const char *name, const char *text)
{
	static char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

typedef struct pki {
	EVP_PKEY *kr, *ki, *kl;
	X509 *root, *ica;
	cc_pool_t *pool;
	char rootfp[65];
} pki_t;

static void pki_make(pki_t *k)
{
	tp_opts_t ca = { .ca = 1, .from = -1000 * DAY, .to = 3000 * DAY };
	cc_pool_t *p = cc_pool_new();

	k->kr = tp_key(1);
	k->ki = tp_key(1);
	k->kl = tp_key(1);
	k->root = tp_cert("Distrust Root", k->kr, NULL, NULL, &ca);
	k->ica = tp_cert("Distrust ICA", k->ki, k->root, k->kr, &ca);
	k->pool = cc_pool_new();
	cc_cert_sha256_hex(tp_add(p, k->root), k->rootfp);
	cc_pool_free(p);
}

static void pki_free(pki_t *k)
{
	cc_pool_free(k->pool);
	X509_free(k->root);
	X509_free(k->ica);
	EVP_PKEY_free(k->kr);
	EVP_PKEY_free(k->ki);
	EVP_PKEY_free(k->kl);
}

/* The served chain leaf + ica, the leaf issued `from` seconds from now with
 * the given SCT dates (0: none). */
static void served(pki_t *k, cc_certlist_t *l, long from, time_t s0, time_t s1)
{
	tp_opts_t o = { .from = from, .sct = { s0, s1, 0 } };
	X509 *leaf = tp_cert("leaf.test", k->kl, k->ica, k->ki, &o);

	memset(l, 0, sizeof(*l));
	cc_certlist_push(l, tp_add(k->pool, leaf));
	cc_certlist_push(l, tp_add(k->pool, k->ica));
	X509_free(leaf);
}

static cc_profiles_t *profile(pki_t *k, const char *tsv, cc_distrust_kind_t kind)
{
	cc_profiles_t *ps = cc_profiles_new();
	cc_pool_t *ap = cc_pool_new();
	cc_error_t e;

	tp_add(ap, k->root);
	assert_int_equal(cc_profiles_add_pool(ps, "lab", ap, CC_BEHAVIOUR_PATHBUILD, 1.0,
					      "unit", &e), 0);
	cc_pool_free(ap);
	if (tsv)
		assert_int_equal(cc_profile_add_distrust(ps, 0, tsv, kind, &e), 0);
	return ps;
}

static const char *day(time_t t)
{
	static char b[32];
	cc_time_str(t, b);
	b[10] = 0;
	return b;
}

/* verdict of profile 0 on l; reason copied into why */
static int judge(cc_profiles_t *ps, cc_certlist_t *l, char *why)
{
	cc_verdicts_t v = { 0 };
	cc_error_t e;
	int t;

	assert_int_equal(cc_profiles_judge(ps, l, NULL, NULL, &v, &e), 0);
	t = v.v[0].trusted;
	strcpy(why, v.v[0].reason);
	cc_verdicts_clear(&v);
	return t;
}

static void earliest_sct(void **st)
{
	pki_t k;
	cc_certlist_t l;
	time_t now = time(NULL), t = 0;

	(void)st;
	pki_make(&k);
	/* the later SCT first: the earliest wins, not the first */
	served(&k, &l, -DAY, now - 20 * DAY, now - 30 * DAY);
	assert_int_equal(cc_cert_earliest_sct(l.v[0], &t), 1);
	assert_int_equal(t, now - 30 * DAY);
	cc_certlist_clear(&l);
	served(&k, &l, -DAY, 0, 0);
	assert_int_equal(cc_cert_earliest_sct(l.v[0], &t), 0);
	assert_int_equal(cc_cert_earliest_sct(l.v[1], &t), 0);
	cc_certlist_clear(&l);
	pki_free(&k);
}

static void issued_before_and_after(void **st)
{
	pki_t k;
	cc_certlist_t l;
	time_t now = time(NULL), cut = now - 50 * DAY;
	char tsv[200], why[256], want[256];
	cc_profiles_t *ps;

	(void)st;
	pki_make(&k);
	snprintf(tsv, sizeof(tsv), "# sha256\tdate\tlabel\n%s\t%s\tLab Root\n", k.rootfp, day(cut));
	ps = profile(&k, file("lab.tsv", tsv), CC_DISTRUST_ISSUED);
	/* issued 100 days ago, before the date: trusted, no reason */
	served(&k, &l, -100 * DAY, 0, 0);
	assert_int_equal(judge(ps, &l, why), 1);
	assert_string_equal(why, "");
	cc_certlist_clear(&l);
	/* issued 10 days ago: distrusted, dated by notBefore */
	served(&k, &l, -10 * DAY, 0, 0);
	assert_int_equal(judge(ps, &l, why), 0);
	snprintf(want, sizeof(want), "distrusted by lab: Lab Root, certificates issued after "
		 "%.10s", day(cut));
	snprintf(want + strlen(want), sizeof(want) - strlen(want), " (this one %.10s)",
		 day(now - 10 * DAY));
	assert_string_equal(why, want);
	cc_certlist_clear(&l);
	/* notBefore 100 days ago, its SCTs 90 and 95 days ago: trusted */
	served(&k, &l, -100 * DAY, now - 90 * DAY, now - 95 * DAY);
	assert_int_equal(judge(ps, &l, why), 1);
	cc_certlist_clear(&l);
	/* notBefore 10 days ago, an SCT 100 days ago: notBefore still counts */
	served(&k, &l, -10 * DAY, now - 100 * DAY, 0);
	assert_int_equal(judge(ps, &l, why), 0);
	cc_certlist_clear(&l);
	/* notBefore 100 days ago (backdated), SCT 20 days ago: the SCT dates it */
	served(&k, &l, -100 * DAY, now - 20 * DAY, 0);
	assert_int_equal(judge(ps, &l, why), 0);
	snprintf(want, sizeof(want), "(this one %.10s)", day(now - 20 * DAY));
	assert_non_null(strstr(why, want));
	cc_certlist_clear(&l);
	cc_profiles_free(ps);
	/* the same chain without the file: trusted */
	ps = profile(&k, NULL, CC_DISTRUST_ISSUED);
	served(&k, &l, -10 * DAY, 0, 0);
	assert_int_equal(judge(ps, &l, why), 1);
	cc_certlist_clear(&l);
	cc_profiles_free(ps);
	pki_free(&k);
}

static void sct_only_rule(void **st)
{
	pki_t k;
	cc_certlist_t l;
	time_t now = time(NULL), cut = now - 50 * DAY;
	char tsv[200], why[256];
	cc_profiles_t *ps;

	(void)st;
	pki_make(&k);
	/* Chrome's file: sha256, date, minimum Chrome version, CN */
	snprintf(tsv, sizeof(tsv), "%s\t%s\t131\tLab Root\n", k.rootfp, day(cut));
	ps = profile(&k, file("chrome.tsv", tsv), CC_DISTRUST_SCT);
	/* issued long ago, no SCT: Chrome does not trust it under the root */
	served(&k, &l, -100 * DAY, 0, 0);
	assert_int_equal(judge(ps, &l, why), 0);
	assert_non_null(strstr(why, "earliest SCT is after"));
	assert_non_null(strstr(why, "(this one has no embedded SCT)"));
	cc_certlist_clear(&l);
	served(&k, &l, -10 * DAY, now - 100 * DAY, 0);
	assert_int_equal(judge(ps, &l, why), 1);
	cc_certlist_clear(&l);
	served(&k, &l, -100 * DAY, now - 10 * DAY, 0);
	assert_int_equal(judge(ps, &l, why), 0);
	cc_certlist_clear(&l);
	cc_profiles_free(ps);
	pki_free(&k);
}

/* served-order (OpenSSL 1.0.x) and no-expiry-check-on-anchor (old Android)
 * judge the same dates: the reason is the same for every behaviour. */
static void every_behaviour(void **st)
{
	static const cc_behaviour_t b[] = { CC_BEHAVIOUR_PATHBUILD, CC_BEHAVIOUR_SERVED_ORDER,
					    CC_BEHAVIOUR_NO_EXPIRY_CHECK_ON_ANCHOR };
	pki_t k;
	cc_certlist_t l;
	time_t now = time(NULL);
	char tsv[200], first[256] = "";
	const char *path;

	(void)st;
	pki_make(&k);
	snprintf(tsv, sizeof(tsv), "%s\t%s\tLab Root\n", k.rootfp, day(now - 50 * DAY));
	path = file("beh.tsv", tsv);
	for (size_t n = 0; n < 3; n++) {
		cc_profiles_t *ps = cc_profiles_new();
		cc_pool_t *ap = cc_pool_new();
		cc_verdicts_t v = { 0 };
		cc_error_t e;
		tp_add(ap, k.root);
		assert_int_equal(cc_profiles_add_pool(ps, "lab", ap, b[n], 1.0, "unit", &e), 0);
		assert_int_equal(cc_profile_add_distrust(ps, 0, path, CC_DISTRUST_ISSUED, &e), 0);
		served(&k, &l, -10 * DAY, 0, 0);
		assert_int_equal(cc_profiles_judge(ps, &l, NULL, NULL, &v, &e), 0);
		assert_int_equal(v.v[0].trusted, 0);
		assert_int_equal(v.v[0].depth, 2);
		if (!n)
			strcpy(first, v.v[0].reason);
		assert_string_equal(v.v[0].reason, first);
		cc_verdicts_clear(&v);
		cc_certlist_clear(&l);
		/* issued before the date: trusted by every behaviour */
		served(&k, &l, -100 * DAY, 0, 0);
		assert_int_equal(cc_profiles_judge(ps, &l, NULL, NULL, &v, &e), 0);
		assert_int_equal(v.v[0].trusted, 1);
		cc_verdicts_clear(&v);
		cc_certlist_clear(&l);
		cc_pool_free(ap);
		cc_profiles_free(ps);
	}
	assert_non_null(strstr(first, "distrusted by lab: Lab Root"));
	pki_free(&k);
}

static void search_goes_on(void **st)
{
	pki_t k;
	cc_certlist_t l;
	EVP_PKEY *k2 = tp_key(1);
	tp_opts_t ca = { .ca = 1, .from = -1000 * DAY, .to = 3000 * DAY };
	X509 *root2, *ica2;
	cc_profiles_t *ps = cc_profiles_new();
	cc_pool_t *ap = cc_pool_new();
	cc_verdicts_t v = { 0 };
	char tsv[200], cn[128];
	cc_error_t e;

	(void)st;
	pki_make(&k);
	root2 = tp_cert("Distrust Root 2", k2, NULL, NULL, &ca);
	ica2 = tp_cert("Distrust ICA", k.ki, root2, k2, &ca); /* the ICA's twin */
	tp_add(ap, k.root);
	tp_add(ap, root2);
	assert_int_equal(cc_profiles_add_pool(ps, "two", ap, CC_BEHAVIOUR_PATHBUILD, 1.0,
					      "unit", &e), 0);
	snprintf(tsv, sizeof(tsv), "%s\t2000-01-01\tLab Root\n", k.rootfp);
	assert_int_equal(cc_profile_add_distrust(ps, 0, file("two.tsv", tsv),
						 CC_DISTRUST_ISSUED, &e), 0);
	served(&k, &l, -DAY, 0, 0);
	cc_certlist_push(&l, tp_add(k.pool, ica2));
	assert_int_equal(cc_profiles_judge(ps, &l, NULL, NULL, &v, &e), 0);
	assert_int_equal(v.v[0].trusted, 1);
	assert_string_equal(cc_cert_name(v.v[0].anchor, 0, cn, sizeof(cn)), "Distrust Root 2");
	assert_string_equal(v.v[0].reason, "");
	cc_verdicts_clear(&v);
	cc_certlist_clear(&l);
	cc_pool_free(ap);
	cc_profiles_free(ps);
	X509_free(root2);
	X509_free(ica2);
	EVP_PKEY_free(k2);
	pki_free(&k);
}

static void cliffs(void **st)
{
	pki_t k;
	cc_certlist_t l;
	time_t now = time(NULL);
	char tsv[300];
	cc_profiles_t *ps;
	cc_verdicts_t v = { 0 };
	cc_distrust_cliff_t dc[CC_CLIFF_MAX_DISTRUST];
	cc_buf_t b = { 0 };
	char want[200];
	cc_error_t e;

	(void)st;
	pki_make(&k);
	snprintf(tsv, sizeof(tsv), "%s\t%s\tLab Root\n", k.rootfp, day(now - 5 * DAY));
	ps = profile(&k, file("cliff.tsv", tsv), CC_DISTRUST_ISSUED);
	served(&k, &l, -100 * DAY, 0, 0);
	assert_int_equal(cc_profiles_judge(ps, &l, NULL, NULL, &v, &e), 0);
	assert_int_equal(v.v[0].trusted, 1);
	assert_int_equal(cc_distrust_cliffs(ps, &v, now, 0, dc), 1);
	cc_distrust_cliff_text(&dc[0], &b);
	snprintf(want, sizeof(want), "from %s, new certificates under Lab Root are not "
		 "trusted by lab", day(now - 4 * DAY));
	assert_string_equal(b.s, want);
	assert_int_equal(dc[0].nprofiles, 1);
	cc_buf_clear(&b);
	cc_verdicts_clear(&v);
	cc_certlist_clear(&l);
	cc_profiles_free(ps);
	/* a date beyond the horizon is no cliff */
	snprintf(tsv, sizeof(tsv), "%s\t%s\tLab Root\n", k.rootfp, day(now + 400 * DAY));
	ps = profile(&k, file("far.tsv", tsv), CC_DISTRUST_ISSUED);
	served(&k, &l, -100 * DAY, 0, 0);
	assert_int_equal(cc_profiles_judge(ps, &l, NULL, NULL, &v, &e), 0);
	assert_int_equal(cc_distrust_cliffs(ps, &v, now, 365, dc), 0);
	assert_int_equal(cc_distrust_cliffs(ps, &v, now, 0, dc), 1);
	cc_verdicts_clear(&v);
	cc_certlist_clear(&l);
	cc_profiles_free(ps);
	pki_free(&k);
}

static void bad_files(void **st)
{
	static const char *h = "73c176434f1bc6d5adf45b0e76e727287c8de57616c1e6e6141a2b2cbc7d8e4c";
	struct { const char *text, *msg; } c[] = {
		{ "# c\n\nzz\t2024-11-30\tx\n", "line 3: 'zz' is not a SHA-256" },
		{ "%s\t2024-13-01\tx\n", "line 1: '2024-13-01' is not a UTC date" },
		{ "%s\n", "line 1: expected sha256<TAB>date<TAB>label" },
		{ "%s\t2024-11-30\t1\tx\n", "line 1: expected sha256<TAB>date<TAB>label" },
		{ "%s\t2024-11-30\ta\n%s\t2024-11-30\tb\n", "line 2: anchor 73c176434f1bc6d5... given twice" },
	};
	char text[400], path[300];
	cc_profiles_t *ps = cc_profiles_new();
	cc_pool_t *ap = cc_pool_new();
	cc_error_t e;

	(void)st;
	assert_int_equal(cc_profiles_add_pool(ps, "p", ap, CC_BEHAVIOUR_PATHBUILD, 1.0, "u", &e), 0);
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		snprintf(text, sizeof(text), c[i].text, h, h);
		snprintf(path, sizeof(path), "%s", file("bad.tsv", text));
		cc_error_clear(&e);
		assert_int_equal(cc_profile_add_distrust(ps, 0, path, CC_DISTRUST_ISSUED, &e),
				 CC_EPARSE);
		assert_string_equal(e.where, path);
		if (!strstr(e.msg, c[i].msg))
			fail_msg("case %zu: '%s' lacks '%s'", i, e.msg, c[i].msg);
	}
	/* hostile: a 5,000-character line, a NUL-laden binary file, a control
	 * character in a label, more lines than CC_MAX_DISTRUST */
	{
		static char big[5200];
		FILE *f;
		memset(big, 'a', 5000);
		big[5000] = 0;
		snprintf(path, sizeof(path), "%s", file("long.tsv", big));
		assert_int_equal(cc_profile_add_distrust(ps, 0, path, CC_DISTRUST_ISSUED, &e), CC_EPARSE);
		assert_non_null(strstr(e.msg, "line 1: longer than"));
		snprintf(path, sizeof(path), "%s/bin.tsv", dir);
		f = fopen(path, "wb");
		for (int i = 0; i < 3000; i++)
			fputc(i % 7 ? i & 0xff : 0, f);
		fclose(f);
		assert_true(cc_profile_add_distrust(ps, 0, path, CC_DISTRUST_ISSUED, &e) < 0);
		snprintf(text, sizeof(text), "%s\t2024-11-30\tbad\033[31mlabel\n", h);
		snprintf(path, sizeof(path), "%s", file("ctl.tsv", text));
		assert_int_equal(cc_profile_add_distrust(ps, 0, path, CC_DISTRUST_ISSUED, &e), CC_EPARSE);
		assert_non_null(strstr(e.msg, "control character"));
		snprintf(path, sizeof(path), "%s/many.tsv", dir);
		f = fopen(path, "w");
		for (unsigned i = 0; i <= CC_MAX_DISTRUST; i++)
			fprintf(f, "%064x\t2024-11-30\tx\n", i);
		fclose(f);
		assert_int_equal(cc_profile_add_distrust(ps, 0, path, CC_DISTRUST_ISSUED, &e), CC_ELIMIT);
	}
	/* nothing of a refused file is kept */
	assert_int_equal(cc_profile_distrust_count(ps, 0), 0);
	cc_pool_free(ap);
	cc_profiles_free(ps);
}

/* The real NSS 2026 store as the built-in profile: its Entrust Root
 * Certification Authority carries 2024-11-30 with its label; Chrome v17's
 * file gives the same root its SCT date, 2024-11-11. */
static void real_entrust(void **st)
{
	cc_profiles_t *ps = cc_profiles_new();
	cc_pool_t *pool;
	cc_cert_t *entrust = NULL;
	const cc_distrust_t *d;
	char cn[128], t[32], fp[65];
	cc_error_t e;
	size_t n = 0;

	(void)st;
	cc_error_clear(&e);
	if (cc_profiles_add_builtin(ps, "data", "mozilla-2026", &e))
		fail_msg("mozilla-2026: %s: %s", e.where, e.msg);
	pool = cc_profiles_pool(ps);
	for (size_t i = 0; i < cc_pool_count(pool); i++) {
		cc_cert_t *c = cc_pool_get(pool, i);
		if (!strcmp(cc_cert_name(c, 0, cn, sizeof(cn)), "Entrust Root Certification Authority"))
			entrust = c, n++;
	}
	assert_int_equal(n, 1);
	assert_true(cc_profile_has_anchor(ps, 0, entrust));
	cc_cert_sha256_hex(entrust, fp);
	assert_string_equal(fp, "73c176434f1bc6d5adf45b0e76e727287c8de57616c1e6e6141a2b2cbc7d8e4c");
	d = cc_profile_distrust_of(ps, 0, entrust, CC_DISTRUST_ISSUED);
	assert_non_null(d);
	assert_string_equal(d->label, "Entrust Root Certification Authority");
	assert_string_equal(cc_time_str(d->after, t), "2024-11-30T23:59:59Z");
	assert_null(cc_profile_distrust_of(ps, 0, entrust, CC_DISTRUST_SCT));
	assert_int_equal(cc_profile_distrust_count(ps, 0), 2);
	assert_int_equal(cc_profile_add_distrust(ps, 0, "data/trust-stores/chrome-root-store-v17-constraints.tsv",
						 CC_DISTRUST_SCT, &e), 0);
	d = cc_profile_distrust_of(ps, 0, entrust, CC_DISTRUST_SCT);
	assert_non_null(d);
	assert_string_equal(cc_time_str(d->after, t), "2024-11-11T23:59:59Z");
	assert_string_equal(d->label, "Entrust Root Certification Authority");
	cc_profiles_free(ps);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(earliest_sct),
		cmocka_unit_test(issued_before_and_after),
		cmocka_unit_test(sct_only_rule),
		cmocka_unit_test(every_behaviour),
		cmocka_unit_test(search_goes_on),
		cmocka_unit_test(cliffs),
		cmocka_unit_test(bad_files),
		cmocka_unit_test(real_entrust),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
