/* test_deploy.c - deployment to web servers without running one: files and
 * modes, generated nginx/haproxy includes, binding records, the journal
 * (rollback restores, commit forgets), input checks, command failures; the
 * pid file a configuration names and who holds a listening socket. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "testpki.h"
#include "deploy/deploy.h" /* cc_deploy_stage_write */

static EVP_PKEY *kroot, *kica, *kleaf, *kleaf2;
static X509 *root, *ica, *leaf, *leaf2;
static char dir[256], store[300], conf[300], depl[300];
static cc_pool_t *pool;
static cc_certlist_t chain1, chain2;

static int setup(void **state)
{
	tp_opts_t ca = { .ca = 1 }, lf = { .san = "www.deploy.test" };
	kroot = tp_key(1);
	kica = tp_key(1);
	kleaf = tp_key(1);
	kleaf2 = tp_key(1);
	root = tp_cert("Deploy Root", kroot, NULL, NULL, &ca);
	ica = tp_cert("Deploy ICA", kica, root, kroot, &ca);
	leaf = tp_cert("www.deploy.test", kleaf, ica, kica, &lf);
	leaf2 = tp_cert("www.deploy.test", kleaf2, ica, kica, &lf);
	pool = cc_pool_new();
	cc_certlist_push(&chain1, tp_add(pool, leaf));
	cc_certlist_push(&chain1, tp_add(pool, ica));
	cc_certlist_push(&chain2, tp_add(pool, leaf2));
	cc_certlist_push(&chain2, tp_add(pool, ica));
	return 0;
}

static int teardown(void **state)
{
	cc_certlist_clear(&chain1);
	cc_certlist_clear(&chain2);
	cc_pool_free(pool);
	X509_free(root);
	X509_free(ica);
	X509_free(leaf);
	X509_free(leaf2);
	EVP_PKEY_free(kroot);
	EVP_PKEY_free(kica);
	EVP_PKEY_free(kleaf);
	EVP_PKEY_free(kleaf2);
	return 0;
}

static int fresh(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/cc-deploy-test.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(store, sizeof(store), "%s/store", dir);
	snprintf(conf, sizeof(conf), "%s/conf.d", dir);
	snprintf(depl, sizeof(depl), "%s/certs", dir);
	return 0;
}

static int cleanup(void **state)
{
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) ? -1 : 0;
}

static cc_deploy_t *open_dep(cc_store_t **st, int server)
{
	cc_deploy_cfg_t cfg;
	cc_deploy_t *d = NULL;
	cc_error_t e;

	cc_deploy_cfg_defaults(&cfg, server);
	assert_int_equal(cc_deploy_cfg_set(&cfg, "conf_dir", conf, &e), 0);
	assert_int_equal(cc_deploy_cfg_set(&cfg, "deploy_dir", depl, &e), 0);
	assert_int_equal(cc_store_open(store, st, &e), 0);
	assert_int_equal(cc_deploy_open(*st, &cfg, &d, &e), 0);
	return d;
}

static void binding(cc_binding_t *b, const char *site, int server, const char *ip)
{
	memset(b, 0, sizeof(*b));
	snprintf(b->site, sizeof(b->site), "%s", site);
	snprintf(b->ip, sizeof(b->ip), "%s", ip);
	snprintf(b->hosts[0], sizeof(b->hosts[0]), "www.deploy.test");
	snprintf(b->cert, sizeof(b->cert), "my cert");
	b->nhosts = 1;
	b->server = server;
	b->port = 8443;
}

static char *slurp(const char *path)
{
	static char buf[65536];
	FILE *f = fopen(path, "r");
	size_t n;
	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = 0;
	fclose(f);
	return buf;
}

static int mode_of(const char *path)
{
	struct stat sb;
	return stat(path, &sb) ? -1 : (int)(sb.st_mode & 07777);
}

/* The SHA-256 of each certificate in a PEM file, in file order. */
static size_t file_fps(const char *path, char fps[][65], size_t max)
{
	cc_pool_t *p = cc_pool_new();
	cc_certlist_t l = { 0 };
	cc_error_t e;
	size_t n;
	assert_int_equal(cc_pool_load(p, path, 0, &l, &e), 0);
	for (n = 0; n < l.n && n < max; n++)
		cc_cert_sha256_hex(l.v[n], fps[n]);
	cc_certlist_clear(&l);
	cc_pool_free(p);
	return n;
}

