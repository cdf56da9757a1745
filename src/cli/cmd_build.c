/* cmd_build.c - certchain build: choose and write the chain to serve. */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char usage_text[] =
	"usage: certchain %s [OPTIONS] LEAF\n"
	"\n"
	"Finds every path from LEAF (the first certificate in the file; any\n"
	"further certificates join the pool) to a trust anchor of any trust\n"
	"profile, validates each with OpenSSL, judges each candidate served chain\n"
	"as every profile's client would, and prints the chain to serve: the one\n"
	"the largest weighted share of profiles trusts.%s\n"
	"\n"
	CLI_CLIENT_USAGE
	"      --include-root            also write/print the anchor\n"
	"      --all                     list every path, ranked, every rejected\n"
	"                                candidate with its reason, and the trust\n"
	"                                matrix (served chains x profiles)\n"
	"      --explain                 say in plain words what to serve and why\n"
	"  -o, --output FILE             write the chosen chain as PEM, leaf first\n"
	"      --json                    one JSON object on stdout\n"
	"      --max-sigchecks N         signature-check budget (default 20000)\n"
	"      --horizon DAYS            warn when the chosen chain's reach depends\n"
	"                                on a cross-sign or anchor expiring within\n"
	"                                DAYS (default 1095, 3 years)\n"
	CLI_AIA_USAGE
	"  -h, --help                    this text\n"
	"\n"
	"Ranking: valid; trusted by more profiles; no certificate outside its\n"
	"dates; shorter; fewer SHA-1 signatures; later earliest expiry; then\n"
	"fingerprint order.\n"
	"exit: 0 a chain some profile trusts was found, 1 none, 2 usage or input\n"
	"error\n";

typedef struct bargs {
	cli_client_t cl; /* -I -r -p --store --no-store --at --policy --host */
	int explain;
	const char *leaf, *out, *cmd;
	int all, json, include_root;
	unsigned max_sig;
	int horizon;
	cli_aia_t aia;
} bargs_t;

