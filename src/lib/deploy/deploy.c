/* deploy.c - bindings, settings and the change journal shared by every web
 * server: what is deployed where, and how to undo it until a reload proves it. */
#include "internal.h"
#include "deploy.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>

/* Largest settings file or binding record we read: real ones are < 4 KB. */
#define RECORD_MAX (256u * 1024)

static const cc_deploy_ops_t *ops_of(int server)
{
	switch (server) {
	case CC_SERVER_NGINX: return &cc_deploy_nginx_ops;
	case CC_SERVER_HAPROXY: return &cc_deploy_haproxy_ops;
	case CC_SERVER_APACHE: return &cc_deploy_apache_ops;
	default: return NULL;
	}
}

int cc_site_name_ok(const char *s)
{
	size_t n = strlen(s);
	if (!n || n > 64 || s[0] == '.')
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("._-", *s))
			return 0;
	return 1;
}

int cc_deploy_host_ok(const char *s)
{
	size_t n = strlen(s);
	if (!n || n > 253)
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr(".-_*", *s))
			return 0;
	return 1;
}

int cc_deploy_ip_ok(const char *s)
{
	unsigned char buf[16];
	return !strcmp(s, "*") || inet_pton(AF_INET, s, buf) == 1 ||
	       inet_pton(AF_INET6, s, buf) == 1;
}

/* ------------------------------------------------------------- settings */

void cc_deploy_cfg_defaults(cc_deploy_cfg_t *cfg, int server)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->server = server;
	snprintf(cfg->deploy_dir, sizeof(cfg->deploy_dir), "/etc/ssl/certchain");
	if (server == CC_SERVER_NGINX) {
		snprintf(cfg->conf_dir, sizeof(cfg->conf_dir), "/etc/nginx/conf.d");
		snprintf(cfg->bin, sizeof(cfg->bin), "nginx");
	} else if (server == CC_SERVER_HAPROXY) {
		snprintf(cfg->conf_dir, sizeof(cfg->conf_dir), "/etc/haproxy/conf.d");
		snprintf(cfg->bin, sizeof(cfg->bin), "haproxy");
		snprintf(cfg->conf, sizeof(cfg->conf), "/etc/haproxy/haproxy.cfg");
		snprintf(cfg->pidfile, sizeof(cfg->pidfile), "/run/haproxy.pid");
	} else if (server == CC_SERVER_APACHE) {
		snprintf(cfg->conf_dir, sizeof(cfg->conf_dir), "/etc/apache2/sites-enabled");
		snprintf(cfg->bin, sizeof(cfg->bin), "apache2ctl");
	}
}

static char *cfg_field(cc_deploy_cfg_t *cfg, const char *key)
{
	static const struct {
		const char *key;
		size_t off;
	} f[] = {
		{ "conf_dir", offsetof(cc_deploy_cfg_t, conf_dir) },
		{ "deploy_dir", offsetof(cc_deploy_cfg_t, deploy_dir) },
		{ "bin", offsetof(cc_deploy_cfg_t, bin) },
		{ "prefix", offsetof(cc_deploy_cfg_t, prefix) },
		{ "conf", offsetof(cc_deploy_cfg_t, conf) },
		{ "pidfile", offsetof(cc_deploy_cfg_t, pidfile) },
		{ "validate_cmd", offsetof(cc_deploy_cfg_t, validate_cmd) },
		{ "reload_cmd", offsetof(cc_deploy_cfg_t, reload_cmd) },
		{ "listen", offsetof(cc_deploy_cfg_t, listen) },
	};
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (!strcmp(key, f[i].key))
			return (char *)cfg + f[i].off;
	return NULL;
}

