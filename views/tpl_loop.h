/*
 * The template renderer's inner loop, written once and compiled for each
 * vector width: views/tpl_simd.c includes this file with
 *
 *	TL_NAME(x)	the variant's name for x
 *	TL_TARGET	its function attributes (a target("avx2") for AVX2)
 *	TL_W		bytes per vector (16 or 32)
 *	TL_VEC		the vector type; TL_LOAD(p), TL_STORE(d, v)
 *	TL_HTML(v)	bit i set: byte i is an HTML special or NUL
 *	TL_JS(v)	bit i set: byte i needs JavaScript escaping or is NUL
 *
 * and undefines them at its end, ready for the next variant.
 *
 * The output is reserved once per render for the static text and one
 * vector block per hole (struct seg's need); only a value longer than a
 * block, a repeated value longer than a block's budget or a JavaScript
 * value that needed escaping checks the room again.
 */

/* A byte of a value may be read as part of two vectors from p (the
 * second is the run after a special). */
#define TL_OK(p) OVERREAD_OK(p, 2 * TL_W)

/* Copy a static run: fixed moves for short runs (the template text is
 * padded by 64 bytes and the output reserved), memcpy otherwise.  All
 * loads come before the stores: a repeated value's source is earlier
 * output that the moves may overlap. */
static inline __attribute__((always_inline)) TL_TARGET void
TL_NAME(copy)(char *d, const char *s, size_t n)
{
	if (n <= 64) {
#if TL_W == 32
		TL_VEC a = TL_LOAD(s), b = TL_LOAD(s + 32);

		TL_STORE(d, a);
		TL_STORE(d + 32, b);
#else
		TL_VEC a = TL_LOAD(s), b = TL_LOAD(s + 16);

		if (n > 32) {
			TL_VEC e = TL_LOAD(s + 32), f = TL_LOAD(s + 48);

			TL_STORE(d + 32, e);
			TL_STORE(d + 48, f);
		}
		TL_STORE(d, a);
		TL_STORE(d + 16, b);
#endif
	} else {
		memcpy(d, s, n);
	}
}

/*
 * Walk one block of a value: v is the vector at src, m the specials and
 * NUL in its first lim bytes with a sentinel bit at lim, so that the walk
 * ends without a test of its own: every step copies the run up to the
 * next special (or the block's end) with one vector move and writes the
 * special's entity.  Returns the new end; *nul: the value ended.
 */
static inline __attribute__((always_inline)) TL_TARGET char *
TL_NAME(block)(char *d, const unsigned char *src, TL_VEC v, unsigned long long m,
    unsigned lim, int *nul)
{
	unsigned at = (unsigned)__builtin_ctzll(m), prev;

	TL_STORE(d, v);
	d += at;
	while (at < lim) {
		unsigned ch = src[at];
		uint64_t e;

		if (ch == 0) {
			*nul = 1;
			return d;
		}
		e = esc_ent[ch & 63];
		memcpy(d, &e, 8);
		d += e >> 56;
		prev = at + 1;
		m &= m - 1;
		at = (unsigned)__builtin_ctzll(m);
		TL_STORE(d, TL_LOAD(src + prev));
		d += at - prev;
	}
	return d;
}

/*
 * HTML-escape the NUL-terminated value p at c->d, which has room for one
 * block (ESC_HOLE bytes and the slack); rest is the room the template
 * needs after this value.
 */
