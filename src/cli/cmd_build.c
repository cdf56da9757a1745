/* cmd_build.c - certchain build: choose and write the chain to serve. */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char usage_text[] =
	"usage: certchain build [OPTIONS] LEAF\n"
	"\n"
	"Finds every path from LEAF (the first certificate in the file; any\n"
	"further certificates join the pool) to a trust anchor, validates each\n"
	"with OpenSSL, ranks them and prints the chain to serve.\n"
	"\n"
	"  -I, --intermediates FILE|DIR  untrusted pool (repeatable)\n"
	"  -r, --roots FILE|DIR          trust anchors (repeatable; default: the\n"
	"                                system store, or SSL_CERT_FILE/SSL_CERT_DIR)\n"
	"      --at TIME                 validate at TIME (RFC 3339 or @unixseconds)\n"
	"      --host NAME               check the leaf is valid for NAME\n"
	"      --include-root            also write/print the anchor\n"
	"      --all                     list every path, ranked, and every rejected\n"
	"                                candidate with its reason\n"
	"  -o, --output FILE             write the chosen chain as PEM, leaf first\n"
	"      --json                    one JSON object on stdout\n"
	"      --max-sigchecks N         signature-check budget (default 20000)\n"
	"      --store DIR               certificate store to use (see certchain store)\n"
	"      --no-store                ignore the store (default: its intermediates\n"
	"                                and enabled roots join the search; its\n"
	"                                disabled certificates are never used)\n"
	"  -h, --help                    this text\n"
	"\n"
	"Ranking: valid; trusted by more profiles; no certificate outside its\n"
	"dates; shorter; fewer SHA-1 signatures; later earliest expiry; then\n"
	"fingerprint order.\n"
	"exit: 0 a valid path was found, 1 none, 2 usage or input error\n";

typedef struct bargs {
	const char **inter, **roots;
	size_t ninter, nroots;
	const char *leaf, *out, *host;
	time_t at;
	int all, json, include_root;
	unsigned max_sig;
	cli_store_opts_t store;
} bargs_t;

static int push(const char ***v, size_t *n, const char *s)
{
	const char **nv = realloc(*v, (*n + 1) * sizeof(*nv));
	if (!nv)
		return -1;
	nv[(*n)++] = s;
	*v = nv;
	return 0;
}

