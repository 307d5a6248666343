/* sim/json.c - streaming JSON writer used by metrics and traces.
 *
 * Deterministic by construction: nothing here depends on the clock, on hash
 * order or on the locale's decimal separator (a ',' from a non-C locale is
 * turned back into '.'). Strings are written as UTF-8; bytes that are not
 * valid UTF-8 (interface names may hold any byte but '/', ':' and blanks)
 * are replaced with U+FFFD so the output always parses.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/json.h"

/**
 * json_format_double - shortest text that reads back as the same double
 * @buf, @len: output, like snprintf
 * @v: the value
 *
 * Integral values with magnitude below 2^53 print as integers ("3", not
 * "3.0" or "3e+00"); -0 prints as "0"; NaN and infinities print as "null".
 * Returns the length like snprintf.
 */
int json_format_double(char *buf, size_t len, double v)
{
	char tmp[40];
	int p, n = 0;

	if (!isfinite(v))
		return snprintf(buf, len, "null");
	if (v == 0)
		return snprintf(buf, len, "0");
	if (v == floor(v) && fabs(v) < 9007199254740992.0)
		return snprintf(buf, len, "%.0f", v);
	for (p = 1; p <= 17; p++) {
		n = snprintf(tmp, sizeof(tmp), "%.*g", p, v);
		if (strtod(tmp, NULL) == v)
			break;
	}
	/* whatever the locale, JSON wants a dot */
	for (p = 0; p < n; p++)
		if (tmp[p] == ',')
			tmp[p] = '.';
	return snprintf(buf, len, "%s", tmp);
}

