/* sim/scenario_lex.c - tokens and lexical values of the scenario language.
 *
 * The lexer hands out one line of tokens at a time, with its line number.
 * Rules (docs/scenario-language.md, "Lexical rules"): tokens are separated
 * by spaces or tabs; an unquoted '#' starts a comment that runs to the end of
 * the line; double quotes group text with spaces (\" and \\ are the only
 * escapes); quoted and unquoted parts next to each other make one token; a
 * token that starts with an unquoted identifier and '=' is a key=value
 * option. Lines without tokens are skipped. NUL bytes and control characters
 * other than tab and CR are rejected, so names print safely.
 *
 * The value readers (durations, integers, numbers, MAC addresses, interface
 * names) return NULL on success or a short reason ("missing unit ...") that
 * the parser puts into its file:line message. Durations are read digit by
 * digit into integer nanoseconds: no floating point, so 1.1s is exactly
 * 1100000000 ns. The vocabularies at the end are the language's fixed words
 * (comparisons, operstates, IFF_* flag names, on/off, link modes) with their
 * values.
 */
#include <ctype.h>
#include <errno.h>
#include <linux/if.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim/scenario.h"

#define IFNAMSIZ_MAX 15		/* IFNAMSIZ - 1: longest interface name */
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/**
 * scn_lex_init - start lexing @len bytes of @text
 * @name: file name used in messages (kept, not copied)
 * @err: where scn_lex_line() writes "name:line: message" (may be NULL)
 *
 * @text must stay valid until scn_lex_fini(); it need not be NUL-terminated.
 */
void scn_lex_init(struct scn_lexer *lx, const char *name, const char *text,
		  size_t len, char *err, size_t errlen)
{
	memset(lx, 0, sizeof(*lx));
	lx->name = name;
	lx->p = text;
	lx->end = text + len;
	lx->err = err;
	lx->errlen = errlen;
}

/**
 * scn_lex_fini - free the lexer's buffers (not the text)
 */
void scn_lex_fini(struct scn_lexer *lx)
{
	free(lx->buf);
	free(lx->tok);
	lx->buf = NULL;
	lx->tok = NULL;
}

/**
 * scn_verror - write "@file:@line: message" into @err (may be NULL)
 * Return: -EINVAL, so callers can return it.
 */
int scn_verror(char *err, size_t errlen, const char *file, int line,
	       const char *fmt, va_list ap)
{
	int n;

	if (!err || !errlen)
		return -EINVAL;
	n = snprintf(err, errlen, "%s:%d: ", file, line);
	if (n >= 0 && (size_t)n < errlen)
		vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
	return -EINVAL;
}

