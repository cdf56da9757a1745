/* test_aia.c - caIssuers URLs, status ids, the default cache directory and
 * the offline path of cc_aia_complete() over a cache directory. (Network
 * fetches are tested end to end against a real HTTP server in
 * tests/e2e/test_aia.sh.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/x509v3.h>

#include "testpki.h"

#define URL_ICA "http://aia.invalid/ica.cer"
#define URL_ROOT "http://aia.invalid/root.der"

static EVP_PKEY *kr, *ki, *kl;
static X509 *root, *ica, *leaf;
static char dir[64];

/* Adds an AIA extension to x and signs it again with key. */
static void with_aia(X509 *x, const char *value, EVP_PKEY *key)
{
	X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, NULL, NID_info_access, value);
	assert_non_null(e);
	assert_int_equal(X509_add_ext(x, e, -1), 1);
	X509_EXTENSION_free(e);
	assert_true(X509_sign(x, key, EVP_sha256()) > 0);
}

static int setup(void **state)
{
	tp_opts_t ca = { .ca = 1 };
	kr = tp_key(1);
	ki = tp_key(1);
	kl = tp_key(1);
	root = tp_cert("AIA Unit Root", kr, NULL, NULL, &ca);
	ica = tp_cert("AIA Unit CA", ki, root, kr, &ca);
	with_aia(ica, "caIssuers;URI:" URL_ROOT, kr);
	leaf = tp_cert("leaf.aia.test", kl, ica, ki, NULL);
	with_aia(leaf, "caIssuers;URI:ftp://aia.invalid/ica.der,OCSP;URI:http://ocsp.invalid,"
		       "caIssuers;URI:" URL_ICA, ki);
	snprintf(dir, sizeof(dir), "/tmp/cc-aia-unit.XXXXXX");
	assert_non_null(mkdtemp(dir));
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	X509_free(root);
	X509_free(ica);
	X509_free(leaf);
	EVP_PKEY_free(kr);
	EVP_PKEY_free(ki);
	EVP_PKEY_free(kl);
	return 0;
}

/* Writes a cache entry for url holding x, as aia.c names and formats it. */
static void cache_put(const char *url, const char *header_url, X509 *x)
{
	unsigned char md[32];
	char path[256], *pem = tp_pem(x);
	FILE *f;
	int n = snprintf(path, sizeof(path), "%s/", dir);

	assert_true(EVP_Digest(url, strlen(url), md, NULL, EVP_sha256(), NULL));
	for (int i = 0; i < 32; i++)
		n += snprintf(path + n, sizeof(path) - (size_t)n, "%02x", md[i]);
	snprintf(path + n, sizeof(path) - (size_t)n, ".pem");
	assert_non_null(f = fopen(path, "w"));
	fprintf(f, "# certchain AIA cache entry\n# url: %s\n# fetched: 2026-01-02T03:04:05Z\n%s",
		header_url, pem);
	fclose(f);
	free(pem);
}

static void ca_issuer_urls(void **state)
{
	cc_pool_t *p = cc_pool_new();
	char *u[4];

	assert_int_equal(cc_aia_ca_issuers(tp_add(p, leaf), u, 4), 2); /* OCSP skipped */
	assert_string_equal(u[0], "ftp://aia.invalid/ica.der");
	assert_string_equal(u[1], URL_ICA);
	free(u[0]);
	free(u[1]);
	assert_int_equal(cc_aia_ca_issuers(tp_add(p, leaf), u, 1), 1);
	free(u[0]);
	assert_int_equal(cc_aia_ca_issuers(tp_add(p, root), u, 4), 0);
	cc_pool_free(p);
}

static void status_ids(void **state)
{
	assert_string_equal(cc_aia_status_id(CC_AIA_OK), "ok");
	assert_string_equal(cc_aia_status_id(CC_AIA_TOO_LARGE), "too-large");
	assert_string_equal(cc_aia_status_id(CC_AIA_REDIRECT_LOOP), "redirect-loop");
	assert_string_equal(cc_aia_status_id(CC_AIA_NOT_CERT), "not-a-certificate");
	assert_string_equal(cc_aia_status_id(CC_AIA_BUDGET), "budget");
	assert_string_equal(cc_aia_status_id(99), "unknown");
	assert_string_equal(cc_aia_status_id(-1), "unknown");
}

