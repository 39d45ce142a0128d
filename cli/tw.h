/*
 * cli/tw.h: `nitro tw build|watch`, Tailwind CSS with the official CLI
 * from npm over the application's sources.
 */
#ifndef NITRO_CLI_TW_H
#define NITRO_CLI_TW_H

/* argv[0] is "tw"; returns the exit status (0 ok, 1 failed, 2 usage,
 * 3 npm is not installed). */
int nitro__cli_tw(int argc, char **argv);

#endif
