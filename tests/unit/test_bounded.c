/* test_bounded.c - the judgement of a hostile served chain stays bounded:
 * signature checks counted on chains of one subject and one key (every pair
 * names the other as issuer, every pairwise signature fails), the length
 * cap, duplicates, a chain that loops, and the judgement cache (the same
 * judgement as without it, reuse, eviction while held, threads). PKIs made
 * with the OpenSSL API. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdio.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"
#include "testpki.h"

static const cc_finding_t *find(const cc_findings_t *f, const char *id)
{
	for (size_t i = 0; i < f->n; i++)
		if (!strcmp(f->v[i].id, id))
			return &f->v[i];
	return NULL;
}

static cc_profiles_t *profiles_of(cc_pool_t *anchors)
{
	cc_profiles_t *ps = cc_profiles_new();
	cc_error_t e;

	assert_non_null(ps);
	assert_int_equal(cc_profiles_add_pool(ps, "roots", anchors, CC_BEHAVIOUR_PATHBUILD,
					      1.0, "unit", &e), 0);
	return ps;
}

/* Judges n certificates named like their issuer, with one key signed by
 * another, no key identifiers; returns the signature checks it took. With
 * budget_ms, through a cache and with that CPU budget (a judgement of 32
 * certificates takes several ms of signature checks: 1 ms is spent). */
static unsigned long judge_same_name_budget(size_t n, unsigned budget_ms)
{
	tp_opts_t ro = { .ca = 1, .no_kid = 1 }, co = { .no_kid = 1 };
	EVP_PKEY *ka = tp_key(1), *kb = tp_key(1);
	X509 *root = tp_cert("Same Name", kb, NULL, NULL, &ro);
	cc_pool_t *sent = cc_pool_new(), *anchors = cc_pool_new();
	cc_certlist_t served = { 0 };
	cc_profiles_t *ps;
	cc_judgement_t j;
	cc_error_t e;
	unsigned long before;

	tp_add(anchors, root);
	ps = profiles_of(anchors);
	for (size_t i = 0; i < n; i++) {
		X509 *x = tp_cert("Same Name", ka, root, kb, &co);
		assert_int_equal(cc_certlist_push(&served, tp_add(sent, x)), 0);
		X509_free(x);
	}
	assert_int_equal(cc_pool_count(sent), n);
	cc_judge_in_t in = { .served = &served, .repair = sent, .anchors = anchors,
			     .profs = ps, .horizon_days = -1 };
	before = cc_edge_verifies();
	if (budget_ms) {
		cc_judge_cache_t *c = cc_judge_cache_new(0);
		const cc_judgement_t *cj;
		cc_judge_cache_stats_t st;
		in.cpu_budget_ms = budget_ms;
		in.ao.at = time(NULL);
		assert_int_equal(cc_judge_cached(c, &in, &cj, &e), 0);
		assert_non_null(find(&cj->findings, "judge-budget"));
		assert_int_equal(cj->best, -1);
		cc_judge_cache_stats(c, &st);
		assert_int_equal(st.entries, 0); /* depends on the load: not kept */
		cc_judge_cache_release(c, cj);
		cc_judge_cache_free(c);
		memset(&j, 0, sizeof(j));
	} else {
		assert_int_equal(cc_served_judge(&in, &j, &e), 0);
		assert_non_null(find(&j.findings, "chain-too-long"));
		assert_null(find(&j.findings, "judge-budget"));
		/* every profile still gets its verdict on what was analysed */
		assert_int_equal(j.served.n, 1);
	}
	before = cc_edge_verifies() - before;
	cc_judgement_clear(&j);
	cc_profiles_free(ps);
	cc_certlist_clear(&served);
	cc_pool_free(sent);
	cc_pool_free(anchors);
	X509_free(root);
	EVP_PKEY_free(ka);
	EVP_PKEY_free(kb);
	return before;
}

static unsigned long judge_same_name(size_t n)
{
	return judge_same_name_budget(n, 0);
}

/* Past its CPU budget a judgement stops with its own finding. */
static void budget_is_a_finding(void **state)
{
	(void)state;
	judge_same_name_budget(400, 1);
}

/* 400 and 800 certificates cost the same few signature checks: one per
 * analysed certificate and key, never one per pair (the pairs of 32 alone
 * would be 1,024; of 400, 160,000). */