__attribute__((format(printf, 2, 3)))
static int lex_error(const struct scn_lexer *lx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	scn_verror(lx->err, lx->errlen, lx->name, lx->line, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Reject bytes a person cannot see in a message; tab and CR are blanks. */
static int check_byte(const struct scn_lexer *lx, unsigned char c)
{
	if (c == 0)
		return lex_error(lx, "NUL byte in the file");
	if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7f)
		return lex_error(lx, "control character 0x%02x in the file", c);
	return 0;
}

/* Read one quoted part starting after its opening quote; append to *o. */
static int lex_quoted(struct scn_lexer *lx, const char **ip, const char *e,
		      char **o)
{
	const char *i = *ip;

	for (;;) {
		if (i == e)
			return lex_error(lx, "unterminated string (missing closing \")");
		if (*i == '"')
			break;
		if (*i == '\\') {
			if (i + 1 == e)
				return lex_error(lx, "unterminated string (missing closing \")");
			if (i[1] != '"' && i[1] != '\\')
				return lex_error(lx, "unknown escape '\\%c' in a string (only \\\" and \\\\ are allowed)",
						 isprint((unsigned char)i[1]) ? i[1] : '?');
			i++;
		}
		*(*o)++ = *i++;
	}
	*ip = i + 1;
	return 0;
}

/* Room for one more token. */
static int lex_grow_tok(struct scn_lexer *lx)
{
	if (lx->ntok == lx->tokcap) {
		size_t cap = lx->tokcap ? 2 * lx->tokcap : 16;
		struct scn_token *nt = realloc(lx->tok, cap * sizeof(*nt));

		if (!nt)
			return -ENOMEM;
		lx->tok = nt;
		lx->tokcap = cap;
	}
	return 0;
}

/* Cut the line [s, e) into tokens. */
static int lex_tokens(struct scn_lexer *lx, const char *s, const char *e)
{
	size_t need = 4 * (size_t)(e - s) + 16;	/* text + key copy per token */
	const char *i = s;
	char *o;

	lx->ntok = 0;
	if (need > lx->bufcap) {
		char *nb = realloc(lx->buf, need);

		if (!nb)
			return lex_error(lx, "out of memory");
		lx->buf = nb;
		lx->bufcap = need;
	}
	o = lx->buf;
	for (;;) {
		struct scn_token *t;
		char *start;
		long eq = -1;
		bool quoted = false;

		while (i < e && is_blank(*i))
			i++;
		if (i == e || *i == '#')
			return 0;
		if (lex_grow_tok(lx))
			return lex_error(lx, "out of memory");
		t = &lx->tok[lx->ntok++];
		start = o;
		while (i < e && !is_blank(*i) && *i != '#') {
			if (*i == '"') {
				quoted = true;
				i++;
				if (lex_quoted(lx, &i, e, &o))
					return -EINVAL;
				continue;
			}
			if (*i == '=' && eq < 0 && !quoted)
				eq = o - start;
			*o++ = *i++;
		}
		*o++ = '\0';
		t->text = start;
		t->quoted = quoted;
		t->key = NULL;
		t->value = NULL;
		if (eq > 0) {
			memcpy(o, start, (size_t)eq);
			o[eq] = '\0';
			if (scn_is_ident(o)) {
				t->key = o;
				t->value = start + eq + 1;
				o += eq + 1;
			}
		}
	}
}

/**
 * scn_lex_line - read the next line that has tokens
 *
 * Return: 1 with lx->tok[0..ntok) and lx->line set, 0 at the end of the
 * text, or negative errno with "file:line: message" in the error buffer.
 * Token text lives until the next call.
 */
int scn_lex_line(struct scn_lexer *lx)
{
	while (lx->p < lx->end) {
		const char *s = lx->p, *e = memchr(s, '\n', (size_t)(lx->end - s));
		int ret;

		if (!e)
			e = lx->end;
		lx->p = e < lx->end ? e + 1 : e;
		lx->line++;
		for (const char *c = s; c < e; c++)	/* comments too */
			if (check_byte(lx, (unsigned char)*c))
				return -EINVAL;
		ret = lex_tokens(lx, s, e);
		if (ret)
			return ret;
		if (lx->ntok)
			return 1;
	}
	lx->ntok = 0;
	return 0;
}

/**
 * scn_is_ident - whether @s is an option key or parameter name
 *
 * A letter or '_', then letters, digits, '_', '.' or '-'.
 */
bool scn_is_ident(const char *s)
{
	if (!isalpha((unsigned char)*s) && *s != '_')
		return false;
	for (s++; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("_.-", *s))
			return false;
	return true;
}

/* Units of a duration, with the power of ten that turns them into ns. */
static const struct {
	const char *name;
	int exp10;
} units[] = {
	{ "ns", 0 }, { "us", 3 }, { "ms", 6 }, { "s", 9 },
};

/**
 * scn_read_duration - read a duration such as 650ms, 1.5s or 0
 *
 * Digits, an optional '.' and more digits, then a unit (ns, us, ms, s); a
 * bare 0 needs no unit. The result is exact in nanoseconds.
 * Return: NULL on success, else the reason the text is not a duration.
 */
const char *scn_read_duration(const char *s, int64_t *out)
{
	const char *ip, *fp = NULL, *u;
	size_t ni = 0, nf = 0, k;
	uint64_t v = 0, mult = 1, frac = 0;
	bool zero = true;
	int exp10 = -1;

	if (*s == '-')
		return "negative durations are not allowed";
	ip = s;
	while (isdigit((unsigned char)ip[ni]))
		ni++;
	u = ip + ni;
	if (*u == '.') {
		fp = u + 1;
		while (isdigit((unsigned char)fp[nf]))
			nf++;
		u = fp + nf;
		if (!nf)
			return "expected digits after '.'";
	}
	if (!ni)
		return "expected a number with a unit (ns, us, ms or s)";
	for (k = 0; k < ni; k++)
		zero &= ip[k] == '0';
	for (k = 0; k < nf; k++)
		zero &= fp[k] == '0';
	if (!*u) {
		if (!zero)
			return "missing unit (ns, us, ms or s)";
		*out = 0;
		return NULL;
	}
	for (k = 0; k < sizeof(units) / sizeof(units[0]); k++)
		if (!strcmp(u, units[k].name))
			exp10 = units[k].exp10;
	if (exp10 < 0)
		return "unknown unit (expected ns, us, ms or s)";
	for (int i = 0; i < exp10; i++)
		mult *= 10;
	while (nf && fp[nf - 1] == '0')
		nf--;		/* 1.500s is 1.5s */
	if ((int)nf > exp10)
		return "more precise than 1ns";
	for (k = 0; k < ni; k++)
		if (__builtin_mul_overflow(v, 10, &v) ||
		    __builtin_add_overflow(v, (uint64_t)(ip[k] - '0'), &v))
			return "too large";
	for (k = 0; k < nf; k++)
		frac = frac * 10 + (uint64_t)(fp[k] - '0');
	for (k = nf; k < (size_t)exp10; k++)
		frac *= 10;
	if (__builtin_mul_overflow(v, mult, &v) ||
	    __builtin_add_overflow(v, frac, &v) || v > (uint64_t)INT64_MAX)
		return "too large";
	*out = (int64_t)v;
	return NULL;
}

/**
 * scn_read_u64 - read a decimal (or 0x-prefixed hexadecimal) integer
 * Return: NULL on success, else the reason.
 */
const char *scn_read_u64(const char *s, uint64_t *out)
{
	unsigned base = 10;
	uint64_t v = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!*s)
		return "expected a non-negative integer";
	for (; *s; s++) {
		unsigned d;

		if (isdigit((unsigned char)*s))
			d = (unsigned)(*s - '0');
		else if (base == 16 && isxdigit((unsigned char)*s))
			d = (unsigned)(tolower((unsigned char)*s) - 'a' + 10);
		else
			return "expected a non-negative integer";
		if (__builtin_mul_overflow(v, base, &v) ||
		    __builtin_add_overflow(v, d, &v))
			return "too large for 64 bits";
	}
	*out = v;
	return NULL;
}

