/*
 * compat.c - the POSIX calls of compat.h, on Win32. Compiled only into the
 * Windows build, and without compat.h's renaming macros (so the real
 * msvcrt/winsock functions are reachable here).
 */
#define CC_WIN_COMPAT_IMPL
#include "compat.h"

#include <errno.h>
#include <stdarg.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

#undef flock
#undef fsync
#undef fchmod
#undef fstat
#undef stat
#undef mkdir
#undef rename
#undef open
#undef fopen
#undef unlink
#undef access
#undef chmod
#undef DIR
#undef opendir
#undef readdir
#undef closedir
#undef readlink
#undef symlink
#undef link
#undef geteuid
#undef timegm
#undef memmem
#undef strndup
#undef getline
#undef socket
#undef close
#undef connect
#undef getsockopt
#undef signal

/* The winsock error of the last call as the errno the portable code tests. */
static int wsa_errno(void)
{
	switch (WSAGetLastError()) {
	case WSAEWOULDBLOCK: return EINPROGRESS;
	case WSAEINPROGRESS: return EINPROGRESS;
	case WSAECONNREFUSED: return ECONNREFUSED;
	case WSAETIMEDOUT: return ETIMEDOUT;
	case WSAEINTR: return EINTR;
	case WSAENETUNREACH: return ENETUNREACH;
	case WSAEHOSTUNREACH: return EHOSTUNREACH;
	case WSAEADDRNOTAVAIL: return EADDRNOTAVAIL;
	case WSAECONNRESET: return ECONNRESET;
	default: return EIO;
	}
}

/* Winsock must be started before the first socket or name lookup; at
 * program start, so getaddrinfo in the portable code just works. */
__attribute__((constructor)) static void wsa_init(void)
{
	WSADATA d;
	WSAStartup(MAKEWORD(2, 2), &d);
}

/* Every file and standard stream in binary mode: DER and PFX bytes must
 * not be translated, and output lines end in LF as on Linux. */
__attribute__((constructor)) static void binary_io(void)
{
	_fmode = _O_BINARY;
	_setmode(0, _O_BINARY);
	_setmode(1, _O_BINARY);
	_setmode(2, _O_BINARY);
}

int cc_win_flock(int fd, int op)
{
	HANDLE h = (HANDLE)_get_osfhandle(fd);
	OVERLAPPED ov;
	DWORD fl = 0;

	if (h == INVALID_HANDLE_VALUE) {
		errno = EBADF;
		return -1;
	}
	memset(&ov, 0, sizeof(ov));
	if (op & LOCK_UN)
		return UnlockFileEx(h, 0, MAXDWORD, MAXDWORD, &ov) ? 0 : (errno = EINVAL, -1);
	if (op & LOCK_EX)
		fl |= LOCKFILE_EXCLUSIVE_LOCK;
	if (op & LOCK_NB)
		fl |= LOCKFILE_FAIL_IMMEDIATELY;
	if (LockFileEx(h, fl, 0, MAXDWORD, MAXDWORD, &ov))
		return 0;
	errno = GetLastError() == ERROR_LOCK_VIOLATION ? EWOULDBLOCK : EIO;
	return -1;
}

int cc_win_fsync(int fd)
{
	return _commit(fd);
}

int cc_win_fchmod(int fd, unsigned mode)
{
	(void)fd, (void)mode;
	return 0; /* ACLs, not mode bits: see compat.h */
}

/* path as UTF-16 (malloc'ed), or NULL when it is not UTF-8. */
static wchar_t *wpath(const char *path)
{
	int n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, path, -1, NULL, 0);
	wchar_t *w = n > 0 ? malloc((size_t)n * sizeof(wchar_t)) : NULL;

	if (w && !MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, path, -1, w, n)) {
		free(w);
		w = NULL;
	}
	return w;
}

int cc_win_open(const char *path, int flags, ...)
{
	wchar_t *w = wpath(path);
	int mode = 0, r;
	va_list ap;

	if (flags & _O_CREAT) {
		va_start(ap, flags);
		mode = va_arg(ap, int);
		va_end(ap);
	}
	r = w ? _wopen(w, flags, mode) : open(path, flags, mode);
	free(w);
	return r;
}

FILE *cc_win_fopen(const char *path, const char *mode)
{
	wchar_t *w = wpath(path), *wm = wpath(mode);
	FILE *f = w && wm ? _wfopen(w, wm) : fopen(path, mode);

	free(w);
	free(wm);
	return f;
}