static int parse(int argc, char **argv, bargs_t *a)
{
	static const struct option lo[] = {
		{ "explain", no_argument, 0, 7 },
		{ "include-root", no_argument, 0, 3 },
		{ "all", no_argument, 0, 4 },
		{ "output", required_argument, 0, 'o' },
		{ "json", no_argument, 0, 5 },
		{ "max-sigchecks", required_argument, 0, 6 },
		{ "horizon", required_argument, 0, 11 },
		{ "help", no_argument, 0, 'h' },
		CLI_AIA_LONGOPTS,
		CLI_CLIENT_LONGOPTS,
		{ 0, 0, 0, 0 }
	};
	int c, r;
	char *end;

	optind = 1;
	while ((c = getopt_long(argc, argv, CLI_CLIENT_SHORTOPTS "o:h", lo, NULL)) != -1) {
		switch (c) {
		case 7: a->explain = 1; break;
		case 3: a->include_root = 1; break;
		case 4: a->all = 1; break;
		case 'o':
			if (cli_out_arg(a->cmd, "-o", optarg))
				return EXIT_USAGE;
			a->out = optarg;
			break;
		case 5: a->json = 1; break;
		case 6:
			a->max_sig = (unsigned)strtoul(optarg, &end, 10);
			if (*end || !a->max_sig)
				return cli_usage_error(a->cmd, "--max-sigchecks: '%s' "
								"is not a positive number", optarg);
			break;
		case 11:
			if (cli_horizon(a->cmd, optarg, &a->horizon))
				return EXIT_USAGE;
			break;
		case 'h':
			printf(usage_text, a->cmd, a->explain ? "\nexplain is build "
			       "--explain: what to serve, and what each\nalternative "
			       "would cost, in plain words." : "");
			return -1;
		case CLI_AIA_ON: case CLI_AIA_OFF: case CLI_AIA_CACHE:
		case CLI_AIA_OFFLINE: case CLI_AIA_TIMEOUT: case CLI_AIA_FETCHES:
		case CLI_AIA_LOCAL:
			if (cli_aia_option(a->cmd, c, optarg, &a->aia))
				return EXIT_USAGE;
			break;
		default:
			if ((r = cli_client_opt(a->cmd, &a->cl, c, optarg)) < 0)
				return cli_bad_option(a->cmd, argv, lo);
			if (r)
				return r;
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error(a->cmd, "expected exactly one LEAF file");
	a->leaf = argv[optind];
	return 0;
}

static json_t *json_path(const cc_path_t *p, size_t rank)
{
	return json_pack("{s:I,s:b,s:o,s:o,s:I,s:i,s:o}", "rank", (json_int_t)rank, "valid",
			 p->valid, "reason", cc_json_str(p->reason), "why",
			 cc_json_str(p->why), "length", (json_int_t)p->certs.n,
			 "weak_signatures", p->weak_sigs, "certs",
			 cli_fps_json(p->certs.v, p->certs.n));
}

/* What the run decided: the ranked paths, the matrix and the chosen row. */
typedef struct result {
	cc_profiles_t *profs;
	cc_paths_t *ps;
	cc_matrix_t m;
	const cc_matrix_row_t *row; /* chosen served chain, NULL if none trusted */
	const cc_path_t *path;      /* its best path (the anchor shown) */
	cc_buf_t twin;              /* the cross-sign not served (twin.c), or empty */
	cc_buf_t cliff;             /* the expiry cliff (cliff.c), or empty */
	cc_distrust_cliff_t dc[CC_CLIFF_MAX_DISTRUST]; /* distrust cliffs (cliff.c) */
	size_t ndc;
} result_t;

/* The chain to serve: the chosen row, plus its anchor with --include-root. */
static json_t *chain_json(const result_t *r, int include_root)
{
	const cc_path_t *p = r->path;
	json_t *a;

	if (!r->row)
		return json_array();
	a = cli_certs_json(r->row->served.v, r->row->served.n);
	if (include_root && p->certs.n > 1 &&
	    json_array_append_new(a, cc_cert_json(p->certs.v[p->certs.n - 1]))) {
		json_decref(a);
		return NULL;
	}
	return a;
}

static json_t *paths_json(const cc_paths_t *ps)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < ps->n; i++)
		if (json_array_append_new(a, json_path(&ps->v[i], i + 1))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

static json_t *rejected_json(const cc_paths_t *ps)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < ps->nrej; i++)
		if (json_array_append_new(a, json_pack("{s:o,s:o,s:o}", "child",
						       cli_json_fp(ps->rej[i].child),
						       "candidate",
						       cli_json_fp(ps->rej[i].cand), "reason",
						       cc_json_str(ps->rej[i].reason)))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

static json_t *distrust_cliffs_json(const result_t *r)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < r->ndc; i++) {
		char after[32], from[32];
		cc_buf_t line = { 0 };
		int bad;
		cc_distrust_cliff_text(&r->dc[i], &line);
		bad = json_array_append_new(
			a, json_pack("{s:o,s:o,s:s,s:s,s:o,s:o,s:o}", "anchor",
				     cli_json_fp(r->dc[i].anchor), "label",
				     cc_json_str(r->dc[i].d->label), "kind",
				     cc_distrust_kind_name(r->dc[i].d->kind), "distrust_after",
				     cc_time_str(r->dc[i].d->after, after), "from",
				     cc_json_str(cc_distrust_cliff_from(&r->dc[i], from)),
				     "profiles", cc_json_str(r->dc[i].profiles), "text",
				     cc_json_str(line.s)));
		cc_buf_clear(&line);
		if (bad) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

static void report_json(cc_buf_t *b, const result_t *r, int include_root,
			const cc_aia_result_t *aia)
{
	const cc_paths_t *ps = r->ps;
	const cc_path_t *p = r->path;
	json_t *o = json_object();
	int bad = 0;

	bad |= json_object_set_new(o, "result", json_string(r->row ? "ok" : "no-path"));
	bad |= json_object_set_new(o, "chain", chain_json(r, include_root));
	bad |= json_object_set_new(o, "anchor", p ? cc_cert_json(p->certs.v[p->certs.n - 1])
						  : json_null());
	bad |= json_object_set_new(o, "include_root", json_boolean(include_root));
	bad |= json_object_set_new(o, "why", cc_json_str(p ? p->why : ""));
	bad |= json_object_set_new(o, "trusted_by",
				   json_integer(r->row ? (json_int_t)r->row->verdicts.ntrusted
						       : 0));
	bad |= json_object_set_new(o, "score",
				   cli_json_fixed(r->row ? r->row->verdicts.score : 0.0, 4));
	bad |= json_object_set_new(o, "profiles", cli_profiles_json(r->profs));
	bad |= json_object_set_new(o, "need_longer", cli_groups_need_json(r->profs, &r->m));
	bad |= json_object_set_new(o, "matrix", cli_matrix_json(r->profs, &r->m));
	bad |= json_object_set_new(o, "paths", paths_json(ps));
	bad |= json_object_set_new(o, "rejected", rejected_json(ps));
	bad |= json_object_set_new(o, "signature_checks", json_integer(ps->sigchecks));
	bad |= json_object_set_new(o, "truncated", json_boolean(ps->truncated));
	if (ps->truncated)
		bad |= json_object_set_new(o, "limit", cc_json_str(ps->limit_hit));
	if (aia)
		bad |= json_object_set_new(o, "aia", cli_aia_json(aia));
	bad |= json_object_set_new(o, "expiry_cliff", r->cliff.s ? cc_json_str(r->cliff.s)
								 : json_null());
	bad |= json_object_set_new(o, "distrust_cliffs", distrust_cliffs_json(r));
	bad |= json_object_set_new(o, "cross_sign_not_served",
				   r->twin.s ? cc_json_str(r->twin.s) : json_null());
	if (bad) {
		json_decref(o);
		o = NULL;
	}
	cli_json_line(b, o);
}

/* "why" for the chosen chain: ubiquity when it decided, else the core rank. */
static void why_text(cc_buf_t *b, const result_t *r)
{
	const cc_matrix_t *m = &r->m;
	const cc_verdicts_t *v = &r->row->verdicts;
	size_t np = v->n, k = 0;

	if (m->n > 1 && v->score > m->v[1].verdicts.score)
		cc_buf_printf(b, "why: more clients trust it than any other candidate "
				 "chain (%.1f%% by weight, next best %.1f%%)\n",
			      100.0 * v->score, 100.0 * m->v[1].verdicts.score);
	else
		cc_buf_printf(b, "why: %s\n", r->path->why);
	cc_buf_printf(b, "trusted by %zu/%zu profile%s:", v->ntrusted, np,
		      np == 1 ? "" : "s");
	for (size_t i = 0; i < np; i++)
		if (v->v[i].trusted)
			cc_buf_printf(b, "%s %s", k++ ? "," : "",
				      cc_profile_name(r->profs, i));
	cc_buf_printf(b, "\n");
	cli_groups_text(b, r->profs, v, "");
	for (size_t i = 0; i < np; i++)
		if (!v->v[i].trusted)
			cc_buf_printf(b, "not trusted by %s: %s\n",
				      cc_profile_name(r->profs, i), v->v[i].reason);
}

/* The distrust cliffs, one line each. */
static void distrust_text(cc_buf_t *b, const result_t *r)
{
	for (size_t i = 0; i < r->ndc; i++) {
		cc_distrust_cliff_text(&r->dc[i], b);
		cc_buf_printf(b, "\n");
	}
}

static void report_text(cc_buf_t *b, const result_t *r, time_t at, int all,
			int explain)
{
	const cc_paths_t *ps = r->ps;
	size_t nvalid = 0;

	for (size_t i = 0; i < ps->n; i++)
		nvalid += ps->v[i].valid;
	if (explain) {
		cli_explain(b, r->profs, &r->m, r->ps);
		if (r->twin.s)
			cc_buf_printf(b, "%s\n", r->twin.s);
		if (r->cliff.s)
			cc_buf_printf(b, "%s\n", r->cliff.s);
		distrust_text(b, r);
	} else if (r->row) {
		const cc_path_t *p = r->path;
		size_t n = r->row->served.n;
		cc_buf_printf(b, "chain to serve (%zu certificate%s, leaf first):\n",
			      n, n == 1 ? "" : "s");
		cli_tree(b, p->certs.v, p->certs.n, n, at);
		why_text(b, r);
		if (r->twin.s)
			cc_buf_printf(b, "%s\n", r->twin.s);
		if (r->cliff.s)
			cc_buf_printf(b, "%s\n", r->cliff.s);
		distrust_text(b, r);
	} else {
		cc_buf_printf(b, "no valid chain to a trust anchor\n");
		/* a valid path no profile accepts: the verdicts below say why */
		if (ps->n && !ps->v[0].valid)
			cc_buf_printf(b, "closest path fails: %s\n", ps->v[0].reason);
		if (r->m.n)
			cli_verdicts_text(b, r->profs, &r->m.v[0].verdicts, "  ");
	}
	if (!explain)
		cc_buf_printf(b, "%zu valid path%s, %zu invalid, %zu rejected "
				 "candidate%s, %u signature checks%s%s\n",
			      nvalid, nvalid == 1 ? "" : "s", ps->n - nvalid, ps->nrej,
			      ps->nrej == 1 ? "" : "s", ps->sigchecks,
			      ps->truncated ? "; search cut short by the " : "",
			      ps->truncated ? ps->limit_hit : "");
	if (!all)
		return;
	for (size_t i = 0; i < ps->n; i++) {
		const cc_path_t *p = &ps->v[i];
		cc_buf_printf(b, "\npath #%zu: %s\n", i + 1, p->why);
		cli_tree(b, p->certs.v, p->certs.n, p->certs.n - 1, at);
	}
	if (ps->nrej)
		cc_buf_printf(b, "\nrejected candidates:\n");
	for (size_t i = 0; i < ps->nrej; i++) {
		cc_names_t nm = { 0 };
		char fp[65];
		cc_cert_sha256_hex(ps->rej[i].cand, fp);
		cc_buf_printf(b, "  %s (sha256 %.16s) as issuer of %s: %s\n",
			      cc_names_get(&nm, ps->rej[i].cand, 0), fp,
			      cc_names_get(&nm, ps->rej[i].child, 0), ps->rej[i].reason);
		cc_names_free(&nm);
	}
	cli_matrix_text(b, r->profs, &r->m);
}

static int write_out(const bargs_t *a, const result_t *r)
{
	const cc_path_t *p = r->path;
	cc_certlist_t l = { 0 };
	int rc = 0;

	for (size_t i = 0; !rc && i < r->row->served.n; i++)
		rc = cc_certlist_push(&l, r->row->served.v[i]);
	if (!rc && a->include_root && p->certs.n > 1)
		rc = cc_certlist_push(&l, p->certs.v[p->certs.n - 1]);
	if (rc) {
		fprintf(stderr, "certchain: out of memory\n");
		rc = EXIT_USAGE;
	} else {
		rc = cli_write_pem(a->out, l.v, l.n);
	}
	cc_certlist_clear(&l);
	return rc;
}

/* The expiry cliff of the chosen chain, into r->cliff. */
static int cliff(const bargs_t *a, result_t *r, cc_pool_t *pool, cc_pool_t *anchors,
		 time_t at)
{
	cc_cliff_in_t in = { .profs = r->profs, .served = &r->row->served,
			     .pool = pool, .at = at, .horizon_days = a->horizon,
			     .anchors = anchors ? anchors : cc_profiles_pool(r->profs) };
	cc_cliff_t c;
	cc_error_t err;

	cc_error_clear(&err);
	switch (cc_cliff_find(&in, &c, &err)) {
	case 1:
		cc_cliff_text(&c, &r->cliff);
		cc_cliff_clear(&c);
		return 0;
	case 0:
		return 0;
	default:
		return cli_fail(&err);
	}
}

static int run(bargs_t *a, cc_pool_t **pp, result_t *r)
{
	cc_pool_t *pool = *pp, *anchors = NULL;
	cc_certlist_t leafs = { 0 };
	cc_build_opts_t bo = { 0 };
	cc_judge_opts_t jo = { 0 };
	cc_aia_result_t aia = { 0 };
	cc_buf_t b = { 0 };
	cc_error_t err;
	int rc = EXIT_USAGE;

	cc_error_clear(&err);
	if (cli_load(pool, a->leaf, 0, &leafs))
		goto out;
	for (size_t i = 0; i < a->cl.ninter; i++)
		if (cli_load(pool, a->cl.inter[i], 0, NULL))
			goto out;
	if (cli_profiles(r->profs, a->cl.specs, a->cl.nspecs, a->cl.roots, a->cl.nroots))
		goto out;
	/* AIA before the store, so the store's filter also drops a fetched
	 * certificate the store has disabled. */
	if (cli_aia_run(a->cmd, &a->aia, leafs.v[0], pool, cc_profiles_pool(r->profs),
			a->cl.at, &aia))
		goto out;
	if (cli_store_profile(&a->cl.store, r->profs, pp, &leafs, &anchors))
		goto out;
	pool = *pp;
	cli_policy_apply(r->profs, a->cl.policy);
	bo.at = a->cl.at ? a->cl.at : time(NULL);
	bo.host = a->cl.host;
	bo.max_sigchecks = a->max_sig;
	bo.policy = a->cl.policy;
	jo.at = bo.at;
	jo.host = bo.host;
	if (cc_build(&bo, leafs.v[0], pool, anchors ? anchors : cc_profiles_pool(r->profs),
		     &r->ps, &err) ||
	    cc_ubiquity_rank(r->profs, r->ps, &jo, &r->m, &err)) {
		cli_fail(&err);
		goto out;
	}
	if (r->m.n && r->m.v[0].verdicts.ntrusted) {
		r->row = &r->m.v[0];
		r->path = &r->ps->v[r->row->path];
		cc_twin_note(r->profs, &r->m, 0, r->ps, pool,
			     anchors ? anchors : cc_profiles_pool(r->profs), &r->twin);
		if (cliff(a, r, pool, anchors, bo.at))
			goto out;
		if (a->horizon >= 0)
			r->ndc = cc_distrust_cliffs(r->profs, &r->row->verdicts, bo.at,
						    a->horizon, r->dc);
	}
	if (r->row && a->out && write_out(a, r))
		goto out;
	if (a->json) {
		report_json(&b, r, a->include_root, a->aia.on ? &aia : NULL);
	} else {
		cli_aia_text(&b, &aia);
		report_text(&b, r, bo.at, a->all, a->explain);
		if (r->row && a->out)
			cc_buf_printf(&b, "wrote %s\n", a->out);
	}
	cli_flush_report(&b, a->json);
	rc = r->row ? EXIT_OK : EXIT_PROBLEM;
out:
	cc_aia_result_clear(&aia);
	cc_certlist_clear(&leafs);
	cc_pool_free(anchors); /* r's paths only borrow these until reported */
	return rc;
}

int cli_build_main(int argc, char **argv, int explain)
{
	bargs_t a = { .cmd = explain ? "explain" : "build", .explain = explain };
	result_t r = { 0 };
	cc_pool_t *pool = cc_pool_new();
	int rc = parse(argc, argv, &a);

	r.profs = cc_profiles_new();
	if (rc == 0 && (!pool || !r.profs)) {
		fprintf(stderr, "certchain: out of memory\n");
		rc = EXIT_USAGE;
	} else if (rc == 0) {
		rc = run(&a, &pool, &r);
	} else if (rc < 0) {
		rc = EXIT_OK; /* --help */
	}
	cc_matrix_clear(&r.m);
	cc_buf_clear(&r.twin);
	cc_buf_clear(&r.cliff);
	cc_paths_free(r.ps);
	cc_profiles_free(r.profs);
	cc_pool_free(pool);
	cli_client_free(&a.cl);
	return rc;
}

int cmd_build(int argc, char **argv)
{
	return cli_build_main(argc, argv, 0);
}
