/*
 * Request headers as FastCGI delivers them: CGI parameters named
 * HTTP_<NAME>, plus CONTENT_TYPE and CONTENT_LENGTH without the prefix.
 */
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "fcgi/parse.h"

int nitro__header_env_name(char *dst, size_t cap, const char *name)
{
	const char *prefix = "HTTP_";
	size_t plen, nlen, i;

	if (!nitro__is_token(name))
		return nitro_error(NITRO_EINVAL, "header name is not a token");
	nlen = strlen(name);
	/* CGI (RFC 3875 4.1.2, 4.1.3) names these two without the prefix. */
	if (strcasecmp(name, "Content-Type") == 0 ||
	    strcasecmp(name, "Content-Length") == 0)
		prefix = "";
	plen = strlen(prefix);
	if (plen >= cap || nlen >= cap - plen)
		return nitro_error(NITRO_EINVAL, "header name too long");
	memcpy(dst, prefix, plen);
	for (i = 0; i < nlen; i++) {
		char c = name[i];

		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		else if (c == '-')
			c = '_';
		dst[plen + i] = c;
	}
	dst[plen + nlen] = '\0';
	return 0;
}

int nitro__check_headers(char *const *envp, const struct nitro_limits *lim,
    struct nitro_perr *e)
{
	size_t total = 0;

	if (envp == NULL)
		return 0;
	for (; *envp != NULL; envp++) {
		if (strncmp(*envp, "HTTP_", 5) != 0)
			continue;
		if (__builtin_add_overflow(total, strlen(*envp), &total))
			total = SIZE_MAX;
	}
	if (total > lim->header_bytes)
		return nitro__fail(e, 400, NITRO_ELIMIT,
		    "request headers of %zu bytes exceed the limit of %zu bytes",
		    total, lim->header_bytes);
	return 0;
}
