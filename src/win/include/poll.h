/* poll.h for Windows: WSAPoll takes the same struct pollfd (see compat.h). */
#include <winsock2.h>
#define poll(fds, n, tmo) WSAPoll((fds), (n), (tmo))
typedef unsigned long nfds_t;