static void nginx_files_and_record(void **state)
{
	cc_store_t *st;
	cc_deploy_t *d = open_dep(&st, CC_SERVER_NGINX);
	cc_binding_t b, *v = NULL;
	char path[512], fps[4][65], want[65];
	size_t n;
	cc_error_t e;

	binding(&b, "www", CC_SERVER_NGINX, "127.0.0.1");
	assert_int_equal(cc_deploy_bind(d, &b, &chain1, kleaf, &e), 0);
	assert_int_equal(b.nfiles, 2);
	snprintf(path, sizeof(path), "%s/www.key", depl);
	assert_string_equal(b.files[1], path);
	assert_int_equal(mode_of(path), 0600);
	assert_non_null(strstr(slurp(path), "BEGIN PRIVATE KEY"));
	/* fullchain: leaf first, then the issuing CA, nothing else */
	assert_int_equal(file_fps(b.files[0], fps, 4), 2);
	cc_cert_sha256_hex(chain1.v[0], want);
	assert_string_equal(fps[0], want);
	assert_string_equal(b.chain[0], want);
	cc_cert_sha256_hex(chain1.v[1], want);
	assert_string_equal(fps[1], want);
	snprintf(path, sizeof(path), "%s/certchain.conf", conf);
	assert_non_null(strstr(slurp(path), "listen 127.0.0.1:8443 ssl;"));
	assert_non_null(strstr(slurp(path), "server_name www.deploy.test;"));
	assert_non_null(strstr(slurp(path), b.files[1]));
	assert_int_equal(cc_deploy_pending(d), 1);
	assert_int_equal(cc_deploy_commit(d, &e), 0);
	assert_int_equal(cc_deploy_pending(d), 0);
	/* "*" listens on every address */
	binding(&b, "all", CC_SERVER_NGINX, "*");
	b.port = 443;
	assert_int_equal(cc_deploy_bind(d, &b, &chain2, kleaf2, &e), 0);
	assert_non_null(strstr(slurp(path), "listen 443 ssl;"));
	cc_deploy_free(d);
	/* the records read back, sorted by site */
	assert_int_equal(cc_bindings_load(st, &v, &n, &e), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].site, "all");
	assert_string_equal(v[1].site, "www");
	assert_string_equal(v[1].ip, "127.0.0.1");
	assert_int_equal(v[1].port, 8443);
	assert_int_equal(v[1].nchain, 2);
	assert_string_equal(v[1].cert, "my cert");
	assert_string_equal(v[1].hosts[0], "www.deploy.test");
	free(v);
	cc_store_close(st);
}

static void wrong_key_writes_nothing(void **state)
{
	cc_store_t *st;
	cc_deploy_t *d = open_dep(&st, CC_SERVER_NGINX);
	cc_binding_t b;
	char path[512];
	cc_error_t e;

	binding(&b, "www", CC_SERVER_NGINX, "127.0.0.1");
	assert_int_equal(cc_deploy_bind(d, &b, &chain1, kleaf2, &e), CC_EINVAL);
	assert_non_null(strstr(e.msg, "does not match"));
	snprintf(path, sizeof(path), "%s/www.key", depl);
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(cc_deploy_pending(d), 0);
	cc_deploy_free(d);
	cc_store_close(st);
}

