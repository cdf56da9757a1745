/*
 * winstore.c - the Windows certificate stores through crypt32 (see
 * winstore.h). Windows build only; no OpenSSL here (wincrypt.h and
 * OpenSSL's headers define the same names).
 */
#include "winstore.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>
#include <wincrypt.h>

static const char *const names[WS_NFOLDERS] = { "Root", "CA", "My", "WebHosting" };
static const WCHAR *const wnames[WS_NFOLDERS] = { L"Root", L"CA", L"My", L"WebHosting" };

const char *ws_folder_name(int folder)
{
	return folder >= 0 && folder < WS_NFOLDERS ? names[folder] : "?";
}

int ws_folder_parse(const char *s)
{
	if (!_stricmp(s, "root"))
		return WS_ROOT;
	if (!_stricmp(s, "ca") || !_stricmp(s, "intermediate"))
		return WS_CA;
	if (!_stricmp(s, "my") || !_stricmp(s, "personal"))
		return WS_MY;
	if (!_stricmp(s, "webhosting"))
		return WS_WEBHOSTING;
	return -1;
}

static int fail(char *msg, size_t mn, const char *what, int folder)
{
	snprintf(msg, mn, "%s %s: error 0x%08lx", what, ws_folder_name(folder),
		 (unsigned long)GetLastError());
	return -1;
}

static DWORD location(int machine)
{
	return machine ? CERT_SYSTEM_STORE_LOCAL_MACHINE : CERT_SYSTEM_STORE_CURRENT_USER;
}

/* change: the physical registry store, opened for writing (created when
 * missing); else, read-only, the machine's logical system store, or the
 * user's registry store: the user's logical store also shows every
 * certificate of the machine's (its .LocalMachine physical store), which
 * would make a certificate in both appear twice and --user change the
 * machine's. */
static HCERTSTORE open_folder(int machine, int folder, int change)
{
	if (change)
		return CertOpenStore(CERT_STORE_PROV_SYSTEM_REGISTRY_W, 0, 0,
				     location(machine), wnames[folder]);
	return CertOpenStore(machine ? CERT_STORE_PROV_SYSTEM_W : CERT_STORE_PROV_SYSTEM_REGISTRY_W,
			     0, 0,
			     location(machine) | CERT_STORE_READONLY_FLAG |
				     CERT_STORE_OPEN_EXISTING_FLAG,
			     wnames[folder]);
}

/* Disabled for TLS: an enhanced-key-usage property (read raw: the
 * "all purposes" and "no purpose" answers of CertGetEnhancedKeyUsage are
 * told apart only through GetLastError) that does not allow server auth. */
static int disabled_of(PCCERT_CONTEXT c)
{
	DWORD n = 0, un = 0;
	BYTE *raw;
	PCERT_ENHKEY_USAGE u = NULL;
	int off = 1;

	if (!CertGetCertificateContextProperty(c, CERT_ENHKEY_USAGE_PROP_ID, NULL, &n) || !n)
		return 0; /* no property: every purpose the certificate allows */
	if (!(raw = malloc(n)))
		return 0;
	if (CertGetCertificateContextProperty(c, CERT_ENHKEY_USAGE_PROP_ID, raw, &n) &&
	    CryptDecodeObjectEx(X509_ASN_ENCODING, X509_ENHANCED_KEY_USAGE, raw, n,
				CRYPT_DECODE_ALLOC_FLAG, NULL, &u, &un))
		for (DWORD i = 0; i < u->cUsageIdentifier; i++)
			if (!strcmp(u->rgpszUsageIdentifier[i], szOID_PKIX_KP_SERVER_AUTH))
				off = 0;
	LocalFree(u);
	free(raw);
	return off;
}

static void name_of(PCCERT_CONTEXT c, char *out, size_t n)
{
	WCHAR w[256];
	DWORD len = sizeof(w);

	out[0] = 0;
	if (CertGetCertificateContextProperty(c, CERT_FRIENDLY_NAME_PROP_ID, w, &len) &&
	    len >= sizeof(WCHAR)) {
		w[len / sizeof(WCHAR) - 1] = 0;
		WideCharToMultiByte(CP_UTF8, 0, w, -1, out, (int)n, NULL, NULL);
	}
}

