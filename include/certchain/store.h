/*
 * certchain/store.h - the persistent certificate store.
 *
 * Part of the public API; include <certchain.h> for all of it. The module
 * headers stack in one order (each includes the one below it), as the
 * library's folders do (src/lib/README.md).
 */
#ifndef CERTCHAIN_STORE_H
#define CERTCHAIN_STORE_H

#include "certchain/trust.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------- store */
/*
 * Section: the certificate store (store.c).
 * (Declarations of this module go below this comment.)
 */

/*
 * A persistent certificate store, like the Windows certificate manager's
 * "Intermediate Certification Authorities", "Trusted Root Certification
 * Authorities" and "Personal" stores. On disk (human-inspectable, OpenSSL
 * native):
 *
 *   DIR/.lock                        writers' advisory lock (flock)
 *   DIR/intermediate/SHA256.pem      one PEM certificate, named by its SHA-256
 *   DIR/root/SHA256.pem              trust anchors
 *   DIR/root/HHHHHHHH.N -> SHA.pem   hashed links of the ENABLED roots, so
 *                                    DIR/root works as `openssl verify -CApath`
 *   DIR/personal/SHA256.pem          certificates that have a private key
 *   DIR/KIND/SHA256.meta             "friendly-name: ..." / "disabled: yes|no"
 *   DIR/keys/SHA256.key              PEM PKCS#8 key, 0600, directory 0700
 *
 * A certificate is in the store exactly when its SHA256.pem exists: an import
 * writes the key, then the metadata, then the certificate (the commit point),
 * each with cc_write_file_atomic(); a removal deletes the certificate first.
 * Readers take no lock and never see a half-written file; stray .meta/.key
 * files without a certificate are ignored and swept by the next import.
 * Writers serialise on DIR/.lock. A certificate lives in one store only.
 * Files in DIR/KIND not named SHA256.pem are ignored (not loaded). Other
 * modules keep their own records under other names (cc_store_write_file()).
 * Code: store.c (layout, lock, reading), store_write.c (import, remove,
 * disable, export), store_links.c (hashed links), key.c (private keys).
 */

/** Which store a certificate is in. */
enum cc_store_kind {
	CC_STORE_AUTO = 0,         /**< import: decide from the certificate */
	CC_STORE_INTERMEDIATE = 1, /**< untrusted CA certificates */
	CC_STORE_ROOT = 2,         /**< trust anchors */
	CC_STORE_PERSONAL = 3      /**< certificates with their private key */
};

/** "intermediate", "root", "personal" ("auto" for 0). Static string. */
const char *cc_store_kind_name(int kind);

/** Parses a kind name; returns the kind or CC_EINVAL. */
int cc_store_kind_parse(const char *s);

/** An open store: a directory plus this process's lock state. */
typedef struct cc_store cc_store_t;

/** Flags for cc_store_key(). */
enum cc_store_flags {
	CC_STORE_INSECURE_KEY_PERMS = 1 << 0 /**< cc_store_key(): accept a
						  group/world-readable key file */
};

/**
 * Writes the default store directory into buf: $CERTCHAIN_STORE, else
 * /var/lib/certchain for root (uid 0), else $HOME/.local/share/certchain.
 * Returns 0, or CC_EINVAL when none can be found or buf is too small.
 */
int cc_store_default_dir(char *buf, size_t n, cc_error_t *err);

/**
 * Opens the store in dir (NULL: cc_store_default_dir()). Nothing is created
 * until the first write, so opening a store that does not exist yet is not an
 * error: it is empty. *out is the caller's: close with cc_store_close().
 */
int cc_store_open(const char *dir, cc_store_t **out, cc_error_t *err);

/** Releases the lock if held and frees the store. Accepts NULL. */
void cc_store_close(cc_store_t *st);

/** The store's directory. Borrowed: valid until cc_store_close(). */
const char *cc_store_dir(const cc_store_t *st);

/** Longest time a writer waits for the lock before giving up (CC_ELIMIT). */
#define CC_STORE_LOCK_TIMEOUT_S 30