static int has_ctl(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

int cc_deploy_cfg_set(cc_deploy_cfg_t *cfg, const char *key, const char *value,
		      cc_error_t *err)
{
	char *dst = cfg_field(cfg, key);

	if (!dst)
		return cc_err(err, CC_EINVAL, key, "unknown deployment setting");
	if (has_ctl(value) || strlen(value) >= CC_DEPLOY_PATH)
		return cc_err(err, CC_EINVAL, key, "value has control characters or is too long");
	if (!strcmp(key, "listen")) {
		if (strcmp(value, "yes") && strcmp(value, "no") && value[0])
			return cc_err(err, CC_EINVAL, key, "'%s' is not yes or no", value);
		snprintf(dst, sizeof(cfg->listen), "%s", value);
		return 0;
	}
	/* Paths go into server configs; relative ones would depend on cwd, and
	 * blanks or syntax characters would change the configuration's meaning. */
	if (value[0] && value[0] != '/' && strcmp(key, "bin") &&
	    !strstr(key, "_cmd"))
		return cc_err(err, CC_EINVAL, key, "'%s' must be an absolute path", value);
	if (!strstr(key, "_cmd") && value[strcspn(value, " \t;#'\"{}\\")])
		return cc_err(err, CC_EINVAL, key, "'%s': blanks and ; # ' \" { } \\ are "
			      "not allowed in paths", value);
	snprintf(dst, CC_DEPLOY_PATH, "%s", value);
	return 0;
}

/* Reads a small text file whole; *out is NUL-terminated, caller frees. */
static int read_small(const char *path, char **out, cc_error_t *err)
{
	FILE *f = fopen(path, "re");
	char *buf;
	size_t n;

	if (!f)
		return cc_err(err, errno == ENOENT ? CC_ENOTFOUND : CC_EIO, path,
			      "cannot read: %s", strerror(errno));
	buf = malloc(RECORD_MAX + 1);
	if (!buf) {
		fclose(f);
		return cc_err(err, CC_ENOMEM, path, "out of memory");
	}
	n = fread(buf, 1, RECORD_MAX + 1, f);
	fclose(f);
	if (n > RECORD_MAX) {
		free(buf);
		return cc_err(err, CC_ELIMIT, path, "larger than %u bytes", RECORD_MAX);
	}
	buf[n] = 0;
	*out = buf;
	return 0;
}

/* Calls fn(key, value) for each "key = value" line; '#' comments. */
static int each_kv(const char *path, int (*fn)(void *, const char *, const char *,
					       cc_error_t *),
		   void *arg, cc_error_t *err)
{
	char *buf, *line, *save = NULL;
	int r, lineno = 0;

	if ((r = read_small(path, &buf, err)))
		return r;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *eq, *k, *v, *e;
		lineno++;
		while (isspace((unsigned char)*line))
			line++;
		if (!*line || *line == '#')
			continue;
		if (!(eq = strchr(line, '='))) {
			r = cc_err(err, CC_EPARSE, path, "line %d: expected 'key = value'", lineno);
			break;
		}
		*eq = 0;
		k = line;
		for (e = eq; e > k && isspace((unsigned char)e[-1]); e--)
			e[-1] = 0;
		for (v = eq + 1; isspace((unsigned char)*v); v++)
			;
		for (e = v + strlen(v); e > v && isspace((unsigned char)e[-1]); e--)
			e[-1] = 0;
		if ((r = fn(arg, k, v, err))) {
			if (err) {
				char msg[sizeof(err->msg)];
				snprintf(msg, sizeof(msg), "line %d: %s: %s", lineno, err->where, err->msg);
				cc_err(err, r, path, "%s", msg);
			}
			break;
		}
	}
	free(buf);
	return r;
}

static int cfg_kv(void *arg, const char *k, const char *v, cc_error_t *err)
{
	return cc_deploy_cfg_set(arg, k, v, err);
}

int cc_deploy_cfg_load(cc_deploy_cfg_t *cfg, const char *path, cc_error_t *err)
{
	cc_deploy_cfg_t tmp = *cfg;
	int r = each_kv(path, cfg_kv, &tmp, err);
	if (!r)
		*cfg = tmp;
	return r;
}

int cc_deploy_cfg_save(const cc_deploy_cfg_t *cfg, const char *path,
		       cc_error_t *err)
{
	static const char *keys[] = { "conf_dir", "deploy_dir", "bin", "prefix", "conf",
				      "pidfile", "validate_cmd", "reload_cmd", "listen" };
	cc_buf_t b = { 0 };
	int r;

	cc_buf_printf(&b, "# certchain deployment settings for %s\n",
		      cc_server_name(cfg->server));
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const char *v = cfg_field((cc_deploy_cfg_t *)cfg, keys[i]);
		if (v[0])
			cc_buf_printf(&b, "%s = %s\n", keys[i], v);
	}
	r = b.oom ? cc_err(err, CC_ENOMEM, path, "out of memory")
		  : cc_write_file_atomic(path, b.s, b.n, 0600, err);
	cc_buf_clear(&b);
	return r;
}

