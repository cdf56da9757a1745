/* test_store.c - the certificate store: import rules, selectors, disable,
 * remove, hashed links, keys and their permissions, extra records, lock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include <openssl/pem.h>

#include "testpki.h"

static EVP_PKEY *kroot, *kica, *kleaf, *kother;
static X509 *root, *ica, *leaf, *ica2; /* ica2: same CN as ica, other key */
static char dir[256];

static int der_of(X509 *x, unsigned char **der)
{
	*der = NULL;
	return i2d_X509(x, der);
}

static int setup(void **state)
{
	tp_opts_t ca = { .ca = 1 }, lf = { .san = "www.store.test" };
	kroot = tp_key(1);
	kica = tp_key(1);
	kleaf = tp_key(1);
	kother = tp_key(1);
	root = tp_cert("Store Root", kroot, NULL, NULL, &ca);
	ica = tp_cert("Store ICA", kica, root, kroot, &ca);
	ica2 = tp_cert("Store ICA", kother, root, kroot, &ca);
	leaf = tp_cert("www.store.test", kleaf, ica, kica, &lf);
	return 0;
}

static int teardown(void **state)
{
	X509_free(root);
	X509_free(ica);
	X509_free(ica2);
	X509_free(leaf);
	EVP_PKEY_free(kroot);
	EVP_PKEY_free(kica);
	EVP_PKEY_free(kleaf);
	EVP_PKEY_free(kother);
	return 0;
}

static int fresh(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/cc-store-test.XXXXXX");
	assert_non_null(mkdtemp(dir));
	strcat(dir, "/store"); /* does not exist yet */
	return 0;
}

static int cleanup(void **state)
{
	char cmd[300];
	*strrchr(dir, '/') = 0;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) ? -1 : 0;
}

static cc_store_t *open_store(void)
{
	cc_store_t *st = NULL;
	cc_error_t e;
	assert_int_equal(cc_store_open(dir, &st, &e), 0);
	return st;
}

static int import(cc_store_t *st, X509 *x, EVP_PKEY *k, const char *name, int kind,
		  cc_store_imported_t *res, cc_error_t *e)
{
	unsigned char *der;
	int n = der_of(x, &der), r;
	cc_error_clear(e);
	r = cc_store_import(st, der, (size_t)n, k, name, kind, res, e);
	OPENSSL_free(der);
	return r;
}

static int file_mode(const char *rel)
{
	char p[512];
	struct stat sb;
	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	return stat(p, &sb) ? -1 : (int)(sb.st_mode & 07777);
}

static void missing_store_is_empty(void **state)
{
	cc_store_t *st = open_store();
	cc_store_list_t *l = NULL;
	cc_error_t e;

	assert_int_equal(cc_store_list(st, 0, &l, &e), 0);
	assert_int_equal(l->n, 0);
	assert_int_equal(access(dir, F_OK), -1); /* reading creates nothing */
	cc_store_list_free(l);
	cc_store_close(st);
}

static void auto_detect_and_duplicates(void **state)
{
	cc_store_t *st = open_store();
	cc_store_imported_t res;
	cc_store_list_t *l = NULL;
	cc_error_t e;

	assert_int_equal(import(st, root, NULL, NULL, 0, &res, &e), 0);
	assert_int_equal(res.kind, CC_STORE_ROOT);
	assert_int_equal(res.added, 1);
	assert_int_equal(import(st, ica, NULL, "my ica", 0, &res, &e), 0);
	assert_int_equal(res.kind, CC_STORE_INTERMEDIATE);
	/* an end-entity certificate without its key has no store */
	assert_int_equal(import(st, leaf, NULL, NULL, 0, &res, &e), CC_EINVAL);
	assert_non_null(strstr(e.msg, "private key"));
	assert_int_equal(import(st, leaf, NULL, NULL, CC_STORE_PERSONAL, &res, &e), CC_EINVAL);
	/* the wrong key is refused, nothing written */
	assert_int_equal(import(st, leaf, kother, NULL, 0, &res, &e), CC_EINVAL);
	assert_non_null(strstr(e.msg, "does not match"));
	assert_int_equal(import(st, leaf, kleaf, "site one", 0, &res, &e), 0);
	assert_int_equal(res.kind, CC_STORE_PERSONAL);
	/* the same certificate again: a no-op that says so */
	assert_int_equal(import(st, ica, NULL, NULL, 0, &res, &e), 0);
	assert_int_equal(res.added, 0);
	assert_int_equal(res.kind, CC_STORE_INTERMEDIATE);
	/* ...but never silently moved to another store */
	assert_int_equal(import(st, ica, NULL, NULL, CC_STORE_ROOT, &res, &e), CC_EINVAL);
	assert_non_null(strstr(e.msg, "already in the intermediate store"));

	assert_int_equal(cc_store_list(st, 0, &l, &e), 0);
	assert_int_equal(l->n, 3);
	assert_int_equal(l->v[0].kind, CC_STORE_INTERMEDIATE);
	assert_string_equal(l->v[0].name, "my ica");
	assert_int_equal(l->v[1].kind, CC_STORE_ROOT);
	assert_int_equal(l->v[2].kind, CC_STORE_PERSONAL);
	assert_int_equal(l->v[2].has_key, 1);
	assert_string_equal(l->v[2].name, "site one");
	cc_store_list_free(l);

	assert_int_equal(file_mode("keys"), 0700);
	cc_store_close(st);
}

