/*
 * profile.c - trust profiles: named anchor sets with a client behaviour and a
 * weight. Every profile of a set shares one pool, so a root found in ten
 * stores is parsed, hashed and decoded once; a profile is a bitmap over that
 * pool's certificate indexes.
 */
#include "internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* A profile name: short, printable in a matrix column, safe in JSON. */
#define NAME_MAX_LEN 64
/* One profiles.conf line: name, file, behaviour, weight, a description. */
#define CONF_LINE_MAX 1024
/* A profile's date: "2025-10", "2017-03-21"; longer is not a date. */
#define DATE_MAX_LEN 16

typedef struct prof {
	char name[NAME_MAX_LEN + 1];
	cc_behaviour_t beh;
	double weight;
	cc_profile_group_t group;
	char date[DATE_MAX_LEN + 1];
	char file[256]; /* a built-in's FILE in profiles.conf, else "" */
	int policy; /* enum cc_policy */
	int policy_own; /* 1: not changed by cc_profiles_follow_policy */
	char *source;
	unsigned char *bits; /* bit i set: pool certificate i is an anchor */
	size_t nbytes;
	size_t nanchors;
	cc_distrust_t *dist; /* distrust dates (distrust.c), ndist of them */
	size_t ndist;
} prof_t;

struct cc_profiles {
	cc_pool_t *pool;
	prof_t v[CC_MAX_PROFILES];
	size_t n;
};

static const char *beh_names[] = { "pathbuild", "served-order",
				   "no-expiry-check-on-anchor" };

const char *cc_behaviour_name(cc_behaviour_t b)
{
	return (unsigned)b < 3 ? beh_names[b] : "?";
}

int cc_behaviour_parse(const char *s, cc_behaviour_t *out)
{
	for (unsigned i = 0; i < 3; i++)
		if (!strcmp(s, beh_names[i])) {
			*out = (cc_behaviour_t)i;
			return 0;
		}
	return CC_EINVAL;
}

cc_profiles_t *cc_profiles_new(void)
{
	cc_profiles_t *ps = calloc(1, sizeof(*ps));

	if (ps && !(ps->pool = cc_pool_new())) {
		free(ps);
		return NULL;
	}
	return ps;
}

void cc_profiles_free(cc_profiles_t *ps)
{
	if (!ps)
		return;
	for (size_t i = 0; i < ps->n; i++) {
		free(ps->v[i].source);
		free(ps->v[i].bits);
		free(ps->v[i].dist);
	}
	cc_pool_free(ps->pool);
	free(ps);
}

size_t cc_profiles_count(const cc_profiles_t *ps)
{
	return ps ? ps->n : 0;
}

cc_pool_t *cc_profiles_pool(cc_profiles_t *ps)
{
	return ps->pool;
}

const char *cc_profile_name(const cc_profiles_t *ps, size_t i)
{
	return ps->v[i].name;
}

cc_behaviour_t cc_profile_behaviour(const cc_profiles_t *ps, size_t i)
{
	return ps->v[i].beh;
}

double cc_profile_weight(const cc_profiles_t *ps, size_t i)
{
	return ps->v[i].weight;
}

cc_profile_group_t cc_profile_group(const cc_profiles_t *ps, size_t i)
{
	return ps->v[i].group;
}

const char *cc_profile_group_name(cc_profile_group_t g)
{
	return g == CC_PROFILE_LEGACY ? "legacy" : "current";
}

int cc_profile_group_parse(const char *s, cc_profile_group_t *out)
{
	if (!strcmp(s, "current"))
		*out = CC_PROFILE_CURRENT;
	else if (!strcmp(s, "legacy"))
		*out = CC_PROFILE_LEGACY;
	else
		return CC_EINVAL;
	return 0;
}

const char *cc_profile_date(const cc_profiles_t *ps, size_t i)
{
	return ps->v[i].date;
}

const char *cc_profile_file(const cc_profiles_t *ps, size_t i)
{
	return ps->v[i].file;
}

int cc_profile_policy(const cc_profiles_t *ps, size_t i)
{
	return ps->v[i].policy;
}

