/*
 * Internal: the .env parser without the file around it, so that unit tests
 * and the fuzzer (tests/fuzz/fuzz_dotenv.c) can reach it directly.
 */
#ifndef NITRO_CORE_CONFIG_PARSE_H
#define NITRO_CORE_CONFIG_PARSE_H

#include <stddef.h>

/*
 * Parse len bytes of .env text into the settings table, as
 * nitro_config_load() does with a file's contents.  Quoted values are
 * unescaped in place, so buf is overwritten; it need not be NUL-terminated.
 * name labels error messages ("name:3: expected KEY=VALUE").  Lines before
 * a malformed one stay applied.
 */
int nitro__config_parse_env(char *buf, size_t len, const char *name);

/* Forget every setting read from a file and every recorded problem.  For
 * tests only: it frees strings that nitro_config_str() handed out. */
void nitro__config_reset(void);

#endif
