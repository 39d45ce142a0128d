/*
 * Opening the listening socket for --listen.  A unix socket is created
 * with mode 0660 (only the web server's group may connect: libfcgi can be
 * crashed by crafted records that nginx never sends).  TCP is refused on
 * anything but a loopback address unless the caller insists.  A unix
 * socket's path is unlinked when the worker is told to stop
 * (nitro__listen_unlink), while it is still the one bound here.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdatomic.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "fcgi/internal.h"

#define BACKLOG 1024

static int listen_unix(const char *path, struct nitro__own_path *own)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct stat st;
	mode_t old;
	int fd;

	if (strlen(path) >= sizeof sa.sun_path)
		return nitro_error(NITRO_EINVAL, "socket path too long: %s", path);
	strcpy(sa.sun_path, path);
	/* Replace a stale socket left by a previous run, nothing else. */
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode))
			return nitro_error(NITRO_EEXIST, "%s exists and is not a socket", path);
		unlink(path);
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return nitro_error(NITRO_EIO, "socket: %s", strerror(errno));
	/* The umask makes the socket 0660 from the start: no window in which
	 * it is world-connectable. */
	old = umask(0117);
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		int e = errno;
		umask(old);
		close(fd);
		return nitro_error(NITRO_EIO, "bind %s: %s", path, strerror(e));
	}
	umask(old);
	if (chmod(path, 0660) < 0 || lstat(path, &st) < 0 || listen(fd, BACKLOG) < 0) {
		int e = errno;
		close(fd);
		return nitro_error(NITRO_EIO, "listen %s: %s", path, strerror(e));
	}
	own->dev = st.st_dev;
	own->ino = st.st_ino;
	/* The SIGTERM handler may read it from now: the inode first. */
	atomic_signal_fence(memory_order_seq_cst);
	own->path = path;
	return fd;
}

static int listen_tcp(const char *spec, int public_ok)
{
	char host[256];
	const char *colon = strrchr(spec, ':');
	struct sockaddr_storage ss;
	socklen_t len;
	long port;
	char *end;
	int fd, one = 1, loopback;

	if (colon == NULL || (size_t)(colon - spec) >= sizeof host)
		return nitro_error(NITRO_EINVAL, "--listen %s: expected unix:/path or HOST:PORT", spec);
	memcpy(host, spec, (size_t)(colon - spec));
	host[colon - spec] = '\0';
	port = strtol(colon + 1, &end, 10);
	if (*end != '\0' || port < 1 || port > 65535)
		return nitro_error(NITRO_EINVAL, "--listen %s: bad port", spec);
	memset(&ss, 0, sizeof ss);
	if (host[0] == '[') {	/* [::1]:9000 */
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		size_t n = strlen(host);
		if (n < 3 || host[n - 1] != ']')
			return nitro_error(NITRO_EINVAL, "--listen %s: bad address", spec);
		host[n - 1] = '\0';
		if (inet_pton(AF_INET6, host + 1, &s6->sin6_addr) != 1)
			return nitro_error(NITRO_EINVAL, "--listen %s: bad address", spec);
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		loopback = IN6_IS_ADDR_LOOPBACK(&s6->sin6_addr);
		len = sizeof *s6;
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
		if (strcmp(host, "localhost") == 0)
			strcpy(host, "127.0.0.1");
		if (inet_pton(AF_INET, host, &s4->sin_addr) != 1)
			return nitro_error(NITRO_EINVAL, "--listen %s: bad IPv4 address", spec);
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		loopback = (ntohl(s4->sin_addr.s_addr) >> 24) == 127;
		len = sizeof *s4;
	}
	if (!loopback && !public_ok)
		return nitro_error(NITRO_EINVAL, "--listen %s: refusing a non-loopback "
		    "address; FastCGI workers must be reachable by the web server "
		    "alone (use a unix socket, or --public if a firewall guards it)", spec);
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return nitro_error(NITRO_EIO, "socket: %s", strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(fd, (struct sockaddr *)&ss, len) < 0 || listen(fd, BACKLOG) < 0) {
		int e = errno;
		close(fd);
		return nitro_error(NITRO_EIO, "listen %s: %s", spec, strerror(e));
	}
	return fd;
}

int nitro__listen(const char *spec, int public_ok, struct nitro__own_path *own)
{
	if (strncmp(spec, "unix:", 5) == 0)
		return listen_unix(spec + 5, own);
	return listen_tcp(spec, public_ok);
}

/*
 * Take the path of our own socket away, so that a new connect fails at
 * once (nginx then tries the next server, even for a POST) instead of
 * queueing where nobody will accept it.  Only while the path is still the
 * socket this process bound: a worker started since on the same path owns
 * it now.  lstat and unlink only: safe in a signal handler.
 */
void nitro__listen_unlink(const struct nitro__own_path *own)
{
	const char *path = own->path;
	struct stat st;

	if (path != NULL && lstat(path, &st) == 0 && S_ISSOCK(st.st_mode) &&
	    st.st_dev == own->dev && st.st_ino == own->ino)
		unlink(path);
}