static void rollback_restores_commit_forgets(void **state)
{
	cc_store_t *st;
	cc_deploy_t *d = open_dep(&st, CC_SERVER_NGINX);
	cc_binding_t b;
	const cc_binding_t *v;
	char prev[600], fps[4][65], want1[65], want2[65];
	size_t n;
	cc_error_t e;

	cc_cert_sha256_hex(chain1.v[0], want1);
	cc_cert_sha256_hex(chain2.v[0], want2);
	binding(&b, "www", CC_SERVER_NGINX, "127.0.0.1");
	assert_int_equal(cc_deploy_bind(d, &b, &chain1, kleaf, &e), 0);
	assert_int_equal(cc_deploy_commit(d, &e), 0);
	/* rebind twice before a reload: the .prev is the last proven state */
	assert_int_equal(cc_deploy_bind(d, &b, &chain2, kleaf2, &e), 0);
	assert_int_equal(cc_deploy_bind(d, &b, &chain2, kleaf2, &e), 0);
	snprintf(prev, sizeof(prev), "%s.prev", b.files[0]);
	file_fps(prev, fps, 4);
	assert_string_equal(fps[0], want1);
	file_fps(b.files[0], fps, 4);
	assert_string_equal(fps[0], want2);
	cc_deploy_free(d);
	cc_store_close(st);
	/* the journal survives the process: a later reload can still undo */
	d = open_dep(&st, CC_SERVER_NGINX);
	assert_int_equal(cc_deploy_pending(d), 1);
	assert_int_equal(cc_deploy_rollback(d, &e), 0);
	file_fps(b.files[0], fps, 4);
	assert_string_equal(fps[0], want1);
	assert_int_equal(access(prev, F_OK), -1);
	v = cc_deploy_bindings(d, &n);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].chain[0], want1);
	/* a new site rolled back disappears entirely */
	binding(&b, "new", CC_SERVER_NGINX, "127.0.0.1");
	assert_int_equal(cc_deploy_bind(d, &b, &chain2, kleaf2, &e), 0);
	assert_int_equal(cc_deploy_rollback(d, &e), 0);
	assert_int_equal(access(b.files[0], F_OK), -1);
	assert_int_equal(access(b.files[1], F_OK), -1);
	cc_deploy_bindings(d, &n);
	assert_int_equal(n, 1);
	/* unbind, then rollback: the site is back */
	assert_int_equal(cc_deploy_unbind(d, "www", &e), 0);
	cc_deploy_bindings(d, &n);
	assert_int_equal(n, 0);
	assert_int_equal(cc_deploy_rollback(d, &e), 0);
	cc_deploy_bindings(d, &n);
	assert_int_equal(n, 1);
	assert_int_equal(cc_deploy_unbind(d, "nope", &e), CC_ENOTFOUND);
	cc_deploy_free(d);
	cc_store_close(st);
}

static void haproxy_frontends(void **state)
{
	cc_store_t *st;
	cc_deploy_t *d = open_dep(&st, CC_SERVER_HAPROXY);
	cc_binding_t b;
	char path[512], *cfg;
	cc_error_t e;

	binding(&b, "a", CC_SERVER_HAPROXY, "127.0.0.1");
	assert_int_equal(cc_deploy_bind(d, &b, &chain1, kleaf, &e), 0);
	assert_int_equal(mode_of(b.files[0]), 0600);
	assert_non_null(strstr(slurp(b.files[0]), "BEGIN PRIVATE KEY"));
	assert_non_null(strstr(slurp(b.files[1]), "www.deploy.test"));
	binding(&b, "b", CC_SERVER_HAPROXY, "127.0.0.1");
	snprintf(b.hosts[0], sizeof(b.hosts[0]), "other.deploy.test");
	assert_int_equal(cc_deploy_bind(d, &b, &chain2, kleaf2, &e), 0);
	snprintf(path, sizeof(path), "%s/certchain.cfg", conf);
	cfg = slurp(path);
	/* one frontend per address:port, one crt-list per site */
	assert_non_null(strstr(cfg, "bind 127.0.0.1:8443 ssl crt-list"));
	assert_null(strstr(strstr(cfg, "frontend") + 1, "frontend"));
	assert_non_null(strstr(cfg, "a.crtlist crt-list"));
	/* a site bound on haproxy cannot be rebound on nginx by accident */
	cc_deploy_free(d);
	cc_store_close(st);
	d = open_dep(&st, CC_SERVER_NGINX);
	binding(&b, "a", CC_SERVER_NGINX, "127.0.0.1");
	assert_int_equal(cc_deploy_bind(d, &b, &chain1, kleaf, &e), CC_EINVAL);
	cc_deploy_free(d);
	cc_store_close(st);
}