void cc_profile_set_policy(cc_profiles_t *ps, size_t i, int policy)
{
	if (i < ps->n && policy >= CC_POLICY_WEBPKI && policy <= CC_POLICY_LEGACY)
		ps->v[i].policy = policy;
}

int cc_profile_policy_own(const cc_profiles_t *ps, size_t i)
{
	return ps->v[i].policy_own;
}

void cc_profiles_follow_policy(cc_profiles_t *ps, int policy)
{
	for (size_t i = 0; i < ps->n; i++)
		if (!ps->v[i].policy_own)
			cc_profile_set_policy(ps, i, policy);
}

const char *cc_profile_source(const cc_profiles_t *ps, size_t i)
{
	return ps->v[i].source ? ps->v[i].source : "";
}

size_t cc_profile_anchor_count(const cc_profiles_t *ps, size_t i)
{
	return ps->v[i].nanchors;
}

int cc_profile_has_anchor(const cc_profiles_t *ps, size_t i, const cc_cert_t *c)
{
	const prof_t *p = &ps->v[i];
	const cc_cert_t *own = cc_pool_find_sha256(ps->pool, c->fp);
	size_t k;

	if (!own)
		return 0;
	k = own->index;
	return k / 8 < p->nbytes && (p->bits[k / 8] >> (k % 8) & 1);
}

size_t cc_profile_distrust_count(const cc_profiles_t *ps, size_t i)
{
	return ps->v[i].ndist;
}

const cc_distrust_t *cc_profile_distrust_get(const cc_profiles_t *ps, size_t i,
					      size_t k)
{
	return k < ps->v[i].ndist ? &ps->v[i].dist[k] : NULL;
}

int cc_profile_distrust_set(cc_profiles_t *ps, size_t i, cc_distrust_t *v, size_t n)
{
	prof_t *p = &ps->v[i];
	cc_distrust_t *all;

	if (!n) {
		free(v);
		return 0;
	}
	if (!(all = realloc(p->dist, (p->ndist + n) * sizeof(*all)))) {
		free(v);
		return CC_ENOMEM;
	}
	memcpy(all + p->ndist, v, n * sizeof(*v));
	p->dist = all;
	p->ndist += n;
	free(v);
	return 0;
}

int cc_profile_add_distrust(cc_profiles_t *ps, size_t i, const char *path,
			    cc_distrust_kind_t kind, cc_error_t *err)
{
	cc_distrust_t *v;
	size_t n;
	int r;

	if (i >= cc_profiles_count(ps))
		return cc_err(err, CC_EINVAL, path, "no such profile");
	if ((r = cc_distrust_read(path, kind, ps->v[i].dist, ps->v[i].ndist, &v, &n, err)))
		return r;
	if (cc_profile_distrust_set(ps, i, v, n))
		return cc_err(err, CC_ENOMEM, path, "out of memory");
	return 0;
}

int cc_profiles_find(const cc_profiles_t *ps, const char *name)
{
	for (size_t i = 0; i < ps->n; i++)
		if (!strcmp(ps->v[i].name, name))
			return (int)i;
	return -1;
}

static int check_new(cc_profiles_t *ps, const char *name, double weight,
		     cc_error_t *err)
{
	size_t n = strlen(name);

	if (!n || n > NAME_MAX_LEN)
		return cc_err(err, CC_EINVAL, name, "a profile name has 1 to %d "
				"characters", NAME_MAX_LEN);
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)name[i]) && !strchr("._-", name[i]))
			return cc_err(err, CC_EINVAL, name, "a profile name may hold "
					"only letters, digits, '.', '_' and '-'");
	if (cc_profiles_find(ps, name) >= 0)
		return cc_err(err, CC_EINVAL, name, "profile given twice");
	if (!(weight >= 0) || weight > 1e9)
		return cc_err(err, CC_EINVAL, name, "weight must be a number >= 0");
	if (ps->n >= CC_MAX_PROFILES)
		return cc_err(err, CC_ELIMIT, name, "more than %d profiles",
			      CC_MAX_PROFILES);
	return 0;
}