static int push(ws_list_t *l, PCCERT_CONTEXT c, int folder)
{
	ws_entry_t *e;
	DWORD len = 0;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 32;
		ws_entry_t *v = realloc(l->v, cap * sizeof(*v));
		if (!v)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	e = &l->v[l->n];
	memset(e, 0, sizeof(*e));
	if (!(e->der = malloc(c->cbCertEncoded)))
		return -1;
	memcpy(e->der, c->pbCertEncoded, c->cbCertEncoded);
	e->len = c->cbCertEncoded;
	e->folder = folder;
	e->disabled = disabled_of(c);
	e->has_key = CertGetCertificateContextProperty(c, CERT_KEY_PROV_INFO_PROP_ID, NULL, &len);
	name_of(c, e->name, sizeof(e->name));
	l->n++;
	return 0;
}

int ws_read(int machine, int folder, ws_list_t *l, char *msg, size_t mn)
{
	HCERTSTORE s = open_folder(machine, folder, 0);
	PCCERT_CONTEXT c = NULL;

	if (!s)
		return GetLastError() == ERROR_FILE_NOT_FOUND ? 0 : fail(msg, mn, "cannot open", folder);
	while ((c = CertEnumCertificatesInStore(s, c)))
		if (push(l, c, folder)) {
			CertFreeCertificateContext(c);
			CertCloseStore(s, 0);
			snprintf(msg, mn, "out of memory");
			return -1;
		}
	CertCloseStore(s, 0);
	return 0;
}

void ws_list_free(ws_list_t *l)
{
	for (size_t i = 0; l && i < l->n; i++)
		free(l->v[i].der);
	if (l) {
		free(l->v);
		memset(l, 0, sizeof(*l));
	}
}

/* The context in s equal to der (NULL when absent); the caller frees it. */
static PCCERT_CONTEXT find(HCERTSTORE s, const unsigned char *der, size_t len)
{
	PCCERT_CONTEXT want = CertCreateCertificateContext(X509_ASN_ENCODING, der, (DWORD)len), got;

	if (!want)
		return NULL;
	got = CertFindCertificateInStore(s, X509_ASN_ENCODING, 0, CERT_FIND_EXISTING, want, NULL);
	CertFreeCertificateContext(want);
	return got;
}

static int set_name(PCCERT_CONTEXT c, const char *name)
{
	WCHAR w[256];
	CRYPT_DATA_BLOB b;

	if (!MultiByteToWideChar(CP_UTF8, 0, name, -1, w, 256))
		return -1;
	b.pbData = (BYTE *)w;
	b.cbData = (DWORD)((wcslen(w) + 1) * sizeof(WCHAR));
	return CertSetCertificateContextProperty(c, CERT_FRIENDLY_NAME_PROP_ID, 0, &b) ? 0 : -1;
}

/* Puts by in place of c in s (delete, then add): should the add fail, a
 * copy of c is added back, so a failed write leaves the folder as it was.
 * Consumes nothing: c and by stay the caller's. */
static int replace(HCERTSTORE s, PCCERT_CONTEXT c, PCCERT_CONTEXT by)
{
	HCERTSTORE mem = CertOpenStore(CERT_STORE_PROV_MEMORY, 0, 0, 0, NULL);
	PCCERT_CONTEXT bk = NULL;
	int r = -1;

	if (mem && CertAddCertificateContextToStore(mem, c, CERT_STORE_ADD_ALWAYS, &bk) &&
	    CertDeleteCertificateFromStore(CertDuplicateCertificateContext(c))) {
		if (CertAddCertificateContextToStore(s, by, CERT_STORE_ADD_NEW, NULL))
			r = 0;
		else
			CertAddCertificateContextToStore(s, bk, CERT_STORE_ADD_NEW, NULL);
	}
	if (bk)
		CertFreeCertificateContext(bk);
	if (mem)
		CertCloseStore(mem, 0);
	return r;
}

/* Applies edit to c's properties and writes the certificate back: a copy
 * with the edited properties replaces it (replace()). Windows persists
 * CertSetCertificateContextProperty on a registry store directly; wine
 * writes properties only with the certificate, so this is the one way
 * that persists on both. Consumes nothing: c stays the caller's. */
static int rewrite(HCERTSTORE s, PCCERT_CONTEXT c, int (*edit)(PCCERT_CONTEXT, const void *),
		   const void *arg)
{
	HCERTSTORE mem = CertOpenStore(CERT_STORE_PROV_MEMORY, 0, 0, 0, NULL);
	PCCERT_CONTEXT cp = NULL;
	int r = -1;

	if (mem && CertAddCertificateContextToStore(mem, c, CERT_STORE_ADD_ALWAYS, &cp) &&
	    !edit(cp, arg))
		r = replace(s, c, cp);
	if (cp)
		CertFreeCertificateContext(cp);
	if (mem)
		CertCloseStore(mem, 0);
	return r;
}

