/* fileio.c - reading a whole file within bounds; crash-safe file replacement:
 * temp file, fsync, rename, dir fsync; creating directories; joining a
 * directory and a name. */
#include "internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

/* Windows also ends a directory with a backslash (C:\certs\). */
#ifdef _WIN32
#define CC_PATH_BACKSLASH 1
#else
#define CC_PATH_BACKSLASH 0
#endif

static int fsync_dir(const char *path)
{
	char *copy = strdup(path);
	int fd, r = -1;

	if (!copy)
		return -1;
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		r = fsync(fd);
		close(fd);
	}
	free(copy);
	return r;
}

int cc_write_file_atomic(const char *path, const void *data, size_t len,
			 unsigned mode, cc_error_t *err)
{
	char tmp[4096];
	const char *p = data;
	size_t done = 0;
	int fd, n;

	n = snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
	if (n < 0 || (size_t)n >= sizeof(tmp))
		return cc_err(err, CC_EINVAL, path, "path too long");
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0)
		return cc_err(err, CC_EIO, path, "cannot create: %s", strerror(errno));
	/* open() applies the umask; keys must get exactly the mode asked for. */
	if (fchmod(fd, mode))
		goto fail;
	while (done < len) {
		ssize_t w = write(fd, p + done, len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			goto fail;
		done += (size_t)w;
	}
	if (fsync(fd))
		goto fail;
	if (close(fd)) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path))
		goto fail;
	fsync_dir(path);
	return 0;
fail:
	{
		int e = errno;
		if (fd >= 0)
			close(fd);
		unlink(tmp);
		return cc_err(err, CC_EIO, path, "cannot write: %s", strerror(e));
	}
}

/* Reads a whole regular file, bounded by CC_MAX_FILE_SIZE. */
int cc_slurp(const char *path, unsigned char **out, size_t *len,
		 cc_error_t *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	unsigned char *buf;
	size_t got = 0;

	if (fd < 0)
		return cc_err(err, CC_EIO, path, "cannot open: %s", strerror(errno));
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return cc_err(err, CC_EIO, path, "not a regular file");
	}
	if ((uint64_t)st.st_size > CC_MAX_FILE_SIZE) {
		close(fd);
		return cc_err(err, CC_ELIMIT, path,
			      "file of %lld bytes exceeds the %u-byte limit",
			      (long long)st.st_size, CC_MAX_FILE_SIZE);
	}
	if (!(buf = malloc((size_t)st.st_size + 1))) {
		close(fd);
		return cc_err(err, CC_ENOMEM, path, "out of memory");
	}
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	buf[got] = 0;
	*out = buf;
	*len = got;
	return 0;
}

static int mkdir_one(const char *p, unsigned mode)
{
	if (mkdir(p, mode) == 0 || errno == EEXIST)
		return 0;
	return -1;
}

int cc_mkdir_p(const char *path, unsigned mode)
{
	char buf[4096];
	size_t n = strlen(path);

	if (n >= sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(buf, path, n + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir_one(buf, 0755))
			return -1;
		*p = '/';
	}
	return mkdir_one(buf, mode);
}

void cc_fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

int cc_file_read(const char *path, unsigned char **out, size_t *len,
		 cc_error_t *err)
{
	return cc_slurp(path, out, len, err);
}

void cc_file_free(unsigned char *buf, size_t len)
{
	if (!buf)
		return;
	OPENSSL_cleanse(buf, len);
	free(buf);
}

/* 0 only when no process pid exists; any doubt keeps the file. */
int cc_path_fmt(char *out, size_t n, const char *dir, const char *fmt, ...)
{
	size_t d = strlen(dir);
	va_list ap;
	int w, k;

	/* "dir/" and "dir" name the same directory: one separator between it
	 * and the name ("intermediates/" + "ica.pem" is intermediates/ica.pem,
	 * not intermediates//ica.pem); the root "/" stays "/" */
	while (d && (dir[d - 1] == '/' || (CC_PATH_BACKSLASH && dir[d - 1] == '\\')))
		d--;
	if (d > INT_MAX)
		return -1;
	w = snprintf(out, n, "%.*s/", (int)d, dir);
	if (w < 0)
		return w;
	va_start(ap, fmt);
	k = (size_t)w < n ? vsnprintf(out + w, n - (size_t)w, fmt, ap) : vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	return k < 0 || k > INT_MAX - w ? -1 : w + k;
}

static int pid_alive(long pid)
{
#ifdef _WIN32
	HANDLE h = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, (DWORD)pid);
	if (h) {
		DWORD code = 0;
		int alive = !GetExitCodeProcess(h, &code) || code == STILL_ACTIVE;
		CloseHandle(h);
		return alive;
	}
	return GetLastError() != ERROR_INVALID_PARAMETER;
#else
	return kill((pid_t)pid, 0) == 0 || errno != ESRCH;
#endif
}

/* The PID of a "NAME.tmp.PID" file name (base: NAME must be it), or 0. */
static long tmp_pid(const char *name, const char *base)
{
	const char *t = strstr(name, ".tmp."), *q;
	long pid = 0;

	if (!t || t == name)
		return 0;
	while (strstr(t + 1, ".tmp."))  /* the last ".tmp." is ours */
		t = strstr(t + 1, ".tmp.");
	if (base && (strlen(base) != (size_t)(t - name) || strncmp(name, base, strlen(base))))
		return 0;
	for (q = t + 5; *q >= '0' && *q <= '9' && pid < 100000000; q++)
		pid = pid * 10 + (*q - '0');
	return *q || q == t + 5 ? 0 : pid;
}

int cc_tmp_sweep(const char *dir, const char *base)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char p[4096];
	int n = 0;

	if (!d)
		return 0;
	while ((de = readdir(d))) {
		struct stat st;
		long pid = tmp_pid(de->d_name, base);

		if (pid <= 0 || pid_alive(pid) ||
		    cc_path_fmt(p, sizeof(p), dir, "%s", de->d_name) >= (int)sizeof(p) ||
		    lstat(p, &st) || !S_ISREG(st.st_mode))
			continue;
		if (!unlink(p))
			n++;
	}
	closedir(d);
	return n;
}
