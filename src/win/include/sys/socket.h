/* sys/socket.h for Windows: winsock2 (see compat.h). */
#include <winsock2.h>
#include <ws2tcpip.h>
