/* run.c - POSIX: run a server's check or reload command, bounded in time,
 * capturing what it says. */
#include "platform/platform.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/*
 * How long a check or reload may take: nginx -t / haproxy -c load every
 * certificate of the configuration, seconds for thousands; a minute means a
 * hung command, which is killed.
 */
#define RUN_TIMEOUT_MS 60000
/* Output kept from a command: error messages are short; this bounds memory. */
#define RUN_OUTPUT_MAX (64 * 1024)

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* The line of output that says what went wrong: nginx's [emerg], [alert],
 * [crit] or [error], haproxy's [ALERT], else the first non-empty line that
 * is not a notice. */
static void first_line(const char *s, char *out, size_t n)
{
	const char *best = NULL;

	for (const char *p = s; *p; p += strcspn(p, "\n") + (p[strcspn(p, "\n")] != 0)) {
		size_t len = strcspn(p, "\n");
		if (memmem(p, len, "[emerg]", 7) || memmem(p, len, "[ALERT]", 7) ||
		    memmem(p, len, "[alert]", 7) || memmem(p, len, "[error]", 7) ||
		    memmem(p, len, "[crit]", 6)) {
			best = p;
			break;
		}
		/* nginx's "[notice] signal process started" says nothing */
		if (!best && len && !memmem(p, len, "[notice]", 8))
			best = p;
	}
	snprintf(out, n, "%.*s", best ? (int)strcspn(best, "\n") : 0, best ? best : "");
}

int cc_platform_run(const char *const *argv, const char *what, cc_buf_t *out,
		    cc_error_t *err)
{
	char text[RUN_OUTPUT_MAX + 1], line[400];
	int fd = memfd_create("certchain-run", MFD_CLOEXEC), status = 0;
	long deadline = now_ms() + RUN_TIMEOUT_MS;
	ssize_t got;
	pid_t pid, w;

	if (fd < 0)
		return cc_err(err, CC_EIO, argv[0], "cannot capture output: %s", strerror(errno));
	pid = fork();
	if (pid < 0) {
		close(fd);
		return cc_err(err, CC_EIO, argv[0], "cannot fork: %s", strerror(errno));
	}
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDONLY);
		if (devnull >= 0)
			dup2(devnull, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		execvp(argv[0], (char *const *)argv);
		dprintf(2, "cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	while ((w = waitpid(pid, &status, WNOHANG)) == 0 && now_ms() < deadline)
		usleep(10 * 1000);
	if (w == 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		close(fd);
		return cc_err(err, CC_EIO, argv[0], "%s did not finish within %d s; killed",
			      what, RUN_TIMEOUT_MS / 1000);
	}
	got = pread(fd, text, RUN_OUTPUT_MAX, 0);
	close(fd);
	text[got > 0 ? got : 0] = 0;
	if (out)
		cc_buf_printf(out, "%s", text);
	if (w < 0)
		return cc_err(err, CC_EIO, argv[0], "%s: %s", what, strerror(errno));
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	first_line(text, line, sizeof(line));
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return cc_err(err, CC_EIO, argv[0], "%s", line[0] ? line : "cannot run");
	return cc_err(err, CC_EINVAL, argv[0], "%s failed (%s %d)%s%s", what,
		      WIFEXITED(status) ? "exit" : "signal",
		      WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
		      line[0] ? ": " : "", line);
}
