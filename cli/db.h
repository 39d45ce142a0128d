/*
 * cli/db.h: `nitro db status|migrate|new NAME`, the migration commands.
 */
#ifndef NITRO_CLI_DB_H
#define NITRO_CLI_DB_H

/* argv[0] is "db"; returns the exit status (0 ok, 1 failed, 2 usage). */
int nitro_cli_db(int argc, char **argv);

#endif