static void apache_vhosts(void **state)
{
	cc_store_t *st;
	cc_deploy_t *d = open_dep(&st, CC_SERVER_APACHE);
	cc_binding_t b;
	char path[512], *cfg;
	cc_error_t e;

	binding(&b, "a", CC_SERVER_APACHE, "127.0.0.1");
	snprintf(b.hosts[1], sizeof(b.hosts[1]), "alias.deploy.test");
	b.nhosts = 2;
	assert_int_equal(cc_deploy_bind(d, &b, &chain1, kleaf, &e), 0);
	assert_int_equal(mode_of(b.files[1]), 0600);
	binding(&b, "b", CC_SERVER_APACHE, "127.0.0.1");
	assert_int_equal(cc_deploy_bind(d, &b, &chain2, kleaf2, &e), 0);
	snprintf(path, sizeof(path), "%s/certchain.conf", conf);
	cfg = slurp(path);
	/* one Listen per address (Apache refuses duplicates), a vhost per site */
	assert_non_null(strstr(cfg, "Listen 127.0.0.1:8443 https\n"));
	assert_null(strstr(strstr(cfg, "Listen 127.0.0.1:8443") + 1, "Listen 127.0.0.1:8443"));
	/* "*" on the port: Apache cannot also bind 127.0.0.1 there, so one
	 * "Listen 8443" replaces the address's line; another port keeps its own */
	binding(&b, "c", CC_SERVER_APACHE, "*");
	assert_int_equal(cc_deploy_bind(d, &b, &chain2, kleaf2, &e), 0);
	binding(&b, "d", CC_SERVER_APACHE, "127.0.0.1");
	b.port = 9443;
	assert_int_equal(cc_deploy_bind(d, &b, &chain2, kleaf2, &e), 0);
	cfg = slurp(path);
	assert_non_null(strstr(cfg, "Listen 8443 https\n"));
	assert_null(strstr(strstr(cfg, "Listen 8443") + 1, "Listen 8443"));
	assert_null(strstr(cfg, "Listen 127.0.0.1:8443"));
	assert_non_null(strstr(cfg, "Listen 127.0.0.1:9443 https\n"));
	assert_non_null(strstr(cfg, "<VirtualHost 127.0.0.1:8443>"));
	assert_non_null(strstr(cfg, "<VirtualHost *:8443>"));
	assert_non_null(strstr(cfg, "ServerName www.deploy.test\n    ServerAlias alias.deploy.test"));
	cc_deploy_free(d);
	/* listen = no: the main configuration has the Listen lines */
	{
		cc_deploy_cfg_t c;
		cc_deploy_cfg_defaults(&c, CC_SERVER_APACHE);
		cc_deploy_cfg_set(&c, "conf_dir", conf, &e);
		cc_deploy_cfg_set(&c, "deploy_dir", depl, &e);
		assert_int_equal(cc_deploy_cfg_set(&c, "listen", "maybe", &e), CC_EINVAL);
		assert_int_equal(cc_deploy_cfg_set(&c, "listen", "no", &e), 0);
		assert_int_equal(cc_deploy_open(st, &c, &d, &e), 0);
		assert_int_equal(cc_deploy_unbind(d, "c", &e), 0);
		assert_null(strstr(slurp(path), "Listen"));
		cc_deploy_free(d);
	}
	cc_store_close(st);
}

