/*
 * The peer of bench/http: a minimal hand-written libfcgi program, as one
 * would write it without Nitro.  One thread per process, the socket from
 * spawn-fcgi on fd 0 (or --listen PATH), and the same status, headers and
 * body as bench/http/hello_nitro.c so that nginx and wrk see identical
 * responses from both.
 */
#include <stdio.h>
#include <string.h>

#include <fcgiapp.h>

int main(int argc, char **argv)
{
	FCGX_Request req;
	int sock = 0;

	if (FCGX_Init() != 0) {
		fputs("hello_fcgi: FCGX_Init failed\n", stderr);
		return 1;
	}
	if (argc == 3 && strcmp(argv[1], "--listen") == 0) {
		sock = FCGX_OpenSocket(argv[2], 1024);
		if (sock < 0) {
			fprintf(stderr, "hello_fcgi: cannot listen on %s\n", argv[2]);
			return 1;
		}
	}
	if (FCGX_InitRequest(&req, sock, 0) != 0) {
		fputs("hello_fcgi: FCGX_InitRequest failed\n", stderr);
		return 1;
	}
	while (FCGX_Accept_r(&req) >= 0) {
		FCGX_FPrintF(req.out,
		    "Status: 200 OK\r\n"
		    "Content-Type: text/plain\r\n"
		    "Content-Length: 14\r\n"
		    "\r\n"
		    "Hello, world!\n");
		FCGX_Finish_r(&req);
	}
	return 0;
}