static inline __attribute__((always_inline)) TL_TARGET int
TL_NAME(value)(nitro_buf *b, struct esc_cur *c, const unsigned char *p, size_t rest)
{
	char *d = c->d;
	int nul = 0;

	for (;;) {
		if (TL_OK(p)) {
			TL_VEC v = TL_LOAD(p);

			d = TL_NAME(block)(d, p, v, TL_HTML(v) | 1ull << TL_W, TL_W, &nul);
			if (nul) {
				c->d = d;
				return 0;
			}
			p += TL_W;
		} else {
#ifdef NITRO_NO_OVERREAD
			/* Under a sanitizer: a byte at a time. */
			for (unsigned i = 0; i < TL_W; i++) {
				unsigned char k = esc_class[p[i]];

				if (p[i] == '\0') {
					nul = 1;
					break;
				}
				if (k == 0) {
					*d++ = (char)p[i];
				} else {
					memcpy(d, esc_text[k], 8);
					d += esc_len[k];
				}
			}
			p += TL_W;
#else
			/* Near the end of a page: park the page's last 64 bytes
			 * (and zeros) on the stack and walk the bytes up to the
			 * page's end there, at most a block of them. */
			_Alignas(32) unsigned char tmp[64 + 2 * TL_W];
			const unsigned char *pe = (const unsigned char *)
			    (((uintptr_t)p | (NITRO_PAGE - 1)) + 1);
			unsigned lim = (unsigned)(pe - p), off = 64 - lim;
			unsigned long long m;
			TL_VEC v;

			memcpy(tmp, pe - 64, 64);
			memset(tmp + 64, 0, 2 * TL_W);
			if (lim > TL_W)
				lim = TL_W;
			v = TL_LOAD(tmp + off);
			m = (TL_HTML(v) & ((1ull << lim) - 1)) | 1ull << lim;
			d = TL_NAME(block)(d, tmp + off, v, m, lim, &nul);
			p += lim;
#endif
		}
		if (nul) {
			c->d = d;
			return 0;
		}
		/* A value longer than a block: room for the next one. */
		if ((size_t)(c->end - d) <= ESC_HOLE + rest) {
			c->d = d;
			if (cur_room(b, c, ESC_HOLE + rest))
				return b->err;
			d = c->d;
		}
	}
}

/* 1: v needs JavaScript escaping; 0: it does not and is at most a block
 * long, already copied to c->d; -1: it does not, longer (escape it). */
static inline __attribute__((always_inline)) TL_TARGET int
TL_NAME(js_short)(struct esc_cur *c, const char *v)
{
	if (TL_OK(v)) {
		TL_VEC x = TL_LOAD(v);
		unsigned long long m = TL_JS(x) | 1ull << TL_W;
		unsigned at = (unsigned)__builtin_ctzll(m);

		if (at < TL_W) {
			if (v[at] != '\0')
				return 1;
			TL_STORE(c->d, x);
			c->d += at;
			return 0;
		}
	}
	return nitro__tpl_js_plain(v) ? -1 : 1;
}

static TL_TARGET int TL_NAME(render)(nitro_html *h, const nitro_tpl *t,
    const char *const *args)
{
	nitro_buf *b = h->out;
	struct esc_cur c = { b->data + b->len, b->data + b->cap };
	const struct seg *s = t->segs;
	size_t done_at[TPL_NAMES], done_len[TPL_NAMES];	/* kept escapes */

	if (cur_room(b, &c, t->need))
		return b->err;
	for (;; s++) {
		const char *v;

		TL_NAME(copy)(c.d, s->run, s->len);
		c.d += s->len;
		if (s->op == OP_END)
			break;
		v = args[s->arg] ? args[s->arg] : "";
		switch (s->op) {
		case OP_AGAIN: {
			/* The value was escaped for HTML already: copy those bytes
			 * (by offset: the buffer may have moved). */
			size_t n = done_len[s->arg];

			if (n > ESC_HOLE && cur_room(b, &c, n + s->need))
				return b->err;
			TL_NAME(copy)(c.d, b->data + done_at[s->arg], n);
			c.d += n;
			continue;
		}
		case OP_KEEP: {
			size_t at = (size_t)(c.d - b->data);

			if (TL_NAME(value)(b, &c, (const unsigned char *)v, s->need))
				return b->err;
			done_at[s->arg] = at;
			done_len[s->arg] = (size_t)(c.d - b->data) - at;
			continue;
		}
		case OP_URL:
			if (v[0] != '/' && v[0] != '#' && v[0] != '?' && !nitro_url_is_safe(v))
				v = "about:invalid";
			break;
		case OP_JS: {
			int js = TL_NAME(js_short)(&c, v);

			if (js == 0)
				continue;
			if (js < 0)
				break;	/* plain: the HTML escaper copies it */
			b->len = (size_t)(c.d - b->data);
			if (nitro__tpl_js_value(h, v))
				return nitro_html_error(h);
			c.d = b->data + b->len;
			c.end = b->data + b->cap;
			if (cur_room(b, &c, s->need))
				return b->err;
			continue;
		}
		default:	/* OP_ESC */
			break;
		}
		if (TL_NAME(value)(b, &c, (const unsigned char *)v, s->need))
			return b->err;
	}
	b->len = (size_t)(c.d - b->data);
	b->data[b->len] = '\0';
	return 0;
}

#undef TL_OK
#undef TL_NAME
#undef TL_TARGET
#undef TL_W
#undef TL_VEC
#undef TL_LOAD
#undef TL_STORE
#undef TL_HTML
#undef TL_JS
