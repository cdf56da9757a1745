/*
 * needs.c - what no chain at hand can cure: for each client that rejects
 * the served chain and still rejects the chain to serve, the certificate
 * certchain does not have that it waits for - a leaf valid for the name
 * checked, the missing issuer, or a valid copy of an expired (or not yet
 * valid) cross-sign - named by subject, issuer and CA Issuers URL, so fix
 * never calls a chain repaired that is not.
 */
#include "internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509_vfy.h>

/* The need of this kind and subject, added empty when new; NULL when the
 * list is full or (*e = CC_ENOMEM) memory is. */
static cc_judge_need_t *need_of(cc_judgement_t *out, cc_need_kind_t k, const char *subject,
                                const char *issuer, int *e)
{
	cc_judge_need_t *n;

	for (size_t i = 0; i < out->nneeds; i++)
		if (out->needs[i].kind == k && !strcmp(out->needs[i].subject, subject) &&
		    !strcmp(out->needs[i].issuer, issuer))
			return &out->needs[i];
	if (out->nneeds == CC_JUDGE_MAX_NEEDS)
		return NULL;
	n = &out->needs[out->nneeds++];
	memset(n, 0, sizeof(*n));
	n->kind = k;
	n->subject = strdup(subject);
	n->issuer = strdup(issuer);
	n->url = strdup("");
	n->profiles = strdup("");
	n->why = strdup("");
	if (!n->subject || !n->issuer || !n->url || !n->profiles || !n->why) {
		free(n->subject);
		free(n->issuer);
		free(n->url);
		free(n->profiles);
		free(n->why);
		out->nneeds--;
		*e = CC_ENOMEM;
		return NULL;
	}
	return n;
}

static int add_profile(cc_judge_need_t *n, const char *name)
{
	size_t len = strlen(n->profiles), k = strlen(name);
	char *s = realloc(n->profiles, len + 2 + k + 1);

	if (!s)
		return CC_ENOMEM;
	snprintf(s + len, 2 + k + 1, "%s%s", len ? ", " : "", name);
	n->profiles = s;
	return 0;
}

/* c's first CA Issuers URL as n's (unchanged when none). */
static int first_url(cc_cert_t *c, cc_judge_need_t *n)
{
	char *urls[4];
	int k = c ? cc_aia_ca_issuers(c, urls, sizeof(urls) / sizeof(urls[0])) : 0;

	for (int i = 0; i < k; i++) {
		if (!i) {
			free(n->url);
			n->url = urls[i];
		} else {
			free(urls[i]);
		}
	}
	return 0;
}

/* A path to one of profile p's anchors that fails only on the dates of a
 * certificate below the anchor: that certificate renewed cures p. Returns 1
 * when found, 0 when not, or CC_ENOMEM. */
static int renewed(const cc_judge_in_t *in, cc_judgement_t *out, size_t p, time_t at)
{
	for (size_t i = 0; out->paths && i < out->paths->n; i++) {
		const cc_path_t *x = &out->paths->v[i];
		cc_judge_need_t *n;
		cc_cert_t *c;
		char *s, *is, t[32];
		int d = x->error_depth, e = 0;
		if (x->valid || x->certs.n < 2 || d < 0 || (size_t)d + 1 >= x->certs.n ||
		    (x->verify_error != X509_V_ERR_CERT_HAS_EXPIRED &&
		     x->verify_error != X509_V_ERR_CERT_NOT_YET_VALID) ||
		    !cc_profile_has_anchor(in->profs, p, x->certs.v[x->certs.n - 1]))
			continue;
		c = x->certs.v[d];
		s = cc_cert_name_dup(c, 0);
		is = cc_cert_name_dup(c, 1);
		n = s && is ? need_of(out, CC_NEED_RENEWED, s, is, &e) : NULL;
		if (!s || !is)
			e = CC_ENOMEM;
		free(s);
		free(is);
		if (!n)
			return e ? e : 1;
		if (!*n->why) {
			/* the certificate it issues names where its issuer lives */
			first_url(d ? x->certs.v[d - 1] : NULL, n);
			if (cc_str_set(&n->why, "the %s at hand %s %.10s", d ? "certificate" : "leaf",
			            cc_cert_not_after(c) < at ? "expired" : "is valid only from",
			            cc_time_str(cc_cert_not_after(c) < at ? cc_cert_not_after(c)
			                                                  : cc_cert_not_before(c),
			                        t)))
				return CC_ENOMEM;
		}
		return add_profile(n, cc_profile_name(in->profs, p)) ? CC_ENOMEM : 1;
	}
	return 0;
}