static void bad_input(void **state)
{
	cc_store_t *st;
	cc_deploy_t *d = open_dep(&st, CC_SERVER_NGINX);
	cc_deploy_cfg_t cfg, back;
	cc_binding_t b;
	char path[512];
	cc_error_t e;

	assert_false(cc_site_name_ok("../etc"));
	assert_false(cc_site_name_ok(".hidden"));
	assert_false(cc_site_name_ok(""));
	assert_true(cc_site_name_ok("shop.example-1_a"));
	binding(&b, "www", CC_SERVER_NGINX, "1.2.3");
	assert_int_equal(cc_deploy_bind(d, &b, &chain1, kleaf, &e), CC_EINVAL);
	binding(&b, "www", CC_SERVER_NGINX, "::1");
	snprintf(b.hosts[0], sizeof(b.hosts[0]), "a; include /etc/passwd");
	assert_int_equal(cc_deploy_bind(d, &b, &chain1, kleaf, &e), CC_EINVAL);
	assert_int_equal(cc_deploy_pending(d), 0);
	cc_deploy_cfg_defaults(&cfg, CC_SERVER_NGINX);
	assert_int_equal(cc_deploy_cfg_set(&cfg, "conf_dir", "relative/dir", &e), CC_EINVAL);
	assert_int_equal(cc_deploy_cfg_set(&cfg, "nope", "/x", &e), CC_EINVAL);
	assert_int_equal(cc_deploy_cfg_set(&cfg, "deploy_dir", "/srv/my certs", &e), CC_EINVAL);
	assert_int_equal(cc_deploy_cfg_set(&cfg, "conf_dir", "/etc/x;include", &e), CC_EINVAL);
	assert_int_equal(cc_deploy_cfg_set(&cfg, "prefix", "/srv/nginx", &e), 0);
	assert_int_equal(cc_deploy_cfg_set(&cfg, "reload_cmd", "systemctl reload nginx", &e), 0);
	snprintf(path, sizeof(path), "%s/settings.conf", dir);
	assert_int_equal(cc_deploy_cfg_save(&cfg, path, &e), 0);
	cc_deploy_cfg_defaults(&back, CC_SERVER_NGINX);
	assert_int_equal(cc_deploy_cfg_load(&back, path, &e), 0);
	assert_string_equal(back.prefix, "/srv/nginx");
	assert_string_equal(back.reload_cmd, "systemctl reload nginx");
	snprintf(path, sizeof(path), "%s/missing.conf", dir);
	assert_int_equal(cc_deploy_cfg_load(&back, path, &e), CC_ENOTFOUND);
	cc_deploy_free(d);
	cc_store_close(st);
}

static void commands(void **state)
{
	cc_store_t *st;
	cc_deploy_cfg_t cfg;
	cc_deploy_t *d = NULL;
	cc_buf_t out = { 0 };
	cc_error_t e;

	cc_deploy_cfg_defaults(&cfg, CC_SERVER_NGINX);
	cc_deploy_cfg_set(&cfg, "conf_dir", conf, &e);
	cc_deploy_cfg_set(&cfg, "validate_cmd",
			  "echo checking; echo 'nginx: [emerg] unknown directive x' >&2; exit 1", &e);
	cc_deploy_cfg_set(&cfg, "reload_cmd", "echo reloaded", &e);
	assert_int_equal(cc_store_open(store, &st, &e), 0);
	assert_int_equal(cc_deploy_open(st, &cfg, &d, &e), 0);
	assert_int_equal(cc_deploy_validate(d, &out, &e), CC_EINVAL);
	/* the one-line error is the line that says what is wrong */
	assert_non_null(strstr(e.msg, "[emerg] unknown directive x"));
	assert_non_null(strstr(out.s, "checking"));
	cc_buf_clear(&out);
	assert_int_equal(cc_deploy_reload(d, &out, &e), 0);
	assert_non_null(strstr(out.s, "reloaded"));
	cc_buf_clear(&out);
	cc_deploy_free(d);
	/* a missing executable is an I/O error, not a crash */
	cc_deploy_cfg_defaults(&cfg, CC_SERVER_NGINX);
	cc_deploy_cfg_set(&cfg, "bin", "/nonexistent/nginx", &e);
	assert_int_equal(cc_deploy_open(st, &cfg, &d, &e), 0);
	assert_int_equal(cc_deploy_validate(d, NULL, &e), CC_EIO);
	cc_deploy_free(d);
	/* haproxy without a pid file cannot reload gracefully: says so */
	cc_deploy_cfg_defaults(&cfg, CC_SERVER_HAPROXY);
	snprintf(cfg.pidfile, sizeof(cfg.pidfile), "%s/none.pid", dir);
	assert_int_equal(cc_deploy_open(st, &cfg, &d, &e), 0);
	assert_int_equal(cc_deploy_reload(d, NULL, &e), CC_EIO);
	assert_non_null(strstr(e.msg, "haproxy running"));
	cc_deploy_free(d);
	cc_store_close(st);
}

/* A killed bind leaves FILE.tmp.PID beside a server's file (outside the
 * store): the next write of that file removes it once PID is gone. */