static void same_name_chain_is_bounded(void **state)
{
	unsigned long a = judge_same_name(400), b = judge_same_name(800);

	(void)state;
	print_message("signature checks: %lu at 400, %lu at 800\n", a, b);
	assert_true(a <= 4 * CC_MAX_SERVED_ANALYZED);
	assert_true(b <= 4 * CC_MAX_SERVED_ANALYZED);
	assert_true(a > 0);
}

/* A short same-name chain is analysed whole, still without pairwise checks. */
static void short_same_name_chain_is_linear(void **state)
{
	tp_opts_t ro = { .ca = 1, .no_kid = 1 }, co = { .no_kid = 1 };
	EVP_PKEY *ka = tp_key(1), *kb = tp_key(1);
	X509 *root = tp_cert("Same Name", kb, NULL, NULL, &ro);
	cc_pool_t *sent = cc_pool_new(), *anchors = cc_pool_new();
	cc_certlist_t served = { 0 };
	cc_findings_t f = { 0 };
	cc_error_t e;
	unsigned long before;

	(void)state;
	tp_add(anchors, root);
	for (size_t i = 0; i < 30; i++) {
		X509 *x = tp_cert("Same Name", ka, root, kb, &co);
		assert_int_equal(cc_certlist_push(&served, tp_add(sent, x)), 0);
		X509_free(x);
	}
	before = cc_edge_verifies();
	assert_int_equal(cc_chain_analyze(&served, sent, anchors, NULL, &f, NULL, &e), 0);
	before = cc_edge_verifies() - before;
	/* pairwise would be 30 x 30 = 900 */
	assert_true(before <= 3 * 30);
	assert_null(find(&f, "chain-too-long"));
	assert_non_null(find(&f, "unrelated-cert"));
	cc_findings_clear(&f);
	cc_certlist_clear(&served);
	cc_pool_free(sent);
	cc_pool_free(anchors);
	X509_free(root);
	EVP_PKEY_free(ka);
	EVP_PKEY_free(kb);
}

/* leaf + 5,000 copies of its intermediate: one cut, duplicates named only
 * within it. */
static void copies_are_cut(void **state)
{
	tp_opts_t ro = { .ca = 1 };
	EVP_PKEY *kr = tp_key(1), *ki = tp_key(1), *kl = tp_key(1);
	X509 *root = tp_cert("Copies Root", kr, NULL, NULL, &ro);
	X509 *ica = tp_cert("Copies ICA", ki, root, kr, &ro);
	X509 *leaf = tp_cert("copies.test", kl, ica, ki, NULL);
	cc_pool_t *sent = cc_pool_new(), *anchors = cc_pool_new();
	cc_certlist_t served = { 0 };
	cc_findings_t f = { 0 };
	cc_cert_t *ic;
	cc_error_t e;
	size_t dups = 0;

	(void)state;
	tp_add(anchors, root);
	assert_int_equal(cc_certlist_push(&served, tp_add(sent, leaf)), 0);
	ic = tp_add(sent, ica);
	for (size_t i = 0; i < 5000; i++)
		assert_int_equal(cc_certlist_push(&served, ic), 0);
	assert_int_equal(cc_chain_analyze(&served, sent, anchors, NULL, &f, NULL, &e), 0);
	for (size_t i = 0; i < f.n; i++)
		dups += !strcmp(f.v[i].id, "duplicate-cert");
	assert_int_equal(dups, CC_MAX_SERVED_ANALYZED - 2);
	assert_non_null(find(&f, "chain-too-long"));
	assert_null(find(&f, "untrusted"));
	cc_findings_clear(&f);
	cc_certlist_clear(&served);
	cc_pool_free(sent);
	cc_pool_free(anchors);
	X509_free(root); X509_free(ica); X509_free(leaf);
	EVP_PKEY_free(kr); EVP_PKEY_free(ki); EVP_PKEY_free(kl);
}

/* leaf -> A (by B) -> B (by A) -> A' (by B): the chain loops, and says so
 * instead of calling B, which is sent, missing. */
