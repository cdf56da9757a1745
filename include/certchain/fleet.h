/*
 * certchain/fleet.h - fleet scans: records, summaries, the HTML report.
 *
 * Part of the public API; include <certchain.h> for all of it. The module
 * headers stack in one order (each includes the one below it), as the
 * library's folders do (src/lib/README.md).
 */
#ifndef CERTCHAIN_FLEET_H
#define CERTCHAIN_FLEET_H

#include "certchain/deploy.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------- fleet */
/*
 * Section: fleet scans (fleet.c, fleet_summary.c, fleet_html.c). check -f
 * writes one JSON object per target and line (JSONL); the summary and the
 * HTML page are built from those records, during the scan or later from
 * saved files (certchain report), so both give the same result.
 */

/* Longest chain, findings and texts kept from one record: a served chain
 * of more than 16 certificates or more than 32 findings is already broken,
 * and the rest is counted, not kept. */
#define CC_FLEET_MAX_CHAIN 16
#define CC_FLEET_MAX_FINDINGS 32

/** One certificate of a record's chain. */
typedef struct cc_fleet_cert {
	char *cn;        /**< subject CN (or DN), whole; owned by the record */
	char *issuer_cn; /**< issuer CN (or DN), whole; owned by the record */
	char sha256[65]; /**< lower-case hex (a longer value is not a fingerprint
			      and never matches one) */
	int self_signed, ca;
	int cross_sign; /**< its subject and key also have a self-signed root */
} cc_fleet_cert_t;

/** One finding of a record. */
typedef struct cc_fleet_finding {
	char id[48], severity[8]; /**< codes ("chain-incomplete", "error") */
	char *msg;                /**< the message, whole; owned by the record */
} cc_fleet_finding_t;

/**
 * One target's result, as parsed from its JSONL line. The text fields
 * (target, reason, each finding's msg, each certificate's cn and issuer_cn)
 * are whole, however long, never NULL after a successful parse, and owned
 * by the record: cc_fleet_rec_clear() frees them.
 */
typedef struct cc_fleet_rec {
	long line;         /**< the target's line in the list; 0 when unknown */
	char *target;      /**< the target as given */
	char verdict[16];  /**< ok, warnings, problems, connect-failed, bad-target */
	int exit;          /**< the target's exit code */
	char failure[32];  /**< connect-failed: refused, timeout, resolve... */
	char *reason;      /**< connect-failed: the cause, in words */
	size_t nfind;      /**< findings kept (at most CC_FLEET_MAX_FINDINGS) */
	cc_fleet_finding_t find[CC_FLEET_MAX_FINDINGS];
	size_t nserved;    /**< the served chain, as sent */
	cc_fleet_cert_t served[CC_FLEET_MAX_CHAIN];
	int has_fix;       /**< a chain to serve was found */
	int fix_changed;   /**< ... and it differs from the served one */
	size_t nfix;       /**< the chain to serve, leaf first, without anchor */
	cc_fleet_cert_t fix[CC_FLEET_MAX_CHAIN];
	size_t trusted_by, profiles; /**< profiles trusting the served chain */
} cc_fleet_rec_t;

/**
 * Parses one JSONL line of check -f --json into *r (jansson). *r must be
 * zeroed ({0}, calloc) or hold an earlier parse: it is cleared first, so one
 * record is reused line after line. Returns 0, CC_ENOMEM, or CC_EINVAL (err
 * names the line) for a line that is not such a record (truncated by an
 * interrupted scan, or another file); on error *r is left cleared.
 */
int cc_fleet_rec_parse(const char *json, size_t len, cc_fleet_rec_t *r,
		       cc_error_t *err);

/**
 * cc_fleet_rec_parse() for a record already parsed (o, not consumed): for a
 * caller that keeps the JSON value too. Same *r contract and returns.
 */
int cc_fleet_rec_from_json(json_t *o, cc_fleet_rec_t *r, cc_error_t *err);

/** Frees r's strings and zeroes *r (reusable; r may be NULL). */
void cc_fleet_rec_clear(cc_fleet_rec_t *r);

/**
 * The shard (0..n-1) of a target: the first 8 bytes of the SHA-256 of the
 * target as given, modulo n. Stable across machines, runs and versions, so
 * N machines split one list without talking to each other.
 */
unsigned cc_fleet_shard(const char *target, unsigned n);

/**
 * Marks the CA certificates of r's served chain and chain to serve that are
 * cross-signs (cc_cert_is_cross_sign, the judgement's own test: a
 * self-signed certificate of profs' pool or of pool, the target's
 * certificates, has the same subject and key). profs and pool are
 * borrowed, both required. 0 or CC_ENOMEM.
 */
int cc_fleet_rec_mark_cross_signs(cc_fleet_rec_t *r, cc_profiles_t *profs,
				  cc_pool_t *pool);

