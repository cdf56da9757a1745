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
	"as check and fix, with the anchors as one profile \"roots\" and the\n"
	"store's enabled roots as the profile \"store\".\n"
	"\n"
	"  -r, --roots FILE|DIR          trust anchors (repeatable; default: system)\n"
	"  -I, --intermediates FILE|DIR  intermediates that may complete the chain\n"
	"                                (one missing from CHAINFILE is still\n"
	"                                incomplete-chain: the chain is judged as sent)\n"
	"      --at TIME                 judge at TIME (RFC 3339 or @unixseconds)\n"
	"      --host NAME               check the leaf is valid for NAME\n"
	CLI_POLICY_USAGE
	"      --expires-soon DAYS       warn when a certificate expires within DAYS (30)\n"
	"      --json                    one JSON object on stdout\n"
	"      --store DIR               certificate store to use (see certchain store)\n"
	"      --no-store                ignore the store (default: its intermediates\n"
	"                                may complete the chain, its enabled roots\n"
	"                                are the client \"store\" of their own, its\n"
	"                                disabled certificates are never used to\n"
	"                                complete a chain; CHAINFILE is judged as sent)\n"
	"  -h, --help                    this text\n"
	"\n"
	"finding ids: duplicate-cert wrong-order unrelated-cert anchor-sent\n"
	"incomplete-chain expired not-yet-valid expires-soon hostname-mismatch\n"
	"weak-signature untrusted cross-sign-available self-signed-root-preferred\n"
	"expiry-cliff chain-loops chain-too-long, and the rule ids of the policy\n"
	"(missing-aki, leaf-no-san,\n"
	"weak-key, ...; see certchain(1), POLICIES)\n"
	"exit: 0 valid with no error finding, 1 an error finding (the chain would\n"
	"fail for some client), 2 usage or input error\n";

static void report(cc_buf_t *b, const cc_certlist_t *served,
		   const cc_judgement_t *j, int json, time_t at)
{
	const cc_findings_t *f = &j->findings;
	const cc_paths_t *best = j->client;
	int bad = cc_judgement_failed(j);

	if (json) {
		cc_buf_printf(b, "{\"result\":\"%s\",\"valid_path\":%s,\"served\":[",
			      bad ? "problems" : "ok", best ? "true" : "false");
		for (size_t i = 0; i < served->n; i++) {
			cc_buf_printf(b, "%s", i ? "," : "");
			cc_json_cert(b, served->v[i]);
		}
		cc_buf_printf(b, "],\"findings\":");
		cli_findings_json(b, f);
		cc_buf_printf(b, ",\"trusted_path\":[");
		for (size_t i = 0; best && i < best->v[0].certs.n; i++) {
			cc_buf_printf(b, "%s", i ? "," : "");
			cc_json_cert(b, best->v[0].certs.v[i]);
		}
		cc_buf_printf(b, "],\"chain_to_serve\":[");
		for (size_t i = 0; i < j->serve.n; i++) {
			cc_buf_printf(b, "%s", i ? "," : "");
			cc_json_cert(b, j->serve.v[i]);
		}
		cc_buf_printf(b, "]}\n");
		return;
	}
	cc_buf_printf(b, "served chain (%zu certificate%s, as sent):\n", served->n,
		      served->n == 1 ? "" : "s");
	for (size_t i = 0; i < served->n; i++) {
		char cn[256], iss[256], t[32];
		cc_buf_printf(b, "  [%zu] %s\n      issued by %s, expires %.10s\n", i,
			      cc_cert_name(served->v[i], 0, cn, sizeof(cn)),
			      cc_cert_name(served->v[i], 1, iss, sizeof(iss)),
			      cc_time_str(cc_cert_not_after(served->v[i]), t));
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
		char cn[256];
		cc_buf_printf(b, "chain to serve instead (leaf first):\n");
		for (size_t i = 0; i < j->serve.n; i++)
			cc_buf_printf(b, "  [%zu] %s\n", i,
				      cc_cert_name(j->serve.v[i], 0, cn, sizeof(cn)));
	}
	cc_buf_printf(b, "verdict: %s\n", bad ? "PROBLEMS (see errors above)"
					      : f->n ? "OK, with warnings" : "OK");
}