static void loop_is_named(void **state)
{
	tp_opts_t ca = { .ca = 1 };
	EVP_PKEY *ka = tp_key(1), *kb = tp_key(1), *kl = tp_key(1), *kr = tp_key(1);
	X509 *bname = tp_cert("Loop B", kb, NULL, NULL, &ca);
	X509 *a = tp_cert("Loop A", ka, bname, kb, &ca);
	X509 *b = tp_cert("Loop B", kb, a, ka, &ca);
	X509 *a2 = tp_cert("Loop A", ka, bname, kb, &ca);
	X509 *leaf = tp_cert("loop.test", kl, a, ka, NULL);
	X509 *other = tp_cert("Unrelated Root", kr, NULL, NULL, &ca);
	cc_pool_t *sent = cc_pool_new(), *anchors = cc_pool_new();
	cc_certlist_t served = { 0 };
	cc_findings_t f = { 0 };
	const cc_finding_t *x;
	cc_error_t e;

	(void)state;
	tp_add(anchors, other);
	assert_int_equal(cc_certlist_push(&served, tp_add(sent, leaf)), 0);
	assert_int_equal(cc_certlist_push(&served, tp_add(sent, a)), 0);
	assert_int_equal(cc_certlist_push(&served, tp_add(sent, b)), 0);
	assert_int_equal(cc_certlist_push(&served, tp_add(sent, a2)), 0);
	assert_int_equal(cc_chain_analyze(&served, sent, anchors, NULL, &f, NULL, &e), 0);
	assert_non_null(x = find(&f, "chain-loops"));
	assert_int_equal(x->severity, CC_SEV_ERROR);
	assert_int_equal(x->depth, 3);
	assert_non_null(strstr(x->msg, "position 2 (Loop B)"));
	assert_null(find(&f, "incomplete-chain"));
	cc_findings_clear(&f);
	cc_certlist_clear(&served);
	cc_pool_free(sent);
	cc_pool_free(anchors);
	X509_free(bname); X509_free(a); X509_free(b); X509_free(a2);
	X509_free(leaf); X509_free(other);
	EVP_PKEY_free(ka); EVP_PKEY_free(kb); EVP_PKEY_free(kl); EVP_PKEY_free(kr);
}

/* --- the judgement cache */

typedef struct cpki {
	EVP_PKEY *kr, *ki, *kl;
	X509 *root, *ica, *leaf, *leaf2;
	cc_pool_t *pool, *anchors;
	cc_certlist_t one, two; /* leaf + ica; leaf2 + ica */
	cc_profiles_t *ps;
} cpki_t;

static void cpki_make(cpki_t *k)
{
	tp_opts_t ca = { .ca = 1 }, lo = { .san = "*.cache.test" };

	memset(k, 0, sizeof(*k));
	k->kr = tp_key(1);
	k->ki = tp_key(1);
	k->kl = tp_key(1);
	k->root = tp_cert("Cache Root", k->kr, NULL, NULL, &ca);
	k->ica = tp_cert("Cache ICA", k->ki, k->root, k->kr, &ca);
	k->leaf = tp_cert("a.cache.test", k->kl, k->ica, k->ki, &lo);
	k->leaf2 = tp_cert("b.cache.test", k->kl, k->ica, k->ki, &lo);
	k->pool = cc_pool_new();
	k->anchors = cc_pool_new();
	tp_add(k->anchors, k->root);
	assert_int_equal(cc_certlist_push(&k->one, tp_add(k->pool, k->leaf)), 0);
	assert_int_equal(cc_certlist_push(&k->one, tp_add(k->pool, k->ica)), 0);
	assert_int_equal(cc_certlist_push(&k->two, tp_add(k->pool, k->leaf2)), 0);
	assert_int_equal(cc_certlist_push(&k->two, tp_add(k->pool, k->ica)), 0);
	k->ps = profiles_of(k->anchors);
}

static void cpki_free(cpki_t *k)
{
	cc_profiles_free(k->ps);
	cc_certlist_clear(&k->one);
	cc_certlist_clear(&k->two);
	cc_pool_free(k->pool);
	cc_pool_free(k->anchors);
	X509_free(k->root); X509_free(k->ica); X509_free(k->leaf); X509_free(k->leaf2);
	EVP_PKEY_free(k->kr); EVP_PKEY_free(k->ki); EVP_PKEY_free(k->kl);
}

static cc_judge_in_t cin(cpki_t *k, const cc_certlist_t *l, const char *host)
{
	cc_judge_in_t in = { .served = l, .repair = k->pool, .anchors = k->anchors,
			     .profs = k->ps };
	in.ao.at = time(NULL);
	in.ao.at -= in.ao.at % 3600; /* a time bucket */
	in.ao.host = host;
	return in;
}