/**
 * Takes the store's writer lock (an exclusive flock on DIR/.lock, creating
 * the directory and lock file when needed), waiting at most
 * CC_STORE_LOCK_TIMEOUT_S. Recursive within one cc_store_t: every
 * cc_store_lock() needs one cc_store_unlock(); two cc_store_t of the same
 * directory exclude each other like two processes, so use one per process. Every writing function below
 * takes it itself; hold it yourself to make several changes one step (read,
 * decide, write) against other processes. Readers need not lock. While
 * you hold it, imports, removals and disables of roots defer refreshing the
 * hashed links to your last cc_store_unlock() (call cc_store_rehash() before
 * it to see any error).
 */
int cc_store_lock(cc_store_t *st, cc_error_t *err);

/** Releases one level of the lock. */
void cc_store_unlock(cc_store_t *st);

/**
 * Writes data to the store-relative path rel ("bindings/site.conf")
 * atomically (cc_write_file_atomic) under the writer lock, creating missing
 * parent directories (mode 0700 when mode has no group/other bits, else
 * 0755). rel must be relative, without "." or ".." components, and must not
 * start with one of the store's own directories (intermediate, root,
 * personal, keys). For modules that keep their own records in the store;
 * read them back with cc_store_file_path() and ordinary file reads (a file
 * is always whole: old or new content, never a mix).
 */
int cc_store_write_file(cc_store_t *st, const char *rel, const void *data,
			size_t len, unsigned mode, cc_error_t *err);

/** Removes the store-relative file rel under the lock (same rules as above).
 * A file already absent is not an error. */
int cc_store_remove_file(cc_store_t *st, const char *rel, cc_error_t *err);

/** Writes the absolute path of store-relative rel into buf. Returns 0 or
 * CC_EINVAL (bad rel or too long). */
int cc_store_file_path(const cc_store_t *st, const char *rel, char *buf,
		       size_t n, cc_error_t *err);

/** One certificate of the store. */
typedef struct cc_store_entry {
	cc_cert_t *cert;   /**< owned by the list's pool */
	int kind;          /**< enum cc_store_kind */
	int disabled;      /**< 1: kept but never used in a path */
	int has_key;       /**< 1: DIR/keys/SHA256.key exists */
	char sha256[65];   /**< lower-case hex */
	char name[256];    /**< friendly name, "" when none */
} cc_store_entry_t;

/** Entries plus the pool that owns their certificates. */
typedef struct cc_store_list {
	cc_store_entry_t *v; /**< sorted by kind, then subject CN, then sha256 */
	size_t n;
	size_t cap;
	cc_pool_t *pool;     /**< owns every entry's cert */
} cc_store_list_t;

/** Frees the list, its entries and its pool. Accepts NULL. */
void cc_store_list_free(cc_store_list_t *l);

/**
 * Reads the store's entries of one kind (0 = all kinds) into a new list;
 * *out is the caller's, free with cc_store_list_free(). A missing store is
 * empty. A certificate file whose content does not match its name, or a
 * file that is not one certificate, is CC_EPARSE naming the file.
 */
int cc_store_list(cc_store_t *st, int kind, cc_store_list_t **out,
		  cc_error_t *err);

/**
 * Finds the entries (of kind, 0 = any) selected by sel: a thumbprint prefix
 * (>= 8 hex digits, colons ignored), "CN=name", the whole subject DN, or a
 * friendly name. Returns 0 with exactly one entry in *out; CC_ENOTFOUND when
 * nothing matches; CC_EAMBIGUOUS when several do, with err->msg listing
 * them and *out holding all of them (never a silent pick). *out is set in
 * every case but CC_ENOTFOUND/other errors (then NULL); free it with
 * cc_store_list_free().
 */
int cc_store_select(cc_store_t *st, const char *sel, int kind,
		    cc_store_list_t **out, cc_error_t *err);

/** What cc_store_import() did with one certificate. */
typedef struct cc_store_imported {
	char sha256[65];
	int kind;    /**< where the certificate is (now or already) */
	int added;   /**< 1: newly written; 0: it was already there (a no-op) */
} cc_store_imported_t;