/* Length of the valid UTF-8 sequence at @s (1-4), or 0 if it is not one. */
static size_t utf8_len(const unsigned char *s)
{
	unsigned char c = s[0];
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	/* the second byte's range excludes overlongs and surrogates */
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

/* The two-character escapes JSON has for some control characters. */
static const char *short_escape(unsigned char c)
{
	switch (c) {
	case '\n':
		return "\\n";
	case '\r':
		return "\\r";
	case '\t':
		return "\\t";
	case '\b':
		return "\\b";
	case '\f':
		return "\\f";
	default:
		return NULL;
	}
}

/**
 * json_fput_string - write @s as a quoted JSON string
 *
 * Escapes '"', '\\' and control characters; invalid UTF-8 becomes U+FFFD.
 * NULL writes null. Returns 0, or -EIO when the stream reports an error.
 */
int json_fput_string(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (!s)
		return fputs("null", f) < 0 ? -EIO : 0;
	putc('"', f);
	while (*p) {
		size_t n = utf8_len(p);

		if (n == 0) {
			fputs("\\ufffd", f);
			p++;
		} else if (*p == '"' || *p == '\\') {
			putc('\\', f);
			putc(*p++, f);
		} else if (*p < 0x20) {
			const char *esc = short_escape(*p);

			if (esc)
				fputs(esc, f);
			else
				fprintf(f, "\\u%04x", *p);
			p++;
		} else {
			fwrite(p, 1, n, f);
			p += n;
		}
	}
	putc('"', f);
	return ferror(f) ? -EIO : 0;
}

/**
 * json_init - start writing JSON to @f (the writer does not own @f)
 */
void json_init(struct json_writer *j, FILE *f)
{
	memset(j, 0, sizeof(*j));
	j->f = f;
	if (!f)
		j->err = -EINVAL;
}

/**
 * json_error - 0, -EINVAL after misuse, or -EIO after a write error
 */
int json_error(const struct json_writer *j)
{
	if (!j->err && j->f && ferror(j->f))
		return -EIO;
	return j->err;
}

static void misuse(struct json_writer *j)
{
	if (!j->err)
		j->err = -EINVAL;
}

/* The line break json_newline() asked for, now that the comma is out. */
static void put_due_newline(struct json_writer *j)
{
	if (j->newline_due)
		putc('\n', j->f);
	j->newline_due = false;
}

/* Comma and bookkeeping before a value; false if nothing may be written. */
static bool value_begin(struct json_writer *j)
{
	int top = j->depth - 1;

	if (j->err)
		return false;
	if (j->depth == 0) {
		put_due_newline(j);
		return true;
	}
	if (j->is_object[top]) {
		if (j->key_due) {
			misuse(j);
			return false;
		}
		put_due_newline(j);
		j->key_due = true;	/* the next thing in this object is a key */
		return true;
	}
	if (!j->first[top])
		putc(',', j->f);
	j->first[top] = false;
	put_due_newline(j);
	return true;
}

static void container_begin(struct json_writer *j, bool object)
{
	if (!value_begin(j))
		return;
	if (j->depth == JSON_MAX_DEPTH) {
		misuse(j);
		return;
	}
	putc(object ? '{' : '[', j->f);
	j->first[j->depth] = true;
	j->is_object[j->depth] = object;
	j->depth++;
	j->key_due = object;
}

static void container_end(struct json_writer *j, bool object)
{
	int top = j->depth - 1;

	if (j->err)
		return;
	if (j->depth == 0 || j->is_object[top] != object ||
	    (object && !j->key_due)) {
		misuse(j);
		return;
	}
	put_due_newline(j);
	putc(object ? '}' : ']', j->f);
	j->depth--;
	j->key_due = j->depth > 0 && j->is_object[j->depth - 1];
}

/**
 * json_begin_object, json_end_object, json_begin_array, json_end_array -
 * open or close a container. An object must be closed where a key is due.
 */
void json_begin_object(struct json_writer *j)
{
	container_begin(j, true);
}

void json_end_object(struct json_writer *j)
{
	container_end(j, true);
}

void json_begin_array(struct json_writer *j)
{
	container_begin(j, false);
}

void json_end_array(struct json_writer *j)
{
	container_end(j, false);
}

/**
 * json_key - the next member's name; a value must follow
 */
void json_key(struct json_writer *j, const char *key)
{
	int top = j->depth - 1;

	if (j->err)
		return;
	if (j->depth == 0 || !j->is_object[top] || !j->key_due || !key) {
		misuse(j);
		return;
	}
	if (!j->first[top])
		putc(',', j->f);
	j->first[top] = false;
	put_due_newline(j);
	json_fput_string(j->f, key);
	putc(':', j->f);
	j->key_due = false;
}

/**
 * json_string, json_int, json_uint, json_double, json_fixed, json_bool,
 * json_null, json_raw - write one value. json_fixed() prints @decimals
 * (0-17) digits after the point; json_double() the shortest exact form.
 */
void json_string(struct json_writer *j, const char *s)
{
	if (value_begin(j))
		json_fput_string(j->f, s);
}

void json_int(struct json_writer *j, int64_t v)
{
	if (value_begin(j))
		fprintf(j->f, "%lld", (long long)v);
}

void json_uint(struct json_writer *j, uint64_t v)
{
	if (value_begin(j))
		fprintf(j->f, "%llu", (unsigned long long)v);
}

void json_double(struct json_writer *j, double v)
{
	char buf[40];

	if (!value_begin(j))
		return;
	json_format_double(buf, sizeof(buf), v);
	fputs(buf, j->f);
}

void json_fixed(struct json_writer *j, double v, int decimals)
{
	char buf[512];
	char *comma;

	if (!value_begin(j))
		return;
	if (!isfinite(v)) {
		fputs("null", j->f);
		return;
	}
	if (decimals < 0)
		decimals = 0;
	if (decimals > 17)
		decimals = 17;
	snprintf(buf, sizeof(buf), "%.*f", decimals, v == 0 ? 0.0 : v);
	comma = strchr(buf, ',');
	if (comma)
		*comma = '.';
	fputs(buf, j->f);
}

void json_bool(struct json_writer *j, bool v)
{
	if (value_begin(j))
		fputs(v ? "true" : "false", j->f);
}

void json_null(struct json_writer *j)
{
	if (value_begin(j))
		fputs("null", j->f);
}

void json_raw(struct json_writer *j, const char *text)
{
	if (!text || !*text) {
		misuse(j);
		return;
	}
	if (value_begin(j))
		fputs(text, j->f);
}

/**
 * json_newline - break the line before the next element or closing bracket
 *
 * The '\n' goes after the comma that separates elements, so that a list of
 * events reads one per line with trailing commas. With no container open it
 * is written at once (a final newline).
 */
void json_newline(struct json_writer *j)
{
	if (j->err)
		return;
	if (j->depth == 0)
		putc('\n', j->f);
	else
		j->newline_due = true;
}
