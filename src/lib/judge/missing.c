/*
 * missing.c - which issuer is missing: walking up from a leaf through the
 * certificates at hand, the first certificate whose issuer is in neither the
 * pool nor the anchors, described by name, key id and CA Issuers URL, so a
 * command can say exactly what to fetch or import.
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

cc_cert_t *cc_issuer_at_hand(cc_pool_t *p, cc_cert_t *c, int root_first)
{
	cc_certlist_t l = { 0 };
	cc_cert_t *hit = NULL;
	const char *why;

	if (p && cc_pool_issuers_of(p, c, &l) > 0)
		for (size_t i = 0; i < l.n; i++) {
			if (l.v[i] == c || !cc_edge_ok(c, l.v[i], &why))
				continue;
			if (!hit || cc_cert_self_issued(l.v[i]))
				hit = l.v[i];
			if (!root_first || cc_cert_self_issued(hit))
				break;
		}
	cc_certlist_clear(&l);
	return hit;
}

int cc_missing_issuer(cc_cert_t *leaf, cc_pool_t *pool, cc_pool_t *anchors,
		      cc_missing_t *out)
{
	cc_cert_t *cur = leaf;
	char *urls[4];
	int n;

	memset(out, 0, sizeof(*out));
	for (int d = 0; d < CC_WALK_MAX_DEPTH; d++) {
		cc_cert_t *up;
		if (cc_cert_self_issued(cur) || cc_issuer_at_hand(anchors, cur, 0))
			return 0;
		if (!(up = cc_issuer_at_hand(pool, cur, 0)))
			break;
		cur = up;
	}
	if (cc_cert_self_issued(cur) || cc_issuer_at_hand(anchors, cur, 0))
		return 0;
	out->child = cur;
	out->issuer = cc_cert_name_dup(cur, 1);
	out->issuer_dn = cc_cert_dn_dup(cur, 1);
	cc_cert_aki_hex(cur, out->aki, sizeof(out->aki));
	n = cc_aia_ca_issuers(cur, urls, sizeof(urls) / sizeof(urls[0]));
	for (int i = 0; i < n; i++) {
		if (!out->url)
			out->url = urls[i];
		else
			free(urls[i]);
	}
	if (!out->url)
		out->url = strdup("");
	if (!out->issuer || !out->issuer_dn || !out->url) {
		cc_missing_clear(out);
		return CC_ENOMEM;
	}
	return 1;
}

void cc_missing_clear(cc_missing_t *m)
{
	if (!m)
		return;
	free(m->issuer);
	free(m->issuer_dn);
	free(m->url);
	memset(m, 0, sizeof(*m));
}

void cc_missing_text(const cc_missing_t *m, cc_buf_t *b)
{
	char *cn = cc_cert_name_dup(m->child, 0);

	if (!cn) {
		b->oom = 1;
		return;
	}
	cc_buf_printf(b, "the issuer of %s is missing: %s", cn, m->issuer_dn);
	free(cn);
	if (m->aki[0])
		cc_buf_printf(b, ", key id %s", m->aki);
	if (m->url[0])
		cc_buf_printf(b, "; the certificate names it at %s", m->url);
}
