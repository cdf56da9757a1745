/*
 * trust.c - what build, explain, profiles (and check) share about trust
 * profiles: finding the data directory, turning -p/-r options into a profile
 * set, and printing verdicts and the trust matrix for people and for JSON.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef CC_DATADIR
#define CC_DATADIR "/usr/local/share/certchain"
#endif

/* Alternatives listed by explain: the few most trusted ones say enough. */
#define EXPLAIN_MAX_ALTERNATIVES 4
/* Profiles named per alternative before "and N more". */
#define EXPLAIN_MAX_NAMED 3

static int has_conf(const char *dir)
{
	char p[1200];
	struct stat st;

	cc_path_fmt(p, sizeof(p), dir, "trust-stores/profiles.conf");
	return !stat(p, &st) && S_ISREG(st.st_mode);
}

const char *cli_data_dir(void)
{
	static char found[1100];
	char exe[1000], *slash;
	const char *env = getenv("CERTCHAIN_DATA_DIR");
	ssize_t n;

	if (env && *env)
		return env;
	if (has_conf(CC_DATADIR))
		return CC_DATADIR;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return CC_DATADIR;
	exe[n] = 0;
	if ((slash = strrchr(exe, '/')))
		*slash = 0;
	/* shipped beside the binary (certchain.exe + trust-stores\) */
	snprintf(found, sizeof(found), "%s", exe);
	if (has_conf(found))
		return found;
	/* installed elsewhere: PREFIX/bin/certchain -> PREFIX/share/certchain */
	snprintf(found, sizeof(found), "%s/../share/certchain", exe);
	if (has_conf(found))
		return found;
	/* the build tree: build/certchain -> data/ of the source tree */
	snprintf(found, sizeof(found), "%s/../data", exe);
	if (has_conf(found))
		return found;
	return CC_DATADIR;
}

int cli_profiles(cc_profiles_t *ps, const char *const *specs, size_t nspecs,
		 const char *const *roots, size_t nroots)
{
	cc_error_t err;
	struct stat st;

	cc_error_clear(&err);
	if (nroots) {
		cc_pool_t *rp = cc_pool_new();
		char src[600];
		int r = rp ? 0 : EXIT_USAGE;
		for (size_t i = 0; !r && i < nroots; i++)
			r = cli_load(rp, roots[i], 0, NULL);
		snprintf(src, sizeof(src), "-r %s%s", roots[0], nroots > 1 ? " ..." : "");
		if (!r && cc_profiles_add_pool(ps, "roots", rp, CC_BEHAVIOUR_PATHBUILD,
					       CC_PROFILE_DEFAULT_WEIGHT, src, &err))
			r = cli_fail(&err);
		cc_pool_free(rp);
		if (r)
			return EXIT_USAGE;
	}
	for (size_t i = 0; i < nspecs; i++) {
		if (!cc_profiles_add_spec(ps, specs[i], cli_data_dir(), &err))
			continue;
		/* -p is a password option in many tools (mysql, sshpass): a
		 * value that names no profile may be someone's password, so
		 * it is not echoed. NAME=PATH and NAME,OPTION specs are. */
		if (err.code == CC_ENOTFOUND && !strpbrk(specs[i], "=,")) {
			fprintf(stderr, "certchain: -p/--profile: no such profile (the value "
					"is not shown: it may be a password; -p names a "
					"trust profile, see 'certchain profiles')\n");
			return EXIT_USAGE;
		}
		return cli_fail(&err);
	}
	if (nspecs || nroots)
		return 0;
	if (cc_profiles_add_builtin(ps, cli_data_dir(), NULL, &err))
		return cli_fail(&err);
	/* The default set takes the system store when there is one. */
	if ((getenv("SSL_CERT_FILE") || getenv("SSL_CERT_DIR") ||
	     !stat("/etc/ssl/certs/ca-certificates.crt", &st)) &&
	    cc_profiles_add_system(ps, CC_PROFILE_DEFAULT_WEIGHT, &err))
		return cli_fail(&err);
	return 0;
}