static void stale_tmp_beside_server_file(void **state)
{
	cc_store_t *st;
	cc_deploy_t *d = open_dep(&st, CC_SERVER_NGINX);
	char path[400], dead[420], live[420], other[420];
	cc_error_t e;
	int status;
	pid_t pid = fork();
	FILE *f;

	if (pid == 0)
		_exit(0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	mkdir(conf, 0755);
	snprintf(path, sizeof(path), "%s/certchain.conf", conf);
	snprintf(dead, sizeof(dead), "%s.tmp.%ld", path, (long)pid);
	snprintf(live, sizeof(live), "%s.tmp.%ld", path, (long)getppid());
	snprintf(other, sizeof(other), "%s/other.conf.tmp.%ld", conf, (long)pid);
	const char *v[] = { dead, live, other };
	for (int i = 0; i < 3; i++) {
		assert_non_null(f = fopen(v[i], "w"));
		fclose(f);
	}
	assert_int_equal(cc_deploy_stage_write(d, path, "x\n", 2, 0644, &e), 0);
	assert_int_equal(access(dead, F_OK), -1);
	assert_int_equal(access(live, F_OK), 0);  /* its process lives */
	assert_int_equal(access(other, F_OK), 0); /* not a file we write */
	assert_int_equal(access(path, F_OK), 0);
	cc_deploy_free(d);
	cc_store_close(st);
}

/* The clients bind chose the chain for survive in the record. */
static void record_keeps_profiles(void **state)
{
	cc_store_t *st;
	cc_deploy_t *d = open_dep(&st, CC_SERVER_NGINX);
	cc_binding_t b, *v = NULL;
	size_t n = 0;
	cc_error_t e;

	binding(&b, "www", CC_SERVER_NGINX, "127.0.0.1");
	snprintf(b.profiles, sizeof(b.profiles), "legacy=/pki/old.pem\nandroid-7");
	b.policy = CC_POLICY_LEGACY;
	assert_int_equal(cc_deploy_bind(d, &b, &chain1, kleaf, &e), 0);
	assert_int_equal(cc_bindings_load(st, &v, &n, &e), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].profiles, "legacy=/pki/old.pem\nandroid-7");
	assert_int_equal(v[0].policy, CC_POLICY_LEGACY);
	free(v);
	cc_deploy_free(d);
	cc_store_close(st);
}

/* nginx's pid file: the main-level directive, relative to the prefix. */
static void pidfile_from_config(void **state)
{
	char path[600], why[1400], want[700];
	cc_store_t *st;
	cc_deploy_cfg_t cfg;
	cc_deploy_t *d = NULL;
	cc_error_t e;
	FILE *f;

	snprintf(path, sizeof(path), "%s/nginx.conf", dir);
	assert_non_null(f = fopen(path, "w"));
	fprintf(f, "worker_processes 1;\nhttp {\n    pid /in/a/block.pid;\n}\n"
		   "# pid /commented.pid;\npid run/x.pid;\n");
	fclose(f);
	cc_deploy_cfg_defaults(&cfg, CC_SERVER_NGINX);
	assert_int_equal(cc_deploy_cfg_set(&cfg, "conf", path, &e), 0);
	assert_int_equal(cc_deploy_cfg_set(&cfg, "prefix", dir, &e), 0);
	assert_int_equal(cc_store_open(store, &st, &e), 0);
	assert_int_equal(cc_deploy_open(st, &cfg, &d, &e), 0);
	assert_int_equal(cc_deploy_running(d, why, sizeof(why)), 0);
	snprintf(want, sizeof(want), "its pid file %s/run/x.pid does not exist", dir);
	assert_string_equal(why, want);
	snprintf(path, sizeof(path), "%s/run", dir);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/run/x.pid", dir);
	assert_non_null(f = fopen(path, "w"));
	fprintf(f, "%ld\n", (long)getpid());
	fclose(f);
	assert_int_equal(cc_deploy_running(d, why, sizeof(why)), 1);
	cc_deploy_free(d);
	cc_store_close(st);
}

/* Writes dir/rel (its directories made) with the text given. */
static void put(const char *rel, const char *fmt, ...)
{
	char path[600], cmd[700];
	va_list ap;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", path);
	assert_int_equal(system(cmd), 0);
	assert_non_null(f = fopen(path, "w"));
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fclose(f);
}