int cc_win_unlink(const char *path)
{
	wchar_t *w = wpath(path);
	int r = w ? _wunlink(w) : unlink(path);

	free(w);
	return r;
}

int cc_win_access(const char *path, int mode)
{
	wchar_t *w = wpath(path);
	int r = w ? _waccess(w, mode) : access(path, mode);

	free(w);
	return r;
}

int cc_win_chmod(const char *path, int mode)
{
	wchar_t *w = wpath(path);
	int r = w ? _wchmod(w, mode) : chmod(path, mode);

	free(w);
	return r;
}

/* A directory listing with UTF-8 names (the wide listing converted), or
 * msvcrt's ANSI one for a path that is not UTF-8. */
struct cc_win_dir {
	_WDIR *w;
	DIR *a;
	struct dirent e;
};

cc_win_dir_t *cc_win_opendir(const char *path)
{
	cc_win_dir_t *d = calloc(1, sizeof(*d));
	wchar_t *w = wpath(path);

	if (d && !(w ? (d->w = _wopendir(w)) != NULL : (d->a = opendir(path)) != NULL)) {
		free(d);
		d = NULL;
	}
	free(w);
	return d;
}

struct dirent *cc_win_readdir(cc_win_dir_t *d)
{
	struct _wdirent *we;

	if (d->a)
		return readdir(d->a);
	/* A name longer than d_name holds as UTF-8 is skipped, not cut. */
	while ((we = _wreaddir(d->w)))
		if (WideCharToMultiByte(CP_UTF8, 0, we->d_name, -1, d->e.d_name,
					sizeof(d->e.d_name), NULL, NULL)) {
			d->e.d_namlen = (unsigned short)strlen(d->e.d_name);
			return &d->e;
		}
	return NULL;
}

int cc_win_closedir(cc_win_dir_t *d)
{
	int r = d->a ? closedir(d->a) : _wclosedir(d->w);

	free(d);
	return r;
}

int cc_win_fstat(int fd, struct stat *sb)
{
	int r = fstat(fd, sb);
	if (!r)
		sb->st_mode &= ~(unsigned)077; /* msvcrt's copies of the owner bits */
	return r;
}

int cc_win_stat(const char *path, struct stat *sb)
{
	wchar_t *w = wpath(path);
	struct _stat64 ws;
	int r;

	if (!w) {
		r = stat(path, sb);
	} else if (!(r = _wstat64(w, &ws))) {
		memset(sb, 0, sizeof(*sb));
		sb->st_dev = ws.st_dev;
		sb->st_ino = ws.st_ino;
		sb->st_mode = ws.st_mode;
		sb->st_nlink = ws.st_nlink;
		sb->st_uid = ws.st_uid;
		sb->st_gid = ws.st_gid;
		sb->st_rdev = ws.st_rdev;
		sb->st_size = ws.st_size;
		sb->st_atime = ws.st_atime;
		sb->st_mtime = ws.st_mtime;
		sb->st_ctime = ws.st_ctime;
	}
	free(w);
	if (!r)
		sb->st_mode &= ~(unsigned)077;
	return r;
}

int cc_win_mkdir(const char *path, unsigned mode)
{
	wchar_t *w = wpath(path);
	int r = w ? _wmkdir(w) : _mkdir(path);

	(void)mode;
	free(w);
	return r;
}

int cc_win_rename(const char *from, const char *to)
{
	wchar_t *wf = wpath(from), *wt = wpath(to);
	BOOL ok = wf && wt ? MoveFileExW(wf, wt, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH)
			   : MoveFileExA(from, to, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH);

	free(wf);
	free(wt);
	if (ok)
		return 0;
	switch (GetLastError()) {
	case ERROR_FILE_NOT_FOUND:
	case ERROR_PATH_NOT_FOUND: errno = ENOENT; break;
	case ERROR_ACCESS_DENIED: errno = EACCES; break;
	default: errno = EIO;
	}
	return -1;
}

/* Only "/proc/self/exe" means something: the running .exe, with '/'. */
ssize_t cc_win_readlink(const char *path, char *buf, size_t n)
{
	DWORD len;

	if (strcmp(path, "/proc/self/exe")) {
		errno = EINVAL; /* no symbolic links here: see compat.h */
		return -1;
	}
	len = GetModuleFileNameA(NULL, buf, (DWORD)n);
	if (!len || len >= n) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (DWORD i = 0; i < len; i++)
		if (buf[i] == '\\')
			buf[i] = '/';
	return (ssize_t)len;
}