static int edit_name(PCCERT_CONTEXT c, const void *name)
{
	return set_name(c, name);
}

static int edit_eku(PCCERT_CONTEXT c, const void *disabled)
{
	CERT_ENHKEY_USAGE none = { 0, NULL };

	if (*(const int *)disabled)
		return CertSetEnhancedKeyUsage(c, &none) ? 0 : -1;
	return CertSetCertificateContextProperty(c, CERT_ENHKEY_USAGE_PROP_ID, 0, NULL) ? 0 : -1;
}

int ws_add(int machine, int folder, const unsigned char *der, size_t len,
	   const char *name, int *added, char *have_name, size_t hn, char *msg, size_t mn)
{
	HCERTSTORE s = open_folder(machine, folder, 1);
	PCCERT_CONTEXT c = NULL, fresh = NULL;
	int r = 0, named = name && *name;

	if (!s)
		return fail(msg, mn, "cannot open", folder);
	*added = 0;
	if (have_name && hn)
		have_name[0] = 0;
	if ((c = find(s, der, len))) {
		if (have_name && hn)
			name_of(c, have_name, hn); /* and nothing else: what is there stays */
	} else if (!(fresh = CertCreateCertificateContext(X509_ASN_ENCODING, der, (DWORD)len)) ||
		   (named && set_name(fresh, name)) ||
		   !CertAddCertificateContextToStore(s, fresh, CERT_STORE_ADD_NEW, NULL)) {
		r = fail(msg, mn, "cannot add to", folder);
	} else {
		*added = 1;
	}
	if (c)
		CertFreeCertificateContext(c);
	if (fresh)
		CertFreeCertificateContext(fresh);
	CertCloseStore(s, 0);
	return r;
}

static int edit_unname(PCCERT_CONTEXT c, const void *unused)
{
	return CertSetCertificateContextProperty(c, CERT_FRIENDLY_NAME_PROP_ID, 0, NULL) ? 0 : -1;
}

int ws_set_name(int machine, int folder, const unsigned char *der, size_t len,
		const char *name, char *msg, size_t mn)
{
	HCERTSTORE s = open_folder(machine, folder, 1);
	PCCERT_CONTEXT c;
	int r = 0;

	if (!s)
		return fail(msg, mn, "cannot open", folder);
	if (!(c = find(s, der, len)))
		r = 1;
	else if (rewrite(s, c, *name ? edit_name : edit_unname, name))
		r = fail(msg, mn, "cannot set the friendly name in", folder);
	if (c)
		CertFreeCertificateContext(c);
	CertCloseStore(s, 0);
	return r;
}

int ws_remove(int machine, int folder, const unsigned char *der, size_t len,
	      char *msg, size_t mn)
{
	HCERTSTORE s = open_folder(machine, folder, 1);
	PCCERT_CONTEXT c;
	int r = 0;

	if (!s)
		return fail(msg, mn, "cannot open", folder);
	if (!(c = find(s, der, len)))
		r = 1;
	else if (!CertDeleteCertificateFromStore(c)) /* frees c, even on failure */
		r = fail(msg, mn, "cannot delete from", folder);
	CertCloseStore(s, 0);
	return r;
}

int ws_set_disabled(int machine, int folder, const unsigned char *der,
		    size_t len, int disabled, char *msg, size_t mn)
{
	HCERTSTORE s = open_folder(machine, folder, 1);
	PCCERT_CONTEXT c;
	int r = 0;

	if (!s)
		return fail(msg, mn, "cannot open", folder);
	if (!(c = find(s, der, len)))
		r = 1;
	else if (rewrite(s, c, edit_eku, &disabled))
		r = fail(msg, mn, "cannot change the purposes in", folder);
	if (c)
		CertFreeCertificateContext(c);
	CertCloseStore(s, 0);
	return r;
}

static WCHAR *wide(const char *s)
{
	int n = MultiByteToWideChar(CP_UTF8, 0, s, -1, NULL, 0);
	WCHAR *w = n > 0 ? malloc((size_t)n * sizeof(WCHAR)) : NULL;

	if (w)
		MultiByteToWideChar(CP_UTF8, 0, s, -1, w, n);
	return w;
}

/* The certificate's CERT_KEY_PROV_INFO_PROP_ID (malloc'ed), or NULL. */
static CRYPT_KEY_PROV_INFO *prov_info(PCCERT_CONTEXT c)
{
	DWORD n = 0;
	CRYPT_KEY_PROV_INFO *p;

	if (!CertGetCertificateContextProperty(c, CERT_KEY_PROV_INFO_PROP_ID, NULL, &n) ||
	    !(p = malloc(n)))
		return NULL;
	if (CertGetCertificateContextProperty(c, CERT_KEY_PROV_INFO_PROP_ID, p, &n))
		return p;
	free(p);
	return NULL;
}

