/* test_profile.c - profile sets: one shared anchor pool, the --profile
 * syntax, built-in profiles.conf parsing, and the ubiquity ranking. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "testpki.h"

static char dir[] = "/tmp/cc-unit-profile.XXXXXX";

static void write_file(const char *name, const char *text)
{
	char p[256];
	FILE *f;
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	assert_non_null(f = fopen(p, "w"));
	fputs(text, f);
	fclose(f);
}

static void roots(X509 **a, X509 **b)
{
	tp_opts_t ca = { .ca = 1 };
	EVP_PKEY *ka = tp_key(1), *kb = tp_key(1);
	*a = tp_cert("Profile Root A", ka, NULL, NULL, &ca);
	*b = tp_cert("Profile Root B", kb, NULL, NULL, &ca);
	EVP_PKEY_free(ka);
	EVP_PKEY_free(kb);
}

static void shared_pool_and_membership(void **state)
{
	X509 *a, *b;
	char *pa, *pb, both[8192], p1[300], p2[300];
	cc_profiles_t *ps = cc_profiles_new();
	cc_pool_t *tmp = cc_pool_new();
	cc_cert_t *ca, *cb;
	cc_error_t e;

	roots(&a, &b);
	pa = tp_pem(a);
	pb = tp_pem(b);
	snprintf(both, sizeof(both), "%s%s", pa, pb);
	write_file("a.pem", pa);
	write_file("ab.pem", both);
	snprintf(p1, sizeof(p1), "%s/a.pem", dir);
	snprintf(p2, sizeof(p2), "%s/ab.pem", dir);
	assert_int_equal(cc_profiles_add_file(ps, "one", p1, CC_BEHAVIOUR_PATHBUILD,
					      2, NULL, &e), 0);
	assert_int_equal(cc_profiles_add_file(ps, "two", p2, CC_BEHAVIOUR_PATHBUILD,
					      3, NULL, &e), 0);
	/* root A is in both profiles and in the pool once */
	assert_int_equal(cc_pool_count(cc_profiles_pool(ps)), 2);
	assert_int_equal(cc_profile_anchor_count(ps, 0), 1);
	assert_int_equal(cc_profile_anchor_count(ps, 1), 2);
	ca = tp_add(tmp, a); /* another pool's copy: compared by SHA-256 */
	cb = tp_add(tmp, b);
	assert_true(cc_profile_has_anchor(ps, 0, ca));
	assert_false(cc_profile_has_anchor(ps, 0, cb));
	assert_true(cc_profile_has_anchor(ps, 1, cb));
	/* a profile from an existing pool */
	assert_int_equal(cc_profiles_add_pool(ps, "store", tmp, CC_BEHAVIOUR_PATHBUILD,
					      1, "the store", &e), 0);
	assert_int_equal(cc_pool_count(cc_profiles_pool(ps)), 2);
	assert_int_equal(cc_profile_anchor_count(ps, 2), 2);
	assert_string_equal(cc_profile_source(ps, 2), "the store");
	/* names are unique and plain */
	assert_int_equal(cc_profiles_add_pool(ps, "store", tmp, 0, 1, NULL, &e), CC_EINVAL);
	assert_int_equal(cc_profiles_add_pool(ps, "a b", tmp, 0, 1, NULL, &e), CC_EINVAL);
	assert_int_equal(cc_profiles_add_pool(ps, "neg", tmp, 0, -1, NULL, &e), CC_EINVAL);
	assert_int_equal(cc_profiles_count(ps), 3);
	cc_profiles_free(ps);
	cc_pool_free(tmp);
	free(pa);
	free(pb);
	X509_free(a);
	X509_free(b);
}

