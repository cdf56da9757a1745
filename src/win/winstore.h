/*
 * winstore.h - the Windows certificate stores (crypt32), Windows build only.
 *
 * The three folders certlm.msc shows: Trusted Root Certification
 * Authorities ("Root"), Intermediate Certification Authorities ("CA") and
 * Personal ("My"), of the local machine or the current user. Reads go
 * through the system store (what the chain engine and SChannel see);
 * every change goes through the physical registry store
 * (CERT_STORE_PROV_SYSTEM_REGISTRY_W), which persists on Windows and wine
 * alike. This header carries no wincrypt or OpenSSL types: certificates
 * are DER bytes, errors a message buffer.
 */
#ifndef CC_WIN_WINSTORE_H
#define CC_WIN_WINSTORE_H

#include <stddef.h>

/* WebHosting: IIS's store for site certificates (Windows Server 2012 on),
 * read and written only when asked for by name (--folder, --store-name). */
enum { WS_ROOT = 0, WS_CA = 1, WS_MY = 2, WS_WEBHOSTING = 3, WS_NFOLDERS = 4 };

/* "Root", "CA", "My", "WebHosting". */
const char *ws_folder_name(int folder);
/* "root"/"Root", "ca"/"CA"/"intermediate", "my"/"My"/"personal",
 * "webhosting" -> WS_*; -1 otherwise. */
int ws_folder_parse(const char *s);

/* One certificate of a folder. */
typedef struct ws_entry {
	unsigned char *der; /* owned by the list */
	size_t len;
	int folder;
	int disabled;   /* an enhanced-key-usage property without server auth
			   (empty = "Disable all purposes") */
	int has_key;    /* a private key is associated (CERT_KEY_PROV_INFO_PROP_ID) */
	int added;      /* ws_import_pfx: 1 added now, 0 already there (left as it
			   was, every property kept), 2 already there without a
			   key, which the PFX's key was linked to */
	char name[256]; /* CERT_FRIENDLY_NAME_PROP_ID as UTF-8, "" when none */
} ws_entry_t;

typedef struct ws_list {
	ws_entry_t *v;
	size_t n, cap;
} ws_list_t;

/* Appends the certificates of folder (machine: 1 local machine, 0 current
 * user) to l. The user's folders are read without the machine's
 * certificates Windows shows in them too (the logical user store includes
 * the machine's): only what the user's own registry store holds. 0, or -1
 * with msg filled. */
int ws_read(int machine, int folder, ws_list_t *l, char *msg, size_t mn);
/* Frees the entries (l itself is the caller's). */
void ws_list_free(ws_list_t *l);

/* Adds der to folder with a friendly name (may be NULL or ""); *added = 0
 * when it was already there: then it is left exactly as it was (disabled
 * purposes, friendly name, key link: what the admin set stays), and
 * have_name (when not NULL, hn bytes) gets its friendly name. */
int ws_add(int machine, int folder, const unsigned char *der, size_t len,
	   const char *name, int *added, char *have_name, size_t hn, char *msg, size_t mn);
/* Sets the friendly name of the certificate equal to der in folder (the
 * explicit rename; "" removes the name). 1 when it is not in folder. */
int ws_set_name(int machine, int folder, const unsigned char *der, size_t len,
		const char *name, char *msg, size_t mn);
/* Deletes the certificate equal to der from folder; 1 when it was not there. */
int ws_remove(int machine, int folder, const unsigned char *der, size_t len,
	      char *msg, size_t mn);
/* disabled: sets an empty enhanced-key-usage property ("Disable all
 * purposes"); 0: removes the property (all purposes enabled). 1 when the
 * certificate is not in folder. */
int ws_set_disabled(int machine, int folder, const unsigned char *der,
		    size_t len, int disabled, char *msg, size_t mn);
/* The private key of the My certificate equal to der, exported through
 * CryptoAPI as a PRIVATEKEYBLOB (*blob malloc'ed; the caller cleanses and
 * frees it). -1 with msg when there is none, it is a CNG-only key, or it
 * was imported as not exportable. */
int ws_export_key(int machine, const unsigned char *der, size_t len,
		  unsigned char **blob, size_t *bloblen, char *msg, size_t mn);

/* Imports a PFX: each certificate with a key into key_folder (My or
 * WebHosting; friendly name: name,
 * else none), self-signed CA certificates into Root, other certificates
 * into CA. The key is stored exportable, for 'store --system export'.
 * A certificate already in its folder is left as it was (see ws_add; a My
 * certificate without a key gets the PFX's key linked, nothing else);
 * done gets each certificate as it now is, with ws_entry_t.added. */
int ws_import_pfx(int machine, const unsigned char *pfx, size_t len,
		  const char *pass, const char *name, int key_folder, ws_list_t *done,
		  char *msg, size_t mn);

#endif