static void key_perms_and_reading(void **state)
{
	cc_store_t *st = open_store();
	cc_store_imported_t res;
	cc_store_list_t *l = NULL;
	EVP_PKEY *k = NULL;
	cc_error_t e;
	char rel[100], p[400];

	assert_int_equal(import(st, leaf, kleaf, "site", 0, &res, &e), 0);
	snprintf(rel, sizeof(rel), "keys/%s.key", res.sha256);
	assert_int_equal(file_mode(rel), 0600);
	assert_int_equal(cc_store_select(st, "site", 0, &l, &e), 0);
	assert_int_equal(cc_store_key(st, &l->v[0], 0, &k, &e), 0);
	assert_int_equal(EVP_PKEY_eq(k, kleaf), 1);
	EVP_PKEY_free(k);
	/* a world-readable key is refused unless the caller insists */
	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	assert_int_equal(chmod(p, 0644), 0);
	assert_int_equal(cc_store_key(st, &l->v[0], 0, &k, &e), CC_EINVAL);
	assert_null(k);
	assert_non_null(strstr(e.msg, "0644"));
	assert_int_equal(cc_store_key(st, &l->v[0], CC_STORE_INSECURE_KEY_PERMS, &k, &e), 0);
	EVP_PKEY_free(k);
	/* the key file is PEM PKCS#8 */
	{
		FILE *f = fopen(p, "r");
		char line[80] = "";
		assert_non_null(f);
		assert_non_null(fgets(line, sizeof(line), f));
		fclose(f);
		assert_string_equal(line, "-----BEGIN PRIVATE KEY-----\n");
	}
	cc_store_list_free(l);
	cc_store_close(st);
}

static void selectors(void **state)
{
	cc_store_t *st = open_store();
	cc_store_imported_t r1, r2;
	cc_store_list_t *l = NULL;
	cc_error_t e;
	char pre[9];

	assert_int_equal(import(st, ica, NULL, "first", 0, &r1, &e), 0);
	assert_int_equal(import(st, ica2, NULL, "second", 0, &r2, &e), 0);
	assert_int_equal(cc_store_select(st, "CN=Store ICA", 0, &l, &e), CC_EAMBIGUOUS);
	assert_int_equal(l->n, 2); /* every match, no silent pick */
	assert_non_null(strstr(e.msg, "matches 2 certificates"));
	assert_non_null(strstr(e.msg, "Store ICA"));
	cc_store_list_free(l);
	assert_int_equal(cc_store_select(st, "second", 0, &l, &e), 0);
	assert_int_equal(l->n, 1);
	assert_string_equal(l->v[0].sha256, r2.sha256);
	cc_store_list_free(l);
	memcpy(pre, r1.sha256, 8);
	pre[8] = 0;
	assert_int_equal(cc_store_select(st, pre, 0, &l, &e), 0);
	assert_string_equal(l->v[0].sha256, r1.sha256);
	cc_store_list_free(l);
	/* 7 hex digits are not a thumbprint selector */
	pre[7] = 0;
	assert_int_equal(cc_store_select(st, pre, 0, &l, &e), CC_ENOTFOUND);
	assert_null(l);
	assert_int_equal(cc_store_select(st, "second", CC_STORE_ROOT, &l, &e), CC_ENOTFOUND);
	cc_store_close(st);
}

static int count_links(void)
{
	char p[400];
	int n = 0;
	FILE *f;
	snprintf(p, sizeof(p), "ls '%s/root' | grep -Ec '^[0-9a-f]{8}\\.[0-9]+$'", dir);
	f = popen(p, "r");
	assert_non_null(f);
	assert_int_equal(fscanf(f, "%d", &n), 1);
	pclose(f);
	return n;
}

