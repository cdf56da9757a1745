/*
 * groups.c - "today's clients" and "legacy clients" in the words and JSON of
 * explain, check and build: one line per chain, and the answer to "who needs
 * the cross-sign?". The counting is the library's (cc_verdicts_by_group,
 * cc_matrix_need_longer); this file only renders it.
 */
#include "cli.h"

static const char *group_label[CC_PROFILE_NGROUPS] = { "today's clients",
						       "legacy clients" };

static void names(cc_buf_t *b, cc_profiles_t *ps, const cc_group_tally_t *t)
{
	for (size_t k = 0; k < t->nuntrusted; k++)
		cc_buf_printf(b, "%s%s", k ? ", " : "",
			      cc_profile_name(ps, t->untrusted[k]));
}

void cli_groups_text(cc_buf_t *b, cc_profiles_t *ps, const cc_verdicts_t *v,
		     const char *prefix)
{
	cc_group_tally_t t[CC_PROFILE_NGROUPS];
	int first = 1;

	cc_verdicts_by_group(ps, v, t);
	for (int g = 0; g < CC_PROFILE_NGROUPS; g++) {
		if (!t[g].n)
			continue;
		cc_buf_printf(b, "%s%s: %zu/%zu trust it", first ? prefix : "; ",
			      group_label[g], t[g].ntrusted, t[g].n);
		if (t[g].nuntrusted) {
			cc_buf_printf(b, " (not ");
			names(b, ps, &t[g]);
			cc_buf_printf(b, ")");
		}
		first = 0;
	}
	if (!first)
		cc_buf_printf(b, "\n");
}

void cli_groups_need_text(cc_buf_t *b, cc_profiles_t *ps, const cc_matrix_t *m)
{
	cc_need_t nd;
	char d[1024];

	if (!cc_matrix_need_longer(ps, m, &nd))
		return;
	cc_buf_printf(b, "who needs the extra certificates (the cross-signs), "
			 "i.e. does not trust serving %s alone:\n",
		      cc_chain_describe(ps, &nd.shortest->served, d, sizeof(d)));
	for (int g = 0; g < CC_PROFILE_NGROUPS; g++) {
		const cc_group_tally_t *t = &nd.need[g];
		if (!t->n)
			continue;
		cc_buf_printf(b, "  %s: ", group_label[g]);
		if (t->nuntrusted)
			names(b, ps, t);
		else
			cc_buf_printf(b, "none");
		cc_buf_printf(b, " (%zu of %zu)\n", t->nuntrusted, t->n);
	}
}

static void names_json(cc_buf_t *b, cc_profiles_t *ps, const cc_group_tally_t *t)
{
	cc_buf_printf(b, "[");
	for (size_t k = 0; k < t->nuntrusted; k++) {
		cc_buf_printf(b, "%s", k ? "," : "");
		cc_buf_json_str(b, cc_profile_name(ps, t->untrusted[k]));
	}
	cc_buf_printf(b, "]");
}

void cli_groups_json(cc_buf_t *b, cc_profiles_t *ps, const cc_verdicts_t *v)
{
	cc_group_tally_t t[CC_PROFILE_NGROUPS];

	cc_verdicts_by_group(ps, v, t);
	cc_buf_printf(b, "{");
	for (int g = 0; g < CC_PROFILE_NGROUPS; g++) {
		cc_buf_printf(b, "%s\"%s\":{\"profiles\":%zu,\"trusted_by\":%zu,"
				 "\"untrusted\":",
			      g ? "," : "", cc_profile_group_name((cc_profile_group_t)g),
			      t[g].n, t[g].ntrusted);
		names_json(b, ps, &t[g]);
		cc_buf_printf(b, "}");
	}
	cc_buf_printf(b, "}");
}

void cli_groups_need_json(cc_buf_t *b, cc_profiles_t *ps, const cc_matrix_t *m)
{
	cc_need_t nd;

	if (!cc_matrix_need_longer(ps, m, &nd)) {
		cc_buf_printf(b, "null");
		return;
	}
	cc_buf_printf(b, "{\"shortest_served\":%zu", nd.shortest->served.n);
	for (int g = 0; g < CC_PROFILE_NGROUPS; g++) {
		cc_buf_printf(b, ",\"%s\":", cc_profile_group_name((cc_profile_group_t)g));
		names_json(b, ps, &nd.need[g]);
	}
	cc_buf_printf(b, "}");
}
