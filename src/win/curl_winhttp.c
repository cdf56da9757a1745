/*
 * curl_winhttp.c - the libcurl easy calls of include/curl/curl.h over
 * WinHTTP, for AIA fetches in the Windows build: one GET, no automatic
 * redirects (aia.c follows them itself), bounded time and size.
 */
#include <curl/curl.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>
#include <winhttp.h>

struct cc_win_http {
	char url[2048], ua[128];
	long timeout_ms, connect_ms, code;
	curl_off_t max_size;
	curl_write_callback write;
	void *wdata;
	char *errbuf;
	char ctype[256], location[2048];
};

CURL *curl_easy_init(void)
{
	return calloc(1, sizeof(CURL));
}

void curl_easy_reset(CURL *h)
{
	memset(h, 0, sizeof(*h));
}

void curl_easy_cleanup(CURL *h)
{
	free(h);
}

CURLcode curl_easy_setopt(CURL *h, CURLoption opt, ...)
{
	va_list ap;

	va_start(ap, opt);
	switch (opt) {
	case CURLOPT_URL: snprintf(h->url, sizeof(h->url), "%s", va_arg(ap, char *)); break;
	case CURLOPT_USERAGENT: snprintf(h->ua, sizeof(h->ua), "%s", va_arg(ap, char *)); break;
	case CURLOPT_TIMEOUT_MS: h->timeout_ms = va_arg(ap, long); break;
	case CURLOPT_CONNECTTIMEOUT_MS: h->connect_ms = va_arg(ap, long); break;
	case CURLOPT_MAXFILESIZE_LARGE: h->max_size = va_arg(ap, curl_off_t); break;
	case CURLOPT_WRITEFUNCTION: h->write = va_arg(ap, curl_write_callback); break;
	case CURLOPT_WRITEDATA: h->wdata = va_arg(ap, void *); break;
	case CURLOPT_ERRORBUFFER: h->errbuf = va_arg(ap, char *); break;
	default: break; /* protocols: http/https are all WinHTTP speaks; no signals; Windows roots */
	}
	va_end(ap);
	return CURLE_OK;
}

static CURLcode fail(CURL *h, CURLcode c, const char *what)
{
	DWORD e = GetLastError();

	if (e == ERROR_WINHTTP_TIMEOUT)
		c = CURLE_OPERATION_TIMEDOUT;
	else if (e == ERROR_WINHTTP_NAME_NOT_RESOLVED)
		c = CURLE_COULDNT_RESOLVE_HOST;
	else if (e == ERROR_WINHTTP_UNRECOGNIZED_SCHEME)
		c = CURLE_UNSUPPORTED_PROTOCOL;
	if (h->errbuf)
		snprintf(h->errbuf, CURL_ERROR_SIZE, "%s failed (WinHTTP error %lu)", what,
			 (unsigned long)e);
	return c;
}

static void header(HINTERNET rq, DWORD which, char *out, size_t n)
{
	WCHAR w[2048];
	DWORD len = sizeof(w);

	out[0] = 0;
	if (WinHttpQueryHeaders(rq, which, WINHTTP_HEADER_NAME_BY_INDEX, w, &len,
				WINHTTP_NO_HEADER_INDEX))
		WideCharToMultiByte(CP_UTF8, 0, w, -1, out, (int)n, NULL, NULL);
}

/* Reads the body into the write callback; CURLE_WRITE_ERROR when it refuses. */
static CURLcode body(CURL *h, HINTERNET rq)
{
	char buf[16384];
	DWORD got;
	curl_off_t total = 0;

	for (;;) {
		if (!WinHttpReadData(rq, buf, sizeof(buf), &got))
			return fail(h, CURLE_RECV_ERROR, "reading the answer");
		if (!got)
			return CURLE_OK;
		total += got;
		if (h->max_size && total > h->max_size)
			return CURLE_FILESIZE_EXCEEDED;
		if (h->write(buf, 1, got, h->wdata) != got)
			return CURLE_WRITE_ERROR;
	}
}

