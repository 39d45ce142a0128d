/*
 * cli/cli.h: the pieces of the nitro command.  Not installed; the command
 * links the public libnitro like any application.
 */
#ifndef NITRO_CLI_H
#define NITRO_CLI_H

#include <nitro/core.h>

/* The nginx configuration template (deploy/nginx/serve.conf.in). */
extern const char nitro__cli_nginx_template[];

/*
 * Copy tmpl to out, replacing each marker @NAME@ (NAME: A-Z, 0-9, _) by
 * its value from vars, a NULL-terminated list of name, value pairs.  A
 * marker with no value is an error (NITRO_EINVAL, naming it): a template
 * and its filler must agree.  An '@' that does not start a marker ("location
 * @named") is copied as it is.
 */
int nitro__cli_fill(nitro_buf *out, const char *tmpl, const char *const *vars);

/* `nitro serve ...`: the exit status. */
int nitro__cli_serve(int argc, char **argv);

#endif
