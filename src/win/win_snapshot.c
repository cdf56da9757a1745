/*
 * win_snapshot.c - the machine's Windows stores as a certchain file store
 * in a private temporary directory, so build, explain, verify, check, fix
 * and export judge with exactly what the machine holds (Root = the store's
 * roots, i.e. the machine's own trust profile "store"; CA = the pool;
 * disabled certificates never used) through the same library calls as on
 * Linux. Removed again when the command ends.
 */
#include "win.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <windows.h>

#include <openssl/crypto.h>
#include <openssl/pem.h>

/* The key of k's certificate, from Windows' key container. */
static int key_from_windows(int machine, const win_cert_t *k, EVP_PKEY **key)
{
	unsigned char *blob = NULL;
	const unsigned char *p;
	size_t len = 0;
	char msg[300];

	if (ws_export_key(machine, k->e->der, k->e->len, &blob, &len, msg, sizeof(msg))) {
		fprintf(stderr, "certchain: %s (%s): %s\n", k->cn, k->sha1, msg);
		return EXIT_USAGE;
	}
	p = blob;
	*key = b2i_PrivateKey(&p, (long)len);
	OPENSSL_cleanse(blob, len);
	free(blob);
	if (!*key) {
		fprintf(stderr, "certchain: %s: the key Windows exported does not decode\n", k->cn);
		return EXIT_USAGE;
	}
	return 0;
}

static int fill(cc_store_t *st, const char *dir, int machine, const win_cert_t *key_of,
		int store_roots)
{
	win_certs_t w;
	cc_error_t err;
	cc_buf_t roots = { 0 };
	char path[700];
	int r = win_certs_read(machine, (1u << WS_ROOT) | (1u << WS_CA), &w);

	for (size_t i = 0; !r && i < w.n; i++) {
		win_cert_t *x = &w.v[i];
		int kind = x->e->folder == WS_ROOT ? CC_STORE_ROOT : CC_STORE_INTERMEDIATE;
		size_t len;
		const unsigned char *der = cc_cert_der(x->c, &len);
		cc_store_imported_t res;

		/* -p machine: the enabled roots are that profile alone, not
		 * also the store's profile "store"; a disabled one stays in
		 * the snapshot, so that the store keeps it out of every path. */
		if (kind == CC_STORE_ROOT && !store_roots && !x->e->disabled) {
			cli_pem(&roots, x->c);
			continue;
		}
		/* What the store cannot hold (an end-entity certificate in CA, one
		 * certificate in both folders) is not a CA the path search uses. */
		if (cc_store_import(st, der, len, NULL, x->e->name[0] ? x->e->name : NULL,
				    kind, &res, &err))
			continue;
		if (x->e->disabled && res.added)
			cc_store_set_disabled(st, res.sha256, 1, &err);
		if (kind == CC_STORE_ROOT && !x->e->disabled)
			cli_pem(&roots, x->c);
	}
	win_certs_free(&w);
	/* The enabled roots alone: the trust profile "machine" (-p machine). */
	snprintf(path, sizeof(path), "%s/%s", dir, WIN_MACHINE_PEM);
	if (!r && cc_write_file_atomic(path, roots.s ? roots.s : "", roots.n, 0644, &err))
		r = cli_fail(&err);
	cc_buf_clear(&roots);
	if (!r && key_of) {
		EVP_PKEY *k = NULL;
		size_t len;
		const unsigned char *der = cc_cert_der(key_of->c, &len);
		if (!(r = key_from_windows(machine, key_of, &k)) &&
		    cc_store_import(st, der, len, k, key_of->e->name[0] ? key_of->e->name : NULL,
				    CC_STORE_PERSONAL, NULL, &err))
			r = cli_fail(&err);
		EVP_PKEY_free(k);
	}
	return r;
}

/* Deletes the directory w and everything in it (the wide calls: the path
 * may hold any character). */
static void remove_tree(const WCHAR *w)
{
	WCHAR pat[MAX_PATH * 2], p[MAX_PATH * 2];
	WIN32_FIND_DATAW f;
	HANDLE h;

	if (_snwprintf(pat, MAX_PATH * 2, L"%ls\\*", w) < 0)
		return;
	if ((h = FindFirstFileW(pat, &f)) != INVALID_HANDLE_VALUE) {
		do {
			if (!wcscmp(f.cFileName, L".") || !wcscmp(f.cFileName, L"..") ||
			    _snwprintf(p, MAX_PATH * 2, L"%ls\\%ls", w, f.cFileName) < 0)
				continue;
			if (f.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)
				remove_tree(p);
			else
				DeleteFileW(p);
		} while (FindNextFileW(h, &f));
		FindClose(h);
	}
	RemoveDirectoryW(w);
}

int win_snapshot(int machine, const win_cert_t *key_of, int store_roots, char *dir, size_t n)
{
	WCHAR wtmp[MAX_PATH + 1];
	char tmp[MAX_PATH * 3 + 1]; /* UTF-8: up to 3 bytes per UTF-16 unit */
	cc_store_t *st = NULL;
	cc_error_t err;
	int r;

	/* The temp folder as UTF-8 (a user name in any script works), made
	 * and removed through compat.c's wide calls. */
	if (!GetTempPathW(MAX_PATH + 1, wtmp) ||
	    !WideCharToMultiByte(CP_UTF8, 0, wtmp, -1, tmp, sizeof(tmp), NULL, NULL) ||
	    snprintf(dir, n, "%scertchain-winstore-%lu-%lu", tmp,
		     (unsigned long)GetCurrentProcessId(), (unsigned long)GetTickCount()) >= (int)n ||
	    mkdir(dir, 0700)) {
		fprintf(stderr, "certchain: cannot create a temporary directory: %s\n", strerror(errno));
		return EXIT_USAGE;
	}
	if (cc_store_open(dir, &st, &err) || cc_store_lock(st, &err)) {
		cc_store_close(st);
		win_snapshot_remove(dir);
		return cli_fail(&err);
	}
	r = fill(st, dir, machine, key_of, store_roots);
	cc_store_unlock(st);
	cc_store_close(st);
	if (r)
		win_snapshot_remove(dir);
	return r;
}

void win_snapshot_remove(const char *dir)
{
	int n = MultiByteToWideChar(CP_UTF8, 0, dir, -1, NULL, 0);
	WCHAR *w = n > 0 ? malloc(((size_t)n + 2) * sizeof(WCHAR)) : NULL;

	if (w && MultiByteToWideChar(CP_UTF8, 0, dir, -1, w, n))
		remove_tree(w);
	free(w);
}
