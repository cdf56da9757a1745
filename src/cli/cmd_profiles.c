/* cmd_profiles.c - certchain profiles: list the trust profiles a build
 * would use, with anchor counts, behaviour, weight and source. */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char usage_text[] =
	"usage: certchain profiles [OPTIONS] [CHAIN]\n"
	"\n"
	"Lists trust profiles, today's clients first, then the legacy ones: name,\n"
	"number of anchors, client behaviour, validation policy, weight (share\n"
	"of clients, used in ranking), date of the store and where the anchors\n"
	"come from; then each profile's distrust-after dates. Without\n"
	"-p/-r: every built-in profile plus 'system', the set 'certchain build'\n"
	"uses by default. With CHAIN (a certificate file, leaf or CA first): the\n"
	"anchors its paths can end at (-I completing them), which of them each\n"
	"profile has, and each profile's verdict on CHAIN as sent (at --at, for\n"
	"--host), the verdicts verify gives with the same options.\n"
	"\n"
	CLI_CLIENT_USAGE
	"      --json                    one JSON object on stdout\n"
	"  -h, --help                    this text\n"
	"\n"
	"Behaviours: pathbuild (modern clients: backtracking path building),\n"
	"served-order (OpenSSL 1.0.x: served order, no backtracking),\n"
	"no-expiry-check-on-anchor (old Android: ignores the root's dates).\n"
	"Policies: webpki (RFC 5280 strict + CA/B Forum Baseline Requirements;\n"
	"browsers and OSes), rfc5280 (RFC 5280 strict only), legacy (what old\n"
	"clients accepted; the old Android profiles).\n"
	"Built-in profiles are read from CERTCHAIN_DATA_DIR/trust-stores, else\n"
	"the installed share/certchain/trust-stores.\n"
	"exit: 0 listed, 2 usage or input error\n";

static const char *group_title[CC_PROFILE_NGROUPS] = {
	"today's clients", "legacy clients (2017 and older snapshots)"
};

/* Certificates that anchor at least one profile (a store-disabled one
 * stays loaded but anchors none). */
static size_t distinct_anchors(cc_profiles_t *ps)
{
	cc_pool_t *pool = cc_profiles_pool(ps);
	size_t n = 0;

	for (size_t k = 0; k < cc_pool_count(pool); k++)
		for (size_t i = 0; i < cc_profiles_count(ps); i++)
			if (cc_profile_has_anchor(ps, i, cc_pool_get(pool, k))) {
				n++;
				break;
			}
	return n;
}

/* The chain's possible anchors (-I completes its paths) and each profile's
 * verdict on it as sent (vs); 0 or exit code. *certs holds the chain's and
 * -I's certificates, which vs's paths borrow: the caller frees it after vs. */
static int chain_anchors(cc_profiles_t *ps, const char *chain, const cli_client_t *cl,
			 cc_certlist_t *out, cc_verdicts_t *vs, cc_pool_t **certs)
{
	cc_judge_opts_t jo = { .at = cl->at, .host = cl->host };
	cc_pool_t *u = cc_pool_new();
	cc_certlist_t order = { 0 };
	cc_error_t err;
	int r = u ? 0 : EXIT_USAGE;

	cc_error_clear(&err);
	if (!r)
		r = cli_load(u, chain, 0, &order);
	/* as sent: a client knows the chain, not -I */
	if (!r && cc_profiles_judge(ps, &order, NULL, &jo, vs, &err))
		r = cli_fail(&err);
	for (size_t i = 0; !r && i < cl->ninter; i++)
		r = cli_load(u, cl->inter[i], 0, NULL);
	if (!r && cc_profiles_chain_anchors(ps, order.v[0], u, out, &err) < 0)
		r = cli_fail(&err);
	cc_certlist_clear(&order);
	/* out's certificates belong to ps's pool; vs's paths hold u's */
	*certs = u;
	return r;
}