static json_t *distrust_json(cc_profiles_t *ps, size_t i)
{
	json_t *a = json_array();

	for (size_t k = 0; a && k < cc_profile_distrust_count(ps, i); k++) {
		const cc_distrust_t *d = cc_profile_distrust_get(ps, i, k);
		char fp[65], t[32];
		for (int n = 0; n < 32; n++)
			snprintf(fp + 2 * n, 3, "%02x", d->sha256[n]);
		if (json_array_append_new(a, json_pack("{s:s,s:s,s:s,s:o}", "sha256", fp,
						       "after", cc_time_str(d->after, t),
						       "kind",
						       cc_distrust_kind_name(d->kind),
						       "label", cc_json_str(d->label)))) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

json_t *cli_profiles_json(cc_profiles_t *ps)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < cc_profiles_count(ps); i++)
		if (json_array_append_new(
			    a, json_pack("{s:o,s:s,s:o,s:I,s:s,s:s,s:o,s:o,s:o}", "name",
					 cc_json_str(cc_profile_name(ps, i)), "behaviour",
					 cc_behaviour_name(cc_profile_behaviour(ps, i)),
					 "weight", cli_json_g(cc_profile_weight(ps, i)),
					 "anchors", (json_int_t)cc_profile_anchor_count(ps, i),
					 "policy", cc_policy_name(cc_profile_policy(ps, i)),
					 "group",
					 cc_profile_group_name(cc_profile_group(ps, i)),
					 "date", cli_json_opt(cc_profile_date(ps, i)),
					 "source", cc_json_str(cc_profile_source(ps, i)),
					 "distrust_after", distrust_json(ps, i)))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

json_t *cli_verdicts_json(cc_profiles_t *ps, const cc_verdicts_t *v)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < v->n; i++) {
		const cc_verdict_t *x = &v->v[i];
		if (json_array_append_new(
			    a, json_pack("{s:o,s:s,s:s,s:b,s:o,s:i,s:o,s:o,s:o}", "profile",
					 cc_json_str(cc_profile_name(ps, x->profile)),
					 "behaviour",
					 cc_behaviour_name(cc_profile_behaviour(ps, x->profile)),
					 "group",
					 cc_profile_group_name(cc_profile_group(ps, x->profile)),
					 "trusted", x->trusted, "anchor", cli_json_fp(x->anchor),
					 "depth", x->depth, "rule",
					 x->rule ? cc_json_str(x->rule) : json_null(),
					 "reason", cc_json_str(x->reason), "path",
					 cli_fps_json(x->path.v, x->path.n)))) {
			json_decref(a);
			return NULL;
		}
	}
	return json_pack("{s:I,s:I,s:o,s:o,s:o}", "trusted_by", (json_int_t)v->ntrusted,
			 "profiles", (json_int_t)v->n, "score", cli_json_fixed(v->score, 4),
			 "groups", cli_groups_json(ps, v), "verdicts", a);
}