/* -------------------------------------------------------------- records */

static int rec_kv(void *arg, const char *k, const char *v, cc_error_t *err)
{
	cc_binding_t *b = arg;
	char *end;

	if (!strcmp(k, "site") && cc_site_name_ok(v))
		snprintf(b->site, sizeof(b->site), "%s", v);
	else if (!strcmp(k, "server") && cc_server_parse(v))
		b->server = cc_server_parse(v);
	else if (!strcmp(k, "ip") && cc_deploy_ip_ok(v))
		snprintf(b->ip, sizeof(b->ip), "%s", v);
	else if (!strcmp(k, "port") && (b->port = (unsigned)strtoul(v, &end, 10)) &&
		 !*end && b->port < 65536)
		;
	else if (!strcmp(k, "host") && b->nhosts < CC_BIND_MAX_HOSTS && cc_deploy_host_ok(v))
		snprintf(b->hosts[b->nhosts++], sizeof(b->hosts[0]), "%s", v);
	else if (!strcmp(k, "cert"))
		snprintf(b->cert, sizeof(b->cert), "%s", v);
	else if (!strcmp(k, "chain") && b->nchain < CC_BIND_MAX_CHAIN && strlen(v) == 64)
		snprintf(b->chain[b->nchain++], sizeof(b->chain[0]), "%s", v);
	else if (!strcmp(k, "file") && b->nfiles < CC_BIND_MAX_FILES && v[0] == '/')
		snprintf(b->files[b->nfiles++], sizeof(b->files[0]), "%s", v);
	else if (!strcmp(k, "deployed"))
		cc_time_parse(v, &b->deployed);
	else if (!strcmp(k, "profile") && v[0] &&
		 strlen(b->profiles) + strlen(v) + 2 <= sizeof(b->profiles))
		snprintf(b->profiles + strlen(b->profiles), sizeof(b->profiles) -
			 strlen(b->profiles), "%s%s", b->profiles[0] ? "\n" : "", v);
	else if (!strcmp(k, "policy") && !cc_policy_parse(v, &b->policy))
		;
	else
		return cc_err(err, CC_EPARSE, k, "bad or unknown field ('%s')", v);
	return 0;
}

static int record_load(const char *path, cc_binding_t *b, cc_error_t *err)
{
	int r;
	memset(b, 0, sizeof(*b));
	if ((r = each_kv(path, rec_kv, b, err)))
		return r;
	if (!b->site[0] || !b->server || !b->ip[0] || !b->port)
		return cc_err(err, CC_EPARSE, path, "binding record lacks site, server, ip or port");
	return 0;
}

static void record_text(cc_buf_t *o, const cc_binding_t *b)
{
	char t[32];
	cc_buf_printf(o, "# certchain binding (written by certchain bind)\n"
			 "site = %s\nserver = %s\nip = %s\nport = %u\n",
		      b->site, cc_server_name(b->server), b->ip, b->port);
	for (size_t i = 0; i < b->nhosts; i++)
		cc_buf_printf(o, "host = %s\n", b->hosts[i]);
	cc_buf_printf(o, "cert = %s\n", b->cert);
	for (size_t i = 0; i < b->nchain; i++)
		cc_buf_printf(o, "chain = %s\n", b->chain[i]);
	for (size_t i = 0; i < b->nfiles; i++)
		cc_buf_printf(o, "file = %s\n", b->files[i]);
	cc_buf_printf(o, "deployed = %s\n", cc_time_str(b->deployed, t));
	/* the clients the chain was chosen for: reload judges it for them */
	for (const char *p = b->profiles; *p; p += strcspn(p, "\n") + (p[strcspn(p, "\n")] != 0))
		cc_buf_printf(o, "profile = %.*s\n", (int)strcspn(p, "\n"), p);
	if (b->policy)
		cc_buf_printf(o, "policy = %s\n", cc_policy_name(b->policy));
}

static int cmp_site(const void *a, const void *b)
{
	return strcmp(((const cc_binding_t *)a)->site, ((const cc_binding_t *)b)->site);
}

