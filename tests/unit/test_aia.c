/* test_aia.c - caIssuers URLs, status ids, the default cache directory, the
 * offline path of cc_aia_complete() over a cache directory, and the address
 * rules: the classifier on sockaddr values, and real loopback listeners that
 * must see no connection when the rules refuse. (Fetches are tested end to
 * end against a real HTTP server in tests/e2e/test_aia.sh.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

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

/* ------------------------------------------------------ address rules */

static struct sockaddr_storage sa(const char *ip)
{
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof(ss));
	if (strchr(ip, ':')) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		s6->sin6_family = AF_INET6;
		assert_int_equal(inet_pton(AF_INET6, ip, &s6->sin6_addr), 1);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
		s4->sin_family = AF_INET;
		assert_int_equal(inet_pton(AF_INET, ip, &s4->sin_addr), 1);
	}
	return ss;
}

static int cls(const char *ip)
{
	struct sockaddr_storage ss = sa(ip);
	return cc_aia_addr_class((struct sockaddr *)&ss);
}

/* Values only: nothing is sent to these addresses. */
static void addr_classes(void **state)
{
	static const struct { const char *ip; int c; } v[] = {
		{ "127.0.0.1", CC_ADDR_LOOPBACK }, { "127.255.0.9", CC_ADDR_LOOPBACK },
		{ "0.0.0.0", CC_ADDR_LOOPBACK }, { "::1", CC_ADDR_LOOPBACK },
		{ "::", CC_ADDR_LOOPBACK }, { "::ffff:127.0.0.1", CC_ADDR_LOOPBACK },
		{ "169.254.169.254", CC_ADDR_LINK_LOCAL }, { "169.254.0.1", CC_ADDR_LINK_LOCAL },
		{ "fe80::1", CC_ADDR_LINK_LOCAL }, { "febf::1", CC_ADDR_LINK_LOCAL },
		{ "::ffff:169.254.169.254", CC_ADDR_LINK_LOCAL },
		{ "10.1.2.3", CC_ADDR_PRIVATE }, { "172.16.0.1", CC_ADDR_PRIVATE },
		{ "172.31.255.1", CC_ADDR_PRIVATE }, { "192.168.1.1", CC_ADDR_PRIVATE },
		{ "100.64.0.1", CC_ADDR_PRIVATE }, { "fd00::1", CC_ADDR_PRIVATE },
		{ "fc00::1", CC_ADDR_PRIVATE }, { "::ffff:10.0.0.1", CC_ADDR_PRIVATE },
		{ "172.32.0.1", CC_ADDR_PUBLIC }, { "172.15.0.1", CC_ADDR_PUBLIC },
		{ "100.128.0.1", CC_ADDR_PUBLIC }, { "169.253.0.1", CC_ADDR_PUBLIC },
		{ "192.0.2.1", CC_ADDR_PUBLIC }, { "2001:db8::1", CC_ADDR_PUBLIC },
		{ "fec0::1", CC_ADDR_PUBLIC }, { "::2", CC_ADDR_PUBLIC },
	};
	struct sockaddr_storage un = { 0 };

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		if (cls(v[i].ip) != v[i].c)
			fail_msg("%s: class %d, want %d", v[i].ip, cls(v[i].ip), v[i].c);
	}
	un.ss_family = AF_UNIX;
	assert_int_equal(cc_aia_addr_class((struct sockaddr *)&un), CC_ADDR_OTHER);
	assert_string_equal(cc_aia_addr_class_name(CC_ADDR_LINK_LOCAL), "link-local");
	assert_string_equal(cc_aia_status_id(CC_AIA_REFUSED), "refused-address");
}

static int only_10_0_0_7(void *ctx, const char *url, const struct sockaddr *a)
{
	(*(int *)ctx)++;
	return a->sa_family == AF_INET &&
	       ((const struct sockaddr_in *)a)->sin_addr.s_addr == htonl(0x0a000007);
}

static void addr_rules(void **state)
{
	struct sockaddr_storage lo = sa("127.0.0.1"), md = sa("169.254.169.254"),
				v6 = sa("fe80::1"), pr = sa("10.0.0.7"), pr2 = sa("10.0.0.8"),
				pub = sa("192.0.2.1");
	cc_aia_policy_t local = { .allow_local = 1 };
	int calls = 0;
	cc_aia_policy_t list = { .allow = only_10_0_0_7, .ctx = &calls };
	char why[200];

#define OK(p, a, fp) \
	cc_aia_addr_allowed(p, (struct sockaddr *)&(a), "http://x/", fp, why, sizeof(why))
	assert_false(OK(NULL, lo, 0));
	assert_non_null(strstr(why, "127.0.0.1 is a loopback address"));
	assert_false(OK(NULL, md, 0));
	assert_non_null(strstr(why, "169.254.169.254 is a link-local address"));
	assert_false(OK(NULL, v6, 0));
	assert_true(OK(NULL, pr, 0));   /* internal CAs publish on private ranges */
	assert_true(OK(NULL, pub, 0));
	assert_true(OK(NULL, pub, 1));
	assert_false(OK(NULL, pr, 1));  /* public -> private redirect */
	assert_non_null(strstr(why, "redirect from a public address to 10.0.0.7"));
	assert_true(OK(&local, lo, 0));
	assert_true(OK(&local, md, 0));
	assert_false(OK(&local, lo, 1)); /* allow_local does not open public -> local */
	assert_true(OK(&list, pr, 0));
	assert_false(OK(&list, pr2, 0));
	assert_non_null(strstr(why, "10.0.0.8 is not on the allow-list"));
	assert_int_equal(calls, 2);
	assert_false(OK(&list, lo, 0)); /* the built-in rules come first */
	assert_int_equal(calls, 2);
#undef OK
}