/* An empty directory is no profile. */
static void empty_dir(void **state)
{
	X509 *a, *b;
	char *pa, *pb, both[8192], p[300];
	cc_profiles_t *ps = cc_profiles_new();
	cc_error_t e;

	roots(&a, &b);
	pa = tp_pem(a);
	pb = tp_pem(b);
	snprintf(both, sizeof(both), "%s%s", pa, pb);
	write_file("d-a.pem", pa);
	write_file("d-ab.pem", both);
	snprintf(p, sizeof(p), "%s/d-a.pem", dir);
	assert_int_equal(cc_profiles_add_file(ps, "one", p, 0, 1, NULL, &e), 0);
	snprintf(p, sizeof(p), "%s/d-ab.pem", dir);
	assert_int_equal(cc_profiles_add_file(ps, "two", p, 0, 1, NULL, &e), 0);
	assert_int_equal(cc_profile_anchor_count(ps, 1), 2);
	/* an empty directory is refused, as an empty file is */
	snprintf(p, sizeof(p), "%s/empty.d", dir);
	assert_int_equal(mkdir(p, 0700), 0);
	assert_int_equal(cc_profiles_add_file(ps, "none", p, 0, 1, NULL, &e), CC_EINVAL);
	assert_non_null(strstr(e.msg, "without any certificate"));
	assert_int_equal(cc_profiles_count(ps), 2);
	cc_profiles_free(ps);
	free(pa);
	free(pb);
	X509_free(a);
	X509_free(b);
}

static void spec_syntax(void **state)
{
	X509 *a, *b;
	char *pa, spec[600];
	cc_profiles_t *ps = cc_profiles_new();
	cc_error_t e;

	roots(&a, &b);
	pa = tp_pem(a);
	write_file("odd,name.pem", pa);
	write_file("profiles.conf", "");
	snprintf(spec, sizeof(spec), "lab=%s/odd,name.pem,behaviour=served-order,weight=2.5", dir);
	assert_int_equal(cc_profiles_add_spec(ps, spec, NULL, &e), 0);
	assert_string_equal(cc_profile_name(ps, 0), "lab");
	assert_int_equal(cc_profile_behaviour(ps, 0), CC_BEHAVIOUR_SERVED_ORDER);
	assert_true(cc_profile_weight(ps, 0) == 2.5);
	assert_int_equal(cc_profile_anchor_count(ps, 0), 1);
	snprintf(spec, sizeof(spec), "x=%s/odd,name.pem,behaviour=sometimes", dir);
	assert_int_equal(cc_profiles_add_spec(ps, spec, NULL, &e), CC_EINVAL);
	assert_non_null(strstr(e.msg, "sometimes"));
	snprintf(spec, sizeof(spec), "x=%s/odd,name.pem,weight=lots", dir);
	assert_int_equal(cc_profiles_add_spec(ps, spec, NULL, &e), CC_EINVAL);
	snprintf(spec, sizeof(spec), "x=%s/missing.pem", dir);
	assert_int_equal(cc_profiles_add_spec(ps, spec, NULL, &e), CC_EIO);
	assert_int_equal(cc_profiles_add_spec(ps, "x=", NULL, &e), CC_EINVAL);
	assert_int_equal(cc_profiles_add_spec(ps, "nosuch", NULL, &e), CC_ENOTFOUND);
	assert_int_equal(cc_profiles_count(ps), 1);
	cc_profiles_free(ps);
	free(pa);
	X509_free(a);
	X509_free(b);
}

static void builtin_conf(void **state)
{
	X509 *a, *b;
	char *pa, *pb, ddir[300];
	cc_profiles_t *ps = cc_profiles_new();
	cc_error_t e;

	roots(&a, &b);
	pa = tp_pem(a);
	pb = tp_pem(b);
	snprintf(ddir, sizeof(ddir), "%s/trust-stores", dir);
	assert_int_equal(mkdir(ddir, 0700), 0);
	write_file("trust-stores/a.pem", pa);
	write_file("trust-stores/b.pem", pb);
	write_file("trust-stores/profiles.conf",
		   "# name file behaviour weight description\n\n"
		   "old-a  a.pem  no-expiry-check-on-anchor  40  Old device A\n"
		   "new-b  b.pem  pathbuild                  7.5 New device B\n");
	assert_int_equal(cc_profiles_add_builtin(ps, dir, "new-b", &e), 0);
	assert_int_equal(cc_profiles_count(ps), 1);
	assert_true(cc_profile_weight(ps, 0) == 7.5);
	assert_non_null(strstr(cc_profile_source(ps, 0), "New device B"));
	/* NAME with an override */
	assert_int_equal(cc_profiles_add_spec(ps, "old-a,behaviour=pathbuild,weight=3", dir, &e), 0);
	assert_int_equal(cc_profile_behaviour(ps, 1), CC_BEHAVIOUR_PATHBUILD);
	assert_true(cc_profile_weight(ps, 1) == 3);
	assert_int_equal(cc_profiles_add_builtin(ps, dir, "none", &e), CC_ENOTFOUND);
	cc_profiles_free(ps);
	ps = cc_profiles_new();
	assert_int_equal(cc_profiles_add_builtin(ps, dir, NULL, &e), 0);
	assert_int_equal(cc_profiles_count(ps), 2);
	assert_int_equal(cc_profile_behaviour(ps, 0), CC_BEHAVIOUR_NO_EXPIRY_CHECK_ON_ANCHOR);
	cc_profiles_free(ps);
	/* a malformed line is an error naming the file and line */
	write_file("trust-stores/profiles.conf", "broken a.pem\n");
	ps = cc_profiles_new();
	assert_int_equal(cc_profiles_add_builtin(ps, dir, NULL, &e), CC_EPARSE);
	assert_non_null(strstr(e.msg, "line 1"));
	cc_profiles_free(ps);
	free(pa);
	free(pb);
	X509_free(a);
	X509_free(b);
}