static int bindings_load(const char *state_dir, cc_binding_t **v, size_t *n,
			 cc_error_t *err)
{
	char dir[CC_DEPLOY_PATH + 16], path[CC_DEPLOY_PATH + 128];
	cc_binding_t *out = NULL;
	size_t cnt = 0, cap = 0;
	struct dirent *de;
	DIR *d;
	int r = 0;

	*v = NULL;
	*n = 0;
	snprintf(dir, sizeof(dir), "%s/bindings", state_dir);
	if (!(d = opendir(dir)))
		return errno == ENOENT ? 0 : cc_err(err, CC_EIO, dir, "cannot open: %s", strerror(errno));
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		if (len < 9 || strcmp(de->d_name + len - 8, ".binding"))
			continue;
		if (cnt == CC_BIND_MAX_SITES) {
			r = cc_err(err, CC_ELIMIT, dir, "more than %d bindings", CC_BIND_MAX_SITES);
			break;
		}
		if (cnt == cap) {
			cc_binding_t *nv = realloc(out, (cap ? cap * 2 : 8) * sizeof(*nv));
			if (!nv) {
				r = cc_err(err, CC_ENOMEM, dir, "out of memory");
				break;
			}
			out = nv;
			cap = cap ? cap * 2 : 8;
		}
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if ((r = record_load(path, &out[cnt], err)))
			break;
		cnt++;
	}
	closedir(d);
	if (r) {
		free(out);
		return r;
	}
	if (cnt)
		qsort(out, cnt, sizeof(*out), cmp_site);
	*v = out;
	*n = cnt;
	return 0;
}

int cc_bindings_load(cc_store_t *st, cc_binding_t **v, size_t *n, cc_error_t *err)
{
	return bindings_load(cc_store_dir(st), v, n, err);
}

/* -------------------------------------------------------------- journal */

static int mkdir_p(const char *path, mode_t mode, cc_error_t *err)
{
	char tmp[CC_DEPLOY_PATH + 64];
	snprintf(tmp, sizeof(tmp), "%s", path);
	for (char *p = tmp + 1; ; p++) {
		if (*p == '/' || !*p) {
			char c = *p;
			*p = 0;
			if (mkdir(tmp, mode) && errno != EEXIST)
				return cc_err(err, CC_EIO, tmp, "cannot create directory: %s",
					      strerror(errno));
			*p = c;
			if (!c)
				break;
		}
	}
	return 0;
}

static int journal_load(cc_deploy_t *d, cc_error_t *err)
{
	char *buf, *line, *save = NULL;
	int r = read_small(d->journal, &buf, err);

	if (r == CC_ENOTFOUND) {
		cc_error_clear(err);
		return 0;
	}
	if (r)
		return r;
	for (line = strtok_r(buf, "\n", &save); line && !r; line = strtok_r(NULL, "\n", &save))
		if ((line[0] == 'P' || line[0] == 'N') && line[1] == ' ' && line[2] == '/')
			r = cc_deploy_journal_add(d, line + 2, line[0] == 'P', err);
	free(buf);
	return r;
}

int cc_deploy_pending(const cc_deploy_t *d)
{
	return d->nj > 0;
}

static void journal_drop(cc_deploy_t *d)
{
	unlink(d->journal);
	d->nj = 0;
}

int cc_deploy_commit(cc_deploy_t *d, cc_error_t *err)
{
	char prev[CC_DEPLOY_PATH + 80];
	for (size_t i = 0; i < d->nj; i++) {
		snprintf(prev, sizeof(prev), "%s.prev", d->jpath[i]);
		if (d->jprev[i])
			unlink(prev);
	}
	journal_drop(d);
	return 0;
}

static int refresh(cc_deploy_t *d, cc_error_t *err);

int cc_deploy_rollback(cc_deploy_t *d, cc_error_t *err)
{
	char prev[CC_DEPLOY_PATH + 80];
	int r = 0;

	for (size_t i = d->nj; i-- > 0;) {
		snprintf(prev, sizeof(prev), "%s.prev", d->jpath[i]);
		if (d->jprev[i] ? rename(prev, d->jpath[i]) :
				  (unlink(d->jpath[i]) && errno != ENOENT))
			r = cc_err(err, CC_EIO, d->jpath[i], "cannot restore: %s",
				   strerror(errno));
	}
	if (r)
		return r; /* keep the journal: a second rollback can finish */
	journal_drop(d);
	return refresh(d, err);
}

