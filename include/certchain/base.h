/*
 * certchain/base.h - errors: the one error type every fallible function fills, and the version.
 *
 * Part of the public API; include <certchain.h> for all of it. The module
 * headers stack in one order (each includes the one below it), as the
 * library's folders do (src/lib/README.md).
 */
#ifndef CERTCHAIN_BASE_H
#define CERTCHAIN_BASE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <openssl/x509.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CERTCHAIN_VERSION "0.1.0"

/* ------------------------------------------------------------------ errors */

/** Error codes. 0 is success; every failure is negative. */
enum cc_code {
	CC_OK = 0,
	CC_EINVAL = -1,    /**< a bad argument or option value */
	CC_ENOMEM = -2,    /**< out of memory */
	CC_EIO = -3,       /**< a file could not be read or written */
	CC_EPARSE = -4,    /**< input is not a certificate / is corrupt */
	CC_ELIMIT = -5,    /**< a safety limit was reached (size, count, work) */
	CC_ENOTFOUND = -6, /**< nothing matched */
	CC_ECRYPTO = -7,   /**< OpenSSL failed */
	CC_EAMBIGUOUS = -8 /**< a selector matched several objects */
};

/** Where an error happened and why. Filled by the library; plain data. */
typedef struct cc_error {
	int code;       /**< a CC_E* code, 0 if no error */
	char where[512]; /**< file, host or object the error is about ("" if none) */
	char msg[512];  /**< one line, no trailing newline */
	int depth;      /**< chain depth the error is about, -1 if none */
} cc_error_t;

/** Resets *err to "no error". Accepts NULL. */
void cc_error_clear(cc_error_t *err);

/** Returns a static, human name of a CC_E* code ("parse error"). */
const char *cc_strerror(int code);

/**
 * Writes "WHERE: MSG" (or just MSG when WHERE is empty) into buf, truncating
 * to n bytes. Returns buf.
 */
char *cc_error_line(const cc_error_t *err, char *buf, size_t n);

#ifdef __cplusplus
}
#endif
#endif /* CERTCHAIN_BASE_H */
