/* sim/sweep_vars.c - ${name} variables in scenario files (see sim/sweep.h).
 *
 * sweep_expand() replaces ${name} and ${name:-DEFAULT} outside comments,
 * keeping line numbers; sweep_run_file() is `nlsim run` on a file that uses
 * variables: it expands the file into a private temporary directory, under
 * the file's own name so that messages still name it, and runs that. The
 * file and temporary-directory helpers before it (sim/sweep_vars.h) are
 * shared with sim/sweep.c, which writes one expanded file per combination.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/run.h"
#include "sim/sweep.h"
#include "sim/sweep_vars.h"

static bool var_char(char c, bool first)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	       (!first && ((c >= '0' && c <= '9') || c == '.' || c == '-'));
}

struct strbuf {
	char *s;
	size_t len, cap;
};

static int sb_add(struct strbuf *b, const char *p, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = (b->len + n + 1) * 2;
		char *s = realloc(b->s, cap);

		if (!s)
			return -ENOMEM;
		b->s = s;
		b->cap = cap;
	}
	memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
	return 0;
}

char *sweep_expand(const char *name, const char *text, const char *const *keys,
		   const char *const *vals, int n, char *err, size_t errlen)
{
	struct strbuf b = { 0 };
	bool quoted = false, comment = false;
	int line = 1;

	if (sb_add(&b, "", 0))
		goto nomem;
	for (const char *p = text; *p; p++) {
		const char *q, *end, *dflt = NULL, *val = NULL;

		if (*p == '\n') {
			line++;
			quoted = comment = false;
		} else if (!comment && *p == '"') {
			quoted = !quoted;
		} else if (!comment && quoted && *p == '\\' && p[1] && p[1] != '\n') {
			if (sb_add(&b, p, 2))
				goto nomem;
			p++;
			continue;
		} else if (!quoted && *p == '#') {
			comment = true;
		}
		if (comment || p[0] != '$' || p[1] != '{') {
			if (sb_add(&b, p, 1))
				goto nomem;
			continue;
		}
		q = p + 2;
		for (end = q; var_char(*end, end == q); end++)
			;
		if (end == q || (*end != '}' && strncmp(end, ":-", 2) != 0)) {
			snprintf(err, errlen, "%s:%d: bad variable reference (expected ${name} or "
				 "${name:-default})", name, line);
			goto fail;
		}
		if (*end == ':') {
			dflt = end + 2;
			for (p = dflt; *p && *p != '}' && *p != '\n'; p++)
				;
			if (*p != '}') {
				snprintf(err, errlen, "%s:%d: unterminated ${%.*s:-", name, line,
					 (int)(end - q), q);
				goto fail;
			}
		} else {
			p = end;
		}
		for (int i = 0; i < n; i++)
			if (strlen(keys[i]) == (size_t)(end - q) && !strncmp(keys[i], q, (size_t)(end - q)))
				val = vals[i];
		if (!val && !dflt) {
			snprintf(err, errlen, "%s:%d: variable '%.*s' has no value (give one with "
				 "--set %.*s=VALUE or --grid, or write ${%.*s:-DEFAULT})", name, line,
				 (int)(end - q), q, (int)(end - q), q, (int)(end - q), q);
			goto fail;
		}
		if (val ? sb_add(&b, val, strlen(val)) : sb_add(&b, dflt, (size_t)(p - dflt)))
			goto nomem;
	}
	return b.s;
nomem:
	snprintf(err, errlen, "%s: out of memory", name);
fail:
	free(b.s);
	return NULL;
}

bool sweep_uses_var(const char *text, const char *key)
{
	size_t n = strlen(key);

	for (const char *p = strstr(text, "${"); p; p = strstr(p + 2, "${"))
		if (!strncmp(p + 2, key, n) && (p[2 + n] == '}' || !strncmp(p + 2 + n, ":-", 2)))
			return true;
	return false;
}

char *sweep_read_file(const char *path, bool quiet)
{
	FILE *f = fopen(path, "r");
	struct strbuf b = { 0 };
	char chunk[4096];
	size_t n;

	if (!f) {
		if (!quiet)
			fprintf(stderr, "%s: cannot read: %s\n", path, strerror(errno));
		return NULL;
	}
	sb_add(&b, "", 0);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (sb_add(&b, chunk, n))
			break;
	fclose(f);
	if (b.s && memchr(b.s, '\0', b.len)) {	/* NUL bytes: the parser says so */
		if (!quiet)
			fprintf(stderr, "%s: NUL byte in the file\n", path);
		free(b.s);
		return NULL;
	}
	return b.s;
}

/* A private directory holding @base (the scenario's own file name), so that
 * messages still name the file; returns the path, malloc'ed. */
char *sweep_write_temp(char *dir, const char *file, const char *text)
{
	const char *base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
	size_t len = strlen(dir) + strlen(base) + 2;
	char *path = malloc(len);
	FILE *f;

	if (!path)
		return NULL;
	snprintf(path, len, "%s/%s", dir, base);
	f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f)) {
		fprintf(stderr, "nlsim: %s: %s\n", path, strerror(errno));
		free(path);
		return NULL;
	}
	return path;
}

char *sweep_make_tempdir(void)
{
	const char *t = getenv("TMPDIR");
	char *d = malloc(4096);

	if (!d)
		return NULL;
	snprintf(d, 4096, "%s/nlsim-XXXXXX", t && *t ? t : "/tmp");
	if (!mkdtemp(d)) {
		fprintf(stderr, "nlsim: cannot create a temporary directory: %s\n", strerror(errno));
		free(d);
		return NULL;
	}
	return d;
}

int sweep_run_file(const struct run_opts *o)
{
	struct run_opts r = *o;
	const char *vk[RUN_MAX_SETS], *vv[RUN_MAX_SETS];
	char *text = sweep_read_file(o->file, true);
	char err[512], *exp, *dir, *path;
	int nv = 0, status;

	if (!text || !strstr(text, "${")) {
		free(text);
		return scenario_run(o);
	}
	r.nsets = 0;
	for (int i = 0; i < o->nsets; i++) {
		bool var = sweep_uses_var(text, o->set_key[i]);

		if (var) {
			vk[nv] = o->set_key[i];
			vv[nv++] = o->set_val[i];
		}
		if (!var || run_param_ok(o->set_key[i])) {
			r.set_key[r.nsets] = o->set_key[i];
			r.set_val[r.nsets++] = o->set_val[i];
		}
	}
	exp = sweep_expand(o->file, text, vk, vv, nv, err, sizeof(err));
	free(text);
	if (!exp) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	dir = sweep_make_tempdir();
	path = dir ? sweep_write_temp(dir, o->file, exp) : NULL;
	free(exp);
	if (!path) {
		free(dir);
		return 2;
	}
	r.file = path;
	r.name = o->file;
	for (int i = 0; i < nv && !o->quiet; i++)
		fprintf(o->out, "# variable %s=%s (command line)\n", vk[i], vv[i]);
	status = scenario_run(&r);
	unlink(path);
	rmdir(dir);
	free(path);
	free(dir);
	return status;
}