/* Records certs (pointers into ps->pool) as the anchors of a new profile. */
static int add_list(cc_profiles_t *ps, const char *name, const cc_certlist_t *l,
		    cc_behaviour_t b, double weight, const char *source,
		    cc_error_t *err)
{
	prof_t *p = &ps->v[ps->n];

	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->beh = b;
	p->weight = weight;
	p->nbytes = cc_pool_count(ps->pool) / 8 + 1;
	if (!(p->bits = calloc(p->nbytes, 1)) ||
	    !(p->source = strdup(source ? source : ""))) {
		free(p->bits);
		return cc_err(err, CC_ENOMEM, name, "out of memory");
	}
	for (size_t i = 0; i < l->n; i++) {
		size_t k = l->v[i]->index;
		if (!(p->bits[k / 8] >> (k % 8) & 1)) {
			p->bits[k / 8] |= (unsigned char)(1u << (k % 8));
			p->nanchors++;
		}
	}
	ps->n++;
	return 0;
}

int cc_profiles_add_file(cc_profiles_t *ps, const char *name, const char *path,
			 cc_behaviour_t b, double weight, const char *source,
			 cc_error_t *err)
{
	cc_certlist_t l = { 0 };
	int r;

	if ((r = check_new(ps, name, weight, err)))
		return r;
	r = cc_pool_load(ps->pool, path, 0, &l, err);
	/* An empty file is refused by the loader; an empty directory too. */
	if (!r && !l.n)
		r = cc_err(err, CC_EINVAL, path, "a directory without any certificate");
	if (!r)
		r = add_list(ps, name, &l, b, weight, source ? source : path, err);
	cc_certlist_clear(&l);
	return r;
}

int cc_profiles_add_pool(cc_profiles_t *ps, const char *name, cc_pool_t *anchors,
			 cc_behaviour_t b, double weight, const char *source,
			 cc_error_t *err)
{
	cc_certlist_t l = { 0 };
	int r;

	if ((r = check_new(ps, name, weight, err)))
		return r;
	for (size_t i = 0; !r && i < cc_pool_count(anchors); i++) {
		cc_cert_t *c = cc_pool_get(anchors, i), *own;
		/* a copy keeps the fingerprint and parse: no second hashing */
		if (!(r = cc_pool_add_copy(ps->pool, c, &own, err)) &&
		    cc_certlist_push(&l, own))
			r = cc_err(err, CC_ENOMEM, name, "out of memory");
	}
	if (!r)
		r = add_list(ps, name, &l, b, weight, source, err);
	cc_certlist_clear(&l);
	return r;
}

int cc_profiles_add_system(cc_profiles_t *ps, double weight, cc_error_t *err)
{
	const char *f = getenv("SSL_CERT_FILE"), *d = getenv("SSL_CERT_DIR");
	cc_certlist_t l = { 0 };
	char src[1100];
	int r;

	if (f && !*f)
		f = NULL;
	if (d && !*d)
		d = NULL;
	if (!f && !d)
		f = "/etc/ssl/certs/ca-certificates.crt";
	if ((r = check_new(ps, "system", weight, err)))
		return r;
	snprintf(src, sizeof(src), "%s%s%s", f ? f : "", f && d ? " + " : "",
		 d ? d : "");
	r = f ? cc_pool_load(ps->pool, f, 0, &l, err) : 0;
	if (!r && d)
		r = cc_pool_load(ps->pool, d, CC_LOAD_ALLOW_EMPTY | CC_LOAD_ONCE_PER_FILE |
				 CC_LOAD_HASHED_NAMES, &l, err);
	if (!r)
		r = add_list(ps, "system", &l, CC_BEHAVIOUR_PATHBUILD, weight, src, err);
	cc_certlist_clear(&l);
	return r;
}

/* The optional KEY=VALUE tokens of a profiles.conf line. */
typedef struct conf_meta {
	cc_profile_group_t group;
	char date[DATE_MAX_LEN + 1];
	int policy; /* enum cc_policy */
	char dist[2][256]; /* distrust= and sct-not-after= files, by kind */
} conf_meta_t;

