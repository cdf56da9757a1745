/*
 * fleet_summary.c - the closing summary of a fleet scan: targets by
 * verdict, targets per finding id, and the CA certificates that most
 * targets serve or should serve. Bounded tables, never one entry per target.
 */
#include "fleet.h"

#include <stdlib.h>
#include <string.h>

/* Distinct finding ids: certchain has ~25; room for future ones. */
#define SUM_MAX_IDS 64
/* Distinct CA certificates counted; a fleet uses a few dozen CAs, and at
 * ~300 bytes each this bounds the table at a few MB. Beyond: "others". */
#define SUM_MAX_CERTS 10000
/* Certificates named in the summary. */
#define SUM_TOP 10

static const char *const verdicts[] = { "ok", "warnings", "problems",
					"connect-failed", "bad-target" };
#define NVERDICTS (sizeof(verdicts) / sizeof(verdicts[0]))

struct idcount {
	char id[48];
	size_t n;
};

struct certcount {
	char sha256[65];
	char *cn, *issuer_cn; /* whole, however long; the summary's */
	int cross_sign;
	size_t served, to_serve, problems; /* targets */
};

struct cc_fleet_summary {
	size_t targets, by_verdict[NVERDICTS], other_verdict;
	struct idcount ids[SUM_MAX_IDS];
	size_t nids, other_ids;
	struct certcount *certs;
	size_t ncerts, capcerts, other_certs;
	size_t failures; /* connect-failed, by reason below */
	struct idcount fail[16];
	size_t nfail;
};

cc_fleet_summary_t *cc_fleet_summary_new(void)
{
	return calloc(1, sizeof(cc_fleet_summary_t));
}

static void count_id(struct idcount *v, size_t *n, size_t max, size_t *other,
		     const char *id)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp(v[i].id, id)) {
			v[i].n++;
			return;
		}
	if (*n == max) {
		++*other;
		return;
	}
	snprintf(v[*n].id, sizeof(v[*n].id), "%s", id);
	v[(*n)++].n = 1;
}

static struct certcount *cert_slot(cc_fleet_summary_t *s, const cc_fleet_cert_t *c)
{
	for (size_t i = 0; i < s->ncerts; i++)
		if (!strcmp(s->certs[i].sha256, c->sha256))
			return &s->certs[i];
	if (s->ncerts == SUM_MAX_CERTS)
		return NULL;
	if (s->ncerts == s->capcerts) {
		size_t cap = s->capcerts ? s->capcerts * 2 : 32;
		struct certcount *v = realloc(s->certs, cap * sizeof(*v));
		if (!v)
			return NULL;
		s->certs = v;
		s->capcerts = cap;
	}
	memset(&s->certs[s->ncerts], 0, sizeof(s->certs[0]));
	snprintf(s->certs[s->ncerts].sha256, 65, "%s", c->sha256);
	s->certs[s->ncerts].cn = strdup(c->cn ? c->cn : "");
	s->certs[s->ncerts].issuer_cn = strdup(c->issuer_cn ? c->issuer_cn : "");
	if (!s->certs[s->ncerts].cn || !s->certs[s->ncerts].issuer_cn) {
		free(s->certs[s->ncerts].cn);
		free(s->certs[s->ncerts].issuer_cn);
		return NULL;
	}
	return &s->certs[s->ncerts++];
}

/* Each CA certificate of chain v counts once for this target. */
static void count_certs(cc_fleet_summary_t *s, const cc_fleet_cert_t *v, size_t n,
			int to_serve, int problem)
{
	for (size_t i = 0; i < n; i++) {
		struct certcount *c;
		size_t k;
		if (!v[i].ca)
			continue;
		for (k = 0; k < i && strcmp(v[k].sha256, v[i].sha256); k++)
			;
		if (k < i)
			continue;
		if (!(c = cert_slot(s, &v[i]))) {
			s->other_certs++;
			continue;
		}
		c->cross_sign |= v[i].cross_sign;
		if (to_serve) {
			c->to_serve++;
		} else {
			c->served++;
			c->problems += problem;
		}
	}
}

int cc_fleet_summary_add(cc_fleet_summary_t *s, const cc_fleet_rec_t *r)
{
	size_t i;

	s->targets++;
	for (i = 0; i < NVERDICTS && strcmp(verdicts[i], r->verdict); i++)
		;
	if (i < NVERDICTS)
		s->by_verdict[i]++;
	else
		s->other_verdict++;
	if (r->failure[0])
		count_id(s->fail, &s->nfail, 16, &s->failures, r->failure);
	for (i = 0; i < r->nfind; i++) {
		size_t k;
		for (k = 0; k < i && strcmp(r->find[k].id, r->find[i].id); k++)
			;
		if (k == i)
			count_id(s->ids, &s->nids, SUM_MAX_IDS, &s->other_ids, r->find[i].id);
	}
	count_certs(s, r->served, r->nserved, 0, !strcmp(r->verdict, "problems"));
	if (r->has_fix)
		count_certs(s, r->fix, r->nfix, 1, 0);
	return 0;
}

size_t cc_fleet_summary_count(const cc_fleet_summary_t *s)
{
	return s->targets;
}

static int by_n(const void *a, const void *b)
{
	const struct idcount *x = a, *y = b;

	return x->n != y->n ? (x->n < y->n ? 1 : -1) : strcmp(x->id, y->id);
}

