/* error.c - the one error type, and turning OpenSSL's error queue into it. */
#include "internal.h"

#include <stdio.h>
#include <string.h>

#include <openssl/err.h>

void cc_error_clear(cc_error_t *err)
{
	if (!err)
		return;
	memset(err, 0, sizeof(*err));
	err->depth = -1;
}

const char *cc_strerror(int code)
{
	switch (code) {
	case CC_OK: return "success";
	case CC_EINVAL: return "invalid argument";
	case CC_ENOMEM: return "out of memory";
	case CC_EIO: return "I/O error";
	case CC_EPARSE: return "parse error";
	case CC_ELIMIT: return "limit reached";
	case CC_ENOTFOUND: return "not found";
	case CC_ECRYPTO: return "cryptographic error";
	case CC_EAMBIGUOUS: return "ambiguous";
	case CC_EPASSWORD: return "wrong password";
	default: return "unknown error";
	}
}

char *cc_error_line(const cc_error_t *err, char *buf, size_t n)
{
	if (!err || !err->code)
		snprintf(buf, n, "no error");
	else if (err->where[0])
		snprintf(buf, n, "%s: %s", err->where, err->msg);
	else
		snprintf(buf, n, "%s", err->msg);
	return buf;
}

int cc_err(cc_error_t *err, int code, const char *where, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	err->code = code;
	err->depth = -1;
	snprintf(err->where, sizeof(err->where), "%s", where ? where : "");
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return code;
}

int cc_err_ssl(cc_error_t *err, int code, const char *where, const char *what)
{
	unsigned long e = ERR_peek_last_error();
	char reason[256] = "";

	if (e)
		ERR_error_string_n(e, reason, sizeof(reason));
	ERR_clear_error();
	if (reason[0])
		return cc_err(err, code, where, "%s (%s)", what, reason);
	return cc_err(err, code, where, "%s", what);
}