/* Is tok (up to its first blank) a KEY=VALUE token: [a-z_]+=VALUE? */
static size_t key_len(const char *tok)
{
	size_t k = 0;

	while ((tok[k] >= 'a' && tok[k] <= 'z') || tok[k] == '_' || (k && tok[k] == '-'))
		k++;
	return k && tok[k] == '=' && tok[k + 1] && !isspace((unsigned char)tok[k + 1])
		       ? k : 0;
}

/* One KEY=VALUE token into m. A new key is one more branch here. */
static int conf_key(conf_meta_t *m, const char *key, size_t klen,
		    const char *val, const char *conf, unsigned lineno,
		    cc_error_t *err)
{
	if (klen == 5 && !strncmp(key, "group", 5)) {
		if (cc_profile_group_parse(val, &m->group))
			return cc_err(err, CC_EPARSE, conf, "line %u: group must be "
					"current or legacy, not '%s'", lineno, val);
	} else if (klen == 4 && !strncmp(key, "date", 4)) {
		if (strlen(val) > DATE_MAX_LEN || strspn(val, "0123456789-") != strlen(val))
			return cc_err(err, CC_EPARSE, conf, "line %u: date must be "
					"YYYY[-MM[-DD]], not '%s'", lineno, val);
		snprintf(m->date, sizeof(m->date), "%s", val);
	} else if (klen == 6 && !strncmp(key, "policy", 6)) {
		if (cc_policy_parse(val, &m->policy))
			return cc_err(err, CC_EPARSE, conf, "line %u: unknown policy "
					"'%s' (webpki, rfc5280, legacy)", lineno, val);
	} else if ((klen == 8 && !strncmp(key, "distrust", 8)) ||
		   (klen == 13 && !strncmp(key, "sct-not-after", 13))) {
		int kind = klen == 8 ? CC_DISTRUST_ISSUED : CC_DISTRUST_SCT;
		if (strchr(val, '/') || strlen(val) >= sizeof(m->dist[0]))
			return cc_err(err, CC_EPARSE, conf, "line %u: %.*s= names a "
					"file of this directory, not '%s'", lineno,
					(int)klen, key, val);
		snprintf(m->dist[kind], sizeof(m->dist[kind]), "%s", val);
	} else {
		return cc_err(err, CC_EPARSE, conf, "line %u: unknown key '%.*s' "
				"(known: group, date, policy, distrust, sct-not-after)",
				lineno, (int)klen, key);
	}
	return 0;
}

/* Reads the KEY=VALUE tokens at *rest into m; *rest ends at the description. */
static int conf_keys(char **rest, conf_meta_t *m, const char *conf,
		     unsigned lineno, cc_error_t *err)
{
	char *t = *rest, val[CONF_LINE_MAX];
	size_t k;

	while ((k = key_len(t))) {
		size_t n = strcspn(t, " \t\r\n");
		int r;
		snprintf(val, sizeof(val), "%.*s", (int)(n - k - 1), t + k + 1);
		if ((r = conf_key(m, t, k, val, conf, lineno, err)))
			return r;
		t += n;
		while (isspace((unsigned char)*t))
			t++;
	}
	*rest = t;
	return 0;
}

/* A built-in store: from the precomputed index when it is current (see
 * profile_index.c), else from its PEM file. */
static int add_builtin_file(cc_profiles_t *ps, cc_pidx_t *ix, const char *name,
			    const char *file, const char *path, cc_behaviour_t b,
			    double w, const char *src, cc_error_t *err)
{
	cc_certlist_t l = { 0 };
	int r;

	if ((r = check_new(ps, name, w, err)))
		return r;
	if ((r = cc_pidx_load(ix, file, ps->pool, &l, err)) == 1) {
		cc_certlist_clear(&l);
		return cc_profiles_add_file(ps, name, path, b, w, src, err);
	}
	if (!r)
		r = add_list(ps, name, &l, b, w, src, err);
	cc_certlist_clear(&l);
	return r;
}

