/* sim/sweep_vars.h - private to sim/sweep.c and sim/sweep_vars.c: the file
 * and temporary-directory helpers both use. The public functions (variables,
 * sweep_run_file(), sweep_command()) are declared in sim/sweep.h.
 */
#ifndef NLSIM_SIM_SWEEP_VARS_H
#define NLSIM_SIM_SWEEP_VARS_H

#include <stdbool.h>

/* The whole of file @path, malloc'ed and NUL-terminated; NULL when it cannot
 * be read or holds a NUL byte (with a message on stderr unless @quiet). */
char *sweep_read_file(const char *path, bool quiet);
/* Write @text to @dir/<base name of @file>; returns that path, malloc'ed,
 * or NULL with a message on stderr. */
char *sweep_write_temp(char *dir, const char *file, const char *text);
/* A new private directory under $TMPDIR (else /tmp), malloc'ed; NULL with a
 * message on stderr. */
char *sweep_make_tempdir(void);

#endif /* NLSIM_SIM_SWEEP_VARS_H */