static int by_use(const void *a, const void *b)
{
	const struct certcount *x = *(struct certcount *const *)a;
	const struct certcount *y = *(struct certcount *const *)b;
	size_t ux = x->served + x->to_serve, uy = y->served + y->to_serve;

	return ux != uy ? (ux < uy ? 1 : -1) : strcmp(x->sha256, y->sha256);
}

/* The ids (or failures) most frequent first, in a copy. */
static void sorted_ids(const struct idcount *v, size_t n, struct idcount *out)
{
	memcpy(out, v, n * sizeof(*v));
	qsort(out, n, sizeof(*out), by_n);
}

/* Pointers to the certificates, most used first (caller frees), or NULL. */
static struct certcount **sorted_certs(const cc_fleet_summary_t *s)
{
	struct certcount **v = malloc((s->ncerts + 1) * sizeof(*v));

	if (!v)
		return NULL;
	for (size_t i = 0; i < s->ncerts; i++)
		v[i] = &s->certs[i];
	qsort(v, s->ncerts, sizeof(*v), by_use);
	return v;
}

void cc_fleet_summary_text(const cc_fleet_summary_t *s, cc_buf_t *b)
{
	struct idcount ids[SUM_MAX_IDS], fail[16];
	struct certcount **c = sorted_certs(s);

	cc_buf_printf(b, "summary: %zu target%s", s->targets, s->targets == 1 ? "" : "s");
	for (size_t i = 0; i < NVERDICTS; i++)
		cc_buf_printf(b, ", %zu %s", s->by_verdict[i], verdicts[i]);
	cc_buf_printf(b, "\n");
	sorted_ids(s->fail, s->nfail, fail);
	for (size_t i = 0; i < s->nfail; i++)
		cc_buf_printf(b, "%s  %-28s %zu target%s", i ? "" : "could not connect:\n",
			      fail[i].id, fail[i].n, fail[i].n == 1 ? "\n" : "s\n");
	sorted_ids(s->ids, s->nids, ids);
	for (size_t i = 0; i < s->nids; i++)
		cc_buf_printf(b, "%s  %-28s %zu target%s", i ? "" : "findings:\n",
			      ids[i].id, ids[i].n, ids[i].n == 1 ? "\n" : "s\n");
	for (size_t i = 0; c && i < s->ncerts && i < SUM_TOP; i++)
		cc_buf_printf(b, "%s  %s (issued by %s%s, %.16s): served by %zu "
				 "(%zu with problems), in the chain to serve of %zu\n",
			      i ? "" : "CA certificates involved most:\n", c[i]->cn,
			      c[i]->issuer_cn, c[i]->cross_sign ? ", a cross-sign" : "",
			      c[i]->sha256, c[i]->served, c[i]->problems, c[i]->to_serve);
	if (s->other_certs)
		cc_buf_printf(b, "  (%zu more uses of certificates beyond %d counted)\n",
			      s->other_certs, SUM_MAX_CERTS);
	free(c);
}

/* An object of "id":n members, most frequent first; ids come from saved
 * files (cut to fit, maybe inside a character), so they go through
 * cc_json_str. NULL when out of memory. */
static json_t *json_counts(const struct idcount *v, size_t n)
{
	json_t *o = json_object(), *k;
	int bad = !o;

	for (size_t i = 0; !bad && i < n; i++) {
		k = cc_json_str(v[i].id);
		bad = !k || json_object_set_new(o, json_string_value(k),
						 json_integer((json_int_t)v[i].n));
		json_decref(k);
	}
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *cc_fleet_summary_json(const cc_fleet_summary_t *s)
{
	struct idcount ids[SUM_MAX_IDS], fail[16];
	struct certcount **c = sorted_certs(s);
	json_t *verd = json_object(), *certs = json_array();
	int bad = !c || !verd || !certs;

	for (size_t i = 0; !bad && i < NVERDICTS; i++)
		bad = json_object_set_new(verd, verdicts[i],
					  json_integer((json_int_t)s->by_verdict[i]));
	for (size_t i = 0; !bad && i < s->ncerts && i < SUM_TOP; i++)
		bad = json_array_append_new(
			certs, json_pack("{s:o,s:o,s:o,s:b,s:I,s:I,s:I}",
					 "subject_cn", cc_json_str(c[i]->cn),
					 "issuer_cn", cc_json_str(c[i]->issuer_cn),
					 "sha256", cc_json_str(c[i]->sha256),
					 "cross_sign", c[i]->cross_sign,
					 "served_by", (json_int_t)c[i]->served,
					 "served_with_problems", (json_int_t)c[i]->problems,
					 "to_serve_by", (json_int_t)c[i]->to_serve));
	free(c);
	if (bad) {
		json_decref(verd);
		json_decref(certs);
		return NULL;
	}
	sorted_ids(s->fail, s->nfail, fail);
	sorted_ids(s->ids, s->nids, ids);
	return json_pack("{s:b,s:I,s:o,s:o,s:o,s:o}", "summary", 1,
			 "targets", (json_int_t)s->targets, "verdicts", verd,
			 "failures", json_counts(fail, s->nfail),
			 "findings", json_counts(ids, s->nids), "certificates", certs);
}

/* The finding ids counted, most frequent first (for the HTML filter). */
size_t cc_fleet_summary_ids(const cc_fleet_summary_t *s, const char **out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < s->nids && n < max; i++)
		out[n++] = s->ids[i].id;
	return n;
}

void cc_fleet_summary_free(cc_fleet_summary_t *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->ncerts; i++) {
		free(s->certs[i].cn);
		free(s->certs[i].issuer_cn);
	}
	free(s->certs);
	free(s);
}
