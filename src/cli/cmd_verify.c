/* cmd_verify.c - certchain verify: judge a chain file as a server sends it. */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char usage_text[] =
	"usage: certchain verify [OPTIONS] CHAINFILE\n"
	"\n"
	"Checks CHAINFILE in the order a server would send it (leaf first):\n"
	"order, duplicates, a sent anchor, missing intermediates, dates, host\n"
	"name and weak signatures, then whether a client holding the trust\n"
	"anchors can build a valid path from what is sent. The same judgement\n"
	"as check and fix, with the same clients: -r as the profile \"roots\",\n"
	"-p profiles, the store's enabled roots as the profile \"store\".\n"
	"\n"
	CLI_CLIENT_USAGE
	"      --expires-soon DAYS       warn when a certificate expires within DAYS (30)\n"
	"      --json                    one JSON object on stdout\n"
	"  -h, --help                    this text\n"
	"\n"
	"finding ids: duplicate-cert wrong-order unrelated-cert anchor-sent\n"
	"unknown-root-sent unneeded-cert incomplete-chain expired not-yet-valid\n"
	"expires-soon hostname-mismatch weak-signature untrusted\n"
	"cross-sign-available self-signed-root-preferred expiry-cliff distrust-cliff\n"
	"chain-loops chain-too-long, and the rule ids of the policy (missing-aki,\n"
	"leaf-no-san, weak-key, ...; see certchain(1), POLICIES)\n"
	"exit: 0 valid with no error finding, 1 an error finding (the chain would\n"
	"fail for some client), 2 usage or input error\n";

static void report(cc_buf_t *b, const cc_certlist_t *served,
		   const cc_judgement_t *j, int json, time_t at)
{
	const cc_findings_t *f = &j->findings;
	const cc_paths_t *best = j->client;
	int bad = cc_judgement_failed(j);

	if (json) {
		json_t *o = json_pack("{s:s,s:b,s:o,s:o,s:o,s:o}", "result",
				      bad ? "problems" : "ok", "valid_path", best != NULL,
				      "served", cli_certs_json(served->v, served->n),
				      "findings", cli_findings_json(f), "trusted_path",
				      best ? cli_certs_json(best->v[0].certs.v,
							    best->v[0].certs.n)
					   : json_array(),
				      "chain_to_serve",
				      cli_certs_json(j->serve.v, j->serve.n));
		cli_json_line(b, o);
		return;
	}
	cc_buf_printf(b, "served chain (%zu certificate%s, as sent):\n", served->n,
		      served->n == 1 ? "" : "s");
	for (size_t i = 0; i < served->n; i++) {
		cc_names_t nm = { 0 };
		char t[32];
		cc_buf_printf(b, "  [%zu] %s\n      issued by %s, expires %.10s\n", i,
			      cc_names_get(&nm, served->v[i], 0),
			      cc_names_get(&nm, served->v[i], 1),
			      cc_time_str(cc_cert_not_after(served->v[i]), t));
		cc_names_free(&nm);
	}
	if (f->n)
		cc_buf_printf(b, "findings:\n");
	cli_findings_text(b, f);
	if (best) {
		cc_buf_printf(b, "a client with these anchors builds:\n");
		cli_tree(b, best->v[0].certs.v, best->v[0].certs.n,
			 best->v[0].certs.n - 1, at);
	}
	if (j->best >= 0 && (j->nadded || j->nremoved || j->reordered)) {
		/* as build prints it: issuer and sha256 tell a cross-sign from
		 * its self-signed twin */
		const cc_path_t *p = &j->paths->v[j->best];
		cc_buf_printf(b, "chain to serve instead (%zu certificate%s, leaf first):\n",
			      j->serve.n, j->serve.n == 1 ? "" : "s");
		cli_tree(b, p->certs.v, p->certs.n, j->serve.n, at);
	}
	cc_buf_printf(b, "verdict: %s\n", bad ? "PROBLEMS (see errors above)"
					      : f->n ? "OK, with warnings" : "OK");
}

int cmd_verify(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "expires-soon", required_argument, 0, 3 },
		{ "json", no_argument, 0, 4 },
		{ "help", no_argument, 0, 'h' },
		CLI_CLIENT_LONGOPTS,
		{ 0, 0, 0, 0 }
	};
	cc_pool_t *pool = cc_pool_new(), *anchors = cc_pool_new();
	cc_certlist_t served = { 0 };
	cc_judgement_t j = { .best = -1 };
	cc_profiles_t *profs = cc_profiles_new();
	cc_analyze_opts_t ao = { 0 };
	cc_buf_t b = { 0 };
	cc_error_t err;
	cli_client_t cl = { 0 };
	int c, r, json = 0, rc = EXIT_USAGE;
	char *end;

	cc_error_clear(&err);
	optind = 1;
	while ((c = getopt_long(argc, argv, CLI_CLIENT_SHORTOPTS "h", lo, NULL)) != -1) {
		switch (c) {
		case 3:
			ao.expires_soon_days = (int)strtol(optarg, &end, 10);
			if (*end || ao.expires_soon_days <= 0) {
				cli_usage_error("verify", "--expires-soon: '%s' is not a "
							  "positive number of days", optarg);
				goto out;
			}
			break;
		case 4: json = 1; break;
		case 'h': fputs(usage_text, stdout); rc = EXIT_OK; goto out;
		default:
			if ((r = cli_client_opt("verify", &cl, c, optarg)) < 0)
				cli_bad_option("verify", argv, lo);
			if (r)
				goto out;
		}
	}
	if (optind + 1 != argc) {
		cli_usage_error("verify", "expected exactly one CHAINFILE");
		goto out;
	}
	if (!pool || !anchors || !profs || cli_load(pool, argv[optind], 0, &served))
		goto out;
	for (size_t i = 0; i < cl.ninter; i++)
		if (cli_load(pool, cl.inter[i], 0, NULL))
			goto out;
	/* The clients, as every judging command makes them (cli_profiles):
	 * -r is the profile "roots", -p the others; the store's enabled roots
	 * are the client "store" of their own, never added to "roots". The
	 * anchors considered are all of theirs. */
	if (cli_profiles(profs, cl.specs, cl.nspecs, cl.roots, cl.nroots))
		goto out;
	if (cli_pool_merge(anchors, cc_profiles_pool(profs), &err)) {
		cli_fail(&err);
		goto out;
	}
	if (cli_store_add_profile(&cl.store, profs) ||
	    cli_store_apply(&cl.store, &pool, &served, &anchors))
		goto out;
	ao.at = cl.at ? cl.at : time(NULL);
	ao.host = cl.host;
	ao.policy = cl.policy;
	{
		/* One judgement (judge.c), as check and fix. */
		cc_judge_in_t in = { .served = &served, .repair = pool,
				     .anchors = anchors, .profs = profs, .ao = ao };
		/* the clients enforce the --policy the chain is judged by */
		cli_policy_apply(profs, ao.policy);
		if (cc_served_judge(&in, &j, &err)) {
			cli_fail(&err);
			goto out;
		}
	}
	report(&b, &served, &j, json, ao.at);
	cli_flush_report(&b, json);
	rc = cc_judgement_failed(&j) ? EXIT_PROBLEM : EXIT_OK;
out:
	cc_judgement_clear(&j);
	cc_profiles_free(profs);
	cc_certlist_clear(&served);
	cc_pool_free(pool);
	cc_pool_free(anchors);
	cli_client_free(&cl);
	return rc;
}
