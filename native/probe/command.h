/* SPDX-License-Identifier: Apache-2.0 */
/* Starting the observed command so that none of its events is missed. */
#ifndef HARRIER_COMMAND_H
#define HARRIER_COMMAND_H

#include <limits.h>
#include <signal.h>
#include <sys/types.h>

/* Signals whose disposition the loader changes; the command gets the originals back. */
#define CMD_NSIGS 6
extern const int cmd_signals[CMD_NSIGS];

struct command {
	pid_t pid;
	int go_w;     /* closing or writing it lets the child exec */
	int status_r; /* the exec errno, or EOF once exec succeeded */
	char path[PATH_MAX];
	struct sigaction saved[CMD_NSIGS];
};

/* Finds name on PATH (unless it contains a slash). 0 or -errno. */
int command_resolve(const char *name, char *out, size_t n);

/*
 * Forks the child. It prepares everything, then blocks until command_release(),
 * so the parent can put its pid in scope before the first event it matters for.
 * out_fd is the loader's record fd: the child never sees it; if it is 1, the
 * command's stdout becomes the loader's stderr.
 */
int command_spawn(struct command *c, char *const argv[], int out_fd);

/* Lets the child exec; returns 0 once it has, or the errno execv failed with. */
int command_release(struct command *c);

#endif
