/*
 * certchain/pkcs12.h - PFX / PKCS#12 reading and writing, what a file holds.
 *
 * Part of the public API; include <certchain.h> for all of it. The module
 * headers stack in one order (each includes the one below it), as the
 * library's folders do (src/lib/README.md).
 */
#ifndef CERTCHAIN_PKCS12_H
#define CERTCHAIN_PKCS12_H

#include "certchain/store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------ pkcs12 */
/*
 * Section: PKCS#12 / PFX export and import (pkcs12.c).
 * (Declarations of this module go below this comment.)
 */

/** A wrong PFX password (or a PFX whose MAC/encryption does not open). */
#define CC_EPASSWORD (-20)

/**
 * Chooses the chain to ship with leaf, as 'certchain build' does: builds
 * every path from leaf through untrusted to anchors (NULL: the profiles'
 * pool), then, with profs, ranks them by ubiquity (cc_ubiquity_rank: the
 * served chain the largest weighted share of profiles trusts) and takes the
 * best row's served chain when some profile trusts it; without profs, ranks
 * the paths (cc_paths_rank, no trust hook) and takes the best valid path
 * without its anchor (a self-signed leaf alone). Appends that chain to out,
 * leaf first; its certificates belong to untrusted (or to anchors). Returns
 * 0, CC_ENOTFOUND (err says why the closest path fails) when nothing is
 * trusted, or another negative code.
 */
int cc_chain_choose(const cc_build_opts_t *opts, cc_cert_t *leaf,
		    cc_pool_t *untrusted, cc_pool_t *anchors, cc_profiles_t *profs,
		    cc_certlist_t *out, cc_error_t *err);

/**
 * cc_chain_choose(), and with profs, when the chosen chain leaves out a
 * cross-signed twin of one of its certificates, appends cc_twin_note()'s
 * line to note (from the same build and ranking; nothing when there is no
 * twin or no profs). note may be NULL. export and bind print it.
 */
int cc_chain_choose_noted(const cc_build_opts_t *opts, cc_cert_t *leaf,
			  cc_pool_t *untrusted, cc_pool_t *anchors,
			  cc_profiles_t *profs, cc_certlist_t *out, cc_buf_t *note,
			  cc_error_t *err);

/** Writes "RSA 2048", "EC P-256", "Ed25519", ... for a key into buf. Returns buf. */
char *cc_key_desc(const EVP_PKEY *k, char *buf, size_t n);

/**
 * Appends k as an unencrypted PKCS#8 PEM block to b: the one call of this
 * module that exposes key material, for files written 0600. Returns 0 or
 * CC_ECRYPTO / CC_ENOMEM.
 */
int cc_key_pem(EVP_PKEY *k, cc_buf_t *b, cc_error_t *err);

/** Encryption profile of a written PFX. */
enum cc_pfx_compat {
	/** AES-256-CBC under PBES2/PBKDF2-HMAC-SHA256, HMAC-SHA256 MAC. */
	CC_PFX_MODERN = 0,
	/** pbeWithSHA1And3-KeyTripleDES-CBC for keys and certificates and a
	 * SHA-1 MAC: what Windows Server 2016 and older and old Java read. */
	CC_PFX_LEGACY = 1
};

/**
 * PBKDF/MAC iterations of a written PFX: OpenSSL's and Windows' default;
 * legacy readers (Windows <= 2016) reject nothing at this count and each
 * open stays well under 10 ms.
 */
#define CC_PFX_DEFAULT_ITER 2048
/** Largest iteration count we write or accept to read: bounds the work a
 * hostile file can demand (a count of 2^31 would take hours). */
#define CC_PFX_MAX_ITER 10000000

/** Options for cc_pfx_write(). Zero fields take the defaults. */
typedef struct cc_pfx_opts {
	int compat;           /**< enum cc_pfx_compat */
	int no_encrypt_certs; /**< 1: certificates in a plain bag ("privacy" off) */
	int iter;             /**< 0 = CC_PFX_DEFAULT_ITER */
	const char *name;     /**< friendly name on the leaf and key bags, or NULL */
} cc_pfx_opts_t;