static void disable_enable_remove(void **state)
{
	cc_store_t *st = open_store();
	cc_store_imported_t rr, ri;
	cc_pool_t *inter = cc_pool_new(), *roots = cc_pool_new(), *dis = cc_pool_new();
	cc_error_t e;
	char p[400];

	assert_int_equal(import(st, root, NULL, NULL, 0, &rr, &e), 0);
	assert_int_equal(import(st, ica, NULL, NULL, 0, &ri, &e), 0);
	assert_int_equal(count_links(), 1);
	assert_int_equal(cc_store_set_disabled(st, rr.sha256, 1, &e), 0);
	assert_int_equal(cc_store_set_disabled(st, ri.sha256, 1, &e), 0);
	assert_int_equal(count_links(), 0); /* -CApath no longer finds it */
	assert_int_equal(cc_store_load_pools(st, inter, roots, dis, &e), 0);
	assert_int_equal(cc_pool_count(inter), 0);
	assert_int_equal(cc_pool_count(roots), 0);
	assert_int_equal(cc_pool_count(dis), 2);
	assert_int_equal(cc_store_set_disabled(st, rr.sha256, 0, &e), 0);
	assert_int_equal(count_links(), 1);
	cc_pool_free(roots);
	roots = cc_pool_new();
	assert_int_equal(cc_store_load_pools(st, NULL, roots, NULL, &e), 0);
	assert_int_equal(cc_pool_count(roots), 1);

	assert_int_equal(cc_store_remove(st, rr.sha256, &e), 0);
	assert_int_equal(count_links(), 0);
	snprintf(p, sizeof(p), "%s/root/%s.meta", dir, rr.sha256);
	assert_int_equal(access(p, F_OK), -1);
	assert_int_equal(cc_store_remove(st, rr.sha256, &e), CC_ENOTFOUND);
	assert_int_equal(cc_store_set_disabled(st, rr.sha256, 1, &e), CC_ENOTFOUND);
	assert_int_equal(cc_store_remove(st, "nothex", &e), CC_EINVAL);
	cc_pool_free(inter);
	cc_pool_free(roots);
	cc_pool_free(dis);
	cc_store_close(st);
}

static void batch_under_caller_lock(void **state)
{
	cc_store_t *st = open_store();
	cc_store_imported_t r1, r2;
	cc_error_t e;

	assert_int_equal(cc_store_lock(st, &e), 0);
	assert_int_equal(import(st, root, NULL, NULL, 0, &r1, &e), 0);
	assert_int_equal(import(st, ica, NULL, NULL, CC_STORE_ROOT, &r2, &e), 0);
	assert_int_equal(count_links(), 0); /* deferred to the last unlock */
	cc_store_unlock(st);
	assert_int_equal(count_links(), 2);
	assert_int_equal(cc_store_lock(st, &e), 0);
	assert_int_equal(cc_store_set_disabled(st, r1.sha256, 1, &e), 0);
	assert_int_equal(cc_store_rehash(st, &e), 0); /* explicit, inside the batch */
	assert_int_equal(count_links(), 1);
	cc_store_unlock(st);
	assert_int_equal(count_links(), 1);
	cc_store_close(st);
}

static void corrupt_and_stray_files(void **state)
{
	cc_store_t *st = open_store();
	cc_store_imported_t rr, ri;
	cc_store_list_t *l = NULL;
	cc_error_t e;
	char p[400], q[400], k[400];
	FILE *f;

	assert_int_equal(import(st, root, NULL, NULL, 0, &rr, &e), 0);
	/* an interrupted import left a temp file and an orphan .meta */
	snprintf(p, sizeof(p), "%s/intermediate/%s.pem.tmp.999999", dir, rr.sha256);
	snprintf(q, sizeof(q), "%s/intermediate/%064d.meta", dir, 0);
	snprintf(k, sizeof(k), "%s/keys/%064d.key", dir, 0);
	assert_non_null(f = fopen(p, "w"));
	fclose(f);
	assert_non_null(f = fopen(q, "w"));
	fclose(f);
	assert_non_null(f = fopen(k, "w"));
	fclose(f);
	assert_int_equal(cc_store_list(st, 0, &l, &e), 0); /* readers ignore them */
	assert_int_equal(l->n, 1);
	cc_store_list_free(l);
	assert_int_equal(import(st, ica, NULL, NULL, 0, &ri, &e), 0);
	assert_int_equal(access(p, F_OK), -1); /* the next writer swept them */
	assert_int_equal(access(q, F_OK), -1);
	assert_int_equal(access(k, F_OK), -1); /* an orphan key too */
	/* a certificate file whose content is not its name */
	snprintf(p, sizeof(p), "%s/root/%s.pem", dir, rr.sha256);
	snprintf(q, sizeof(q), "%s/root/%s.pem", dir, ri.sha256);
	assert_int_equal(link(p, q), 0);
	assert_int_equal(cc_store_list(st, 0, &l, &e), CC_EPARSE);
	assert_non_null(strstr(e.where, ri.sha256));
	assert_non_null(strstr(e.msg, "does not match"));
	cc_store_close(st);
}