/* A copy of target (relative to link's directory, as a symlink's would be). */
int cc_win_symlink(const char *target, const char *link)
{
	char src[MAX_PATH * 2];
	const char *slash = strrchr(link, '/'), *bs = strrchr(link, '\\');

	if (bs > slash)
		slash = bs;
	if (target[0] == '/' || target[0] == '\\' || (target[0] && target[1] == ':') || !slash)
		snprintf(src, sizeof(src), "%s", target);
	else
		snprintf(src, sizeof(src), "%.*s/%s", (int)(slash - link), link, target);
	if (CopyFileA(src, link, TRUE))
		return 0;
	errno = GetLastError() == ERROR_FILE_EXISTS ? EEXIST : EIO;
	return -1;
}

int cc_win_link(const char *from, const char *to)
{
	if (CreateHardLinkA(to, from, NULL))
		return 0;
	errno = GetLastError() == ERROR_ALREADY_EXISTS ? EEXIST : EIO;
	return -1;
}

unsigned cc_win_geteuid(void)
{
	return 1; /* never "root": Windows has no uid 0 */
}

time_t cc_win_timegm(struct tm *tm)
{
	return _mkgmtime(tm);
}

void *cc_win_memmem(const void *h, size_t hl, const void *n, size_t nl)
{
	const char *p = h;

	if (!nl)
		return (void *)h;
	for (size_t i = 0; i + nl <= hl; i++)
		if (p[i] == *(const char *)n && !memcmp(p + i, n, nl))
			return (void *)(p + i);
	return NULL;
}

char *cc_win_strndup(const char *s, size_t n)
{
	size_t l = strnlen(s, n);
	char *d = malloc(l + 1);

	if (d) {
		memcpy(d, s, l);
		d[l] = 0;
	}
	return d;
}

ssize_t cc_win_getline(char **line, size_t *cap, FILE *f)
{
	size_t n = 0;
	int c;

	if (!*line || !*cap) {
		*cap = 128;
		if (!(*line = realloc(*line, *cap)))
			return -1;
	}
	while ((c = getc(f)) != EOF) {
		if (n + 2 > *cap) {
			char *p = realloc(*line, *cap * 2);
			if (!p)
				return -1;
			*line = p;
			*cap *= 2;
		}
		(*line)[n++] = (char)c;
		if (c == '\n')
			break;
	}
	if (!n)
		return -1;
	(*line)[n] = 0;
	return (ssize_t)n;
}

int cc_win_socket(int family, int type, int proto)
{
	SOCKET s;
	u_long on = 1;

	s = socket(family, type & ~SOCK_NONBLOCK, proto);
	if (s == INVALID_SOCKET) {
		errno = wsa_errno();
		return -1;
	}
	if ((type & SOCK_NONBLOCK) && ioctlsocket(s, FIONBIO, &on)) {
		closesocket(s);
		errno = EIO;
		return -1;
	}
	return (int)s; /* SOCKET values fit an int in practice (handles < 2^24) */
}

/* A descriptor is either a CRT file descriptor or a winsock SOCKET. */
int cc_win_close(int fd)
{
	if (closesocket((SOCKET)fd) == 0)
		return 0;
	return _close(fd);
}

int cc_win_connect(int fd, const struct sockaddr *a, int len)
{
	if (connect((SOCKET)fd, a, len) == 0)
		return 0;
	errno = wsa_errno();
	return -1;
}

/* SO_ERROR comes back as a winsock code: turned into the errno it means. */
int cc_win_getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
	if (getsockopt((SOCKET)fd, level, name, val, len)) {
		errno = wsa_errno();
		return -1;
	}
	if (level == SOL_SOCKET && name == SO_ERROR && *(int *)val) {
		WSASetLastError(*(int *)val);
		*(int *)val = wsa_errno();
	}
	return 0;
}

void (*cc_win_signal(int sig, void (*fn)(int)))(int)
{
	if (sig == SIGPIPE)
		return SIG_DFL; /* no SIGPIPE: a closed peer is an error return */
	return signal(sig, fn);
}

int cc_win_sigaction(int sig, const struct sigaction *sa, struct sigaction *old)
{
	void (*prev)(int);

	if (!sa) { /* a query: set and put back */
		prev = signal(sig, SIG_DFL);
		signal(sig, prev);
	} else {
		prev = signal(sig, sa->sa_handler);
	}
	if (prev == SIG_ERR)
		return -1;
	if (old) {
		memset(old, 0, sizeof(*old));
		old->sa_handler = prev;
	}
	return 0;
}
