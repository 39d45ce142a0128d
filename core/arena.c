/*
 * Arena allocator: a chain of blocks, bump allocation, release all at once.
 * Large requests get a block of their own so that one big allocation does
 * not waste the rest of a normal block.
 */
#include <stdlib.h>
#include <string.h>

#include "nitro/core.h"
#include "core/error.h"

#define ALIGN 16

struct block {
	struct block *next;
	size_t size;	/* usable bytes after the header */
	size_t used;
	_Alignas(ALIGN) unsigned char mem[];
};

struct nitro_arena {
	struct block *head;	/* current block; older ones follow */
	size_t block_size;
	size_t total;		/* bytes handed out since the last reset */
};

static struct block *block_new(size_t size)
{
	struct block *b;

	if (size > SIZE_MAX - sizeof *b)
		return NULL;
	b = malloc(sizeof *b + size);
	if (b == NULL)
		return NULL;
	b->next = NULL;
	b->size = size;
	b->used = 0;
	return b;
}

nitro_arena *nitro_arena_new(size_t block_size)
{
	nitro_arena *a = calloc(1, sizeof *a);

	if (a == NULL) {
		nitro__oom("arena");
		return NULL;
	}
	a->block_size = block_size < 256 ? 256 : block_size;
	a->head = block_new(a->block_size);
	if (a->head == NULL) {
		free(a);
		nitro__oom("arena");
		return NULL;
	}
	return a;
}

void nitro_arena_free(nitro_arena *a)
{
	struct block *b, *next;

	if (a == NULL)
		return;
	for (b = a->head; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	free(a);
}

void nitro_arena_reset(nitro_arena *a)
{
	struct block *b, *next, *keep = NULL;

	/* Keep one block of the standard size, free the rest. */
	for (b = a->head; b != NULL; b = next) {
		next = b->next;
		if (keep == NULL && b->size == a->block_size) {
			keep = b;
			continue;
		}
		free(b);
	}
	if (keep == NULL)
		keep = block_new(a->block_size);	/* NULL is handled lazily */
	if (keep != NULL) {
		keep->next = NULL;
		keep->used = 0;
	}
	a->head = keep;
	a->total = 0;
}

void *nitro_arena_alloc(nitro_arena *a, size_t n)
{
	struct block *b = a->head;
	size_t need;

	if (n == 0)
		n = 1;
	if (n > SIZE_MAX - (ALIGN - 1)) {
		nitro_error(NITRO_ELIMIT, "arena: allocation of %zu bytes overflows", n);
		return NULL;
	}
	need = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	if (b == NULL || b->size - b->used < need) {
		size_t size = need > a->block_size / 4 ? need : a->block_size;
		struct block *nb = block_new(size);

		if (nb == NULL) {
			nitro_error(NITRO_ENOMEM, "arena: cannot allocate %zu bytes", n);
			return NULL;
		}
		if (size == need && b != NULL) {
			/* A dedicated block goes behind the current one so the
			 * current block's free space stays usable. */
			nb->next = b->next;
			b->next = nb;
			nb->used = need;
			a->total += need;
			return nb->mem;
		}
		nb->next = b;
		a->head = b = nb;
	}
	void *p = b->mem + b->used;
	b->used += need;
	a->total += need;
	return p;
}

void *nitro_arena_calloc(nitro_arena *a, size_t n, size_t sz)
{
	size_t total;
	void *p;

	if (__builtin_mul_overflow(n, sz, &total)) {
		nitro_error(NITRO_ELIMIT, "arena: %zu x %zu bytes overflows", n, sz);
		return NULL;
	}
	p = nitro_arena_alloc(a, total);
	if (p != NULL)
		memset(p, 0, total);
	return p;
}

char *nitro_arena_strndup(nitro_arena *a, const char *s, size_t n)
{
	char *p;

	if (n == SIZE_MAX) {
		nitro_error(NITRO_ELIMIT, "arena: string too long");
		return NULL;
	}
	p = nitro_arena_alloc(a, n + 1);
	if (p == NULL)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *nitro_arena_strdup(nitro_arena *a, const char *s)
{
	return nitro_arena_strndup(a, s, strlen(s));
}

size_t nitro_arena_used(const nitro_arena *a)
{
	return a->total;
}