/**
 * scn_read_number - read a finite decimal number such as 42, -1.5 or 2e3
 * Return: NULL on success, else the reason.
 */
const char *scn_read_number(const char *s, double *out)
{
	char *end;
	double v;

	if (!*s || strspn(s, "0123456789.eE+-") != strlen(s) ||
	    !strpbrk(s, "0123456789"))
		return "expected a decimal number";
	errno = 0;
	v = strtod(s, &end);
	if (*end || end == s)
		return "expected a decimal number";
	if (errno == ERANGE || !isfinite(v))
		return "out of range";
	*out = v;
	return NULL;
}

static int hexval(char c)
{
	if (isdigit((unsigned char)c))
		return c - '0';
	if (isxdigit((unsigned char)c))
		return tolower((unsigned char)c) - 'a' + 10;
	return -1;
}

/**
 * scn_read_mac - read a MAC address written aa:bb:cc:dd:ee:ff
 * Return: NULL on success, else the reason.
 */
const char *scn_read_mac(const char *s, uint8_t mac[6])
{
	uint8_t m[6];

	if (strlen(s) != 17)
		goto out_bad;
	for (int i = 0; i < 6; i++) {
		int hi = hexval(s[3 * i]), lo = hexval(s[3 * i + 1]);

		if (hi < 0 || lo < 0 || (i < 5 && s[3 * i + 2] != ':'))
			goto out_bad;
		m[i] = (uint8_t)(hi << 4 | lo);
	}
	memcpy(mac, m, sizeof(m));
	return NULL;
out_bad:
	return "expected a MAC address such as 02:00:00:00:00:01";
}

/**
 * scn_check_ifname - whether @s is a valid interface name
 *
 * Mirrors the kernel's dev_valid_name() (net/core/dev.c): 1..15 bytes, not
 * "." or "..", no '/', ':' or white space; '%' (a name template) is refused
 * as well, since scenarios name every device.
 * Return: NULL when valid, else the reason.
 */
const char *scn_check_ifname(const char *s)
{
	if (!*s)
		return "empty";
	if (strlen(s) > IFNAMSIZ_MAX)
		return "longer than 15 characters";
	if (!strcmp(s, ".") || !strcmp(s, ".."))
		return "'.' and '..' are reserved";
	for (; *s; s++)
		if (*s == '/' || *s == ':' || *s == '%' ||
		    isspace((unsigned char)*s))
			return "'/', ':', '%' and spaces are not allowed";
	return NULL;
}

/*
 * Vocabularies: the fixed words some arguments take, with their values.
 * Lists print in table order, so messages read "UNKNOWN ... UP".
 */
struct word {
	const char *name;
	int value;
};

static const struct word w_ops[] = {
	{ "<", SCN_OP_LT }, { "<=", SCN_OP_LE }, { ">", SCN_OP_GT },
	{ ">=", SCN_OP_GE }, { "==", SCN_OP_EQ }, { "!=", SCN_OP_NE },
};