/* One profiles.conf line -> a profile (when only is NULL or matches). */
static int conf_line(cc_profiles_t *ps, cc_pidx_t *ix, const char *dir, char *line,
		     const char *conf, unsigned lineno, const char *only,
		     int *matched, cc_error_t *err)
{
	char name[NAME_MAX_LEN + 1], file[256], beh[64], path[1400], src[1700];
	conf_meta_t m = { .group = CC_PROFILE_CURRENT, .policy = CC_POLICY_WEBPKI };
	double w;
	int used = 0, r;
	cc_behaviour_t b;
	char *desc;

	while (isspace((unsigned char)*line))
		line++;
	if (!*line || *line == '#')
		return 0;
	if (sscanf(line, "%64s %255s %63s %lf %n", name, file, beh, &w, &used) < 4 ||
	    !used || strchr(file, '/') || cc_behaviour_parse(beh, &b))
		return cc_err(err, CC_EPARSE, conf, "line %u: expected NAME FILE "
				"BEHAVIOUR WEIGHT [KEY=VALUE]... DESCRIPTION", lineno);
	desc = line + used;
	if ((r = conf_keys(&desc, &m, conf, lineno, err)))
		return r;
	if (only && strcmp(only, name))
		return 0;
	*matched = 1;
	cc_path_fmt(path, sizeof(path), dir, "%s", file);
	snprintf(src, sizeof(src), "%.*s (built-in %s)",
		 (int)strcspn(desc, "\r\n"), desc, file);
	if ((r = add_builtin_file(ps, ix, name, file, path, b, w, src, err)))
		return r;
	snprintf(ps->v[ps->n - 1].file, sizeof(ps->v[ps->n - 1].file), "%s", file);
	ps->v[ps->n - 1].group = m.group;
	memcpy(ps->v[ps->n - 1].date, m.date, sizeof(m.date));
	ps->v[ps->n - 1].policy = m.policy;
	ps->v[ps->n - 1].policy_own = 1;
	/* Distrust files are a few lines: read each run, never indexed, so an
	 * edited file counts at once (profile_index.c). */
	for (int k = 0; k < 2; k++) {
		if (!m.dist[k][0])
			continue;
		cc_path_fmt(path, sizeof(path), dir, "%s", m.dist[k]);
		if ((r = cc_profile_add_distrust(ps, ps->n - 1, path,
						 (cc_distrust_kind_t)k, err)))
			return r;
	}
	return 0;
}

static int add_builtin(cc_profiles_t *ps, const char *datadir, const char *only,
		       int use_index, cc_error_t *err)
{
	char dir[1100], conf[1200], line[CONF_LINE_MAX];
	unsigned lineno = 0;
	int matched = 0, r = 0;
	cc_pidx_t *ix = NULL;
	FILE *f;

	cc_path_fmt(dir, sizeof(dir), datadir, "trust-stores");
	cc_path_fmt(conf, sizeof(conf), dir, "profiles.conf");
	if (!(f = fopen(conf, "r")))
		return cc_err(err, CC_EIO, conf, "cannot read the built-in profiles: "
				"%s (set CERTCHAIN_DATA_DIR)", strerror(errno));
	if (use_index)
		ix = cc_pidx_open(dir);
	while (!r && fgets(line, sizeof(line), f))
		r = conf_line(ps, ix, dir, line, conf, ++lineno, only, &matched, err);
	fclose(f);
	cc_pidx_close(ix);
	if (!r && only && !matched)
		r = cc_err(err, CC_ENOTFOUND, only, "no such profile (not built-in, "
				"not 'system'; define it as NAME=PATH)");
	return r;
}

int cc_profiles_add_builtin(cc_profiles_t *ps, const char *datadir,
			    const char *only, cc_error_t *err)
{
	return add_builtin(ps, datadir, only, 1, err);
}

int cc_profiles_add_builtin_pem(cc_profiles_t *ps, const char *datadir,
				cc_error_t *err)
{
	return add_builtin(ps, datadir, NULL, 0, err);
}

/* Peels one trailing ",key=value" with a known key off s; 1 if it did. */
static int peel(char *s, char **key, char **val)
{
	static const char *keys[] = { "behaviour=", "behavior=", "weight=",
				      "group=", "policy=", "distrust=",
				      "sct-not-after=" };
	char *c = strrchr(s, ',');

	if (!c)
		return 0;
	for (unsigned i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!strncmp(c + 1, keys[i], strlen(keys[i]))) {
			*c = 0;
			*key = c + 1;
			*val = c + 1 + strlen(keys[i]);
			return 1;
		}
	return 0;
}

