/*
 * password.c - passwords for PFX files, from a file, an environment variable
 * or the terminal (no echo), never from argv where ps(1) would show them.
 */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <openssl/crypto.h>

/* Longest password we accept: far beyond any real one, bounds the buffer. */
#define CLI_MAX_PASSWORD 1024

static char *first_line(const char *s, size_t n)
{
	size_t l = 0;
	char *out;

	while (l < n && s[l] != '\n' && s[l] != '\r')
		l++;
	if (!(out = malloc(l + 1)))
		return NULL;
	memcpy(out, s, l);
	out[l] = 0;
	return out;
}

static int from_file(const char *cmd, const char *path, char **out)
{
	unsigned char *buf = NULL;
	size_t len = 0;
	cc_error_t err;
	struct stat st;

	cc_error_clear(&err);
	/* The password itself typed after --password-file must not be echoed:
	 * a missing file is not named. */
	if (stat(path, &st) && errno == ENOENT) {
		fprintf(stderr, "certchain %s: --password-file: no such file (the name "
				"is not shown: it may be the password itself)\n", cmd);
		return EXIT_USAGE;
	}
	if (cc_file_read(path, &buf, &len, &err))
		return cli_fail(&err);
	if (!stat(path, &st) && (st.st_mode & 077))
		fprintf(stderr, "certchain %s: warning: password file %s is readable "
				"by group or others (chmod 600 %s)\n", cmd, path, path);
	if (len > CLI_MAX_PASSWORD) {
		cc_file_free(buf, len);
		fprintf(stderr, "certchain: %s: password file larger than %d bytes\n",
			path, CLI_MAX_PASSWORD);
		return EXIT_USAGE;
	}
	*out = first_line((const char *)buf, len);
	cc_file_free(buf, len);
	return *out ? 0 : EXIT_USAGE;
}

/* Reads one line from the terminal with echo off. */
static char *ask(int fd, const char *prompt)
{
	struct termios old, quiet;
	char buf[CLI_MAX_PASSWORD + 2];
	size_t n = 0;
	int echo_off;
	char c, *out;

	/* Echo goes off before the prompt shows, so nothing typed after seeing
	 * it can be echoed. */
	echo_off = !tcgetattr(fd, &old);
	if (echo_off) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		quiet.c_lflag |= ECHONL;
		tcsetattr(fd, TCSAFLUSH, &quiet);
	}
	if (write(fd, prompt, strlen(prompt)) < 0) {
		if (echo_off)
			tcsetattr(fd, TCSAFLUSH, &old);
		return NULL;
	}
	while (n < sizeof(buf) - 1) {
		ssize_t r = read(fd, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || c == '\n' || c == '\r')
			break;
		buf[n++] = c;
	}
	if (echo_off)
		tcsetattr(fd, TCSAFLUSH, &old);
	out = first_line(buf, n);
	OPENSSL_cleanse(buf, sizeof(buf));
	return out;
}

static int from_tty(const char *cmd, const char *what, int confirm, char **out)
{
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
	char prompt[300], *again = NULL;
	int rc = 0;

	if (fd < 0) {
		fprintf(stderr, "certchain %s: no password: give --password-file F or "
				"--password-env VAR (no terminal to ask on)\n", cmd);
		return EXIT_USAGE;
	}
	snprintf(prompt, sizeof(prompt), "Password for %s: ", what);
	*out = ask(fd, prompt);
	if (*out && confirm) {
		again = ask(fd, "Repeat the password: ");
		if (!again || strcmp(*out, again)) {
			fprintf(stderr, "certchain %s: the passwords differ\n", cmd);
			rc = EXIT_USAGE;
		}
	}
	close(fd);
	cli_password_free(again);
	if (!*out)
		rc = EXIT_USAGE;
	if (rc) {
		cli_password_free(*out);
		*out = NULL;
	}
	return rc;
}

int cli_password(const char *cmd, const char *file, const char *env,
		 const char *what, int confirm, char **out)
{
	int rc;

	*out = NULL;
	if (file && env)
		return cli_usage_error(cmd, "give --password-file or --password-env, not both");
	if (file) {
		rc = from_file(cmd, file, out);
	} else if (env) {
		const char *v = getenv(env);
		if (!v) {
			/* Not named: it may be the password itself. */
			fprintf(stderr, "certchain %s: --password-env: the environment "
					"variable is not set (its name is not shown: it "
					"may be the password itself)\n", cmd);
			return EXIT_USAGE;
		}
		rc = (*out = strdup(v)) ? 0 : EXIT_USAGE;
	} else {
		rc = from_tty(cmd, what, confirm, out);
	}
	if (!rc && confirm && !**out) {
		fprintf(stderr, "certchain %s: refusing an empty password\n", cmd);
		cli_password_free(*out);
		*out = NULL;
		rc = EXIT_USAGE;
	}
	return rc;
}

void cli_password_free(char *p)
{
	if (p) {
		OPENSSL_cleanse(p, strlen(p));
		free(p);
	}
}

int cli_read_contents(const char *cmd, const char *file, const char *pwfile,
		      const char *pwenv, int pfx_only, cc_pfx_t **out)
{
	unsigned char *buf = NULL;
	size_t len = 0;
	char *pass = NULL;
	cc_error_t err;
	int rc = EXIT_USAGE, pfx;

	*out = NULL;
	cc_error_clear(&err);
	if (cc_file_read(file, &buf, &len, &err))
		return cli_fail(&err);
	pfx = cc_pfx_sniff(buf, len);
	if (!pfx && pfx_only)
		fprintf(stderr, "certchain: %s: not a PKCS#12/PFX file\n", file);
	else if (pfx && cli_password(cmd, pwfile, pwenv, file, 0, &pass))
		; /* message printed */
	else if (cc_contents_read(buf, len, file, pass, out, &err))
		cli_fail(&err);
	else
		rc = 0;
	cli_password_free(pass);
	cc_file_free(buf, len);
	return rc;
}