/* A listening socket on ip (loopback only) with a free port; non-blocking,
 * so accept() tells at once whether anything connected. */
static int listener(const char *ip, int *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t n = sizeof(a);
	int s = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(s >= 0);
	assert_int_equal(inet_pton(AF_INET, ip, &a.sin_addr), 1);
	assert_int_equal(bind(s, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(s, 8), 0);
	assert_int_equal(getsockname(s, (struct sockaddr *)&a, &n), 0);
	*port = ntohs(a.sin_port);
	fcntl(s, F_SETFL, O_NONBLOCK);
	return s;
}

/* 1 when a connection is waiting on the listener. */
static int connected(int s)
{
	int c = accept(s, NULL, NULL);
	if (c < 0) {
		assert_true(errno == EAGAIN || errno == EWOULDBLOCK);
		return 0;
	}
	close(c);
	return 1;
}

static cc_aia_fetch_t fetch_once(const char *url, const cc_aia_policy_t *pol)
{
	cc_aia_opts_t o = { .policy = pol, .timeout_ms = 500, .max_redirects = 3 };
	cc_pool_t *u = cc_pool_new();
	cc_aia_result_t r = { 0 };
	char ext[300];
	X509 *x = tp_cert("addr.aia.test", kl, ica, ki, NULL);
	cc_aia_fetch_t f;

	snprintf(ext, sizeof(ext), "caIssuers;URI:%s", url);
	with_aia(x, ext, ki);
	assert_int_equal(cc_aia_complete(&o, tp_add(u, x), u, NULL, &r, NULL), 0);
	assert_int_equal(r.n, 1);
	f = r.v[0];
	r.v[0].msg = NULL; /* the caller's now: free(f.msg) */
	f.url = f.for_cn = NULL; /* freed with r */
	cc_aia_result_clear(&r);
	cc_pool_free(u);
	X509_free(x);
	return f;
}

static void first_url_on_loopback(void **state)
{
	cc_aia_policy_t local = { .allow_local = 1 };
	char url[100];
	int port, s = listener("127.0.0.1", &port);
	cc_aia_fetch_t f;

	snprintf(url, sizeof(url), "http://127.0.0.1:%d/ica.der", port);
	f = fetch_once(url, NULL);
	assert_int_equal(f.status, CC_AIA_REFUSED);
	assert_string_equal(f.address, "127.0.0.1");
	assert_string_equal(f.final_url, url);
	assert_false(connected(s)); /* refused before connecting */
	free(f.msg);
	/* The same listener does see a connection when loopback is allowed
	 * (nobody answers: a timeout), so the check above can fail. */
	f = fetch_once(url, &local);
	assert_int_equal(f.status, CC_AIA_TIMEOUT);
	assert_true(connected(s));
	free(f.msg);
	close(s);
}

typedef struct redir {
	int s, to_port;
} redir_t;

/* Answers one request with a redirect to 127.0.0.2. */
static void *redirector(void *arg)
{
	redir_t *r = arg;
	char buf[2048], ans[256];
	size_t got = 0;
	int c;

	fcntl(r->s, F_SETFL, 0);
	if ((c = accept(r->s, NULL, NULL)) < 0)
		return NULL;
	while (got < sizeof(buf) - 1) {
		ssize_t n = read(c, buf + got, sizeof(buf) - 1 - got);
		if (n <= 0)
			break;
		got += (size_t)n;
		buf[got] = 0;
		if (strstr(buf, "\r\n\r\n"))
			break;
	}
	snprintf(ans, sizeof(ans), "HTTP/1.1 302 Found\r\nLocation: http://127.0.0.2:%d/ica.der"
		 "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", r->to_port);
	if (write(c, ans, strlen(ans)) < 0)
		fail_msg("write: %s", strerror(errno));
	close(c);
	return NULL;
}

static int only_127_0_0_1(void *ctx, const char *url, const struct sockaddr *a)
{
	return a->sa_family == AF_INET &&
	       ((const struct sockaddr_in *)a)->sin_addr.s_addr == htonl(0x7f000001);
}

/* A redirect is checked on the address it connects to: the allow-list lets
 * the first hop through and refuses the second before any connection. */
static void redirect_refused_by_allow_list(void **state)
{
	cc_aia_policy_t pol = { .allow_local = 1, .allow = only_127_0_0_1 };
	redir_t r;
	pthread_t t;
	char url[100], to[100];
	int port, to_port, dst = listener("127.0.0.2", &to_port);
	cc_aia_fetch_t f;

	r.s = listener("127.0.0.1", &port);
	r.to_port = to_port;
	assert_int_equal(pthread_create(&t, NULL, redirector, &r), 0);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/start", port);
	snprintf(to, sizeof(to), "http://127.0.0.2:%d/ica.der", to_port);
	f = fetch_once(url, &pol);
	pthread_join(t, NULL);
	assert_int_equal(f.status, CC_AIA_REFUSED);
	assert_string_equal(f.final_url, to);
	assert_string_equal(f.address, "127.0.0.2");
	assert_non_null(strstr(f.msg, "redirect to http://127.0.0.2"));
	assert_non_null(strstr(f.msg, "not on the allow-list"));
	free(f.msg);
	assert_false(connected(dst));
	close(dst);
	close(r.s);
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
		cmocka_unit_test(addr_classes),
		cmocka_unit_test(addr_rules),
		cmocka_unit_test(first_url_on_loopback),
		cmocka_unit_test(redirect_refused_by_allow_list),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