/* profiles.conf KEY=VALUE tokens; the precomputed index against the PEMs. */
static void conf_keys_and_index(void **state)
{
	X509 *a, *b;
	char *pa, *pb, both[8192], idx[300];
	cc_profiles_t *ps = cc_profiles_new();
	struct stat st;
	cc_error_t e;

	roots(&a, &b);
	pa = tp_pem(a);
	pb = tp_pem(b);
	snprintf(both, sizeof(both), "%s%s", pa, pb);
	/* builtin_conf made trust-stores/ */
	write_file("trust-stores/a.pem", pa);
	write_file("trust-stores/ab.pem", both);
	write_file("trust-stores/profiles.conf",
		   "now  ab.pem pathbuild 100 group=current date=2025-10 Today's A+B\n"
		   "then a.pem  pathbuild 25  date=2017 group=legacy  Old A\n"
		   "bare a.pem  served-order 1 Plain line\n");
	assert_int_equal(cc_profiles_add_builtin(ps, dir, NULL, &e), 0);
	assert_int_equal(cc_profiles_count(ps), 3);
	assert_int_equal(cc_profile_group(ps, 0), CC_PROFILE_CURRENT);
	assert_string_equal(cc_profile_date(ps, 0), "2025-10");
	assert_int_equal(cc_profile_group(ps, 1), CC_PROFILE_LEGACY);
	assert_string_equal(cc_profile_date(ps, 1), "2017");
	assert_string_equal(cc_profile_date(ps, 2), "");
	assert_int_equal(cc_profile_group(ps, 2), CC_PROFILE_CURRENT);
	assert_non_null(strstr(cc_profile_source(ps, 1), "Old A"));
	assert_null(strstr(cc_profile_source(ps, 1), "group="));
	cc_profiles_free(ps);
	/* the index gives the same anchors */
	assert_int_equal(cc_profiles_index_write(dir, &e), 0);
	snprintf(idx, sizeof(idx), "%s/trust-stores/profiles.idx", dir);
	assert_int_equal(stat(idx, &st), 0);
	ps = cc_profiles_new();
	assert_int_equal(cc_profiles_add_builtin(ps, dir, NULL, &e), 0);
	assert_int_equal(cc_profile_anchor_count(ps, 0), 2);
	assert_int_equal(cc_profile_anchor_count(ps, 1), 1);
	assert_int_equal(cc_pool_count(cc_profiles_pool(ps)), 2);
	cc_profiles_free(ps);
	/* a store rewritten after the index (new size): its PEM is read */
	write_file("trust-stores/ab.pem", pb);
	ps = cc_profiles_new();
	assert_int_equal(cc_profiles_add_builtin(ps, dir, "now", &e), 0);
	assert_int_equal(cc_profile_anchor_count(ps, 0), 1);
	cc_profiles_free(ps);
	/* unknown key, bad group, bad date: errors naming the line */
	write_file("trust-stores/profiles.conf", "x a.pem pathbuild 1 colour=red X\n");
	ps = cc_profiles_new();
	assert_int_equal(cc_profiles_add_builtin(ps, dir, NULL, &e), CC_EPARSE);
	assert_non_null(strstr(e.msg, "line 1: unknown key 'colour'"));
	cc_profiles_free(ps);
	write_file("trust-stores/profiles.conf", "\nx a.pem pathbuild 1 group=new X\n");
	ps = cc_profiles_new();
	assert_int_equal(cc_profiles_add_builtin(ps, dir, NULL, &e), CC_EPARSE);
	assert_non_null(strstr(e.msg, "line 2: group must be current or legacy"));
	cc_profiles_free(ps);
	write_file("trust-stores/profiles.conf", "x a.pem pathbuild 1 date=soon X\n");
	ps = cc_profiles_new();
	assert_int_equal(cc_profiles_add_builtin(ps, dir, NULL, &e), CC_EPARSE);
	assert_non_null(strstr(e.msg, "date must be"));
	cc_profiles_free(ps);
	/* a description that merely contains '=' later on stays text */
	write_file("trust-stores/profiles.conf", "x a.pem pathbuild 1 Lab a=b\n");
	ps = cc_profiles_new();
	assert_int_equal(cc_profiles_add_builtin(ps, dir, NULL, &e), 0);
	assert_non_null(strstr(cc_profile_source(ps, 0), "Lab a=b"));
	cc_profiles_free(ps);
	free(pa);
	free(pb);
	X509_free(a);
	X509_free(b);
}

