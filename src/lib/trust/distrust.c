/*
 * distrust.c - distrust-after dates: a client that still holds a root but
 * no longer trusts new certificates under it (Mozilla's
 * CKA_NSS_SERVER_DISTRUST_AFTER, Chrome's sct_not_after constraint). The
 * dates come from a small tab-separated file per profile; the judgement
 * (behaviour.c) asks cc_profile_distrusts() about every path it would
 * accept, so build, explain, verify, check and fix see the same verdict.
 */
#include "internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *cc_distrust_kind_name(cc_distrust_kind_t k)
{
	return k == CC_DISTRUST_SCT ? "sct" : "issued";
}

const cc_distrust_t *cc_profile_distrust_of(const cc_profiles_t *ps, size_t i,
					     const cc_cert_t *anchor,
					     cc_distrust_kind_t kind)
{
	const unsigned char *fp = cc_cert_sha256(anchor);

	for (size_t k = 0; k < cc_profile_distrust_count(ps, i); k++) {
		const cc_distrust_t *e = cc_profile_distrust_get(ps, i, k);
		if (e->kind == kind && !memcmp(e->sha256, fp, 32))
			return e;
	}
	return NULL;
}

int cc_profile_distrusts(const cc_profiles_t *ps, size_t i, cc_cert_t *leaf,
			 cc_cert_t *anchor, char *reason, size_t n)
{
	char cn[CC_DISTRUST_LABEL_MAX], d[32], t[32];
	time_t sct = 0, issued;
	int has_sct = -1; /* decoded only for a dated anchor: most are not */

	if (!cc_profile_distrust_count(ps, i))
		return 0;
	for (int k = CC_DISTRUST_ISSUED; k <= CC_DISTRUST_SCT; k++) {
		const cc_distrust_t *e = cc_profile_distrust_of(ps, i, anchor,
								(cc_distrust_kind_t)k);
		if (!e)
			continue;
		if (has_sct < 0)
			has_sct = cc_cert_earliest_sct(leaf, &sct);
		/* Firefox holds the leaf's notBefore against the date
		 * (NSSCertDBTrustDomain::IsChainValid) and, for CT, discounts every
		 * SCT dated after it: issued is the later of notBefore and the
		 * earliest SCT. Chrome looks at SCTs only and refuses a leaf
		 * without one (PathBuilderDelegateImpl, sct_not_after). */
		issued = cc_cert_not_before(leaf);
		if (k == CC_DISTRUST_SCT || (has_sct && sct > issued))
			issued = has_sct ? sct : issued;
		if ((k == CC_DISTRUST_SCT && has_sct == 0) || issued > e->after) {
			const char *label = e->label[0] ? e->label
				: cc_cert_name(anchor, 0, cn, sizeof(cn));
			cc_time_str(e->after, d);
			cc_time_str(issued, t);
			if (k == CC_DISTRUST_ISSUED)
				snprintf(reason, n, "distrusted by %s: %s, certificates "
					 "issued after %.10s (this one %.10s)",
					 cc_profile_name(ps, i), label, d, t);
			else if (has_sct)
				snprintf(reason, n, "distrusted by %s: %s, certificates "
					 "whose earliest SCT is after %.10s (this one "
					 "%.10s)", cc_profile_name(ps, i), label, d, t);
			else
				snprintf(reason, n, "distrusted by %s: %s, certificates "
					 "whose earliest SCT is after %.10s (this one "
					 "has no embedded SCT)", cc_profile_name(ps, i),
					 label, d);
			return 1;
		}
	}
	return 0;
}
