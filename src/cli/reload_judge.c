/* reload_judge.c - after a proven reload, each binding's chain (now served
 * exactly as deployed) judged as 'check' judges it (cc_served_judge), for
 * the clients 'bind' chose it for (its saved --profile specs and --policy):
 * one line per site with how many client profiles trust it and the finding
 * ids, so reload and check never disagree about the same chain. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

/* The deployed chain of b in order, from its files (certificates only;
 * keys and lists in them are skipped). 0, or -1 when one is missing. */
static int deployed_chain(const cc_binding_t *b, cc_pool_t *pool, cc_certlist_t *chain)
{
	for (size_t i = 0; i < b->nfiles; i++) {
		cc_error_t err;
		cc_error_clear(&err);
		cc_pool_load(pool, b->files[i], CC_LOAD_ALLOW_EMPTY, NULL, &err);
	}
	for (size_t i = 0; i < b->nchain; i++) {
		unsigned char fp[32];
		cc_cert_t *c;
		for (size_t k = 0; k < 32; k++)
			if (sscanf(b->chain[i] + 2 * k, "%2hhx", &fp[k]) != 1)
				return -1;
		if (!(c = cc_pool_find_sha256(pool, fp)) || cc_certlist_push(chain, c))
			return -1;
	}
	return chain->n ? 0 : -1;
}

void cli_reload_set(cc_buf_t *txt, json_t *o, const char *key, json_t *v)
{
	if (json_object_set_new(o, key, v))
		txt->oom = 1;
}

void cli_reload_add(cc_buf_t *txt, json_t *a, json_t *v)
{
	if (json_array_append_new(a, v))
		txt->oom = 1;
}

/* Judges one binding's chain; appends a line to txt and an object to arr. */
static void judge_one(const cc_binding_t *b, cc_profiles_t *profs, cc_pool_t *anchors,
		      const char *name, cc_buf_t *txt, json_t *arr)
{
	cc_pool_t *pool = cc_pool_new();
	cc_certlist_t chain = { 0 };
	cc_judgement_t j = { .best = -1 };
	cc_judge_in_t in = { .served = &chain, .anchors = anchors, .profs = profs };
	cc_error_t err;
	json_t *o = json_pack("{s:o}", "site", cc_json_str(b->site));

	cc_error_clear(&err);
	in.ao.host = b->nhosts ? b->hosts[0] : NULL;
	if (!pool || deployed_chain(b, pool, &chain) || cc_served_judge(&in, &j, &err)) {
		cc_buf_printf(txt, "%s: %s: the deployed chain could not be judged\n",
			      name, b->site);
		cli_reload_set(txt, o, "judged", json_false());
		goto out;
	}
	cc_buf_printf(txt, "%s: %s, judged as check judges it: trusted by %zu/%zu "
			   "client profiles", name, b->site, j.served.ntrusted, j.served.n);
	for (size_t i = 0; i < j.findings.n; i++)
		if (!i || strcmp(j.findings.v[i].id, j.findings.v[i - 1].id))
			cc_buf_printf(txt, "%s%s", i ? " " : "; findings: ",
				      j.findings.v[i].id);
	cc_buf_printf(txt, "%s\n", j.findings.n ? " (certchain check for details)" : "");
	cli_reload_set(txt, o, "judged", json_true());
	cli_reload_set(txt, o, "trust", cli_verdicts_json(profs, &j.served));
	cli_reload_set(txt, o, "findings", cli_findings_json(&j.findings));
out:
	cli_reload_add(txt, arr, o);
	cc_judgement_clear(&j);
	cc_certlist_clear(&chain);
	cc_pool_free(pool);
}

/* The clients b's chain was chosen for: bind's --profile specs (saved with
 * the binding; the default set when none) and --policy, plus the store's
 * enabled roots as bind adds them. NULL when they cannot be loaded. */
static cc_profiles_t *binding_profiles(const cc_binding_t *b, cc_store_t *st)
{
	cli_store_opts_t so = { .dir = cc_store_dir(st) };
	char specs[CC_BIND_PROFILES_LEN];
	const char *v[CC_BIND_PROFILES_LEN / 2];
	cc_profiles_t *profs = cc_profiles_new();
	size_t n = 0;

	snprintf(specs, sizeof(specs), "%s", b->profiles);
	for (char *p = specs, *e; *p && n < sizeof(v) / sizeof(v[0]); p = e) {
		e = p + strcspn(p, "\n");
		if (*e)
			*e++ = 0;
		v[n++] = p;
	}
	if (!profs || cli_profiles(profs, v, n, NULL, 0) || cli_store_add_profile(&so, profs)) {
		cc_profiles_free(profs);
		return NULL;
	}
	cli_policy_apply(profs, b->policy);
	return profs;
}

void cli_reload_judge(cc_deploy_t *d, cc_store_t *st, const char *name, cc_buf_t *txt,
		      json_t *js)
{
	const cc_binding_t *v;
	json_t *arr = json_array();
	size_t n;

	v = cc_deploy_bindings(d, &n);
	for (size_t i = 0; i < n; i++) {
		cc_profiles_t *profs = binding_profiles(&v[i], st);
		if (!profs) {
			cc_buf_printf(txt, "%s: %s: its trust profiles (%s) could not be loaded; "
					   "not judged\n", name, v[i].site, v[i].profiles);
			continue;
		}
		judge_one(&v[i], profs, cc_profiles_pool(profs), name, txt, arr);
		cc_profiles_free(profs);
	}
	cli_reload_set(txt, js, "judged", arr);
}