int cc_deploy_removed(const cc_deploy_t *d, cc_binding_t **v, size_t *n,
		      cc_error_t *err)
{
	char dir[CC_DEPLOY_PATH + 32], prev[CC_DEPLOY_PATH + 80];
	size_t dl;
	int r;

	*v = NULL;
	*n = 0;
	snprintf(dir, sizeof(dir), "%s/bindings/", d->state);
	dl = strlen(dir);
	for (size_t i = 0; i < d->nj; i++) {
		const char *p = d->jpath[i];
		size_t pl = strlen(p);
		cc_binding_t b, *nv;

		/* a record that existed at the last proven reload and is gone now */
		if (!d->jprev[i] || strncmp(p, dir, dl) || pl < 8 ||
		    strcmp(p + pl - 8, ".binding") || !access(p, F_OK))
			continue;
		snprintf(prev, sizeof(prev), "%s.prev", p);
		if ((r = record_load(prev, &b, err))) {
			free(*v);
			*v = NULL;
			*n = 0;
			return r;
		}
		if (b.server != d->cfg.server)
			continue;
		if (!(nv = realloc(*v, (*n + 1) * sizeof(*nv)))) {
			free(*v);
			*v = NULL;
			*n = 0;
			return cc_err(err, CC_ENOMEM, d->state, "out of memory");
		}
		*v = nv;
		(*v)[(*n)++] = b;
	}
	return 0;
}

/* --------------------------------------------------------------- open */

static int refresh(cc_deploy_t *d, cc_error_t *err)
{
	int r;
	free(d->all);
	free(d->mine);
	d->all = d->mine = NULL;
	d->nall = d->nmine = 0;
	if ((r = bindings_load(d->state, &d->all, &d->nall, err)))
		return r;
	if (d->nall && !(d->mine = malloc(d->nall * sizeof(*d->mine))))
		return cc_err(err, CC_ENOMEM, d->state, "out of memory");
	for (size_t i = 0; i < d->nall; i++)
		if (d->all[i].server == d->cfg.server)
			d->mine[d->nmine++] = d->all[i];
	return 0;
}

const cc_binding_t *cc_deploy_bindings(const cc_deploy_t *d, size_t *n)
{
	*n = d->nmine;
	return d->mine;
}

/* Drops the trailing slashes of a directory path ("/" stays). */
static void trim_slashes(char *dir)
{
	size_t n = strlen(dir);

	while (n > 1 && dir[n - 1] == '/')
		dir[--n] = 0;
}

int cc_deploy_open(cc_store_t *st, const cc_deploy_cfg_t *cfg,
		   cc_deploy_t **out, cc_error_t *err)
{
	const char *state_dir = cc_store_dir(st);
	char sub[CC_DEPLOY_PATH + 32];
	cc_deploy_t *d;
	int r;

	*out = NULL;
	if (!ops_of(cfg->server))
		return cc_err(err, CC_EINVAL, "", "unknown server type %d", cfg->server);
	if (strlen(state_dir) >= CC_DEPLOY_PATH - 32)
		return cc_err(err, CC_EINVAL, state_dir, "path too long");
	if (!(d = calloc(1, sizeof(*d))))
		return cc_err(err, CC_ENOMEM, state_dir, "out of memory");
	d->cfg = *cfg;
	/* "certs/" joins as "certs/www.key", not "certs//www.key" */
	trim_slashes(d->cfg.conf_dir);
	trim_slashes(d->cfg.deploy_dir);
	d->st = st;
	d->ops = ops_of(cfg->server);
	snprintf(d->state, sizeof(d->state), "%s", state_dir);
	snprintf(d->journal, sizeof(d->journal), "%s/deploy/%s.journal", state_dir,
		 cc_server_name(cfg->server));
	snprintf(sub, sizeof(sub), "%s/deploy", state_dir);
	if (!(r = mkdir_p(sub, 0700, err))) {
		snprintf(sub, sizeof(sub), "%s/bindings", state_dir);
		r = mkdir_p(sub, 0700, err);
	}
	if (!r && !(r = cc_store_lock(st, err)))
		d->locked = 1;
	if (!r)
		r = journal_load(d, err);
	if (!r)
		r = refresh(d, err);
	if (r) {
		cc_deploy_free(d);
		return r;
	}
	*out = d;
	return 0;
}

