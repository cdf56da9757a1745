/* termios.h for Windows: no terminal attributes. tcgetattr fails, so the
 * password prompt reads from a file or the environment, as documented. */
#include <errno.h>
typedef unsigned tcflag_t;
struct termios { tcflag_t c_lflag; };
#define ECHO 8
#define ECHONL 64
#define TCSAFLUSH 2
static inline int tcgetattr(int fd, struct termios *t) { (void)fd; (void)t; errno = ENOTTY; return -1; }
static inline int tcsetattr(int fd, int a, const struct termios *t) { (void)fd; (void)a; (void)t; errno = ENOTTY; return -1; }
