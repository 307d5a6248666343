/* sim/json.h - a small streaming JSON writer over a FILE *.
 *
 * Output is compact and deterministic: no whitespace except the line breaks
 * the caller asks for with json_newline(), doubles in the shortest form that
 * reads back to the same value, keys in the order written. Misuse (a value where a key
 * is due, unbalanced ends, nesting deeper than JSON_MAX_DEPTH) and write
 * errors are sticky and reported by json_error(), never by a crash.
 *
 *	struct json_writer j;
 *
 *	json_init(&j, stdout);
 *	json_begin_object(&j);
 *	json_key(&j, "ifname");
 *	json_string(&j, "v0");
 *	json_key(&j, "up");
 *	json_bool(&j, true);
 *	json_end_object(&j);		// {"ifname":"v0","up":true}
 */
#ifndef NLSIM_SIM_JSON_H
#define NLSIM_SIM_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 32

/* Writer state; embed it anywhere, set it up with json_init(). */
struct json_writer {
	FILE *f;
	int depth;			/* open containers */
	int err;			/* 0, or the first error as -errno */
	bool key_due;			/* inside an object, a key comes next */
	bool newline_due;		/* json_newline() pending */
	bool first[JSON_MAX_DEPTH];	/* no element written yet at this level */
	bool is_object[JSON_MAX_DEPTH];	/* container kind at this level */
};

void json_init(struct json_writer *j, FILE *f);
int json_error(const struct json_writer *j);	/* 0 or -errno (-EINVAL: misuse) */

void json_begin_object(struct json_writer *j);
void json_end_object(struct json_writer *j);
void json_begin_array(struct json_writer *j);
void json_end_array(struct json_writer *j);
void json_key(struct json_writer *j, const char *key);

/* Values: inside an array, after a key, or at top level. */
void json_string(struct json_writer *j, const char *s);	/* NULL writes null */
void json_int(struct json_writer *j, int64_t v);
void json_uint(struct json_writer *j, uint64_t v);
void json_double(struct json_writer *j, double v);	/* NaN/inf write null */
void json_fixed(struct json_writer *j, double v, int decimals);
void json_bool(struct json_writer *j, bool v);
void json_null(struct json_writer *j);
/* An already rendered JSON value (the caller vouches for it). */
void json_raw(struct json_writer *j, const char *text);
/* A line break before the next element (after its comma) or closing
 * bracket, for line-oriented output; at top level, a newline now. */
void json_newline(struct json_writer *j);

/* Helpers the writer uses, for callers that lay out JSON themselves. */
int json_fput_string(FILE *f, const char *s);	/* quoted, escaped; 0 or -EIO */
/* Shortest "%.Ng" that reads back as @v; integral values below 2^53 print
 * without decimals or exponent. NaN/inf give "null". Returns length. */
int json_format_double(char *buf, size_t len, double v);

#endif /* NLSIM_SIM_JSON_H */