/* cc_deploy_running for server with dir/conf_rel and the prefix (-p / -d)
 * dir/prefix_rel; why into why. Under alarm(): an include loop must end. */
static int running_with(int server, const char *conf_rel, const char *prefix_rel,
			char *why, size_t n)
{
	char path[600];
	cc_store_t *st;
	cc_deploy_cfg_t cfg;
	cc_deploy_t *d = NULL;
	cc_error_t e;
	int r;

	cc_deploy_cfg_defaults(&cfg, server);
	snprintf(path, sizeof(path), "%s/%s", dir, conf_rel);
	assert_int_equal(cc_deploy_cfg_set(&cfg, "conf", path, &e), 0);
	snprintf(path, sizeof(path), "%s/%s", dir, prefix_rel);
	assert_int_equal(cc_deploy_cfg_set(&cfg, "prefix", path, &e), 0);
	assert_int_equal(cc_store_open(store, &st, &e), 0);
	assert_int_equal(cc_deploy_open(st, &cfg, &d, &e), 0);
	alarm(10);
	r = cc_deploy_running(d, why, n);
	alarm(0);
	cc_deploy_free(d);
	cc_store_close(st);
	return r;
}

/* nginx: "include" at main level is followed, relative to nginx.conf's
 * directory (not the prefix), glob sorted; one inside a block is not; the
 * pid relative to the prefix; a missing plain include and a loop say so. */
static void nginx_pid_in_include(void **state)
{
	char why[1400], want[900];

	put("etc/nginx.conf", "events { }\nhttp { include http.d/*.conf; }\n"
			      "include main.d/*.conf;\n");
	put("etc/http.d/a.conf", "pid /in/http.pid;\n");
	put("etc/main.d/10-first.conf", "worker_processes 1; pid run/from-include.pid;\n");
	put("etc/main.d/20-second.conf", "error_log logs/e.log;\n");
	put("etc/main.d/.hidden.conf", "pid /hidden.pid;\n");
	assert_int_equal(running_with(CC_SERVER_NGINX, "etc/nginx.conf", "pfx", why,
				      sizeof(why)), 0);
	snprintf(want, sizeof(want), "its pid file %s/pfx/run/from-include.pid does not exist",
		 dir);
	assert_string_equal(why, want);

	/* a plain include nginx cannot open: its configuration test fails */
	put("etc/nginx.conf", "events { }\ninclude main.d/none.conf;\n");
	assert_int_equal(running_with(CC_SERVER_NGINX, "etc/nginx.conf", "pfx", why,
				      sizeof(why)), -1);
	snprintf(want, sizeof(want), "cannot read %s/etc/main.d/none.conf (included from "
		 "%s/etc/nginx.conf): No such file or directory", dir, dir);
	assert_string_equal(why, want);

	/* an include of itself (its glob matches it): ends, and says so */
	put("etc/nginx.conf", "events { }\ninclude main.d/*.conf;\n");
	put("etc/main.d/10-first.conf", "include main.d/*.conf;\npid run/x.pid;\n");
	assert_int_equal(running_with(CC_SERVER_NGINX, "etc/nginx.conf", "pfx", why,
				      sizeof(why)), -1);
	assert_non_null(strstr(why, "loop"));
	assert_non_null(strstr(why, "10-first.conf"));
}

/* Apache: Include/IncludeOptional in any case at top level, relative to
 * the ServerRoot of that line; a directory includes every entry (dot files,
 * subdirectories) sorted; the last PidFile wins, relative to the final
 * ServerRoot; Include without a match fails, IncludeOptional does not. */