/* The issuer missing above the leaf, when no certificate at hand is it.
 * 0 or CC_ENOMEM. */
static int missing(const cc_judge_in_t *in, cc_judgement_t *out, size_t p)
{
	cc_missing_t m;
	cc_judge_need_t *n;
	char *cn;
	int e = 0, r = cc_missing_issuer(in->served->v[0], out->own, in->anchors, &m);

	if (r <= 0)
		return r;
	if (!(n = need_of(out, CC_NEED_ISSUER, m.issuer_dn, "", &e)))
		goto done;
	if (!*n->why) {
		snprintf(n->key_id, sizeof(n->key_id), "%s", m.aki);
		free(n->url);
		n->url = m.url;
		m.url = NULL;
		if (!(cn = cc_cert_name_dup(m.child, 0)) ||
		    cc_str_set(&n->why, "the issuer of %s is neither sent nor at hand", cn))
			e = CC_ENOMEM;
		free(cn);
	}
	if (!e)
		e = add_profile(n, cc_profile_name(in->profs, p));
done:
	cc_missing_clear(&m);
	return e;
}

static void needs_clear(cc_judgement_t *out)
{
	for (size_t i = 0; i < out->nneeds; i++) {
		cc_judge_need_t *n = &out->needs[i];
		free(n->subject);
		free(n->issuer);
		free(n->url);
		free(n->profiles);
		free(n->why);
		memset(n, 0, sizeof(*n));
	}
	out->nneeds = 0;
}

/* The leaf the name needs (a CC_NEED_LEAF for p). 0 or CC_ENOMEM. */
static int leaf_need(const cc_judge_in_t *in, const char *host, cc_judgement_t *out, size_t p)
{
	cc_cert_t *leaf = in->served->v[0];
	char *is = cc_cert_name_dup(leaf, 1), *cn = NULL;
	cc_judge_need_t *n;
	int e = 0;

	if (!is)
		return CC_ENOMEM;
	n = need_of(out, CC_NEED_LEAF, host, is, &e);
	free(is);
	if (!n)
		return e;
	if (!*n->why &&
	    (!(cn = cc_cert_name_dup(leaf, 0)) ||
	     cc_str_set(&n->why, "the leaf at hand (%s) is not valid for %s", cn, host)))
		e = CC_ENOMEM;
	free(cn);
	return e ? e : add_profile(n, cc_profile_name(in->profs, p));
}

int cc_judge_needs(const cc_judge_in_t *in, const cc_analyze_opts_t *ao, cc_judgement_t *out,
                   cc_error_t *err)
{
	const cc_verdicts_t *after = out->after_verdicts;
	cc_cert_t *leaf = in->served->v[0];
	int name = 0, e = 0;

	needs_clear(out);
	if (ao->host && !cc_host_matches(cc_cert_x509(leaf, NULL), ao->host))
		name = 1;
	for (size_t p = 0; !e && p < out->served.n; p++) {
		if (out->served.v[p].trusted || (after && p < after->n && after->v[p].trusted))
			continue;
		if (name && (e = leaf_need(in, ao->host, out, p)))
			break;
		/* the rest of the chain, apart from the name */
		if (out->fixed && p < out->fixed->n && out->fixed->v[p].trusted)
			continue;
		if (!(e = renewed(in, out, p, ao->at)))
			e = missing(in, out, p);
		else if (e > 0)
			e = 0;
	}
	return e ? cc_err(err, e, NULL, "out of memory") : 0;
}

void cc_judge_needs_clear(cc_judgement_t *out)
{
	needs_clear(out);
}
