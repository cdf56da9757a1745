/*
 * curl/curl.h for the Windows build: the handful of libcurl easy-interface
 * calls aia.c makes, carried out by WinHTTP (curl_winhttp.c). Debian has no
 * mingw libcurl; WinHTTP ships with every Windows, follows the system's
 * proxy settings and checks HTTPS against the Windows root store (CAINFO /
 * CAPATH are therefore ignored). Only what aia.c uses is declared.
 */
#ifndef CC_WIN_CURL_H
#define CC_WIN_CURL_H

#include <stddef.h>

typedef struct cc_win_http CURL;
typedef long long curl_off_t;
typedef size_t (*curl_write_callback)(char *, size_t, size_t, void *);

typedef enum {
	CURLE_OK = 0,
	CURLE_UNSUPPORTED_PROTOCOL = 1,
	CURLE_URL_MALFORMAT = 3,
	CURLE_COULDNT_RESOLVE_HOST = 6,
	CURLE_COULDNT_CONNECT = 7,
	CURLE_WRITE_ERROR = 23,
	CURLE_OUT_OF_MEMORY = 27,
	CURLE_OPERATION_TIMEDOUT = 28,
	CURLE_SSL_CONNECT_ERROR = 35,
	CURLE_RECV_ERROR = 56,
	CURLE_FILESIZE_EXCEEDED = 63
} CURLcode;

typedef enum {
	CURLOPT_URL = 1,
	CURLOPT_PROTOCOLS_STR,
	CURLOPT_REDIR_PROTOCOLS_STR,
	CURLOPT_FOLLOWLOCATION,
	CURLOPT_NOSIGNAL,
	CURLOPT_TIMEOUT_MS,
	CURLOPT_CONNECTTIMEOUT_MS,
	CURLOPT_MAXFILESIZE_LARGE,
	CURLOPT_WRITEFUNCTION,
	CURLOPT_WRITEDATA,
	CURLOPT_ERRORBUFFER,
	CURLOPT_USERAGENT,
	CURLOPT_CAINFO,
	CURLOPT_CAPATH
} CURLoption;

typedef enum {
	CURLINFO_RESPONSE_CODE = 1,
	CURLINFO_REDIRECT_URL,
	CURLINFO_CONTENT_TYPE
} CURLINFO;

#define CURL_ERROR_SIZE 256

CURL *curl_easy_init(void);
void curl_easy_reset(CURL *h);
CURLcode curl_easy_setopt(CURL *h, CURLoption opt, ...);
CURLcode curl_easy_perform(CURL *h);
CURLcode curl_easy_getinfo(CURL *h, CURLINFO info, ...);
const char *curl_easy_strerror(CURLcode c);
void curl_easy_cleanup(CURL *h);

#endif
