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

	if (!cc_matrix_need_longer(ps, m, &nd))
		return;
	cc_buf_printf(b, "who needs the extra certificates (the cross-signs), "
			 "i.e. does not trust serving ");
	cc_chain_describe(ps, &nd.shortest->served, b);
	cc_buf_printf(b, " alone:\n");
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

static json_t *names_json(cc_profiles_t *ps, const cc_group_tally_t *t)
{
	json_t *a = json_array();

	for (size_t k = 0; a && k < t->nuntrusted; k++)
		if (json_array_append_new(a, cc_json_str(cc_profile_name(ps, t->untrusted[k])))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

json_t *cli_groups_json(cc_profiles_t *ps, const cc_verdicts_t *v)
{
	cc_group_tally_t t[CC_PROFILE_NGROUPS];
	json_t *o = json_object();

	cc_verdicts_by_group(ps, v, t);
	for (int g = 0; o && g < CC_PROFILE_NGROUPS; g++)
		if (json_object_set_new(o, cc_profile_group_name((cc_profile_group_t)g),
					json_pack("{s:I,s:I,s:o}", "profiles",
						  (json_int_t)t[g].n, "trusted_by",
						  (json_int_t)t[g].ntrusted, "untrusted",
						  names_json(ps, &t[g])))) {
			json_decref(o);
			return NULL;
		}
	return o;
}

json_t *cli_groups_need_json(cc_profiles_t *ps, const cc_matrix_t *m)
{
	cc_need_t nd;
	json_t *o;

	if (!cc_matrix_need_longer(ps, m, &nd))
		return json_null();
	o = json_pack("{s:I}", "shortest_served", (json_int_t)nd.shortest->served.n);
	for (int g = 0; o && g < CC_PROFILE_NGROUPS; g++)
		if (json_object_set_new(o, cc_profile_group_name((cc_profile_group_t)g),
					names_json(ps, &nd.need[g]))) {
			json_decref(o);
			return NULL;
		}
	return o;
}
