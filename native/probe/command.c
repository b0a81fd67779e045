// SPDX-License-Identifier: Apache-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "command.h"

const int cmd_signals[CMD_NSIGS] = { SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGCHLD, SIGPIPE };

int command_resolve(const char *name, char *out, size_t n)
{
	const char *path = getenv("PATH");
	const char *p;

	if (!*name)
		return -ENOENT;
	if (strchr(name, '/')) {
		if ((size_t)snprintf(out, n, "%s", name) >= n)
			return -ENAMETOOLONG;
		return 0;
	}
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	/* Resolved here, outside the traced scope, so the trace does not fill with
	 * the ENOENT execs that execvp would make. */
	for (p = path;; p++) {
		const char *end = strchrnul(p, ':');
		int len = (int)(end - p);

		if ((size_t)snprintf(out, n, "%.*s%s%s", len, p, len ? "/" : "", name) < n &&
		    access(out, X_OK) == 0)
			return 0;
		if (!*end)
			break;
		p = end;
	}
	return -ENOENT;
}

static void child(struct command *c, char *const argv[], int out_fd, int go_r, int status_w)
{
	sigset_t none;
	char go;
	int err;
	int i;

	for (i = 0; i < CMD_NSIGS; i++)
		sigaction(cmd_signals[i], &c->saved[i], NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (out_fd == STDOUT_FILENO && dup2(STDERR_FILENO, STDOUT_FILENO) < 0)
		_exit(127);
	/* The command's LD_PRELOAD (Harrier's libc interposer) travels under another name, so that
	 * this loader itself is not instrumented; the command gets it back here. The loader is
	 * single-threaded, so setenv after fork is safe. */
	{
		const char *preload = getenv("HARRIER_TARGET_LD_PRELOAD");

		if (preload) {
			if (*preload)
				setenv("LD_PRELOAD", preload, 1);
			else
				unsetenv("LD_PRELOAD");
			unsetenv("HARRIER_TARGET_LD_PRELOAD");
		}
	}

	/* Everything above happens before the pid is in scope; nothing below until
	 * execv makes a traced syscall (all our fds are O_CLOEXEC). */
	if (read(go_r, &go, 1) != 1)
		_exit(127);
	execv(c->path, argv);
	err = errno;
	if (write(status_w, &err, sizeof(err)) < 0)
		_exit(127);
	_exit(127);
}

int command_spawn(struct command *c, char *const argv[], int out_fd)
{
	int go[2], status[2];

	if (pipe2(go, O_CLOEXEC) < 0)
		return -errno;
	if (pipe2(status, O_CLOEXEC) < 0) {
		close(go[0]);
		close(go[1]);
		return -errno;
	}
	c->pid = fork();
	if (c->pid < 0) {
		int err = -errno;
		close(go[0]);
		close(go[1]);
		close(status[0]);
		close(status[1]);
		return err;
	}
	if (c->pid == 0)
		child(c, argv, out_fd, go[0], status[1]);
	close(go[0]);
	close(status[1]);
	c->go_w = go[1];
	c->status_r = status[0];
	return 0;
}

int command_release(struct command *c)
{
	int err = 0;
	ssize_t n;

	if (write(c->go_w, "g", 1) != 1)
		err = errno;
	close(c->go_w);
	c->go_w = -1;
	do
		n = read(c->status_r, &err, sizeof(err));
	while (n < 0 && errno == EINTR);
	close(c->status_r);
	c->status_r = -1;
	return n == (ssize_t)sizeof(err) ? err : 0;
}