void cc_deploy_free(cc_deploy_t *d)
{
	if (!d)
		return;
	if (d->locked)
		cc_store_unlock(d->st);
	free(d->all);
	free(d->mine);
	free(d->jpath);
	free(d->jprev);
	free(d);
}

/* --------------------------------------------------------- bind/unbind */

static void pem_cert(cc_buf_t *b, cc_cert_t *c)
{
	size_t len;
	const unsigned char *der = cc_cert_der(c, &len);
	BIO *bio = BIO_new(BIO_s_mem());
	char *data;
	long n;

	if (!bio || !PEM_write_bio(bio, "CERTIFICATE", "", der, (long)len)) {
		b->oom = 1;
		BIO_free(bio);
		return;
	}
	n = BIO_get_mem_data(bio, &data);
	cc_buf_printf(b, "%.*s", (int)n, data);
	BIO_free(bio);
}

/* The key as unencrypted PKCS#8 PEM (servers read it unattended). */
static int pem_key(cc_buf_t *b, EVP_PKEY *key, cc_error_t *err)
{
	BIO *bio = BIO_new(BIO_s_secmem());
	char *data;
	long n;

	if (!bio || !PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0, NULL, NULL)) {
		BIO_free(bio);
		return cc_err_ssl(err, CC_ECRYPTO, "", "cannot encode the private key");
	}
	n = BIO_get_mem_data(bio, &data);
	cc_buf_printf(b, "%.*s", (int)n, data);
	BIO_free(bio);
	return b->oom ? cc_err(err, CC_ENOMEM, "", "out of memory") : 0;
}

static void buf_wipe(cc_buf_t *b)
{
	if (b->s)
		OPENSSL_cleanse(b->s, b->cap);
	cc_buf_clear(b);
}

/* Rewrites the record of b (or removes it when b is only a site name). */
static int write_record(cc_deploy_t *d, const cc_binding_t *b, int remove,
			cc_error_t *err)
{
	char path[CC_DEPLOY_PATH + 96];
	cc_buf_t o = { 0 };
	int r;

	snprintf(path, sizeof(path), "%s/bindings/%s.binding", d->state, b->site);
	if (remove)
		return cc_deploy_stage_unlink(d, path, err);
	record_text(&o, b);
	r = o.oom ? cc_err(err, CC_ENOMEM, path, "out of memory")
		  : cc_deploy_stage_write(d, path, o.s, o.n, 0600, err);
	cc_buf_clear(&o);
	return r;
}

static const cc_binding_t *find_site(const cc_deploy_t *d, const char *site)
{
	for (size_t i = 0; i < d->nall; i++)
		if (!strcmp(d->all[i].site, site))
			return &d->all[i];
	return NULL;
}

static int check_binding(const cc_deploy_t *d, const cc_binding_t *b, cc_error_t *err)
{
	const cc_binding_t *old = find_site(d, b->site);

	if (!cc_site_name_ok(b->site))
		return cc_err(err, CC_EINVAL, b->site, "a site name is 1-64 of A-Z a-z 0-9 . _ - "
			      "and does not start with '.'");
	if (b->server != d->cfg.server)
		return cc_err(err, CC_EINVAL, b->site, "binding is for %s, deployment for %s",
			      cc_server_name(b->server), cc_server_name(d->cfg.server));
	if (old && old->server != b->server)
		return cc_err(err, CC_EINVAL, b->site, "site is bound on %s; unbind it first",
			      cc_server_name(old->server));
	if (!cc_deploy_ip_ok(b->ip))
		return cc_err(err, CC_EINVAL, b->ip, "not an IPv4/IPv6 address or '*'");
	if (!b->port || b->port > 65535)
		return cc_err(err, CC_EINVAL, b->site, "port %u out of range", b->port);
	if (!b->nhosts)
		return cc_err(err, CC_EINVAL, b->site, "no host name to bind");
	for (size_t i = 0; i < b->nhosts; i++)
		if (!cc_deploy_host_ok(b->hosts[i]))
			return cc_err(err, CC_EINVAL, b->hosts[i], "not a host name");
	return 0;
}

