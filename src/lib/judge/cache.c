/*
 * cache.c - judgements kept for reuse: a fleet serves few distinct chains,
 * so the same served chain for the same name (or any name its leaf is valid
 * for), time and clients is judged once. Bounded (least recently used
 * dropped first), one mutex, and judgements handed out by reference so a
 * long-running checker's threads can share them (a judgement evicted while
 * held is freed at its last release).
 */
#include "internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/x509v3.h>

typedef struct entry {
	unsigned char key[32];
	cc_judgement_t j;     /* first: cc_judge_cache_release finds the entry */
	unsigned refs;        /* holders, plus one while in the cache */
	int cached;           /* in the list */
	struct entry *prev, *next; /* most recently used first */
} entry_t;

struct cc_judge_cache {
	pthread_mutex_t mu;
	size_t max, n;
	entry_t *head, *tail;
	cc_judge_cache_stats_t st;
};

cc_judge_cache_t *cc_judge_cache_new(size_t max_entries)
{
	cc_judge_cache_t *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	if (pthread_mutex_init(&c->mu, NULL)) {
		free(c);
		return NULL;
	}
	c->max = max_entries ? max_entries : CC_JUDGE_CACHE_ENTRIES;
	return c;
}

static void entry_free(entry_t *e)
{
	cc_judgement_clear(&e->j);
	free(e);
}

static void unlink_entry(cc_judge_cache_t *c, entry_t *e)
{
	if (e->prev)
		e->prev->next = e->next;
	else
		c->head = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		c->tail = e->prev;
	e->prev = e->next = NULL;
	e->cached = 0;
	c->n--;
}

static void push_front(cc_judge_cache_t *c, entry_t *e)
{
	e->prev = NULL;
	e->next = c->head;
	if (c->head)
		c->head->prev = e;
	c->head = e;
	if (!c->tail)
		c->tail = e;
	e->cached = 1;
	c->n++;
}

void cc_judge_cache_free(cc_judge_cache_t *c)
{
	if (!c)
		return;
	while (c->head) {
		entry_t *e = c->head;
		unlink_entry(c, e);
		entry_free(e); /* every holder has released it (the header says so) */
	}
	pthread_mutex_destroy(&c->mu);
	free(c);
}

/* The name as far as the judgement can tell: a name the leaf is valid for
 * (under OpenSSL's default and the web PKI's stricter host flags) gives the
 * same judgement as any other such name, so only its kind is kept. */
static void name_key(EVP_MD_CTX *h, const cc_certlist_t *served, const char *host)
{
	cc_cert_t *leaf = served->v[0];
	const unsigned char *p = leaf->der;
	X509 *x = leaf->x, *own = NULL;
	int ip;

	if (!host) {
		EVP_DigestUpdate(h, "-", 2);
		return;
	}
	/* Decoded here if need be, never into the caller's certificate: the
	 * key is made without writing to what other threads may read. */
	if (!x)
		x = own = d2i_X509(NULL, &p, (long)leaf->len);
	ip = cc_is_ip_literal(host);
	if (x && cc_host_matches(x, host) &&
	    (ip || X509_check_host(x, host, 0, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS |
				   X509_CHECK_FLAG_NEVER_CHECK_SUBJECT, NULL) == 1))
		EVP_DigestUpdate(h, ip ? "=ip" : "=dns", ip ? 4 : 5);
	else
		EVP_DigestUpdate(h, host, strlen(host) + 1);
	X509_free(own);
}

/* 1 if c (by fingerprint) is one of l's. */
static int among(const cc_certlist_t *l, const cc_cert_t *c)
{
	for (size_t i = 0; i < l->n; i++)
		if (!memcmp(l->v[i]->fp, c->fp, 32))
			return 1;
	return 0;
}

/*
 * The key: everything cc_served_judge reads. The served certificates (as
 * far as they are analysed), the repair material's certificates and, for
 * those not served, their sources (an added certificate says where it came
 * from); the clients, anchors and withheld pools by identity (the cache
 * lives no longer than they do); the options.
 */