/* Longest line read back from a JSONL file: a record with 16 certificates
 * and the verdicts of every built-in profile is ~100 KB; a longer line is
 * not a record, and reading it whole would let one line fill memory. */
#define CC_FLEET_MAX_LINE (1024 * 1024)

/** What cc_fleet_read() saw in a file. */
typedef struct cc_fleet_read_stats {
	size_t lines;         /**< lines read, blank ones included */
	size_t records;       /**< lines that are records */
	size_t skipped;       /**< non-blank lines that are not (cut short, other text) */
	size_t first_skipped; /**< the line number of the first of those, 0 if none */
	int unterminated;     /**< the file ends without a newline (an interrupted write) */
} cc_fleet_read_stats_t;

/** Called with each record (borrowed, valid during the call); a non-zero
 * return (a CC_E* code) stops the reading and is returned. */
typedef int (*cc_fleet_read_fn)(void *ctx, const cc_fleet_rec_t *r);

/**
 * Reads the JSONL records of path ("-": stdin), the output of check -f
 * --json, calling fn for each; the one reader of certchain report and
 * check -f --resume. Lines that are not records are counted in *st, not
 * errors. Memory: one line (at most CC_FLEET_MAX_LINE) and one record.
 * 0, CC_EIO (err names path), or what fn returned.
 */
int cc_fleet_read(const char *path, cc_fleet_read_fn fn, void *ctx,
		  cc_fleet_read_stats_t *st, cc_error_t *err);

/** Targets answered in earlier JSONL output (check -f --resume). */
typedef struct cc_fleet_done cc_fleet_done_t;

/**
 * Reads the records of path with cc_fleet_read() into a new set; lines that
 * are not records (a line cut short by an interruption) and records without
 * a line number are counted in st->skipped and ignored. *out is the
 * caller's (cc_fleet_done_free). Holds 8 bytes per record. 0, CC_EIO or
 * CC_ENOMEM.
 */
int cc_fleet_done_load(const char *path, cc_fleet_done_t **out,
		       cc_fleet_read_stats_t *st, cc_error_t *err);
/** 1 when the target of line number line (as given) was answered. */
int cc_fleet_done_has(const cc_fleet_done_t *d, long line, const char *target);
/** Records in the set. */
size_t cc_fleet_done_count(const cc_fleet_done_t *d);
void cc_fleet_done_free(cc_fleet_done_t *d);

/*
 * The closing summary: targets by verdict, targets per finding id, the CA
 * certificates most targets serve or should serve. Memory is bounded by the
 * number of distinct finding ids and CA certificates (leaves are not
 * counted), never by the number of targets.
 */
typedef struct cc_fleet_summary cc_fleet_summary_t;

/** A new, empty summary (caller frees), or NULL when out of memory. */
cc_fleet_summary_t *cc_fleet_summary_new(void);
/** Counts one record. 0 or CC_ENOMEM. */
int cc_fleet_summary_add(cc_fleet_summary_t *s, const cc_fleet_rec_t *r);
/** Targets counted. */
size_t cc_fleet_summary_count(const cc_fleet_summary_t *s);
/** The summary for people (a few lines, top certificates first). */
void cc_fleet_summary_text(const cc_fleet_summary_t *s, cc_buf_t *b);
/** The summary as one JSON object {"summary":true,"targets":N,
 * "verdicts":{...},"failures":{...},"findings":{...},"certificates":[...]}
 * (serialize it with cc_buf_json()). A new reference, NULL only when out of
 * memory. */
json_t *cc_fleet_summary_json(const cc_fleet_summary_t *s);
void cc_fleet_summary_free(cc_fleet_summary_t *s);

/*
 * The HTML report: one self-contained page (inline style and script, no
 * external resource) with a row per target (verdict, findings, the served
 * chain and the chain to serve as small diagrams, cross-signs marked),
 * filterable by finding id. Rows are streamed to a temporary file next to
 * path; cc_fleet_html_close() adds the summary and renames it over path.
 */
typedef struct cc_fleet_html cc_fleet_html_t;

/** Starts the page at path (0644). *out is the caller's. 0 or CC_EIO. */
int cc_fleet_html_open(const char *path, const char *title,
		       cc_fleet_html_t **out, cc_error_t *err);
/** Appends one target's row. 0 or CC_EIO. */
int cc_fleet_html_add(cc_fleet_html_t *h, const cc_fleet_rec_t *r, cc_error_t *err);
/**
 * Writes the summary and the finding-id filter, fsyncs and renames the page
 * into place, and frees h (also on failure: then nothing is left at path's
 * temporary name and path is untouched). 0 or CC_EIO.
 */
int cc_fleet_html_close(cc_fleet_html_t *h, const cc_fleet_summary_t *s,
			cc_error_t *err);
/** Abandons the page (the temporary file is removed). Accepts NULL. */
void cc_fleet_html_abort(cc_fleet_html_t *h);

#ifdef __cplusplus
}
#endif
#endif /* CERTCHAIN_FLEET_H */