int cmd_verify(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "roots", required_argument, 0, 'r' },
		{ "intermediates", required_argument, 0, 'I' },
		{ "at", required_argument, 0, 1 },
		{ "host", required_argument, 0, 2 },
		{ "expires-soon", required_argument, 0, 3 },
		{ "json", no_argument, 0, 4 },
		{ "store", required_argument, 0, 5 },
		{ "no-store", no_argument, 0, 6 },
		{ "policy", required_argument, 0, 7 },
		{ "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 }
	};
	cc_pool_t *pool = cc_pool_new(), *anchors = cc_pool_new();
	cc_certlist_t served = { 0 };
	cc_judgement_t j = { .best = -1 };
	cc_profiles_t *profs = cc_profiles_new();
	cc_analyze_opts_t ao = { 0 };
	cc_buf_t b = { 0 };
	cc_error_t err;
	cli_store_opts_t so = { 0 };
	const char **roots = NULL, **inter = NULL, *sys;
	size_t nroots = 0, ninter = 0;
	int c, json = 0, rc = EXIT_USAGE;
	char *end;

	cc_error_clear(&err);
	optind = 1;
	while ((c = getopt_long(argc, argv, "r:I:h", lo, NULL)) != -1) {
		switch (c) {
		case 'r':
		case 'I':
			if (cli_push_arg(c == 'r' ? &roots : &inter,
					 c == 'r' ? &nroots : &ninter, optarg))
				goto out;
			break;
		case 1:
			if (cli_parse_time("verify", optarg, &ao.at))
				goto out;
			break;
		case 2:
			if (cli_host_arg("verify", "--host", optarg))
				goto out;
			ao.host = optarg;
			break;
		case 3:
			ao.expires_soon_days = (int)strtol(optarg, &end, 10);
			if (*end || ao.expires_soon_days <= 0) {
				cli_usage_error("verify", "--expires-soon: '%s' is not a "
							  "positive number of days", optarg);
				goto out;
			}
			break;
		case 4: json = 1; break;
		case 5: so.dir = optarg; break;
		case 6: so.no_store = 1; break;
		case 7:
			if (cli_policy_arg("verify", optarg, &ao.policy))
				goto out;
			break;
		case 'h': fputs(usage_text, stdout); rc = EXIT_OK; goto out;
		default: cli_bad_option("verify", argv, lo); goto out;
		}
	}
	if (optind + 1 != argc) {
		cli_usage_error("verify", "expected exactly one CHAINFILE");
		goto out;
	}
	if (!pool || !anchors || !profs || cli_load(pool, argv[optind], 0, &served))
		goto out;
	for (size_t i = 0; i < ninter; i++)
		if (cli_load(pool, inter[i], 0, NULL))
			goto out;
	for (size_t i = 0; i < nroots; i++)
		if (cli_load(anchors, roots[i], 0, NULL))
			goto out;
	if (!nroots && cli_load_system_roots(anchors, &sys))
		goto out;
	/* The clients, built as check builds them: the anchors are one
	 * path-building client, "roots"; the store's enabled roots are the
	 * client "store" of their own, never added to "roots". */
	if (cc_profiles_add_pool(profs, "roots", anchors, CC_BEHAVIOUR_PATHBUILD,
				 CC_PROFILE_DEFAULT_WEIGHT,
				 nroots ? "-r" : "the system store", &err)) {
		cli_fail(&err);
		goto out;
	}
	if (cli_store_add_profile(&so, profs) ||
	    cli_store_apply(&so, &pool, &served, &anchors))
		goto out;
	if (!ao.at)
		ao.at = time(NULL);
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
	cli_flush(&b);
	rc = cc_judgement_failed(&j) ? EXIT_PROBLEM : EXIT_OK;
out:
	cc_judgement_clear(&j);
	cc_profiles_free(profs);
	cc_certlist_clear(&served);
	cc_pool_free(pool);
	cc_pool_free(anchors);
	free(roots);
	free(inter);
	return rc;
}