static int parse(int argc, char **argv, bargs_t *a)
{
	static const struct option lo[] = {
		{ "intermediates", required_argument, 0, 'I' },
		{ "roots", required_argument, 0, 'r' },
		{ "at", required_argument, 0, 1 },
		{ "host", required_argument, 0, 2 },
		{ "include-root", no_argument, 0, 3 },
		{ "all", no_argument, 0, 4 },
		{ "output", required_argument, 0, 'o' },
		{ "json", no_argument, 0, 5 },
		{ "max-sigchecks", required_argument, 0, 6 },
		{ "store", required_argument, 0, 7 },
		{ "no-store", no_argument, 0, 8 },
		{ "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 }
	};
	int c;
	char *end;

	optind = 1;
	while ((c = getopt_long(argc, argv, "I:r:o:h", lo, NULL)) != -1) {
		switch (c) {
		case 'I':
			if (push(&a->inter, &a->ninter, optarg))
				return EXIT_USAGE;
			break;
		case 'r':
			if (push(&a->roots, &a->nroots, optarg))
				return EXIT_USAGE;
			break;
		case 1:
			if (cli_parse_time("build", optarg, &a->at))
				return EXIT_USAGE;
			break;
		case 2: a->host = optarg; break;
		case 3: a->include_root = 1; break;
		case 4: a->all = 1; break;
		case 'o': a->out = optarg; break;
		case 5: a->json = 1; break;
		case 6:
			a->max_sig = (unsigned)strtoul(optarg, &end, 10);
			if (*end || !a->max_sig)
				return cli_usage_error("build", "--max-sigchecks: '%s' "
								"is not a positive number", optarg);
			break;
		case 7: a->store.dir = optarg; break;
		case 8: a->store.no_store = 1; break;
		case 'h': fputs(usage_text, stdout); return -1;
		default: return cli_usage_error("build", "bad option");
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error("build", "expected exactly one LEAF file");
	a->leaf = argv[optind];
	return 0;
}

static void json_path(cc_buf_t *b, const cc_path_t *p, size_t rank)
{
	char fp[65];
	cc_buf_printf(b, "{\"rank\":%zu,\"valid\":%s,\"reason\":", rank,
		      p->valid ? "true" : "false");
	cc_buf_json_str(b, p->reason);
	cc_buf_printf(b, ",\"why\":");
	cc_buf_json_str(b, p->why);
	cc_buf_printf(b, ",\"length\":%zu,\"weak_signatures\":%d,\"certs\":[",
		      p->certs.n, p->weak_sigs);
	for (size_t i = 0; i < p->certs.n; i++) {
		cc_cert_sha256_hex(p->certs.v[i], fp);
		cc_buf_printf(b, "%s\"%s\"", i ? "," : "", fp);
	}
	cc_buf_printf(b, "]}");
}

static void report_json(cc_buf_t *b, const cc_paths_t *ps, size_t nserve,
			int include_root)
{
	int best = cc_paths_best(ps);
	const cc_path_t *p = best >= 0 ? &ps->v[best] : NULL;
	char fp[65];

	cc_buf_printf(b, "{\"result\":\"%s\",\"chain\":[", p ? "ok" : "no-path");
	for (size_t i = 0; p && i < nserve; i++) {
		cc_buf_printf(b, "%s", i ? "," : "");
		cc_json_cert(b, p->certs.v[i]);
	}
	cc_buf_printf(b, "],\"anchor\":");
	if (p)
		cc_json_cert(b, p->certs.v[p->certs.n - 1]);
	else
		cc_buf_printf(b, "null");
	cc_buf_printf(b, ",\"include_root\":%s,\"why\":", include_root ? "true" : "false");
	cc_buf_json_str(b, p ? p->why : "");
	cc_buf_printf(b, ",\"paths\":[");
	for (size_t i = 0; i < ps->n; i++) {
		cc_buf_printf(b, "%s", i ? "," : "");
		json_path(b, &ps->v[i], i + 1);
	}
	cc_buf_printf(b, "],\"rejected\":[");
	for (size_t i = 0; i < ps->nrej; i++) {
		cc_buf_printf(b, "%s{\"child\":\"", i ? "," : "");
		cc_cert_sha256_hex(ps->rej[i].child, fp);
		cc_buf_printf(b, "%s\",\"candidate\":\"", fp);
		cc_cert_sha256_hex(ps->rej[i].cand, fp);
		cc_buf_printf(b, "%s\",\"reason\":", fp);
		cc_buf_json_str(b, ps->rej[i].reason);
		cc_buf_printf(b, "}");
	}
	cc_buf_printf(b, "],\"signature_checks\":%u,\"truncated\":%s", ps->sigchecks,
		      ps->truncated ? "true" : "false");
	if (ps->truncated) {
		cc_buf_printf(b, ",\"limit\":");
		cc_buf_json_str(b, ps->limit_hit);
	}
	cc_buf_printf(b, "}\n");
}

static void report_text(cc_buf_t *b, const cc_paths_t *ps, time_t at, int all)
{
	int best = cc_paths_best(ps);
	size_t nvalid = 0;
	char cn[256], cn2[256];

	for (size_t i = 0; i < ps->n; i++)
		nvalid += ps->v[i].valid;
	if (best >= 0) {
		const cc_path_t *p = &ps->v[best];
		cc_buf_printf(b, "chain to serve (%zu certificate%s, leaf first):\n",
			      p->certs.n - 1 ? p->certs.n - 1 : 1,
			      p->certs.n == 2 ? "" : "s");
		cli_tree(b, p->certs.v, p->certs.n, p->certs.n - 1, at);
		cc_buf_printf(b, "why: %s\n", p->why);
	} else {
		cc_buf_printf(b, "no valid chain to a trust anchor\n");
		if (ps->n)
			cc_buf_printf(b, "closest path fails: %s\n", ps->v[0].reason);
	}
	cc_buf_printf(b, "%zu valid path%s, %zu invalid, %zu rejected candidate%s, "
			 "%u signature checks%s%s\n",
		      nvalid, nvalid == 1 ? "" : "s", ps->n - nvalid, ps->nrej,
		      ps->nrej == 1 ? "" : "s", ps->sigchecks,
		      ps->truncated ? "; search cut short by the " : "",
		      ps->truncated ? ps->limit_hit : "");
	if (!all)
		return;
	for (size_t i = 0; i < ps->n; i++) {
		const cc_path_t *p = &ps->v[i];
		cc_buf_printf(b, "\npath #%zu: %s\n", i + 1, p->valid ? p->why : p->why);
		cli_tree(b, p->certs.v, p->certs.n, p->certs.n - 1, at);
	}
	if (ps->nrej)
		cc_buf_printf(b, "\nrejected candidates:\n");
	for (size_t i = 0; i < ps->nrej; i++) {
		char fp[65];
		cc_cert_sha256_hex(ps->rej[i].cand, fp);
		cc_buf_printf(b, "  %s (sha256 %.16s) as issuer of %s: %s\n",
			      cc_cert_name(ps->rej[i].cand, 0, cn, sizeof(cn)), fp,
			      cc_cert_name(ps->rej[i].child, 0, cn2, sizeof(cn2)),
			      ps->rej[i].reason);
	}
}

static int run(bargs_t *a, cc_pool_t **pp, cc_pool_t **ap)
{
	cc_pool_t *pool = *pp, *anchors = *ap;
	cc_certlist_t leafs = { 0 };
	cc_build_opts_t bo = { 0 };
	cc_paths_t *ps = NULL;
	cc_buf_t b = { 0 };
	cc_error_t err;
	const char *sys;
	int rc = EXIT_USAGE, best;

	cc_error_clear(&err);
	if (cli_load(pool, a->leaf, 0, &leafs))
		goto out;
	for (size_t i = 0; i < a->ninter; i++)
		if (cli_load(pool, a->inter[i], 0, NULL))
			goto out;
	for (size_t i = 0; i < a->nroots; i++)
		if (cli_load(anchors, a->roots[i], 0, NULL))
			goto out;
	if (!a->nroots && cli_load_system_roots(anchors, &sys))
		goto out;
	if (cli_store_apply(&a->store, pp, ap, &leafs, 1))
		goto out;
	pool = *pp;
	anchors = *ap;
	bo.at = a->at ? a->at : time(NULL);
	bo.host = a->host;
	bo.max_sigchecks = a->max_sig;
	if (cc_build(&bo, leafs.v[0], pool, anchors, &ps, &err)) {
		cli_fail(&err);
		goto out;
	}
	cc_paths_rank(ps, bo.at, NULL, NULL);
	best = cc_paths_best(ps);
	if (best >= 0 && a->out) {
		const cc_path_t *p = &ps->v[best];
		size_t n = p->certs.n - (a->include_root || p->certs.n == 1 ? 0 : 1);
		if (cli_write_pem(a->out, p->certs.v, n))
			goto out;
	}
	if (a->json) {
		size_t n = best < 0 ? 0 : ps->v[best].certs.n;
		report_json(&b, ps, n - (a->include_root || n <= 1 ? 0 : 1), a->include_root);
	} else {
		report_text(&b, ps, bo.at, a->all);
		if (best >= 0 && a->out)
			cc_buf_printf(&b, "wrote %s\n", a->out);
	}
	cli_flush(&b);
	rc = best >= 0 ? EXIT_OK : EXIT_PROBLEM;
out:
	cc_paths_free(ps);
	cc_certlist_clear(&leafs);
	return rc;
}

int cmd_build(int argc, char **argv)
{
	bargs_t a = { 0 };
	cc_pool_t *pool = cc_pool_new(), *anchors = cc_pool_new();
	int rc = parse(argc, argv, &a);

	if (rc == 0 && (!pool || !anchors)) {
		fprintf(stderr, "certchain: out of memory\n");
		rc = EXIT_USAGE;
	} else if (rc == 0) {
		rc = run(&a, &pool, &anchors);
	} else if (rc < 0) {
		rc = EXIT_OK; /* --help */
	}
	cc_pool_free(pool);
	cc_pool_free(anchors);
	free(a.inter);
	free(a.roots);
	return rc;
}
