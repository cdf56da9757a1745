/*
 * needs.c - what no chain at hand can cure: for each client that rejects
 * the served chain and still rejects the chain to serve, the certificate
 * certchain does not have that it waits for - a leaf valid for the name
 * checked, the missing issuer, or a valid copy of an expired (or not yet
 * valid) cross-sign - named by subject, issuer and CA Issuers URL, so fix
 * never calls a chain repaired that is not.
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509_vfy.h>

/* The need of this kind and subject, added empty when new; NULL when the
 * list is full. */
static cc_judge_need_t *need_of(cc_judgement_t *out, cc_need_kind_t k, const char *subject,
                                const char *issuer)
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
	snprintf(n->subject, sizeof(n->subject), "%s", subject);
	snprintf(n->issuer, sizeof(n->issuer), "%s", issuer);
	return n;
}

static void add_profile(cc_judge_need_t *n, const char *name)
{
	size_t len = strlen(n->profiles);

	snprintf(n->profiles + len, sizeof(n->profiles) - len, "%s%s", len ? ", " : "", name);
}

/* c's first CA Issuers URL into buf ("" when none). */
static void first_url(cc_cert_t *c, char *buf, size_t n)
{
	char *urls[4];
	int k = c ? cc_aia_ca_issuers(c, urls, sizeof(urls) / sizeof(urls[0])) : 0;

	buf[0] = 0;
	for (int i = 0; i < k; i++) {
		if (!buf[0])
			snprintf(buf, n, "%s", urls[i]);
		free(urls[i]);
	}
}

/* A path to one of profile p's anchors that fails only on the dates of a
 * certificate below the anchor: that certificate renewed cures p. */
static int renewed(const cc_judge_in_t *in, cc_judgement_t *out, size_t p, time_t at)
{
	for (size_t i = 0; out->paths && i < out->paths->n; i++) {
		const cc_path_t *x = &out->paths->v[i];
		cc_judge_need_t *n;
		cc_cert_t *c;
		char s[256], is[256], t[32];
		int d = x->error_depth;
		if (x->valid || x->certs.n < 2 || d < 0 || (size_t)d + 1 >= x->certs.n ||
		    (x->verify_error != X509_V_ERR_CERT_HAS_EXPIRED &&
		     x->verify_error != X509_V_ERR_CERT_NOT_YET_VALID) ||
		    !cc_profile_has_anchor(in->profs, p, x->certs.v[x->certs.n - 1]))
			continue;
		c = x->certs.v[d];
		cc_cert_name(c, 0, s, sizeof(s));
		cc_cert_name(c, 1, is, sizeof(is));
		if (!(n = need_of(out, CC_NEED_RENEWED, s, is)))
			return 1;
		if (!n->why[0]) {
			/* the certificate it issues names where its issuer lives */
			first_url(d ? x->certs.v[d - 1] : NULL, n->url, sizeof(n->url));
			snprintf(n->why, sizeof(n->why), "the %s at hand %s %.10s",
			         d ? "certificate" : "leaf",
			         cc_cert_not_after(c) < at ? "expired" : "is valid only from",
			         cc_time_str(cc_cert_not_after(c) < at ? cc_cert_not_after(c)
			                                               : cc_cert_not_before(c),
			                     t));
		}
		add_profile(n, cc_profile_name(in->profs, p));
		return 1;
	}
	return 0;
}

/* The issuer missing above the leaf, when no certificate at hand is it. */
static int missing(const cc_judge_in_t *in, cc_judgement_t *out, size_t p)
{
	cc_missing_t m;
	cc_judge_need_t *n;
	char cn[256];

	if (!cc_missing_issuer(in->served->v[0], out->own, in->anchors, &m))
		return 0;
	if (!(n = need_of(out, CC_NEED_ISSUER, m.issuer_dn, "")))
		return 1;
	if (!n->why[0]) {
		snprintf(n->key_id, sizeof(n->key_id), "%s", m.aki);
		snprintf(n->url, sizeof(n->url), "%s", m.url);
		snprintf(n->why, sizeof(n->why), "the issuer of %s is neither sent nor at hand",
		         cc_cert_name(m.child, 0, cn, sizeof(cn)));
	}
	add_profile(n, cc_profile_name(in->profs, p));
	return 1;
}

int cc_judge_needs(const cc_judge_in_t *in, const cc_analyze_opts_t *ao, cc_judgement_t *out,
                   cc_error_t *err)
{
	const cc_verdicts_t *after = out->after_verdicts;
	cc_cert_t *leaf = in->served->v[0];
	int name = 0;
	char cn[256];

	(void)err;
	out->nneeds = 0;
	if (ao->host && !cc_host_matches(cc_cert_x509(leaf, NULL), ao->host))
		name = 1;
	for (size_t p = 0; p < out->served.n; p++) {
		cc_judge_need_t *n;
		if (out->served.v[p].trusted || (after && p < after->n && after->v[p].trusted))
			continue;
		if (name && (n = need_of(out, CC_NEED_LEAF, ao->host,
		                         cc_cert_name(leaf, 1, cn, sizeof(cn))))) {
			if (!n->why[0])
				snprintf(n->why, sizeof(n->why),
				         "the leaf at hand (%s) "
				         "is not valid for %s",
				         cc_cert_name(leaf, 0, cn, sizeof(cn)), ao->host);
			add_profile(n, cc_profile_name(in->profs, p));
		}
		/* the rest of the chain, apart from the name */
		if (out->fixed && p < out->fixed->n && out->fixed->v[p].trusted)
			continue;
		if (!renewed(in, out, p, ao->at))
			missing(in, out, p);
	}
	return 0;
}