/**
 * Imports one certificate (DER, copied) with an optional private key
 * (borrowed; must match the certificate, else CC_EINVAL "key does not match")
 * and friendly name (may be NULL; one line, at most 255 bytes). kind
 * CC_STORE_AUTO decides: with a key -> personal; self-signed CA -> root;
 * other CA -> intermediate; an end-entity certificate without a key is
 * CC_EINVAL. CC_STORE_PERSONAL needs a key. A certificate already in the
 * store is left as it is (res->added = 0), unless it is asked into another
 * store, which is CC_EINVAL (remove it first). Root changes refresh the
 * hashed links. res may be NULL.
 */
int cc_store_import(cc_store_t *st, const unsigned char *der, size_t len,
		    EVP_PKEY *key, const char *name, int kind,
		    cc_store_imported_t *res, cc_error_t *err);

/**
 * The import rules alone, without writing: which store cc_store_import()
 * would put c in for this key (may be NULL; not checked against c here) and
 * requested kind. Returns the kind (> 0) or CC_EINVAL with the reason. Use it
 * to check a whole bundle before importing any of it.
 */
int cc_store_decide_kind(cc_cert_t *c, const EVP_PKEY *key, int kind, cc_error_t *err);

/** Removes the certificate with this SHA-256 (hex) and its key and metadata.
 * CC_ENOTFOUND when it is not in the store. */
int cc_store_remove(cc_store_t *st, const char *sha256, cc_error_t *err);

/** Sets or clears the disabled flag. CC_ENOTFOUND when absent. */
int cc_store_set_disabled(cc_store_t *st, const char *sha256, int disabled,
			  cc_error_t *err);

/** Recomputes DIR/root's hashed links (HHHHHHHH.N, OpenSSL's subject hash)
 * for the enabled roots and removes stale ones. Writers do this themselves;
 * useful after editing the directory by hand. */
int cc_store_rehash(cc_store_t *st, cc_error_t *err);

/** Export formats. */
enum cc_store_format { CC_STORE_PEM = 0, CC_STORE_DER = 1 };

/** Writes the entry's certificate (never its key) to path atomically, mode
 * 0644, as PEM or DER. */
int cc_store_export(const cc_store_entry_t *e, const char *path, int format,
		    cc_error_t *err);

/**
 * Adds the store's ENABLED intermediates to inter, its ENABLED roots to
 * roots and every DISABLED certificate (any kind) to disabled; any pool may
 * be NULL. The certificates are copied into those pools (owned by them).
 * Callers drop certificates found in 'disabled' from what they got elsewhere
 * (system roots, -I files), so a disabled root never anchors a path and a
 * disabled intermediate never appears in one.
 */
int cc_store_load_pools(cc_store_t *st, cc_pool_t *inter, cc_pool_t *roots,
			cc_pool_t *disabled, cc_error_t *err);

/**
 * Reads the private key of a personal entry (e from this store). The key
 * file must not be group/world-accessible unless flags has
 * CC_STORE_INSECURE_KEY_PERMS (else CC_EINVAL naming the file and its mode).
 * CC_ENOTFOUND when the entry has no key. *out is the caller's: free with
 * EVP_PKEY_free(). The key material is never put in err.
 */
int cc_store_key(cc_store_t *st, const cc_store_entry_t *e, unsigned flags,
		 EVP_PKEY **out, cc_error_t *err);

/**
 * Reads a private key file (PEM: PKCS#8, traditional RSA/EC; or DER), not
 * encrypted. *out is the caller's (EVP_PKEY_free). CC_EPARSE naming the file
 * when it holds no usable key or an encrypted one. Checks no permissions.
 */
int cc_key_load(const char *path, EVP_PKEY **out, cc_error_t *err);

/** 1 if key is the private key of certificate c, else 0. */
int cc_key_matches(cc_cert_t *c, EVP_PKEY *key);

#ifdef __cplusplus
}
#endif
#endif /* CERTCHAIN_STORE_H */