int ws_export_key(int machine, const unsigned char *der, size_t len,
		  unsigned char **blob, size_t *bloblen, char *msg, size_t mn)
{
	HCERTSTORE my = open_folder(machine, WS_MY, 0);
	PCCERT_CONTEXT c = NULL;
	HCRYPTPROV prov = 0;
	HCRYPTKEY key = 0;
	DWORD spec = 0, n = 0;
	CRYPT_KEY_PROV_INFO *info = NULL;
	const char *step = NULL;

	*blob = NULL;
	if (!my)
		return fail(msg, mn, "cannot open", WS_MY);
	if (!(c = find(my, der, len)))
		step = "not in My";
	else if (!(info = prov_info(c)))
		step = "no private key associated";
	else if (!CryptAcquireContextW(&prov, info->pwszContainerName, info->pwszProvName,
				       info->dwProvType, info->dwFlags & CRYPT_MACHINE_KEYSET) &&
		 /* wine leaves CRYPT_MACHINE_KEYSET out of the property */
		 !CryptAcquireContextW(&prov, info->pwszContainerName, info->pwszProvName,
				       info->dwProvType, machine ? CRYPT_MACHINE_KEYSET : 0))
		step = "its key container does not open";
	else if (!(spec = info->dwKeySpec))
		step = "no CryptoAPI key (CNG keys are not supported)";
	else if (!CryptGetUserKey(prov, spec, &key) && !CryptGetUserKey(prov, AT_KEYEXCHANGE, &key) &&
		 !CryptGetUserKey(prov, AT_SIGNATURE, &key))
		step = "no key in its container";
	else if (!CryptExportKey(key, 0, PRIVATEKEYBLOB, 0, NULL, &n) || !(*blob = malloc(n)) ||
		 !CryptExportKey(key, 0, PRIVATEKEYBLOB, 0, *blob, &n))
		step = "not exportable";
	if (step) {
		snprintf(msg, mn, "its private key cannot be read: %s (error 0x%08lx)", step,
			 (unsigned long)GetLastError());
		free(*blob);
		*blob = NULL;
	} else {
		*bloblen = n;
	}
	if (key)
		CryptDestroyKey(key);
	if (prov)
		CryptReleaseContext(prov, 0);
	free(info);
	if (c)
		CertFreeCertificateContext(c);
	CertCloseStore(my, 0);
	return step ? -1 : 0;
}

static int self_signed(PCCERT_CONTEXT c)
{
	return CertCompareCertificateName(X509_ASN_ENCODING, &c->pCertInfo->Subject,
					  &c->pCertInfo->Issuer) &&
	       CryptVerifyCertificateSignatureEx(0, X509_ASN_ENCODING,
						 CRYPT_VERIFY_CERT_SIGN_SUBJECT_CERT, (void *)c,
						 CRYPT_VERIFY_CERT_SIGN_ISSUER_CERT, (void *)c, 0, NULL);
}

/* basicConstraints CA:TRUE. */
static int is_ca(PCCERT_CONTEXT c)
{
	PCERT_EXTENSION e = CertFindExtension(szOID_BASIC_CONSTRAINTS2, c->pCertInfo->cExtension,
					      c->pCertInfo->rgExtension);
	CERT_BASIC_CONSTRAINTS2_INFO bc;
	DWORD n = sizeof(bc);

	return e && CryptDecodeObjectEx(X509_ASN_ENCODING, X509_BASIC_CONSTRAINTS2,
					e->Value.pbData, e->Value.cbData, 0, NULL, &bc, &n) &&
	       bc.fCA;
}

/* Copies the key link (CERT_KEY_PROV_INFO_PROP_ID) of arg to c. */
static int edit_key(PCCERT_CONTEXT c, const void *from)
{
	CRYPT_KEY_PROV_INFO *p = prov_info(from);
	int r = p && CertSetCertificateContextProperty(c, CERT_KEY_PROV_INFO_PROP_ID, 0, p) ? 0 : -1;

	free(p);
	return r;
}

/* Deletes the key container PFXImportCertStore made for c when the
 * certificate already in My keeps its own key (a new container per import:
 * left, it would be an orphan copy of the private key). Never the
 * container the stored certificate uses. */