static CURLcode request(CURL *h, HINTERNET ses, URL_COMPONENTS *u, WCHAR *host)
{
	HINTERNET con, rq = NULL;
	DWORD code = 0, len = sizeof(code), off = WINHTTP_DISABLE_REDIRECTS;
	CURLcode c;

	if (!(con = WinHttpConnect(ses, host, u->nPort, 0)))
		return fail(h, CURLE_COULDNT_CONNECT, "connecting");
	rq = WinHttpOpenRequest(con, L"GET", u->lpszUrlPath, NULL, WINHTTP_NO_REFERER,
				WINHTTP_DEFAULT_ACCEPT_TYPES,
				u->nScheme == INTERNET_SCHEME_HTTPS ? WINHTTP_FLAG_SECURE : 0);
	if (!rq) {
		c = fail(h, CURLE_COULDNT_CONNECT, "opening the request");
	} else if (!WinHttpSetOption(rq, WINHTTP_OPTION_DISABLE_FEATURE, &off, sizeof(off)) ||
		   !WinHttpSendRequest(rq, WINHTTP_NO_ADDITIONAL_HEADERS, 0,
				       WINHTTP_NO_REQUEST_DATA, 0, 0, 0) ||
		   !WinHttpReceiveResponse(rq, NULL)) {
		c = fail(h, CURLE_COULDNT_CONNECT, "sending the request");
	} else {
		WinHttpQueryHeaders(rq, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER,
				    WINHTTP_HEADER_NAME_BY_INDEX, &code, &len,
				    WINHTTP_NO_HEADER_INDEX);
		h->code = (long)code;
		header(rq, WINHTTP_QUERY_CONTENT_TYPE, h->ctype, sizeof(h->ctype));
		header(rq, WINHTTP_QUERY_LOCATION, h->location, sizeof(h->location));
		c = body(h, rq);
	}
	if (rq)
		WinHttpCloseHandle(rq);
	WinHttpCloseHandle(con);
	return c;
}

CURLcode curl_easy_perform(CURL *h)
{
	WCHAR wurl[2048], host[256];
	URL_COMPONENTS u;
	HINTERNET ses;
	WCHAR wua[128];
	int t;
	CURLcode c;

	h->code = 0;
	h->ctype[0] = h->location[0] = 0;
	if (!MultiByteToWideChar(CP_UTF8, 0, h->url, -1, wurl, 2048) ||
	    !MultiByteToWideChar(CP_UTF8, 0, h->ua[0] ? h->ua : "certchain", -1, wua, 128))
		return CURLE_URL_MALFORMAT;
	memset(&u, 0, sizeof(u));
	u.dwStructSize = sizeof(u);
	u.lpszHostName = host;
	u.dwHostNameLength = 256;
	u.dwUrlPathLength = (DWORD)-1;
	u.dwSchemeLength = (DWORD)-1;
	if (!WinHttpCrackUrl(wurl, 0, 0, &u))
		return fail(h, CURLE_URL_MALFORMAT, "reading the URL");
	if (u.nScheme != INTERNET_SCHEME_HTTP && u.nScheme != INTERNET_SCHEME_HTTPS)
		return CURLE_UNSUPPORTED_PROTOCOL;
	if (!(ses = WinHttpOpen(wua, WINHTTP_ACCESS_TYPE_DEFAULT_PROXY,
				WINHTTP_NO_PROXY_NAME, WINHTTP_NO_PROXY_BYPASS, 0)))
		return fail(h, CURLE_COULDNT_CONNECT, "starting WinHTTP");
	t = h->timeout_ms > 0 ? (int)h->timeout_ms : 30000;
	WinHttpSetTimeouts(ses, t, h->connect_ms > 0 ? (int)h->connect_ms : t, t, t);
	c = request(h, ses, &u, host);
	WinHttpCloseHandle(ses);
	return c;
}

CURLcode curl_easy_getinfo(CURL *h, CURLINFO info, ...)
{
	va_list ap;

	va_start(ap, info);
	if (info == CURLINFO_RESPONSE_CODE)
		*va_arg(ap, long *) = h->code;
	else if (info == CURLINFO_CONTENT_TYPE)
		*va_arg(ap, char **) = h->ctype[0] ? h->ctype : NULL;
	else if (info == CURLINFO_REDIRECT_URL)
		*va_arg(ap, char **) = h->location[0] ? h->location : NULL;
	va_end(ap);
	return CURLE_OK;
}

const char *curl_easy_strerror(CURLcode c)
{
	switch (c) {
	case CURLE_OK: return "no error";
	case CURLE_UNSUPPORTED_PROTOCOL: return "unsupported protocol";
	case CURLE_URL_MALFORMAT: return "malformed URL";
	case CURLE_COULDNT_RESOLVE_HOST: return "could not resolve host name";
	case CURLE_COULDNT_CONNECT: return "could not connect";
	case CURLE_WRITE_ERROR: return "answer refused";
	case CURLE_OPERATION_TIMEDOUT: return "timeout";
	case CURLE_FILESIZE_EXCEEDED: return "answer too large";
	default: return "transfer failed";
	}
}