/* The findings, verdicts and chain to serve of two judgements agree. */
static void same_judgement(const cc_judgement_t *a, const cc_judgement_t *b)
{
	assert_int_equal(a->findings.n, b->findings.n);
	for (size_t i = 0; i < a->findings.n; i++) {
		assert_string_equal(a->findings.v[i].id, b->findings.v[i].id);
		assert_string_equal(a->findings.v[i].msg, b->findings.v[i].msg);
	}
	assert_int_equal(a->served.n, b->served.n);
	assert_int_equal(a->served.ntrusted, b->served.ntrusted);
	assert_int_equal(a->best, b->best);
	assert_int_equal(a->serve.n, b->serve.n);
	for (size_t i = 0; i < a->serve.n; i++)
		assert_memory_equal(a->serve.v[i]->fp, b->serve.v[i]->fp, 32);
	assert_int_equal(a->nadded, b->nadded);
	assert_int_equal(a->nremoved, b->nremoved);
}

static void cache_reuses_and_matches(void **state)
{
	cpki_t k;
	cc_judge_cache_t *c;
	const cc_judgement_t *a, *b, *m, *other;
	cc_judge_cache_stats_t st;
	cc_judgement_t direct;
	cc_judge_in_t in;
	cc_error_t e;

	(void)state;
	cpki_make(&k);
	assert_non_null(c = cc_judge_cache_new(1));
	in = cin(&k, &k.one, "a.cache.test");
	assert_int_equal(cc_judge_cached(c, &in, &a, &e), 0);
	assert_int_equal(cc_served_judge(&in, &direct, &e), 0);
	same_judgement(a, &direct);
	cc_judgement_clear(&direct);
	/* another name the leaf is valid for: the same judgement */
	in = cin(&k, &k.one, "z.cache.test");
	assert_int_equal(cc_judge_cached(c, &in, &b, &e), 0);
	assert_ptr_equal(a, b);
	/* a name it is not valid for: judged on its own, and named */
	in = cin(&k, &k.one, "elsewhere.test");
	assert_int_equal(cc_judge_cached(c, &in, &m, &e), 0);
	assert_ptr_not_equal(a, m);
	assert_non_null(find(&m->findings, "hostname-mismatch"));
	assert_non_null(strstr(find(&m->findings, "hostname-mismatch")->msg, "elsewhere.test"));
	/* a is evicted (limit 1) but still held: still readable */
	in = cin(&k, &k.two, "b.cache.test");
	assert_int_equal(cc_judge_cached(c, &in, &other, &e), 0);
	assert_null(find(&a->findings, "hostname-mismatch"));
	assert_int_equal(a->served.ntrusted, 1);
	cc_judge_cache_stats(c, &st);
	assert_int_equal(st.hits, 1);
	assert_int_equal(st.misses, 3);
	assert_true(st.evictions >= 2);
	assert_int_equal(st.entries, 1);
	cc_judge_cache_release(c, a);
	cc_judge_cache_release(c, b);
	cc_judge_cache_release(c, m);
	cc_judge_cache_release(c, other);
	cc_judge_cache_release(NULL, NULL);
	cc_judge_cache_free(c);
	cpki_free(&k);
}

static void cache_needs_time(void **state)
{
	cpki_t k;
	cc_judge_cache_t *c;
	const cc_judgement_t *a;
	cc_judge_in_t in;
	cc_error_t e;

	(void)state;
	cpki_make(&k);
	assert_non_null(c = cc_judge_cache_new(0));
	in = cin(&k, &k.one, NULL);
	in.ao.at = 0;
	assert_int_equal(cc_judge_cached(c, &in, &a, &e), CC_EINVAL);
	assert_null(a);
	cc_judge_cache_free(c);
	cpki_free(&k);
}

struct worker {
	cpki_t *k;
	cc_judge_cache_t *c;
	int failed;
};

static void *work(void *arg)
{
	struct worker *w = arg;

	for (int i = 0; i < 40; i++) {
		cc_judge_in_t in = cin(w->k, i % 2 ? &w->k->one : &w->k->two,
				       i % 3 ? "x.cache.test" : "y.cache.test");
		const cc_judgement_t *j;
		cc_error_t e;
		if (cc_judge_cached(w->c, &in, &j, &e) || j->served.ntrusted != 1)
			w->failed++;
		else
			cc_judge_cache_release(w->c, j);
	}
	return NULL;
}