json_t *cli_matrix_json(cc_profiles_t *ps, const cc_matrix_t *m)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < m->n; i++) {
		const cc_matrix_row_t *r = &m->v[i];
		cc_buf_t d = { 0 };
		int bad = cc_chain_describe(ps, &r->served, &d) ||
			  json_array_append_new(
				  a, json_pack("{s:o,s:o,s:I,s:o}", "served",
					       cli_fps_json(r->served.v, r->served.n),
					       "description", cc_json_str(d.s ? d.s : ""),
					       "path_rank", (json_int_t)(r->path + 1),
					       "judgement", cli_verdicts_json(ps, &r->verdicts)));
		cc_buf_clear(&d);
		if (bad) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

void cli_verdicts_text(cc_buf_t *b, cc_profiles_t *ps, const cc_verdicts_t *v,
		       const char *indent)
{
	cc_names_t nm = { 0 };
	int w = 8;

	for (size_t i = 0; i < v->n; i++)
		if ((int)strlen(cc_profile_name(ps, i)) > w)
			w = (int)strlen(cc_profile_name(ps, i));
	for (size_t i = 0; i < v->n; i++) {
		const cc_verdict_t *x = &v->v[i];
		cc_buf_printf(b, "%s%-*s  ", indent, w, cc_profile_name(ps, x->profile));
		if (x->trusted)
			cc_buf_printf(b, "trusted via %s%s%s\n",
				      cc_names_get(&nm, x->anchor, 0),
				      *x->reason ? "; " : "", x->reason);
		else
			cc_buf_printf(b, "UNTRUSTED: %s\n", x->reason);
	}
	cc_names_free(&nm);
}

/* The matrix's columns from p0 to before pn: a header, one line per row. */
static void matrix_block(cc_buf_t *b, cc_profiles_t *ps, const cc_matrix_t *m,
			 size_t p0, size_t pn)
{
	cc_buf_printf(b, "%-5s %-7s", "", "trusted");
	for (size_t p = p0; p < pn; p++)
		cc_buf_printf(b, " %s", cc_profile_name(ps, p));
	cc_buf_printf(b, "\n");
	for (size_t i = 0; i < m->n; i++) {
		const cc_verdicts_t *v = &m->v[i].verdicts;
		cc_buf_printf(b, "#%-4zu %3zu/%-3zu", i + 1, v->ntrusted, v->n);
		for (size_t p = p0; p < pn; p++) {
			int w = p + 1 < pn ? (int)strlen(cc_profile_name(ps, p)) : 0;
			cc_buf_printf(b, " %-*s", w, v->v[p].trusted ? "yes" : "NO");
		}
		cc_buf_printf(b, "\n");
	}
}

void cli_matrix_text(cc_buf_t *b, cc_profiles_t *ps, const cc_matrix_t *m)
{
	size_t np = cc_profiles_count(ps), width = (size_t)cli_text_width();

	cc_buf_printf(b, "\ntrust matrix (rows: candidate served chains, best "
			 "first; columns: profiles):\n");
	/* A table is not wrapped as text: it is cut into blocks of the
	 * columns that fit the width, each with the rows' labels. */
	for (size_t p0 = 0, pn; p0 < np; p0 = pn) {
		size_t used = 13; /* "#1      6/17" */
		for (pn = p0; pn < np; pn++) {
			size_t w = strlen(cc_profile_name(ps, pn));
			if (pn > p0 && used + 1 + (w < 3 ? 3 : w) > width)
				break;
			used += 1 + (w < 3 ? 3 : w);
		}
		if (p0)
			cc_buf_printf(b, "\n");
		matrix_block(b, ps, m, p0, pn);
	}
	for (size_t i = 0; i < m->n; i++) {
		const cc_matrix_row_t *r = &m->v[i];
		cc_buf_printf(b, "\nrow #%zu: serve ", i + 1);
		cc_chain_describe(ps, &r->served, b);
		cc_buf_printf(b, " (%zu certificate%s, score %.3f)\n",
			      r->served.n, r->served.n == 1 ? "" : "s",
			      r->verdicts.score);
		cli_verdicts_text(b, ps, &r->verdicts, "  ");
	}
}

/* How many profiles trust a but not alt. */
static size_t lost(const cc_verdicts_t *a, const cc_verdicts_t *alt)
{
	size_t n = 0;

	for (size_t p = 0; p < alt->n && p < a->n; p++)
		n += a->v[p].trusted && !alt->v[p].trusted;
	return n;
}

/* The profiles that trust a but not b, named, with b's reasons. */
/* 1 if profile p trusts the chosen chain (a) but not the alternative. */
static int loses(const cc_verdicts_t *a, const cc_verdicts_t *alt, size_t p)
{
	return !alt->v[p].trusted && a->v[p].trusted;
}

static int untrusted(const cc_verdicts_t *a, const cc_verdicts_t *alt, size_t p)
{
	(void)a;
	return !alt->v[p].trusted;
}

/* The profiles pick() selects, grouped by alt's reason so each reason is
 * said once: "A, B and 2 more: why; C: why". */
static void grouped(cc_buf_t *b, cc_profiles_t *ps, const cc_verdicts_t *a,
		    const cc_verdicts_t *alt,
		    int (*pick)(const cc_verdicts_t *, const cc_verdicts_t *, size_t))
{
	size_t groups = 0, more = 0;

	for (size_t p = 0; p < alt->n; p++) {
		size_t k = 0, n = 0, q;
		if (!pick(a, alt, p))
			continue;
		for (q = 0; q < p; q++)
			if (pick(a, alt, q) && !strcmp(alt->v[q].reason, alt->v[p].reason))
				break;
		if (q < p)
			continue; /* said with its group */
		if (groups++ == EXPLAIN_MAX_NAMED) {
			more++;
			continue;
		}
		cc_buf_printf(b, "%s", groups > 1 ? "; " : "");
		for (q = p; q < alt->n; q++) {
			if (!pick(a, alt, q) || strcmp(alt->v[q].reason, alt->v[p].reason))
				continue;
			if (n++ < EXPLAIN_MAX_NAMED)
				cc_buf_printf(b, "%s%s", k++ ? ", " : "", cc_profile_name(ps, q));
		}
		if (n > EXPLAIN_MAX_NAMED)
			cc_buf_printf(b, " and %zu more", n - EXPLAIN_MAX_NAMED);
		cc_buf_printf(b, ": %s", alt->v[p].reason);
	}
	if (more)
		cc_buf_printf(b, "; and %zu more reason%s", more, more == 1 ? "" : "s");
}

/* The profiles that trust a but not alt, grouped by alt's reason. */
static void losses(cc_buf_t *b, cc_profiles_t *ps, const cc_verdicts_t *a,
		   const cc_verdicts_t *alt)
{
	grouped(b, ps, a, alt, loses);
}

/* " (the path through the cross-sign to X)" style note: the anchor the row's
 * best path ends at, so "serving R36 alone" reads as "to the self-signed R46". */
static void anchor_note(cc_buf_t *b, const cc_paths_t *paths,
			const cc_matrix_row_t *r)
{
	const cc_path_t *p;

	if (!paths || r->path >= paths->n)
		return;
	p = &paths->v[r->path];
	if (p->certs.n > r->served.n) {
		char *cn = cc_cert_name_dup(p->certs.v[p->certs.n - 1], 0);
		cc_buf_printf(b, " (to %s%s)", cc_cert_self_issued(p->certs.v[p->certs.n - 1])
							 ? "the self-signed " : "",
			      cn ? cn : "?");
		free(cn);
	}
}

void cli_explain(cc_buf_t *b, cc_profiles_t *ps, const cc_matrix_t *m,
		 const cc_paths_t *paths)
{
	const cc_matrix_row_t *best;

	if (!m->n || !m->v[0].verdicts.ntrusted) {
		if (!m->n)
			cc_buf_printf(b, "no chain to serve: no path reaches an anchor "
					 "of any profile (missing intermediates? give "
					 "them with -I)\n");
		else if (cc_profiles_count(ps) == 1)
			cc_buf_printf(b, "no chain to serve: no candidate chain is trusted "
					 "by the profile %s\n", cc_profile_name(ps, 0));
		else
			cc_buf_printf(b, "no chain to serve: no candidate chain is trusted "
					 "by any of the %zu profiles\n", cc_profiles_count(ps));
		if (m->n)
			cli_verdicts_text(b, ps, &m->v[0].verdicts, "  ");
		return;
	}
	best = &m->v[0];
	cc_buf_printf(b, "serve ");
	cc_chain_describe(ps, &best->served, b);
	anchor_note(b, paths, best);
	cc_buf_printf(b, ": trusted by %zu/%zu profile%s (%.1f%% of the "
			 "clients by weight)\n",
		      best->verdicts.ntrusted, best->verdicts.n,
		      best->verdicts.n == 1 ? "" : "s", 100.0 * best->verdicts.score);
	cli_groups_text(b, ps, &best->verdicts, "  ");
	if (best->verdicts.ntrusted < best->verdicts.n) {
		/* one line, each reason once: eleven 2017 stores without ISRG
		 * Root X1 are one fact, not eleven */
		cc_buf_printf(b, "  even so, not trusted by ");
		grouped(b, ps, NULL, &best->verdicts, untrusted);
		cc_buf_printf(b, "\n");
	}
	for (size_t i = 1; i < m->n && i <= EXPLAIN_MAX_ALTERNATIVES; i++) {
		const cc_matrix_row_t *r = &m->v[i];
		cc_buf_printf(b, "serving ");
		cc_chain_describe(ps, &r->served, b);
		anchor_note(b, paths, r);
		cc_buf_printf(b, " instead: trusted by %zu/%zu", r->verdicts.ntrusted,
			      r->verdicts.n);
		if (!lost(&best->verdicts, &r->verdicts)) {
			cc_buf_printf(b, ", losing no client of the chosen chain; the "
					 "chosen one is preferred: %s\n", paths && r->path < paths->n &&
					 best->path < paths->n
					 ? cc_paths_why_below(&paths->v[best->path],
							      &paths->v[r->path])
					 : "it ranks lower");
			continue;
		}
		cc_buf_printf(b, "; it fails on ");
		losses(b, ps, &best->verdicts, &r->verdicts);
		cc_buf_printf(b, "\n");
	}
	if (m->n > EXPLAIN_MAX_ALTERNATIVES + 1)
		cc_buf_printf(b, "(%zu more candidate chains: see --all)\n",
			      m->n - EXPLAIN_MAX_ALTERNATIVES - 1);
	cli_groups_need_text(b, ps, m);
}