static void apache_pid_in_include(void **state)
{
	char why[1400], want[900];

	put("a/apache.conf", "ServerRoot %s/a\nPidFile first.pid\nInclude inc\n"
			     "IncludeOptional nothing/*.conf\n<IfModule x>\nPidFile /section.pid\n"
			     "</IfModule>\nServerRoot %s/b\nincludeoptional more/*.conf\n"
			     "ServerRoot %s/a\n", dir, dir, dir);
	put("a/inc/a.conf", "PidFile second.pid\n");
	put("a/inc/sub/z.conf", "PIDFILE third.pid\n");
	put("a/inc/.dot", "PidFile dot.pid\n"); /* sorts first: overridden */
	put("b/more/x.conf", "PidFile from-b.pid\n");
	put("a/more/x.conf", "PidFile wrong-root.pid\n");
	assert_int_equal(running_with(CC_SERVER_APACHE, "a/apache.conf", "d", why,
				      sizeof(why)), 0);
	snprintf(want, sizeof(want), "its pid file %s/a/from-b.pid does not exist", dir);
	assert_string_equal(why, want);

	/* relative to -d when the configuration sets no ServerRoot */
	put("a/apache.conf", "Include inc/sub/*.conf\n");
	assert_int_equal(running_with(CC_SERVER_APACHE, "a/apache.conf", "a", why,
				      sizeof(why)), 0);
	snprintf(want, sizeof(want), "its pid file %s/a/third.pid does not exist", dir);
	assert_string_equal(why, want);

	put("a/apache.conf", "ServerRoot %s/a\nInclude nothing/*.conf\n", dir);
	assert_int_equal(running_with(CC_SERVER_APACHE, "a/apache.conf", "d", why,
				      sizeof(why)), -1);
	assert_non_null(strstr(why, "matches no file"));

	put("a/apache.conf", "ServerRoot %s/a\nInclude apache.conf\n", dir);
	assert_int_equal(running_with(CC_SERVER_APACHE, "a/apache.conf", "d", why,
				      sizeof(why)), -1);
	assert_non_null(strstr(why, "loop"));
}

/* Who holds a listening socket: this process, inside or outside the tree. */
static void owners_by_inode(void **state)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	cc_reload_proof_t p;
	cc_listen_owner_t o;
	cc_binding_t b;
	cc_store_t *st;
	cc_deploy_t *d = open_dep(&st, CC_SERVER_NGINX);
	cc_error_t e;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	pid_t gone;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(fd, 4), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	binding(&b, "www", CC_SERVER_NGINX, "127.0.0.1");
	b.port = ntohs(sa.sin_port);
	memset(&p, 0, sizeof(p));
	p.roots[p.nroots++] = getpid();
	assert_int_equal(cc_deploy_owners(d, &p, &b, 1, &o, &e), 0);
	assert_int_equal(o.state, 1);
	/* the server's tree is a process that no longer runs: we are outside */
	if ((gone = fork()) == 0)
		_exit(0);
	waitpid(gone, NULL, 0);
	p.roots[0] = gone;
	assert_int_equal(cc_deploy_owners(d, &p, &b, 1, &o, &e), 0);
	assert_int_equal(o.state, 0);
	assert_int_equal(o.pid, (long)getpid());
	assert_non_null(strstr(o.reason, "is answered by process"));
	close(fd);
	assert_int_equal(cc_deploy_owners(d, &p, &b, 1, &o, &e), 0);
	assert_int_equal(o.state, -1);
	assert_non_null(strstr(o.reason, "nothing listens"));
	cc_deploy_free(d);
	cc_store_close(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(nginx_files_and_record, fresh, cleanup),
		cmocka_unit_test_setup_teardown(wrong_key_writes_nothing, fresh, cleanup),
		cmocka_unit_test_setup_teardown(rollback_restores_commit_forgets, fresh, cleanup),
		cmocka_unit_test_setup_teardown(haproxy_frontends, fresh, cleanup),
		cmocka_unit_test_setup_teardown(apache_vhosts, fresh, cleanup),
		cmocka_unit_test_setup_teardown(bad_input, fresh, cleanup),
		cmocka_unit_test_setup_teardown(commands, fresh, cleanup),
		cmocka_unit_test_setup_teardown(stale_tmp_beside_server_file, fresh, cleanup),
		cmocka_unit_test_setup_teardown(record_keeps_profiles, fresh, cleanup),
		cmocka_unit_test_setup_teardown(pidfile_from_config, fresh, cleanup),
		cmocka_unit_test_setup_teardown(nginx_pid_in_include, fresh, cleanup),
		cmocka_unit_test_setup_teardown(apache_pid_in_include, fresh, cleanup),
		cmocka_unit_test_setup_teardown(owners_by_inode, fresh, cleanup),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