static int make_key(const cc_judge_in_t *in, unsigned char key[32])
{
	EVP_MD_CTX *h = EVP_MD_CTX_new();
	cc_certlist_t cut = *in->served;
	const void *ids[3] = { in->profs, in->anchors, in->withhold };
	/* the whole length too: "chain-too-long" names it */
	long long opts[6] = { (long long)in->ao.at, in->ao.expires_soon_days,
			      in->ao.policy, in->judge_after, in->horizon_days,
			      (long long)in->served->n };
	unsigned int len = 0;
	int ok;

	if (cut.n > CC_MAX_SERVED_ANALYZED)
		cut.n = CC_MAX_SERVED_ANALYZED;
	ok = h && EVP_DigestInit_ex(h, EVP_sha256(), NULL);
	for (size_t i = 0; ok && i < cut.n; i++)
		ok = EVP_DigestUpdate(h, cut.v[i]->fp, 32);
	if (ok) {
		ok = EVP_DigestUpdate(h, ids, sizeof(ids)) &&
		     EVP_DigestUpdate(h, opts, sizeof(opts));
		name_key(h, &cut, in->ao.host);
	}
	for (size_t i = 0; ok && in->repair && i < cc_pool_count(in->repair); i++) {
		cc_cert_t *c = cc_pool_get(in->repair, i);
		const char *src = cc_cert_source(c);
		ok = EVP_DigestUpdate(h, c->fp, 32);
		if (ok && !among(&cut, c) && src)
			ok = EVP_DigestUpdate(h, src, strlen(src) + 1);
	}
	ok = ok && EVP_DigestFinal_ex(h, key, &len) && len == 32;
	EVP_MD_CTX_free(h);
	return ok ? 0 : -1;
}

/* Every certificate of the judgement decoded now, so that readers in other
 * threads never decode (write) a shared certificate lazily. */
static void freeze(cc_judgement_t *j)
{
	cc_pool_t *pools[2] = { j->own, j->sent };

	for (int k = 0; k < 2; k++)
		for (size_t i = 0; pools[k] && i < cc_pool_count(pools[k]); i++)
			(void)cc_cert_x509(cc_pool_get(pools[k], i), NULL);
	if (j->again) /* judge_after: the chain to serve, judged too */
		freeze(j->again);
}

static int has_budget(const cc_findings_t *f)
{
	for (size_t i = 0; i < f->n; i++)
		if (!strcmp(f->v[i].id, "judge-budget"))
			return 1;
	return 0;
}

/* Cut short, here or in the judgement of the chain to serve (judge_after). */
static int budget_cut(const cc_judgement_t *j)
{
	return has_budget(&j->findings) || has_budget(&j->after);
}

static entry_t *lookup(cc_judge_cache_t *c, const unsigned char key[32])
{
	for (entry_t *e = c->head; e; e = e->next)
		if (!memcmp(e->key, key, 32))
			return e;
	return NULL;
}

int cc_judge_cached(cc_judge_cache_t *c, const cc_judge_in_t *in,
		    const cc_judgement_t **out, cc_error_t *err)
{
	unsigned char key[32];
	entry_t *e, *old;
	int r;

	*out = NULL;
	if (!c || !in || !in->served || !in->served->n)
		return cc_err(err, CC_EINVAL, NULL, "no cache or no chain to judge");
	if (!in->ao.at) /* "now" would keep a judgement valid forever */
		return cc_err(err, CC_EINVAL, NULL, "a cached judgement needs its time");
	if (make_key(in, key))
		return cc_err_ssl(err, CC_ECRYPTO, NULL, "hashing the judgement's key");
	pthread_mutex_lock(&c->mu);
	if ((e = lookup(c, key))) {
		unlink_entry(c, e);
		push_front(c, e);
		e->refs++;
		c->st.hits++;
		pthread_mutex_unlock(&c->mu);
		*out = &e->j;
		return 0;
	}
	c->st.misses++;
	pthread_mutex_unlock(&c->mu);

	/* Judged outside the lock: other threads go on meanwhile. */
	if (!(e = calloc(1, sizeof(*e))))
		return cc_err(err, CC_ENOMEM, NULL, "out of memory");
	memcpy(e->key, key, 32);
	e->refs = 1;
	if ((r = cc_served_judge(in, &e->j, err))) {
		entry_free(e);
		return r;
	}
	freeze(&e->j);
	*out = &e->j;
	if (budget_cut(&e->j))
		return 0; /* depends on the machine's load: never shared */
	pthread_mutex_lock(&c->mu);
	if (!lookup(c, key)) { /* another thread may have judged it meanwhile */
		e->refs++;
		push_front(c, e);
		while (c->n > c->max) {
			old = c->tail;
			unlink_entry(c, old);
			c->st.evictions++;
			if (!--old->refs)
				entry_free(old);
		}
	}
	c->st.entries = c->n;
	pthread_mutex_unlock(&c->mu);
	return 0;
}

void cc_judge_cache_release(cc_judge_cache_t *c, const cc_judgement_t *j)
{
	entry_t *e;
	int last;

	if (!c || !j)
		return;
	e = (entry_t *)((char *)j - offsetof(entry_t, j));
	pthread_mutex_lock(&c->mu);
	last = !--e->refs;
	pthread_mutex_unlock(&c->mu);
	if (last)
		entry_free(e);
}

void cc_judge_cache_stats(cc_judge_cache_t *c, cc_judge_cache_stats_t *st)
{
	memset(st, 0, sizeof(*st));
	if (!c)
		return;
	pthread_mutex_lock(&c->mu);
	*st = c->st;
	st->entries = c->n;
	pthread_mutex_unlock(&c->mu);
}