/* Four threads on one cache of one entry: every lookup an eviction race. */
static void cache_threads(void **state)
{
	cpki_t k;
	struct worker w[4];
	pthread_t t[4];
	cc_judge_cache_stats_t st;

	(void)state;
	cpki_make(&k);
	/* what judging writes into shared certificates happens once, before
	 * the threads (as a server would warm its profiles) */
	{
		cc_judge_in_t in = cin(&k, &k.one, "x.cache.test");
		cc_judgement_t j;
		cc_error_t e;
		assert_int_equal(cc_served_judge(&in, &j, &e), 0);
		cc_judgement_clear(&j);
		in = cin(&k, &k.two, "x.cache.test");
		assert_int_equal(cc_served_judge(&in, &j, &e), 0);
		cc_judgement_clear(&j);
	}
	cc_judge_cache_t *c = cc_judge_cache_new(1);
	for (int i = 0; i < 4; i++) {
		w[i] = (struct worker){ .k = &k, .c = c };
		assert_int_equal(pthread_create(&t[i], NULL, work, &w[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(w[i].failed, 0);
	}
	cc_judge_cache_stats(c, &st);
	assert_int_equal(st.hits + st.misses, 160);
	cc_judge_cache_free(c);
	cpki_free(&k);
}

/* --- the clock stops for a probe while its caller judges another target */

/* A socket on 127.0.0.1 that takes connections (the kernel's backlog) and
 * never says a word: a handshake waits on it until its deadline. */
static int silent_listener(char port[16])
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t n = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(fd, 4), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &n), 0);
	snprintf(port, 16, "%u", ntohs(a.sin_port));
	return fd;
}

/* Drives p for up to ms milliseconds (or until it ends). */
static void drive(cc_probe_t *p, int ms)
{
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct pollfd pfd;
		short ev;
		int left, tmo, fd;
		clock_gettime(CLOCK_MONOTONIC, &t);
		left = ms - (int)((t.tv_sec - t0.tv_sec) * 1000 +
				  (t.tv_nsec - t0.tv_nsec) / 1000000);
		if (left <= 0 || (fd = cc_probe_fd(p, &ev, &tmo)) < 0)
			return;
		pfd.fd = fd;
		pfd.events = ev;
		pfd.revents = 0;
		poll(&pfd, 1, tmo < left ? tmo : left);
		cc_probe_step(p, pfd.revents);
	}
}

/* 1 s away from the poll loop (a judgement elsewhere): with cc_probe_pause
 * the 300 ms deadline still has time left and the result's ms counts only
 * the network; without it the deadline has passed. The bounds leave
 * 600 ms for a loaded machine's scheduling. */
static void probe_pause_stops_the_clock(void **state)
{
	const struct timespec away = { 1, 0 };
	char port[16];
	int lfd = silent_listener(port);

	(void)state;
	for (int paused = 0; paused < 2; paused++) {
		cc_probe_opts_t po = { .host = "127.0.0.1", .port = port, .timeout_ms = 300 };
		cc_probe_result_t pr = { 0 };
		cc_pool_t *pool = cc_pool_new();
		cc_probe_t *p;
		cc_error_t e;
		short ev;
		int t = -1;
		assert_int_equal(cc_probe_new(&po, &p, &e), 0);
		drive(p, 50); /* connected, ClientHello sent, waiting */
		nanosleep(&away, NULL);
		if (paused)
			cc_probe_pause(p, 1000);
		assert_true(cc_probe_fd(p, &ev, &t) >= 0);
		if (paused)
			assert_true(t > 0);
		else
			assert_int_equal(t, 0);
		drive(p, 2000);
		assert_int_equal(cc_probe_result(p, pool, &pr, &e), 0);
		assert_int_equal(pr.fail, CC_PROBE_TIMEOUT);
		if (paused)
			assert_true(pr.ms < 900);
		else
			assert_true(pr.ms >= 1000);
		cc_probe_result_clear(&pr);
		cc_probe_free(p);
		cc_pool_free(pool);
	}
	close(lfd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(same_name_chain_is_bounded),
		cmocka_unit_test(short_same_name_chain_is_linear),
		cmocka_unit_test(copies_are_cut),
		cmocka_unit_test(loop_is_named),
		cmocka_unit_test(cache_reuses_and_matches),
		cmocka_unit_test(cache_needs_time),
		cmocka_unit_test(cache_threads),
		cmocka_unit_test(budget_is_a_finding),
		cmocka_unit_test(probe_pause_stops_the_clock),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