static void extra_records_and_lock(void **state)
{
	cc_store_t *st = open_store();
	cc_error_t e;
	char p[400];
	pid_t pid;
	int status;

	assert_int_equal(cc_store_write_file(st, "bindings/site.conf", "a=1\n", 4, 0600, &e), 0);
	assert_int_equal(file_mode("bindings/site.conf"), 0600);
	assert_int_equal(file_mode("bindings"), 0700);
	assert_int_equal(cc_store_write_file(st, "../evil", "x", 1, 0600, &e), CC_EINVAL);
	assert_int_equal(cc_store_write_file(st, "a/../b", "x", 1, 0600, &e), CC_EINVAL);
	assert_int_equal(cc_store_write_file(st, "/etc/x", "x", 1, 0600, &e), CC_EINVAL);
	assert_int_equal(cc_store_write_file(st, "keys/x", "x", 1, 0600, &e), CC_EINVAL);
	assert_int_equal(cc_store_write_file(st, "root", "x", 1, 0600, &e), CC_EINVAL);
	assert_int_equal(cc_store_file_path(st, "bindings/site.conf", p, sizeof(p), &e), 0);
	assert_int_equal(access(p, R_OK), 0);
	assert_int_equal(cc_store_remove_file(st, "bindings/site.conf", &e), 0);
	assert_int_equal(access(p, F_OK), -1);
	assert_int_equal(cc_store_remove_file(st, "bindings/site.conf", &e), 0);

	/* the lock is recursive here and exclusive against other processes */
	assert_int_equal(cc_store_lock(st, &e), 0);
	assert_int_equal(cc_store_lock(st, &e), 0);
	cc_store_unlock(st);
	snprintf(p, sizeof(p), "%s/.lock", dir);
	pid = fork();
	if (pid == 0) {
		int fd = open(p, O_RDWR);
		_exit(fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) != 0 ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(WEXITSTATUS(status), 0); /* held: the child could not lock */
	cc_store_unlock(st);
	pid = fork();
	if (pid == 0) {
		int fd = open(p, O_RDWR);
		_exit(fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0 ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(WEXITSTATUS(status), 0); /* released */
	cc_store_close(st);
}

/* A PID that no process has: a child that exited and was reaped. */
static pid_t dead_pid(void)
{
	int status;
	pid_t pid = fork();
	if (pid == 0)
		_exit(0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return pid;
}

static void put(const char *rel)
{
	char p[512];
	FILE *f;
	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	assert_non_null(f = fopen(p, "w"));
	fputs("partial", f);
	fclose(f);
}

static int exists(const char *rel)
{
	char p[512];
	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	return access(p, F_OK) == 0;
}

/* kill -9 during bind leaves deploy/nginx.conf.tmp.PID: the next lock
 * removes the temporary files of dead processes, and only those. */
static void stale_tmp_files(void **state)
{
	cc_store_t *st = open_store();
	cc_error_t e;
	char dead[64], live[64], top[64], bind[64], other[64];
	pid_t d = dead_pid();

	assert_int_equal(cc_store_write_file(st, "deploy/nginx.conf", "a=1\n", 4, 0600, &e), 0);
	assert_int_equal(cc_store_write_file(st, "bindings/www.conf", "a=1\n", 4, 0600, &e), 0);
	snprintf(dead, sizeof(dead), "deploy/nginx.conf.tmp.%ld", (long)d);
	snprintf(live, sizeof(live), "deploy/nginx.conf.tmp.%ld", (long)getpid());
	snprintf(top, sizeof(top), "list.tmp.%ld", (long)d);
	snprintf(bind, sizeof(bind), "bindings/www.conf.tmp.%ld", (long)d);
	snprintf(other, sizeof(other), "deploy/notes.tmp.%ldx", (long)d);
	put(dead);
	put(live);
	put(top);
	put(bind);
	put(other);
	put("deploy/.tmp.1");
	assert_true(exists(dead));
	assert_int_equal(cc_store_lock(st, &e), 0);
	assert_false(exists(dead));
	assert_false(exists(top));
	assert_false(exists(bind));
	assert_true(exists(live));           /* its writer (us) is alive */
	assert_true(exists(other));          /* not NAME.tmp.PID */
	assert_true(exists("deploy/.tmp.1")); /* no NAME */
	assert_true(exists("deploy/nginx.conf"));
	cc_store_unlock(st);
	cc_store_close(st);

	/* cc_tmp_sweep with a base name: only that file's leftovers. */
	snprintf(dead, sizeof(dead), "%s/deploy", dir);
	snprintf(top, sizeof(top), "deploy/a.pem.tmp.%ld", (long)d);
	snprintf(other, sizeof(other), "deploy/b.pem.tmp.%ld", (long)d);
	put(top);
	put(other);
	assert_int_equal(cc_tmp_sweep(dead, "a.pem"), 1);
	assert_false(exists(top));
	assert_true(exists(other));
	assert_int_equal(cc_tmp_sweep("/nonexistent-dir-of-certchain", NULL), 0);
}

static void default_dir(void **state)
{
	char buf[512];
	cc_error_t e;

	setenv("CERTCHAIN_STORE", "/some/where", 1);
	assert_int_equal(cc_store_default_dir(buf, sizeof(buf), &e), 0);
	assert_string_equal(buf, "/some/where");
	unsetenv("CERTCHAIN_STORE");
	assert_int_equal(cc_store_default_dir(buf, sizeof(buf), &e), 0);
	if (geteuid() == 0)
		assert_string_equal(buf, "/var/lib/certchain");
	else
		assert_non_null(strstr(buf, "/.local/share/certchain"));
	assert_int_equal(cc_store_kind_parse("root"), CC_STORE_ROOT);
	assert_int_equal(cc_store_kind_parse("roots"), CC_EINVAL);
}

static void key_files(void **state)
{
	char p[300];
	EVP_PKEY *k = NULL;
	cc_error_t e;
	FILE *f;
	cc_pool_t *pool = cc_pool_new();
	cc_cert_t *c = tp_add(pool, leaf);

	snprintf(p, sizeof(p), "%s.key", dir);
	/* traditional EC PEM after a certificate block (a combined file) */
	assert_non_null(f = fopen(p, "w"));
	PEM_write_X509(f, leaf);
	PEM_write_PrivateKey(f, kleaf, NULL, NULL, 0, NULL, NULL);
	fclose(f);
	assert_int_equal(cc_key_load(p, &k, &e), 0);
	assert_int_equal(cc_key_matches(c, k), 1);
	EVP_PKEY_free(k);
	/* encrypted: refused with a message that says so, no prompt */
	assert_non_null(f = fopen(p, "w"));
	PEM_write_PrivateKey(f, kleaf, EVP_aes_256_cbc(), (unsigned char *)"pw", 2,
			     NULL, NULL);
	fclose(f);
	assert_int_equal(cc_key_load(p, &k, &e), CC_EPARSE);
	assert_non_null(strstr(e.msg, "encrypted"));
	/* a certificate is not a key */
	assert_non_null(f = fopen(p, "w"));
	PEM_write_X509(f, leaf);
	fclose(f);
	assert_int_equal(cc_key_load(p, &k, &e), CC_EPARSE);
	assert_non_null(strstr(e.msg, "no private key"));
	assert_int_equal(cc_key_load("/nonexistent/k", &k, &e), CC_EIO);
	assert_int_equal(cc_key_matches(c, kother), 0);
	unlink(p);
	cc_pool_free(pool);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(missing_store_is_empty, fresh, cleanup),
		cmocka_unit_test_setup_teardown(auto_detect_and_duplicates, fresh, cleanup),
		cmocka_unit_test_setup_teardown(key_perms_and_reading, fresh, cleanup),
		cmocka_unit_test_setup_teardown(selectors, fresh, cleanup),
		cmocka_unit_test_setup_teardown(disable_enable_remove, fresh, cleanup),
		cmocka_unit_test_setup_teardown(batch_under_caller_lock, fresh, cleanup),
		cmocka_unit_test_setup_teardown(corrupt_and_stray_files, fresh, cleanup),
		cmocka_unit_test_setup_teardown(extra_records_and_lock, fresh, cleanup),
		cmocka_unit_test_setup_teardown(key_files, fresh, cleanup),
		cmocka_unit_test_setup_teardown(stale_tmp_files, fresh, cleanup),
		cmocka_unit_test(default_dir),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
