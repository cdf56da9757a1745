/* cmd_profiles.c - certchain profiles: list the trust profiles a build
 * would use, with anchor counts, behaviour, weight and source. */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char usage_text[] =
	"usage: certchain profiles [-p SPEC]... [-r ROOTS]... [--json]\n"
	"\n"
	"Lists trust profiles: name, number of anchors, client behaviour,\n"
	"weight (share of clients, used in ranking) and where the anchors come\n"
	"from. Without -p/-r: every built-in profile plus 'system', the set\n"
	"'certchain build' uses by default.\n"
	"\n"
	"  -p, --profile SPEC   NAME, 'system' or NAME=PATH, with optional\n"
	"                       ,behaviour=B and ,weight=W (repeatable)\n"
	"  -r, --roots FILE|DIR explicit anchors, as the profile 'roots'\n"
	"      --store DIR      certificate store whose enabled roots are the\n"
	"                       profile 'store' (default: the usual store)\n"
	"      --no-store       leave the store out\n"
	"      --json           one JSON object on stdout\n"
	"  -h, --help           this text\n"
	"\n"
	"Behaviours: pathbuild (modern clients: backtracking path building),\n"
	"served-order (OpenSSL 1.0.x: served order, no backtracking),\n"
	"no-expiry-check-on-anchor (old Android: ignores the root's dates).\n"
	"Built-in profiles are read from CERTCHAIN_DATA_DIR/trust-stores, else\n"
	"the installed share/certchain/trust-stores.\n"
	"exit: 0 listed, 2 usage or input error\n";

/* Certificates that anchor at least one profile (one loaded but in no
 * profile is not counted). */
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

static int list(const char **specs, size_t ns, const char **roots, size_t nr,
		int json, const cli_store_opts_t *so)
{
	cc_profiles_t *ps = cc_profiles_new();
	cc_buf_t b = { 0 };
	int rc;

	if (!ps) {
		fprintf(stderr, "certchain: out of memory\n");
		return EXIT_USAGE;
	}
	rc = cli_profiles(ps, specs, ns, roots, nr);
	if (!rc)
		rc = cli_store_add_profile(so, ps);
	if (!rc && json) {
		cc_buf_printf(&b, "{\"data_dir\":");
		cc_buf_json_str(&b, cli_data_dir());
		cc_buf_printf(&b, ",\"anchors_loaded\":%zu,\"profiles\":",
			      cc_pool_count(cc_profiles_pool(ps)));
		cli_profiles_json(&b, ps);
		cc_buf_printf(&b, "}\n");
	} else if (!rc) {
		cc_buf_printf(&b, "%-14s %7s  %-25s %6s  %s\n", "profile", "anchors",
			      "behaviour", "weight", "source");
		for (size_t i = 0; i < cc_profiles_count(ps); i++)
			cc_buf_printf(&b, "%-14s %7zu  %-25s %6g  %s\n",
				      cc_profile_name(ps, i),
				      cc_profile_anchor_count(ps, i),
				      cc_behaviour_name(cc_profile_behaviour(ps, i)),
				      cc_profile_weight(ps, i), cc_profile_source(ps, i));
		cc_buf_printf(&b, "%zu profiles, %zu distinct anchors\n",
			      cc_profiles_count(ps), distinct_anchors(ps));
	}
	cli_flush(&b);
	cc_profiles_free(ps);
	return rc;
}

int cmd_profiles(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "profile", required_argument, 0, 'p' },
		{ "roots", required_argument, 0, 'r' },
		{ "json", no_argument, 0, 1 },
		{ "store", required_argument, 0, 2 },
		{ "no-store", no_argument, 0, 3 },
		{ "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 }
	};
	const char **specs = calloc((size_t)argc, sizeof(*specs));
	const char **roots = calloc((size_t)argc, sizeof(*roots));
	cli_store_opts_t so = { 0 };
	size_t ns = 0, nr = 0;
	int c, json = 0, rc = -1;

	if (!specs || !roots) {
		fprintf(stderr, "certchain: out of memory\n");
		rc = EXIT_USAGE;
	}
	optind = 1;
	while (rc < 0 && (c = getopt_long(argc, argv, "p:r:h", lo, NULL)) != -1) {
		switch (c) {
		case 'p': specs[ns++] = optarg; break;
		case 'r': roots[nr++] = optarg; break;
		case 1: json = 1; break;
		case 2: so.dir = optarg; break;
		case 3: so.no_store = 1; break;
		case 'h': fputs(usage_text, stdout); rc = EXIT_OK; break;
		default: rc = cli_bad_option("profiles", argv, lo);
		}
	}
	if (rc < 0 && optind != argc)
		rc = cli_usage_error("profiles", "unexpected argument '%s'", argv[optind]);
	if (rc < 0)
		rc = list(specs, ns, roots, nr, json, &so);
	free(specs);
	free(roots);
	return rc;
}