static void default_cache(void **state)
{
	char b[64], tiny[8];

	setenv("XDG_CACHE_HOME", "/x", 1);
	setenv("HOME", "/h", 1);
	assert_string_equal(cc_aia_default_cache(b, sizeof(b)), "/x/certchain/aia");
	assert_null(cc_aia_default_cache(tiny, sizeof(tiny)));
	unsetenv("XDG_CACHE_HOME");
	assert_string_equal(cc_aia_default_cache(b, sizeof(b)), "/h/.cache/certchain/aia");
	unsetenv("HOME");
	assert_null(cc_aia_default_cache(b, sizeof(b)));
}

static void offline_from_cache(void **state)
{
	cc_pool_t *u = cc_pool_new(), *a = cc_pool_new();
	cc_aia_opts_t o = { .cache_dir = dir, .offline = 1 };
	cc_aia_result_t r = { 0 };
	unsigned char fp[32];
	cc_cert_t *l = tp_add(u, leaf), *got;
	time_t want;

	tp_add(a, root);
	cache_put(URL_ICA, URL_ICA, ica);
	assert_int_equal(cc_aia_complete(&o, l, u, a, &r, NULL), 0);
	/* ftp refused, then the cached http URL; the root is an anchor: no more. */
	assert_int_equal(r.n, 2);
	assert_int_equal(r.v[0].status, CC_AIA_BAD_SCHEME);
	assert_int_equal(r.v[1].status, CC_AIA_OK);
	assert_true(r.v[1].from_cache);
	assert_int_equal(cc_time_parse("2026-01-02T03:04:05Z", &want), 0);
	assert_int_equal(r.v[1].fetched_at, want);
	assert_int_equal(r.added, 1);
	assert_int_equal(r.fetches, 0);
	assert_int_equal(cc_pool_count(u), 2);
	assert_int_equal(X509_digest(ica, EVP_sha256(), fp, NULL), 1);
	assert_non_null(got = cc_pool_find_sha256(u, fp));
	assert_string_equal(cc_cert_source(got), URL_ICA);
	assert_int_equal(cc_pool_count(a), 1); /* never an anchor */
	cc_aia_result_clear(&r);

	/* Without the anchor the chase goes on to the root's URL, not cached. */
	cc_pool_free(u);
	u = cc_pool_new();
	l = tp_add(u, leaf);
	assert_int_equal(cc_aia_complete(&o, l, u, NULL, &r, NULL), 0);
	assert_int_equal(r.n, 3);
	assert_string_equal(r.v[2].url, URL_ROOT);
	assert_string_equal(r.v[2].for_cn, "AIA Unit CA");
	assert_int_equal(r.v[2].status, CC_AIA_NOT_CACHED);
	cc_aia_result_clear(&r);
	cc_pool_free(u);
	cc_pool_free(a);
}

static void cache_entry_for_another_url(void **state)
{
	cc_pool_t *u = cc_pool_new();
	cc_aia_opts_t o = { .cache_dir = dir, .offline = 1 };
	cc_aia_result_t r = { 0 };
	cc_cert_t *l = tp_add(u, leaf);

	cache_put(URL_ICA, "http://elsewhere.invalid/x.cer", ica);
	assert_int_equal(cc_aia_complete(&o, l, u, NULL, &r, NULL), 0);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.v[1].status, CC_AIA_NOT_CACHED);
	assert_int_equal(cc_pool_count(u), 1);
	cc_aia_result_clear(&r);
	cc_pool_free(u);
}

static void nothing_to_fetch(void **state)
{
	cc_pool_t *u = cc_pool_new(), *a = cc_pool_new();
	cc_aia_result_t r = { 0 };
	cc_cert_t *l = tp_add(u, leaf);

	tp_add(u, ica);
	tp_add(a, root);
	assert_int_equal(cc_aia_complete(NULL, l, u, a, &r, NULL), 0);
	assert_int_equal(r.n, 0); /* every issuer is known: no URL tried */
	assert_int_equal(cc_aia_complete(NULL, tp_add(a, root), u, a, &r, NULL), 0);
	assert_int_equal(r.n, 0); /* self-signed: nothing above it */
	assert_int_equal(cc_aia_complete(NULL, NULL, u, a, &r, NULL), CC_EINVAL);
	cc_pool_free(u);
	cc_pool_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ca_issuer_urls),
		cmocka_unit_test(status_ids),
		cmocka_unit_test(default_cache),
		cmocka_unit_test(offline_from_cache),
		cmocka_unit_test(cache_entry_for_another_url),
		cmocka_unit_test(nothing_to_fetch),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
