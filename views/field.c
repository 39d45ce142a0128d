/*
 * What the schema's view hints (NITRO_F_LABEL, ORDER, HIDDEN) mean, in one
 * place for every view made from a schema (tables, cards, forms).
 */
#include <stdlib.h>
#include <string.h>

#include "views/internal.h"

const char *nitro__field_label(const nitro_field *f, char *buf, size_t n)
{
	size_t i;

	if (f->label != NULL)
		return f->label;
	if (n == 0)
		return "";
	/* "due_date" -> "Due date" */
	for (i = 0; i + 1 < n && f->name[i]; i++)
		buf[i] = f->name[i] == '_' ? ' ' : f->name[i];
	buf[i] = '\0';
	if (buf[0] >= 'a' && buf[0] <= 'z')
		buf[0] = (char)(buf[0] - 32);
	return buf;
}

/* A view can show it: not hidden, not secret, a value a person reads. */
static int shown(const nitro_field *f)
{
	return !f->hidden && !f->secret && f->type != NITRO_T_BLOB &&
	    f->type != NITRO_T_JSON;
}

size_t nitro__fields_shown(const nitro_schema *s, const nitro_field **out, size_t max)
{
	const nitro_field *f = s->fields();
	size_t n = 0;

	/* Insertion by order keeps declaration order among ties. */
	for (size_t i = 0; i < s->nfields && n < max; i++) {
		size_t j = n;

		if (!shown(&f[i]))
			continue;
		while (j > 0 && out[j - 1]->order > f[i].order) {
			out[j] = out[j - 1];
			j--;
		}
		out[j] = &f[i];
		n++;
	}
	return n;
}
