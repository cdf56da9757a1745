/* fileio.c - crash-safe file replacement: temp file, fsync, rename, dir fsync. */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

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