/* A spec's distrust= and sct-not-after= files, onto profile i. */
static int add_dists(cc_profiles_t *ps, size_t i, const char *dist[2],
		     cc_error_t *err)
{
	int r = 0;

	for (int k = 0; !r && k < 2; k++)
		if (dist[k])
			r = cc_profile_add_distrust(ps, i, dist[k],
						    (cc_distrust_kind_t)k, err);
	return r;
}

int cc_profiles_add_spec(cc_profiles_t *ps, const char *spec,
			 const char *datadir, cc_error_t *err)
{
	char *s = strdup(spec), *key, *val, *eq, *end;
	cc_behaviour_t b = CC_BEHAVIOUR_PATHBUILD;
	double w = CC_PROFILE_DEFAULT_WEIGHT;
	cc_profile_group_t g = CC_PROFILE_CURRENT;
	int have_b = 0, have_w = 0, have_g = 0, have_p = 0, policy = CC_POLICY_WEBPKI, r = 0, i;
	const char *dist[2] = { NULL, NULL }; /* by cc_distrust_kind_t */

	if (!s)
		return cc_err(err, CC_ENOMEM, spec, "out of memory");
	while (!r && peel(s, &key, &val)) {
		if (*key == 'd' || *key == 's') {
			int k = *key == 'd' ? CC_DISTRUST_ISSUED : CC_DISTRUST_SCT;
			if (!*val || dist[k])
				r = cc_err(err, CC_EINVAL, spec, "%.*s= needs one file",
					   (int)(strchr(key, '=') - key), key);
			dist[k] = val;
		} else if (*key == 'w') {
			errno = 0;
			w = strtod(val, &end);
			have_w = 1;
			if (errno || end == val || *end || !(w >= 0))
				r = cc_err(err, CC_EINVAL, spec, "weight '%s' is not a "
						"number >= 0", val);
		} else if (*key == 'g') {
			have_g = 1;
			if (cc_profile_group_parse(val, &g))
				r = cc_err(err, CC_EINVAL, spec, "unknown group '%s' "
						"(current, legacy)", val);
		} else if (*key == 'p') {
			have_p = 1;
			if (cc_policy_parse(val, &policy))
				r = cc_err(err, CC_EINVAL, spec, "unknown policy '%s' "
						"(webpki, rfc5280, legacy)", val);
		} else if (cc_behaviour_parse(val, &b)) {
			r = cc_err(err, CC_EINVAL, spec, "unknown behaviour '%s' "
					"(pathbuild, served-order, "
					"no-expiry-check-on-anchor)", val);
		} else {
			have_b = 1;
		}
	}
	if (r)
		goto out;
	if ((eq = strchr(s, '='))) {
		*eq = 0;
		if (!eq[1])
			r = cc_err(err, CC_EINVAL, spec, "empty PATH after '='");
		else if (!(r = cc_profiles_add_file(ps, s, eq + 1, b, w, NULL, err))) {
			ps->v[ps->n - 1].group = g;
			ps->v[ps->n - 1].policy = policy;
			ps->v[ps->n - 1].policy_own = have_p;
			r = add_dists(ps, ps->n - 1, dist, err);
		}
		goto out;
	}
	if (!strcmp(s, "system"))
		r = cc_profiles_add_system(ps, w, err);
	else if (!datadir)
		r = cc_err(err, CC_ENOTFOUND, s, "no such profile (define it as "
				"NAME=PATH)");
	else
		r = cc_profiles_add_builtin(ps, datadir, s, err);
	/* Overrides of a built-in or system profile. */
	if (!r && (i = cc_profiles_find(ps, s)) >= 0) {
		if (have_b)
			ps->v[i].beh = b;
		if (have_w)
			ps->v[i].weight = w;
		if (have_g)
			ps->v[i].group = g;
		if (have_p) {
			ps->v[i].policy = policy;
			ps->v[i].policy_own = 1;
		}
		r = add_dists(ps, (size_t)i, dist, err);
	}
out:
	free(s);
	return r;
}
