/*
 * compat.h - the POSIX calls certchain's portable code makes, on Windows.
 *
 * The Windows build (win/win.mk) force-includes this header into every
 * translation unit, and puts src/win/include first on the include path for
 * the few POSIX headers mingw-w64 lacks (poll.h, sys/socket.h, netdb.h,
 * arpa/inet.h, termios.h). So the library and the CLI keep one code path;
 * what differs on Windows lives here and in compat.c, nowhere else.
 *
 * Semantics kept: whole-file exclusive/shared locks (flock -> LockFileEx),
 * rename over an existing file (MoveFileEx), fsync (_commit), binary I/O
 * everywhere (binmode.o), sockets as small ints (winsock SOCKETs fit),
 * poll (WSAPoll). Semantics lost, on purpose: POSIX file modes (Windows
 * ACLs decide; fchmod/chmod succeed without effect), directory fsync (NTFS
 * journals metadata), group/other mode bits (msvcrt copies the owner's
 * bits into them; stat and fstat report the owner's only, which is all Windows
 * mode bits say: the per-user folder's ACL is what protects a key),
 * symbolic links (a copy of the target instead: the
 * store's hashed root directory holds regular files, which OpenSSL reads
 * the same way).
 */
#ifndef CC_WIN_COMPAT_H
#define CC_WIN_COMPAT_H

#ifdef _WIN32
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN /* keeps wincrypt.h (X509_NAME...) out of OpenSSL's way */
#endif
#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <winsock2.h>
#include <ws2tcpip.h>

#include <fcntl.h>
#include <direct.h>
#include <io.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>
#include <pthread.h>

#define O_CLOEXEC 0
#define O_NOFOLLOW 0
#define O_NOCTTY 0
#ifndef O_DIRECTORY
#define O_DIRECTORY 0x10000000 /* never set by msvcrt: open() of it fails cleanly */
#endif
#define SOCK_NONBLOCK 0x40000000 /* cc_win_socket() makes the socket non-blocking */
#define SOCK_CLOEXEC 0
#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL 0
#endif
#define SIGPIPE 13 /* there is no SIGPIPE on Windows: signal() on it is a no-op */

#define LOCK_SH 1
#define LOCK_EX 2
#define LOCK_NB 4
#define LOCK_UN 8

#define S_ISLNK(m) 0
#define lstat stat

int cc_win_flock(int fd, int op);
int cc_win_fsync(int fd);
int cc_win_fchmod(int fd, unsigned mode);
int cc_win_fstat(int fd, struct stat *sb);
int cc_win_stat(const char *path, struct stat *sb);
int cc_win_mkdir(const char *path, unsigned mode);
int cc_win_rename(const char *from, const char *to);
/* File names are UTF-8 inside certchain (main_win.c converts the UTF-16
 * command line once): these open them through the wide-character calls,
 * so "Zertifikat für www.pem" or "証明書.pem" work whatever the ANSI code
 * page. A name that is not UTF-8 goes to the ANSI call unchanged. */
int cc_win_open(const char *path, int flags, ...);
FILE *cc_win_fopen(const char *path, const char *mode);
int cc_win_unlink(const char *path);
int cc_win_access(const char *path, int mode);
int cc_win_chmod(const char *path, int mode);
typedef struct cc_win_dir cc_win_dir_t;
cc_win_dir_t *cc_win_opendir(const char *path);
struct dirent *cc_win_readdir(cc_win_dir_t *d);
int cc_win_closedir(cc_win_dir_t *d);
ssize_t cc_win_readlink(const char *path, char *buf, size_t n);
int cc_win_symlink(const char *target, const char *link);
int cc_win_link(const char *from, const char *to);
unsigned cc_win_geteuid(void);
time_t cc_win_timegm(struct tm *tm);
void *cc_win_memmem(const void *h, size_t hl, const void *n, size_t nl);
char *cc_win_strndup(const char *s, size_t n);
ssize_t cc_win_getline(char **line, size_t *cap, FILE *f);
int cc_win_socket(int family, int type, int proto);
int cc_win_close(int fd);
int cc_win_connect(int fd, const struct sockaddr *a, int len);
int cc_win_getsockopt(int fd, int level, int name, void *val, socklen_t *len);
void (*cc_win_signal(int sig, void (*fn)(int)))(int);

/* sigaction over the C runtime's signal(): only sa_handler is honoured
 * (Windows delivers SIGINT/SIGTERM on a thread of its own; there are no
 * masks and no SA_RESTART to choose). */
typedef int sigset_t;
struct sigaction {
	void (*sa_handler)(int);
	sigset_t sa_mask;
	int sa_flags;
};
#define sigemptyset(set) cc_win_sigemptyset(set)
static inline int cc_win_sigemptyset(sigset_t *set)
{
	*set = 0;
	return 0;
}
int cc_win_sigaction(int sig, const struct sigaction *sa, struct sigaction *old);
#define sigaction(sig, sa, old) cc_win_sigaction((sig), (sa), (old))

#define flock cc_win_flock
#define fsync cc_win_fsync
#define fchmod cc_win_fchmod
#define fstat cc_win_fstat
#define stat(p, sb) cc_win_stat((p), (sb)) /* function-like: struct stat stays */
#define mkdir cc_win_mkdir
#define rename cc_win_rename
#define open cc_win_open
#define fopen cc_win_fopen
#define unlink cc_win_unlink
#define access cc_win_access
#define chmod cc_win_chmod
#define DIR cc_win_dir_t
#define opendir cc_win_opendir
#define readdir cc_win_readdir
#define closedir cc_win_closedir
#define readlink cc_win_readlink
#define symlink cc_win_symlink
#define link cc_win_link
#define geteuid cc_win_geteuid
#define timegm cc_win_timegm
#define memmem cc_win_memmem
#define strndup cc_win_strndup
#define getline cc_win_getline
#define socket cc_win_socket
#define close cc_win_close
#define connect cc_win_connect
#define getsockopt cc_win_getsockopt
#define signal cc_win_signal
#endif /* _WIN32 */
#endif
