/*
 * certchain/output.h - output buffers, text and JSON rendering, files.
 *
 * Part of the public API; include <certchain.h> for all of it. The module
 * headers stack in one order (each includes the one below it), as the
 * library's folders do (src/lib/README.md).
 */
#ifndef CERTCHAIN_OUTPUT_H
#define CERTCHAIN_OUTPUT_H

#include "certchain/analyze.h"

#include <jansson.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ output */

/** A growable string buffer for reports. */
typedef struct cc_buf {
	char *s;   /**< NUL-terminated text */
	size_t n;  /**< length without the NUL */
	size_t cap;
	int oom;   /**< set when an append failed; text is then truncated */
} cc_buf_t;

/** Appends printf-style text. */
void cc_buf_printf(cc_buf_t *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/**
 * A JSON string holding s (NULL is ""): s as it is when it is UTF-8, else
 * with each invalid byte replaced by U+FFFD, so any name read from a
 * certificate can be emitted. A new reference, NULL only when out of memory.
 */
json_t *cc_json_str(const char *s);

/**
 * Appends j serialized the one way every --json output is: compact (no
 * spaces), object keys in insertion order, reals with up to 10 significant
 * digits. j is not consumed; a NULL j (a failed allocation) sets b->oom.
 */
void cc_buf_json(cc_buf_t *b, const json_t *j);

/** Frees the text and zeroes the buffer. */
void cc_buf_clear(cc_buf_t *b);

/**
 * One certificate as a new JSON object: subject, issuer, subject_cn,
 * issuer_cn, sha256, not_before, not_after (RFC 3339 UTC), key, sig_alg,
 * self_signed, ca, in that order. A new reference, NULL only when out of memory.
 */
json_t *cc_cert_json(cc_cert_t *c);

/** Formats t as RFC 3339 UTC ("2027-01-31T23:59:59Z") into out. Returns out. */
char *cc_time_str(time_t t, char out[32]);

/**
 * Parses an RFC 3339 time ("2026-01-02T03:04:05Z", "+hh:mm" offsets, a bare
 * date "2026-01-02") or "@UNIXSECONDS". Returns 0 and sets *out, or CC_EINVAL.
 */
int cc_time_parse(const char *s, time_t *out);

/* ------------------------------------------------------------------- files */

/**
 * Writes data to path atomically: a temporary file in the same directory
 * created with mode, written, fsync'd, renamed over path, then the directory
 * fsync'd. On any failure the temporary file is removed and path is left as
 * it was. Returns 0 or CC_EIO with err naming path and the cause.
 */
int cc_write_file_atomic(const char *path, const void *data, size_t len,
			 unsigned mode, cc_error_t *err);

/**
 * Writes the path of a name in directory dir into out (n bytes): dir
 * without its trailing separators, one '/', then fmt formatted as printf
 * does ("dir/" and "dir" give the same path; "/" gives "/name"). Returns
 * what snprintf returns: the length of the whole path (out holds it when
 * below n; the caller checks), or -1 on an encoding error.
 */
int cc_path_fmt(char *out, size_t n, const char *dir, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/**
 * Removes the temporary files cc_write_file_atomic() leaves behind when its
 * process is killed (NAME.tmp.PID, PID in decimal) from directory dir, but
 * only those whose process no longer exists: a live writer's file stays.
 * When base is not NULL, only the files of NAME == base. Meant for a caller
 * holding the lock that every writer of dir takes (the store's, which
 * deployment also holds). Best effort: returns how many were removed, never
 * an error (a missing dir is 0).
 */
int cc_tmp_sweep(const char *dir, const char *base);

#ifdef __cplusplus
}
#endif
#endif /* CERTCHAIN_OUTPUT_H */