static void drop_new_key(PCCERT_CONTEXT c, PCCERT_CONTEXT kept, int machine)
{
	CRYPT_KEY_PROV_INFO *p = prov_info(c), *k = prov_info(kept);
	HCRYPTPROV prov = 0;

	if (p && p->pwszContainerName &&
	    !(k && k->pwszContainerName && !wcscmp(k->pwszContainerName, p->pwszContainerName)))
		CryptAcquireContextW(&prov, p->pwszContainerName, p->pwszProvName, p->dwProvType,
				     CRYPT_DELETEKEYSET | (machine ? CRYPT_MACHINE_KEYSET : 0));
	free(p);
	free(k);
}

/* Adds c (with its properties: the key's provider info) to folder, with
 * the friendly name set before the write, and appends it to done with
 * added = 1. A certificate already there is left as it was (added = 0;
 * done gets the stored one), except that a My certificate without a key
 * gets c's key linked (added = 2). */
static int add_ctx(int machine, int folder, PCCERT_CONTEXT c, const char *name,
		   ws_list_t *done, char *msg, size_t mn)
{
	HCERTSTORE s = open_folder(machine, folder, 1), mem = NULL;
	PCCERT_CONTEXT cp = NULL, old = NULL;
	int r = 0, state = 1, key = folder == WS_MY || folder == WS_WEBHOSTING;
	DWORD n = 0;

	if (!s)
		return fail(msg, mn, "cannot open", folder);
	mem = CertOpenStore(CERT_STORE_PROV_MEMORY, 0, 0, 0, NULL);
	if (!mem || !CertAddCertificateContextToStore(mem, c, CERT_STORE_ADD_ALWAYS, &cp) ||
	    (name && *name && set_name(cp, name)) ||
	    (!key && !CertSetCertificateContextProperty(cp, CERT_KEY_PROV_INFO_PROP_ID, 0, NULL)))
		r = fail(msg, mn, "cannot prepare for", folder);
	else if (!(old = find(s, c->pbCertEncoded, c->cbCertEncoded))) {
		if (!CertAddCertificateContextToStore(s, cp, CERT_STORE_ADD_NEW, NULL))
			r = fail(msg, mn, "cannot add to", folder);
	} else if (key && !CertGetCertificateContextProperty(old, CERT_KEY_PROV_INFO_PROP_ID, NULL, &n)) {
		state = 2;
		if (rewrite(s, old, edit_key, cp))
			r = fail(msg, mn, "cannot link the key in", folder);
	} else {
		state = 0;
		if (key)
			drop_new_key(cp, old, machine);
	}
	if (!r && push(done, old ? old : cp, folder))
		r = (snprintf(msg, mn, "out of memory"), -1);
	if (!r) {
		done->v[done->n - 1].added = state;
		done->v[done->n - 1].has_key = state ? key : done->v[done->n - 1].has_key;
	}
	if (old)
		CertFreeCertificateContext(old);
	if (cp)
		CertFreeCertificateContext(cp);
	if (mem)
		CertCloseStore(mem, 0);
	CertCloseStore(s, 0);
	return r;
}

int ws_import_pfx(int machine, const unsigned char *pfx, size_t len,
		  const char *pass, const char *name, int key_folder, ws_list_t *done,
		  char *msg, size_t mn)
{
	CRYPT_DATA_BLOB b = { (DWORD)len, (BYTE *)pfx };
	WCHAR *wp = wide(pass);
	HCERTSTORE s;
	PCCERT_CONTEXT c = NULL;
	DWORD n = 0;
	int r = 0;

	if (!wp)
		return snprintf(msg, mn, "out of memory"), -1;
	s = PFXImportCertStore(&b, wp, CRYPT_EXPORTABLE |
				       (machine ? CRYPT_MACHINE_KEYSET : CRYPT_USER_KEYSET));
	SecureZeroMemory(wp, wcslen(wp) * sizeof(WCHAR));
	free(wp);
	if (!s) {
		snprintf(msg, mn, "PFXImportCertStore refused it (error 0x%08lx)",
			 (unsigned long)GetLastError());
		return -1;
	}
	while (!r && (c = CertEnumCertificatesInStore(s, c))) {
		/* wine gives every certificate of the PFX the key's provider
		 * info; the key belongs to the end-entity certificate. */
		int key = CertGetCertificateContextProperty(c, CERT_KEY_PROV_INFO_PROP_ID, NULL, &n) &&
			  !is_ca(c);
		int folder = key ? key_folder : self_signed(c) ? WS_ROOT : WS_CA;
		r = add_ctx(machine, folder, c, key ? name : NULL, done, msg, mn);
	}
	if (c)
		CertFreeCertificateContext(c);
	CertCloseStore(s, 0);
	return r;
}
