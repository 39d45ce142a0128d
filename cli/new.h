/*
 * cli/new.h: `nitro new NAME`, an application skeleton in ./NAME.
 */
#ifndef NITRO_CLI_NEW_H
#define NITRO_CLI_NEW_H

/* argv[0] is "new"; returns the exit status (0 ok, 1 failed, 2 usage). */
int nitro__cli_new(int argc, char **argv);

#endif