/* {PROFILE:[fingerprints of ca that PROFILE has as anchors]} */
static json_t *has_json(cc_profiles_t *ps, const cc_certlist_t *ca)
{
	json_t *o = json_object();

	for (size_t i = 0; o && i < cc_profiles_count(ps); i++) {
		json_t *a = json_array();
		for (size_t k = 0; a && k < ca->n; k++)
			if (cc_profile_has_anchor(ps, i, ca->v[k]) &&
			    json_array_append_new(a, cli_json_fp(ca->v[k]))) {
				json_decref(a);
				a = NULL;
			}
		/* a profile's name is any bytes; a key must be UTF-8 */
		json_t *key = cc_json_str(cc_profile_name(ps, i));
		int r = !key || json_object_set_new(o, json_string_value(key), a);
		if (!key)
			json_decref(a);
		json_decref(key);
		if (r) {
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

static void json_out(cc_buf_t *b, cc_profiles_t *ps, const char *chain,
		     const cc_certlist_t *ca, const cc_verdicts_t *vs)
{
	json_t *o = json_pack("{s:o,s:I,s:o}", "data_dir", cc_json_str(cli_data_dir()),
			      "anchors_loaded",
			      (json_int_t)cc_pool_count(cc_profiles_pool(ps)), "profiles",
			      cli_profiles_json(ps));

	if (o && chain &&
	    json_object_set_new(o, "chain",
				json_pack("{s:o,s:o,s:o,s:o}", "file", cc_json_str(chain),
					  "anchors", cli_certs_json(ca->v, ca->n), "has",
					  has_json(ps, ca), "judgement",
					  cli_verdicts_json(ps, vs)))) {
		json_decref(o);
		o = NULL;
	}
	cli_json_line(b, o);
}

/* One profile: a row of the short columns, then where its anchors come
 * from on a line of its own (a sentence, often longer than a row: as a
 * last column it began at column 77 and wrapped under the row). */
static void text_row(cc_buf_t *b, cc_profiles_t *ps, size_t i)
{
	const char *d = cc_profile_date(ps, i), *src = cc_profile_source(ps, i);

	cc_buf_printf(b, "%-14s %7zu  %-25s %-7s %6g  %s\n", cc_profile_name(ps, i),
		      cc_profile_anchor_count(ps, i),
		      cc_behaviour_name(cc_profile_behaviour(ps, i)),
		      cc_policy_name(cc_profile_policy(ps, i)),
		      cc_profile_weight(ps, i), *d ? d : "-");
	if (src && *src)
		cc_buf_printf(b, "  source: %s\n", src);
}

/* Each profile's distrust-after dates, one line per anchor. */
static void distrust_out(cc_buf_t *b, cc_profiles_t *ps)
{
	size_t m = 0;
	char t[32];

	for (size_t i = 0; i < cc_profiles_count(ps); i++)
		for (size_t k = 0; k < cc_profile_distrust_count(ps, i); k++) {
			const cc_distrust_t *d = cc_profile_distrust_get(ps, i, k);
			if (!m++)
				cc_buf_printf(b, "distrust-after dates (new certificates "
						 "under these anchors are not trusted):\n");
			cc_buf_printf(b, "  %-14s %.10s  %s%s\n", cc_profile_name(ps, i),
				      cc_time_str(d->after, t), d->label,
				      d->kind == CC_DISTRUST_SCT ? " (by earliest SCT)" : "");
		}
}

static void text_out(cc_buf_t *b, cc_profiles_t *ps, const char *chain,
		     const cc_certlist_t *ca, const cc_verdicts_t *vs)
{
	size_t n[CC_PROFILE_NGROUPS] = { 0 };
	char cn[256];

	for (int g = 0; g < CC_PROFILE_NGROUPS; g++) {
		for (size_t i = 0; i < cc_profiles_count(ps); i++)
			if ((int)cc_profile_group(ps, i) == g && !n[g]++)
				cc_buf_printf(b, "%s%s:\n%-14s %7s  %-25s %-7s %6s  %s\n",
					      g ? "\n" : "", group_title[g], "profile",
					      "anchors", "behaviour", "policy", "weight", "date");
		for (size_t i = 0; i < cc_profiles_count(ps); i++)
			if ((int)cc_profile_group(ps, i) == g)
				text_row(b, ps, i);
	}
	cc_buf_printf(b, "%zu profile%s (%zu today's, %zu legacy), %zu distinct anchor%s\n",
		      cc_profiles_count(ps), cc_profiles_count(ps) == 1 ? "" : "s",
		      n[CC_PROFILE_CURRENT], n[CC_PROFILE_LEGACY], distinct_anchors(ps),
		      distinct_anchors(ps) == 1 ? "" : "s");
	distrust_out(b, ps);
	if (!chain)
		return;
	cc_buf_printf(b, "\nanchors %s can end at, and the profiles that have each:\n",
		      chain);
	if (!ca->n)
		cc_buf_printf(b, "  none: no path from it reaches an anchor of these "
				 "profiles (missing intermediates? give them with -I)\n");
	for (size_t k = 0; k < ca->n; k++) {
		cc_buf_printf(b, "  %s:", cc_cert_name(ca->v[k], 0, cn, sizeof(cn)));
		for (int g = 0; g < CC_PROFILE_NGROUPS; g++) {
			size_t m = 0;
			for (size_t i = 0; i < cc_profiles_count(ps); i++)
				if ((int)cc_profile_group(ps, i) == g &&
				    cc_profile_has_anchor(ps, i, ca->v[k]))
					cc_buf_printf(b, "%s %s", m++ ? "," : g ? "\n    legacy:" : "\n    today:",
						      cc_profile_name(ps, i));
			if (!m && n[g])
				cc_buf_printf(b, "\n    %s: none", g ? "legacy" : "today");
		}
		cc_buf_printf(b, "\n");
	}
	cc_buf_printf(b, "\n%s as sent, judged by each profile (%zu/%zu trust it):\n",
		      chain, vs->ntrusted, vs->n);
	cli_verdicts_text(b, ps, vs, "  ");
}

static int list(const char *chain, int json, const cli_client_t *cl)
{
	cc_profiles_t *ps = cc_profiles_new();
	cc_certlist_t ca = { 0 };
	cc_verdicts_t vs = { 0 };
	cc_pool_t *certs = NULL;
	cc_buf_t b = { 0 };
	int rc;

	if (!ps) {
		fprintf(stderr, "certchain: out of memory\n");
		return EXIT_USAGE;
	}
	rc = cli_profiles(ps, cl->specs, cl->nspecs, cl->roots, cl->nroots);
	if (!rc)
		rc = cli_store_add_profile(&cl->store, ps);
	if (!rc)
		cli_policy_apply(ps, cl->policy);
	if (!rc && chain)
		rc = chain_anchors(ps, chain, cl, &ca, &vs, &certs);
	if (!rc && json)
		json_out(&b, ps, chain, &ca, &vs);
	else if (!rc)
		text_out(&b, ps, chain, &ca, &vs);
	cli_flush_report(&b, json);
	cc_verdicts_clear(&vs);
	cc_pool_free(certs);
	cc_certlist_clear(&ca);
	cc_profiles_free(ps);
	return rc;
}

int cmd_profiles(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "json", no_argument, 0, 1 },
		{ "help", no_argument, 0, 'h' },
		CLI_CLIENT_LONGOPTS,
		{ 0, 0, 0, 0 }
	};
	const char *chain = NULL;
	cli_client_t cl = { 0 };
	int c, json = 0, rc = -1;

	optind = 1;
	while (rc < 0 && (c = getopt_long(argc, argv, CLI_CLIENT_SHORTOPTS "h", lo, NULL)) != -1) {
		switch (c) {
		case 1: json = 1; break;
		case 'h': fputs(usage_text, stdout); rc = EXIT_OK; break;
		default:
			if ((rc = cli_client_opt("profiles", &cl, c, optarg)) < 0)
				rc = cli_bad_option("profiles", argv, lo);
			else if (!rc)
				rc = -1;
		}
	}
	if (rc < 0 && optind < argc)
		chain = argv[optind++];
	if (rc < 0 && optind != argc)
		rc = cli_usage_error("profiles", "unexpected argument '%s'", argv[optind]);
	if (rc < 0 && !chain && (cl.ninter || cl.at || cl.host))
		rc = cli_usage_error("profiles", "-I, --at and --host judge a CHAIN: "
						 "give one");
	if (rc < 0)
		rc = list(chain, json, &cl);
	cli_client_free(&cl);
	return rc;
}