/* legacy trusts only the old root, modern only the new one: the chain
 * through the cross-sign is chosen, trusted by both. */
static void ubiquity_prefers_the_cross_sign(void **state)
{
	tp_opts_t ca = { .ca = 1 };
	EVP_PKEY *ko = tp_key(1), *kn = tp_key(1), *ki = tp_key(1), *kl = tp_key(1);
	X509 *old = tp_cert("U Old", ko, NULL, NULL, &ca), *nw = tp_cert("U New", kn, NULL, NULL, &ca);
	X509 *cross = tp_cert("U New", kn, old, ko, &ca), *ica = tp_cert("U ICA", ki, nw, kn, &ca);
	X509 *leaf = tp_cert("u.test", kl, ica, ki, NULL);
	cc_profiles_t *ps = cc_profiles_new();
	cc_pool_t *pool = cc_pool_new(), *po = cc_pool_new(), *pn = cc_pool_new();
	cc_paths_t *paths;
	cc_matrix_t m;
	cc_error_t e;
	cc_cert_t *l;
	cc_buf_t d = { 0 };

	tp_add(po, old);
	tp_add(pn, nw);
	assert_int_equal(cc_profiles_add_pool(ps, "legacy", po, 0, 1, NULL, &e), 0);
	assert_int_equal(cc_profiles_add_pool(ps, "modern", pn, 0, 1, NULL, &e), 0);
	l = tp_add(pool, leaf);
	tp_add(pool, ica);
	tp_add(pool, cross);
	assert_int_equal(cc_build(NULL, l, pool, cc_profiles_pool(ps), &paths, &e), 0);
	assert_int_equal(paths->n, 2);
	assert_int_equal(cc_ubiquity_rank(ps, paths, NULL, &m, &e), 0);
	assert_int_equal(m.n, 2);
	assert_int_equal(m.v[0].served.n, 3);
	assert_int_equal(m.v[0].verdicts.ntrusted, 2);
	assert_int_equal(m.v[1].served.n, 2);
	assert_int_equal(m.v[1].verdicts.ntrusted, 1);
	assert_false(m.v[1].verdicts.v[0].trusted);
	assert_non_null(strstr(m.v[1].verdicts.v[0].reason, "anchor not in store"));
	/* the hook ranked the longer, more trusted path first */
	assert_int_equal(m.v[0].path, 0);
	assert_int_equal(paths->v[0].certs.n, 4);
	assert_non_null(strstr(paths->v[0].why, "trust profiles"));
	assert_int_equal(cc_chain_describe(ps, &m.v[0].served, &d), 0);
	assert_string_equal(d.s, "u.test + U ICA + U New cross-signed by U Old");
	cc_buf_clear(&d);
	cc_matrix_clear(&m);
	cc_paths_free(paths);
	cc_profiles_free(ps);
	cc_pool_free(pool);
	cc_pool_free(po);
	cc_pool_free(pn);
	X509_free(old); X509_free(nw); X509_free(cross); X509_free(ica); X509_free(leaf);
	EVP_PKEY_free(ko); EVP_PKEY_free(kn); EVP_PKEY_free(ki); EVP_PKEY_free(kl);
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
		cmocka_unit_test(shared_pool_and_membership),
		cmocka_unit_test(empty_dir),
		cmocka_unit_test(spec_syntax),
		cmocka_unit_test(builtin_conf),
		cmocka_unit_test(conf_keys_and_index),
		cmocka_unit_test(ubiquity_prefers_the_cross_sign),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