static const struct word w_operstates[] = {	/* RFC 2863, IF_OPER_* */
	{ "UNKNOWN", IF_OPER_UNKNOWN }, { "NOTPRESENT", IF_OPER_NOTPRESENT },
	{ "DOWN", IF_OPER_DOWN }, { "LOWERLAYERDOWN", IF_OPER_LOWERLAYERDOWN },
	{ "TESTING", IF_OPER_TESTING }, { "DORMANT", IF_OPER_DORMANT },
	{ "UP", IF_OPER_UP },
};

static const struct word w_flags[] = {	/* as `ip link` prints them */
	{ "UP", IFF_UP }, { "BROADCAST", IFF_BROADCAST }, { "DEBUG", IFF_DEBUG },
	{ "LOOPBACK", IFF_LOOPBACK }, { "POINTOPOINT", IFF_POINTOPOINT },
	{ "NOTRAILERS", IFF_NOTRAILERS }, { "RUNNING", IFF_RUNNING },
	{ "NOARP", IFF_NOARP }, { "PROMISC", IFF_PROMISC },
	{ "ALLMULTI", IFF_ALLMULTI }, { "MASTER", IFF_MASTER },
	{ "SLAVE", IFF_SLAVE }, { "MULTICAST", IFF_MULTICAST },
	{ "PORTSEL", IFF_PORTSEL }, { "AUTOMEDIA", IFF_AUTOMEDIA },
	{ "DYNAMIC", IFF_DYNAMIC }, { "LOWER_UP", IFF_LOWER_UP },
	{ "DORMANT", IFF_DORMANT }, { "ECHO", IFF_ECHO },
};

static const struct word w_onoff[] = { { "off", 0 }, { "on", 1 } };

static const struct word w_carrier[] = {
	{ "off", SCN_CARRIER_OFF }, { "on", SCN_CARRIER_ON },
	{ "toggle", SCN_CARRIER_TOGGLE },
};

static const struct word w_modes[] = {
	{ "default", IF_LINK_MODE_DEFAULT }, { "dormant", IF_LINK_MODE_DORMANT },
};

static const struct {
	const struct word *w;
	size_t n;
	bool icase;
} vocabs[SCN_VOC_COUNT] = {
	[SCN_VOC_OP] = { w_ops, ARRAY_SIZE(w_ops), false },
	[SCN_VOC_OPERSTATE] = { w_operstates, ARRAY_SIZE(w_operstates), true },
	[SCN_VOC_FLAG] = { w_flags, ARRAY_SIZE(w_flags), true },
	[SCN_VOC_ONOFF] = { w_onoff, ARRAY_SIZE(w_onoff), false },
	[SCN_VOC_CARRIER] = { w_carrier, ARRAY_SIZE(w_carrier), false },
	[SCN_VOC_MODE] = { w_modes, ARRAY_SIZE(w_modes), false },
};

/**
 * scn_word_value - the value of word @w in vocabulary @v, or -1
 *
 * Operstate and flag names are case-insensitive, the others are not.
 */
int scn_word_value(enum scn_vocab v, const char *w)
{
	for (size_t i = 0; i < vocabs[v].n; i++)
		if (!(vocabs[v].icase ? strcasecmp : strcmp)(vocabs[v].w[i].name, w))
			return vocabs[v].w[i].value;
	return -1;
}

/**
 * scn_word_name - the word for @value in vocabulary @v ("?" if none)
 */
const char *scn_word_name(enum scn_vocab v, int value)
{
	if ((unsigned)v >= SCN_VOC_COUNT)
		return "?";
	for (size_t i = 0; i < vocabs[v].n; i++)
		if (vocabs[v].w[i].value == value)
			return vocabs[v].w[i].name;
	return "?";
}

/**
 * scn_vocab_list - the words of @v, space-separated, into @buf
 * Return: @buf.
 */
const char *scn_vocab_list(enum scn_vocab v, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < vocabs[v].n && used < len; i++) {
		int n = snprintf(buf + used, len - used, "%s%s", i ? " " : "",
				 vocabs[v].w[i].name);

		used += n > 0 ? (size_t)n : 0;
	}
	return buf;
}

/**
 * scn_parse_duration - read a duration such as 650ms, 1.5s or 0 (for the
 * command line; the grammar is scn_read_duration()'s)
 *
 * Return: 0 with *@out in ns; -ERANGE when too large; -EINVAL otherwise.
 */
int scn_parse_duration(const char *s, int64_t *out)
{
	const char *why = scn_read_duration(s, out);

	if (!why)
		return 0;
	return strcmp(why, "too large") ? -EINVAL : -ERANGE;
}