/**
 * Writes a PFX holding key, leaf and chain (nchain certificates, in that
 * order, anchor normally absent) protected by pass (UTF-8). The friendly name
 * goes on the leaf and key bags only, and a localKeyID (SHA-1 of the leaf)
 * links them. The key must be the leaf's (else CC_EINVAL, "does not match").
 * *out (DER, *outlen bytes) is the caller's: free with OPENSSL_free().
 */
int cc_pfx_write(const cc_pfx_opts_t *o, const char *pass, EVP_PKEY *key,
		 cc_cert_t *leaf, cc_cert_t *const *chain, size_t nchain,
		 unsigned char **out, size_t *outlen, cc_error_t *err);

/** One bag of a PFX, in file order. */
typedef struct cc_pfx_bag {
	cc_cert_t *cert;        /**< a certificate bag: owned by the PFX's pool */
	EVP_PKEY *key;          /**< a key bag: owned by the PFX */
	char *name;             /**< friendly name (UTF-8, control bytes '?'), or NULL */
	unsigned char kid[64];  /**< localKeyID bytes */
	size_t kidlen;          /**< 0 when absent */
	char enc[192];          /**< how the bag was encrypted, "" if not */
} cc_pfx_bag_t;

/** What a PFX holds. */
typedef struct cc_pfx {
	cc_pool_t *pool;     /**< the certificates (owned) */
	cc_pfx_bag_t *bags;  /**< certificate and key bags in file order */
	size_t n;
	int has_mac;         /**< 0 when the file has no integrity MAC */
	char mac[64];        /**< MAC digest ("SHA256") */
	long mac_iter;       /**< MAC iterations */
	int is_pfx;          /**< 1 for a PFX; 0 for cc_contents_read() of PEM/DER/P7B */
	int encrypted_keys;  /**< encrypted PEM/DER keys seen and not opened */
} cc_pfx_t;

/**
 * Reads a PFX (DER; name is used in messages) with pass, modern and legacy
 * alike (RC2-40 needs OpenSSL's legacy provider, loaded into a private
 * library context for the call). A wrong password gives CC_EPASSWORD and
 * "wrong password for NAME". *out is the caller's: free with cc_pfx_free().
 */
int cc_pfx_read(const unsigned char *der, size_t len, const char *name,
		const char *pass, cc_pfx_t **out, cc_error_t *err);

/** 1 if buf looks like a PFX (a DER PKCS12 structure), else 0. */
int cc_pfx_sniff(const unsigned char *buf, size_t len);

/** Frees a PFX read by cc_pfx_read(), its keys and certificates. Accepts NULL. */
void cc_pfx_free(cc_pfx_t *p);

/**
 * What any certificate/key file holds, as a cc_pfx_t: a PFX is read with
 * pass (cc_pfx_read()); a PEM bundle, DER certificate or key, or PKCS#7 file
 * gives its certificates in file order, then its unencrypted keys, with no
 * names (pass unused). A file with neither certificate nor key is an error.
 * *out is the caller's: free with cc_pfx_free().
 */
int cc_contents_read(const unsigned char *buf, size_t len, const char *name,
		     const char *pass, cc_pfx_t **out, cc_error_t *err);

/**
 * Reads a whole regular file (at most 64 MiB). *out (NUL-terminated, *len
 * bytes) is the caller's: free with cc_file_free(), which cleanses it first
 * since such files may hold keys.
 */
int cc_file_read(const char *path, unsigned char **out, size_t *len,
		 cc_error_t *err);

/** Cleanses and frees a buffer from cc_file_read(). Accepts NULL. */
void cc_file_free(unsigned char *buf, size_t len);

#ifdef __cplusplus
}
#endif
#endif /* CERTCHAIN_PKCS12_H */
