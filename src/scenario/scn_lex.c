// SPDX-License-Identifier: GPL-2.0-only
/* Bytes to lines to tokens, and the errors that name FILE:LINE. */
#include "scenario/parser.h"

static int vfail(struct parser *p, const char *fmt, va_list ap)
{
	size_t off;
	int n;

	if (!p->err || !p->errlen)
		return -1;
	n = snprintf(p->err, p->errlen, "%s:%u: ", p->name, p->line);
	off = n < 0 ? 0 : (size_t)n;
	if (off < p->errlen)
		vsnprintf(p->err + off, p->errlen - off, fmt, ap);
	return -1;
}

__attribute__((format(printf, 2, 3)))
int scn_fail(struct parser *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(p, fmt, ap);
	va_end(ap);
	return -1;
}

/* A token as it appears in a message, shortened when a line is mostly one token. */
const char *scn_clip(const char *tok, char buf[SCN_CLIP + 4])
{
	size_t n = strlen(tok);

	if (n <= SCN_CLIP)
		return tok;
	memcpy(buf, tok, SCN_CLIP);
	memcpy(buf + SCN_CLIP, "...", 4);
	return buf;
}

/* ---- lexer ---- */

static int src_getc(struct scn_source *s)
{
	if (s->fp)
		return getc(s->fp);
	if (s->pos >= s->len)
		return EOF;
	return (unsigned char)s->buf[s->pos++];
}

/*
 * Reads the next line into @line (SCN_LINE_MAX + 2 bytes) without its line
 * end and NUL-terminates it. Returns 1 for a line, 0 at the end of input,
 * -1 after writing a message.
 */
int scn_read_line(struct parser *p, char *line)
{
	bool any = false;
	size_t n = 0;
	int c;

	if (p->line == UINT_MAX)
		return scn_fail(p, "too many lines");
	p->line++;
	for (;;) {
		c = src_getc(&p->src);
		if (c == EOF) {
			if (p->src.fp && ferror(p->src.fp))
				return scn_fail(p, "read error: %s", strerror(errno));
			break;
		}
		any = true;
		if (c == '\n')
			break;
		if (c == 0)
			return scn_fail(p, "NUL byte");
		if ((c < 0x20 || c > 0x7e) && c != '\t' && c != '\r')
			return scn_fail(p, "byte 0x%02x outside printable ASCII", c);
		/* One byte of slack for the '\r' of a CRLF line end. */
		if (n == SCN_LINE_MAX + 1)
			return scn_fail(p, "line longer than %d bytes", SCN_LINE_MAX);
		line[n++] = (char)c;
	}
	if (!any) {
		p->line--;
		return 0;
	}
	if (n && line[n - 1] == '\r')
		n--;
	if (n > SCN_LINE_MAX)
		return scn_fail(p, "line longer than %d bytes", SCN_LINE_MAX);
	line[n] = '\0';
	return 1;
}

int scn_tokenize(struct parser *p, char *line, struct tokens *t)
{
	char *hash = strchr(line, '#');
	char *s;

	if (hash)
		*hash = '\0';
	if (strchr(line, '\r'))
		return scn_fail(p, "carriage return inside a line (only CRLF line ends are accepted)");
	t->n = 0;
	s = line;
	for (;;) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			break;
		if (t->n < SCN_MAX_TOKENS)
			t->s[t->n] = s;
		t->n++;
		while (*s && *s != ' ' && *s != '\t')
			s++;
		if (!*s)
			break;
		*s++ = '\0';
	}
	return 0;
}

