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

enum { WS_ROOT = 0, WS_CA = 1, WS_MY = 2, WS_NFOLDERS = 3 };

/* "Root", "CA", "My". */
const char *ws_folder_name(int folder);
/* "root"/"Root", "ca"/"CA"/"intermediate", "my"/"My"/"personal" -> WS_*; -1 otherwise. */
int ws_folder_parse(const char *s);

/* One certificate of a folder. */
typedef struct ws_entry {
	unsigned char *der; /* owned by the list */
	size_t len;
	int folder;
	int disabled;   /* an enhanced-key-usage property without server auth
			   (empty = "Disable all purposes") */
	int has_key;    /* a private key is associated (CERT_KEY_PROV_INFO_PROP_ID) */
	char name[256]; /* CERT_FRIENDLY_NAME_PROP_ID as UTF-8, "" when none */
} ws_entry_t;

typedef struct ws_list {
	ws_entry_t *v;
	size_t n, cap;
} ws_list_t;

/* Appends the certificates of folder (machine: 1 local machine, 0 current
 * user) to l. 0, or -1 with msg filled. */
int ws_read(int machine, int folder, ws_list_t *l, char *msg, size_t mn);
/* Frees the entries (l itself is the caller's). */
void ws_list_free(ws_list_t *l);

/* Adds der to folder with a friendly name (may be NULL or ""); *added = 0
 * when it was already there (then only the name is set, when given). */
int ws_add(int machine, int folder, const unsigned char *der, size_t len,
	   const char *name, int *added, char *msg, size_t mn);
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

/* Imports a PFX: each certificate with a key into My (friendly name: name,
 * else none), self-signed CA certificates into Root, other certificates
 * into CA. The key is stored exportable, for 'store --system export'. */
int ws_import_pfx(int machine, const unsigned char *pfx, size_t len,
		  const char *pass, const char *name, ws_list_t *done,
		  char *msg, size_t mn);

#endif