/* Regenerates the server's include from the bindings on disk. */
static int rewrite_conf(cc_deploy_t *d, cc_error_t *err)
{
	char path[CC_DEPLOY_PATH + 64];
	cc_buf_t o = { 0 };
	int r = refresh(d, err);

	if (!r)
		r = mkdir_p(d->cfg.conf_dir, 0755, err);
	if (r)
		return r;
	snprintf(path, sizeof(path), "%s/%s", d->cfg.conf_dir, d->ops->include);
	cc_buf_printf(&o, "# Generated by certchain: 'certchain bindings' lists these sites;\n"
			  "# change them with 'certchain bind/unbind', not here.\n");
	d->ops->render(&d->cfg, d->mine, d->nmine, &o);
	r = o.oom ? cc_err(err, CC_ENOMEM, path, "out of memory")
		  : cc_deploy_stage_write(d, path, o.s, o.n, 0644, err);
	cc_buf_clear(&o);
	return r;
}

int cc_deploy_bind(cc_deploy_t *d, cc_binding_t *b, const cc_certlist_t *chain,
		   EVP_PKEY *key, cc_error_t *err)
{
	cc_buf_t cpem = { 0 }, kpem = { 0 };
	const cc_binding_t *old;
	X509 *leaf;
	int r;

	if ((r = check_binding(d, b, err)))
		return r;
	if (!chain->n || chain->n > CC_BIND_MAX_CHAIN)
		return cc_err(err, CC_EINVAL, b->site, "a chain of %zu certificates "
			      "(1..%d expected)", chain->n, CC_BIND_MAX_CHAIN);
	if (!(leaf = cc_cert_x509(chain->v[0], err)))
		return err ? err->code : CC_EPARSE;
	if (X509_check_private_key(leaf, key) != 1) {
		ERR_clear_error();
		return cc_err(err, CC_EINVAL, b->site, "the private key does not match "
			      "the certificate %s", b->cert);
	}
	if ((r = mkdir_p(d->cfg.deploy_dir, 0700, err)))
		return r;
	b->nchain = 0;
	for (size_t i = 0; i < chain->n; i++) {
		pem_cert(&cpem, chain->v[i]);
		cc_cert_sha256_hex(chain->v[i], b->chain[b->nchain++]);
	}
	r = cpem.oom ? cc_err(err, CC_ENOMEM, b->site, "out of memory") : pem_key(&kpem, key, err);
	/* Files of the previous binding that this one does not reuse go. */
	old = r ? NULL : find_site(d, b->site);
	b->nfiles = 0;
	b->deployed = time(NULL);
	if (!r)
		r = d->ops->write_files(d, b, &cpem, &kpem, err);
	for (size_t i = 0; !r && old && i < old->nfiles; i++) {
		int kept = 0;
		for (size_t j = 0; j < b->nfiles; j++)
			kept |= !strcmp(old->files[i], b->files[j]);
		if (!kept)
			r = cc_deploy_stage_unlink(d, old->files[i], err);
	}
	if (!r)
		r = write_record(d, b, 0, err);
	if (!r)
		r = rewrite_conf(d, err);
	buf_wipe(&kpem);
	cc_buf_clear(&cpem);
	return r;
}

int cc_deploy_unbind(cc_deploy_t *d, const char *site, cc_error_t *err)
{
	const cc_binding_t *old = find_site(d, site);
	cc_binding_t copy;
	int r = 0;

	if (!old || old->server != d->cfg.server)
		return cc_err(err, CC_ENOTFOUND, site, "no such site on %s",
			      cc_server_name(d->cfg.server));
	copy = *old;
	for (size_t i = 0; !r && i < copy.nfiles; i++)
		r = cc_deploy_stage_unlink(d, copy.files[i], err);
	if (!r)
		r = write_record(d, &copy, 1, err);
	return r ? r : rewrite_conf(d, err);
}

/* ------------------------------------------------------ validate/reload */

int cc_deploy_validate(cc_deploy_t *d, cc_buf_t *out, cc_error_t *err)
{
	return cc_deploy_run_step(d, 0, NULL, 0, out, err);
}

int cc_deploy_reload(cc_deploy_t *d, cc_buf_t *out, cc_error_t *err)
{
	char path[CC_DEPLOY_PATH], why[CC_DEPLOY_PATH + 128];
	long pids[CC_DEPLOY_MAX_PROCS];
	size_t npids = 0;

	cc_deploy_pidfile_read(&d->cfg, path, sizeof(path), pids, CC_DEPLOY_MAX_PROCS,
			       &npids, why, sizeof(why));
	return cc_deploy_run_step(d, 1, pids, npids, out, err);
}
