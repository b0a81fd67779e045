// SPDX-License-Identifier: Apache-2.0
/*
 * harrier-probe: loads harrier.bpf.c, scopes it (a command it starts, or the
 * whole host), and streams the kernel's records plus its own to one fd.
 * The wire format is in PROTOCOL.md; interpretation belongs to the Node side.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/types.h>

#include "harrier.h"
#include "harrier.skel.h"
#include "btf.h"
#include "command.h"
#include "output.h"

/* Exit codes, documented in PROTOCOL.md. */
enum {
	EX_OK = 0,
	EX_INTERNAL = 1,
	EX_USAGE = 2,
	EX_PERM = 3,
	EX_NO_BTF = 4,
	EX_ATTACH = 5,
	EX_LOAD = 6,
	EX_EXEC = 7,
	EX_OUTPUT = 8,
};

enum { LVL_ERROR = 1, LVL_WARNING = 2, LVL_INFO = 3 };

/* execve … kill, tgkill: what Harrier's state tables and Falco's rules need (FACTS.md §3). */
static const int default_syscalls[] = {
	59, 322, 56, 435, 57, 58, 60, 231,           /* execve execveat clone clone3 fork vfork exit exit_group */
	2, 257, 437, 85, 3,                          /* open openat openat2 creat close */
	32, 33, 292, 72, 22, 293,                    /* dup dup2 dup3 fcntl pipe pipe2 */
	41, 53, 42, 43, 288, 49, 50, 44, 46,         /* socket socketpair connect accept accept4 bind listen sendto sendmsg */
	80, 81, 82, 264, 316, 87, 263, 84, 83, 258,  /* chdir fchdir rename renameat renameat2 unlink unlinkat rmdir mkdir mkdirat */
	86, 265, 88, 266,                            /* link linkat symlink symlinkat */
	90, 91, 268, 92, 93, 260, 94,                /* chmod fchmod fchmodat chown fchown fchownat lchown */
	105, 106, 113, 114, 117, 119,                /* setuid setgid setreuid setregid setresuid setresgid */
	101, 319, 175, 313, 62, 234,                 /* ptrace memfd_create init_module finit_module kill tgkill */
};

struct opts {
	int mode;
	int out_fd;
	bool records_messages;
	bool verbose;
	bool wait_descendants;
	unsigned ring_mb;
	unsigned poll_ms;
	unsigned stats_ms;
	__u8 enabled[HR_NR_MAX];
	int nignore;
	__u32 ignore[64];
	char **argv; /* command, run mode */
};

static struct opts opt = {
	.mode = HR_MODE_RUN,
	.out_fd = STDOUT_FILENO,
	.ring_mb = 32,
	.poll_ms = 20,
	.stats_ms = 1000,
};
static struct out out;
static bool out_ready;

static volatile sig_atomic_t got_stop;    /* SIGTERM/SIGHUP (and SIGINT in host mode) */
static volatile sig_atomic_t got_stopsig; /* which one, to forward */
static volatile sig_atomic_t got_chld;

/* libbpf's warnings (the verifier log among them), kept for the error message. */
static char libbpf_log[8192];
static size_t libbpf_log_len;

static void msg(int level, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void msg(int level, int code, const char *fmt, ...)
{
	char text[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (opt.records_messages && out_ready) {
		out_message(&out, (__u32)level, (__u32)code, text);
		out_flush(&out);
	} else {
		fprintf(stderr, "harrier-probe: %s%s\n", level == LVL_ERROR ? "error: " : level == LVL_WARNING ? "warning: " : "", text);
	}
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	if (opt.verbose) {
		va_copy(ap2, ap);
		vfprintf(stderr, fmt, ap2);
		va_end(ap2);
	}
	if (level != LIBBPF_WARN)
		return 0;
	if (libbpf_log_len >= sizeof(libbpf_log) - 256)
		libbpf_log_len = 0; /* keep the most recent text */
	n = vsnprintf(libbpf_log + libbpf_log_len, sizeof(libbpf_log) - libbpf_log_len, fmt, ap);
	if (n > 0)
		libbpf_log_len += (size_t)n < sizeof(libbpf_log) - libbpf_log_len ? (size_t)n : 0;
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: harrier-probe [options] --mode run -- CMD [ARGS...]\n"
		"       harrier-probe [options] --mode host [--ignore-pid N]...\n"
		"options:\n"
		"  --syscalls LIST     comma-separated x86_64 syscall numbers; 'default' adds the default set\n"
		"  --ring-mb N         kernel ring buffer size in MiB, a power of two (default 32)\n"
		"  --out-fd N          write records to fd N (default 1; then CMD's stdout goes to stderr)\n"
		"  --messages KIND     'stderr' (default) or 'records': where diagnostics go\n"
		"  --poll-ms N         ring poll timeout, at most 50 (default 20)\n"
		"  --stats-ms N        interval between STATS records (default 1000)\n"
		"  --wait-descendants  run mode: also wait for CMD's orphaned descendants\n"
		"  -v, --verbose       libbpf's own log to stderr\n"
		"  --btf-id            print the running kernel's BTF identity and exit\n");
}

static int parse_uint(const char *s, unsigned *v)
{
	char *end;
	unsigned long x;

	errno = 0;
	x = strtoul(s, &end, 10);
	if (errno || end == s || *end || x > 0x7fffffff)
		return -1;
	*v = (unsigned)x;
	return 0;
}

static int parse_syscalls(const char *list)
{
	char *copy = strdup(list), *tok, *save = NULL;
	unsigned nr;
	size_t i;

	if (!copy)
		return -1;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (strcmp(tok, "default") == 0) {
			for (i = 0; i < sizeof(default_syscalls) / sizeof(default_syscalls[0]); i++)
				opt.enabled[default_syscalls[i]] = 1;
		} else if (parse_uint(tok, &nr) == 0 && nr < HR_NR_MAX) {
			opt.enabled[nr] = 1;
		} else {
			free(copy);
			return -1;
		}
	}
	free(copy);
	return 0;
}

static int parse_args(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "mode", required_argument, NULL, 'm' },
		{ "syscalls", required_argument, NULL, 's' },
		{ "ring-mb", required_argument, NULL, 'r' },
		{ "out-fd", required_argument, NULL, 'o' },
		{ "messages", required_argument, NULL, 'M' },
		{ "ignore-pid", required_argument, NULL, 'i' },
		{ "poll-ms", required_argument, NULL, 'p' },
		{ "stats-ms", required_argument, NULL, 'S' },
		{ "wait-descendants", no_argument, NULL, 'w' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "btf-id", no_argument, NULL, 'B' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	bool have_syscalls = false;
	unsigned v;
	int c;

	/* '+': stop at the first non-option, so CMD's own options stay CMD's. */
	while ((c = getopt_long(argc, argv, "+vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'm':
			if (strcmp(optarg, "run") == 0)
				opt.mode = HR_MODE_RUN;
			else if (strcmp(optarg, "host") == 0)
				opt.mode = HR_MODE_HOST;
			else
				return -1;
			break;
		case 's':
			if (parse_syscalls(optarg))
				return -1;
			have_syscalls = true;
			break;
		case 'r':
			if (parse_uint(optarg, &v) || v == 0 || v > 1024 || (v & (v - 1)))
				return -1;
			opt.ring_mb = v;
			break;
		case 'o':
			if (parse_uint(optarg, &v))
				return -1;
			opt.out_fd = (int)v;
			break;
		case 'M':
			if (strcmp(optarg, "records") == 0)
				opt.records_messages = true;
			else if (strcmp(optarg, "stderr") == 0)
				opt.records_messages = false;
			else
				return -1;
			break;
		case 'i':
			if (parse_uint(optarg, &v) || opt.nignore >= (int)(sizeof(opt.ignore) / sizeof(opt.ignore[0])))
				return -1;
			opt.ignore[opt.nignore++] = v;
			break;
		case 'p':
			if (parse_uint(optarg, &v) || v == 0 || v > 50)
				return -1;
			opt.poll_ms = v;
			break;
		case 'S':
			if (parse_uint(optarg, &v) || v == 0)
				return -1;
			opt.stats_ms = v;
			break;
		case 'w':
			opt.wait_descendants = true;
			break;
		case 'v':
			opt.verbose = true;
			break;
		case 'B': {
			char id[1024];

			kernel_btf_id(id, sizeof(id));
			fputs(id, stdout);
			exit(EX_OK);
		}
		case 'h':
			usage(stdout);
			exit(EX_OK);
		default:
			return -1;
		}
	}
	if (!have_syscalls)
		parse_syscalls("default");
	if (opt.mode == HR_MODE_RUN) {
		if (optind >= argc)
			return -1;
		opt.argv = argv + optind;
	} else if (optind < argc) {
		return -1;
	}
	return 0;
}

static void on_signal(int sig)
{
	if (sig == SIGCHLD) {
		got_chld = 1;
		return;
	}
	got_stop++;
	got_stopsig = sig;
}

/*
 * Run mode: SIGINT/SIGQUIT from a terminal already reach the command (same
 * process group), so the loader ignores them and keeps draining; SIGTERM/SIGHUP
 * are forwarded. Host mode: SIGINT/SIGTERM/SIGHUP end the session.
 */
static void setup_signals(struct command *cmd)
{
	struct sigaction sa;
	int i;

	for (i = 0; i < CMD_NSIGS; i++)
		sigaction(cmd_signals[i], NULL, &cmd->saved[i]);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal; /* no SA_RESTART: a signal interrupts the poll */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGCHLD, &sa, NULL);
	if (opt.mode == HR_MODE_HOST) {
		sigaction(SIGINT, &sa, NULL);
	} else {
		signal(SIGINT, SIG_IGN);
		signal(SIGQUIT, SIG_IGN);
	}
	signal(SIGPIPE, SIG_IGN); /* a vanished reader shows up as EPIPE */
}

/* EPERM is a missing privilege; EACCES is the verifier saying no. */
static int exit_code_for_load_error(int err)
{
	if (err == -EPERM || (err == -EACCES && geteuid() != 0))
		return EX_PERM;
	return EX_LOAD;
}

static void report_load_error(int err, const char *what)
{
	int code = exit_code_for_load_error(err);

	if (code == EX_PERM)
		msg(LVL_ERROR, code, "%s: %s; the eBPF probe needs root (or CAP_BPF+CAP_PERFMON)", what, strerror(-err));
	else
		msg(LVL_ERROR, code, "%s: %s%s%.*s", what, strerror(-err), libbpf_log_len ? "\n" : "",
		    (int)libbpf_log_len, libbpf_log);
}

static struct hr_counters *counter_buf;
static __u64 *drops_per_cpu;

static void write_stats(struct harrier_bpf *skel, int ncpu)
{
	struct bpf_program *prog;
	struct hr_stats st;
	__u32 key = 0;
	int i;

	memset(&st, 0, sizeof(st));
	memset(counter_buf, 0, sizeof(*counter_buf) * (size_t)ncpu);
	if (bpf_map__lookup_elem(skel->maps.counters, &key, sizeof(key), counter_buf,
				 sizeof(*counter_buf) * (size_t)ncpu, 0) == 0) {
		for (i = 0; i < ncpu; i++) {
			st.events += counter_buf[i].events;
			st.drops += counter_buf[i].drops;
			st.scope_full += counter_buf[i].scope_full;
			drops_per_cpu[i] = counter_buf[i].drops;
		}
	}
	bpf_object__for_each_program(prog, skel->obj) {
		struct bpf_prog_info info;
		__u32 len = sizeof(info);

		memset(&info, 0, sizeof(info));
		if (bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len) == 0)
			st.misses += info.recursion_misses;
	}
	st.hdr.type = HR_REC_STATS;
	st.hdr.version = HR_PROTO_VERSION;
	st.hdr.len = (__u32)(sizeof(st) + sizeof(__u64) * (size_t)ncpu);
	st.hdr.ts = boot_ns();
	st.ncpu = (__u32)ncpu;
	out_write(&out, &st, sizeof(st));
	out_write(&out, drops_per_cpu, sizeof(__u64) * (size_t)ncpu);
}

static int on_record(void *ctx, void *data, size_t size)
{
	(void)ctx;
	out_write(&out, data, size);
	return 0;
}

static int setup_bpf(struct harrier_bpf **pskel, int ncpu)
{
	struct harrier_bpf *skel;
	char btf_path[PATH_MAX];
	int err, i;

	if (access("/sys/kernel/btf/vmlinux", R_OK) != 0) {
		msg(LVL_ERROR, EX_NO_BTF,
		    "this kernel has no BTF (/sys/kernel/btf/vmlinux): the eBPF probe needs CONFIG_DEBUG_INFO_BTF=y");
		return EX_NO_BTF;
	}
	{
		LIBBPF_OPTS(bpf_object_open_opts, open_opts, .btf_custom_path = min_btf_path(btf_path, sizeof(btf_path)));

		if (opt.verbose)
			fprintf(stderr, "harrier-probe: CO-RE types from %s\n",
				open_opts.btf_custom_path ? open_opts.btf_custom_path : "the kernel's BTF");
		skel = harrier_bpf__open_opts(&open_opts);
	}
	if (!skel) {
		report_load_error(-errno, "cannot open the BPF object");
		return EX_LOAD;
	}
	*pskel = skel;
	skel->rodata->cfg_mode = (__u32)opt.mode;
	skel->rodata->cfg_self_tgid = (__u32)getpid();
	memcpy((void *)skel->rodata->cfg_enabled, opt.enabled, sizeof(opt.enabled));
	bpf_map__set_max_entries(skel->maps.events, opt.ring_mb << 20);
	bpf_map__set_max_entries(skel->maps.scratch, (__u32)ncpu * 2);

	err = harrier_bpf__load(skel);
	if (err) {
		report_load_error(err, "cannot load the BPF program");
		return exit_code_for_load_error(err);
	}
	for (i = 0; i < opt.nignore; i++) {
		__u8 one = 1;
		bpf_map__update_elem(skel->maps.ignore, &opt.ignore[i], sizeof(__u32), &one, 1, BPF_ANY);
	}

	/* Attach one by one so a missing tracepoint is named. */
	{
		struct bpf_program *progs[] = {
			skel->progs.hr_sched_fork, skel->progs.hr_sched_exit, skel->progs.hr_sched_exec,
			skel->progs.hr_sys_exit,
		};
		struct bpf_link **links[] = {
			&skel->links.hr_sched_fork, &skel->links.hr_sched_exit, &skel->links.hr_sched_exec,
			&skel->links.hr_sys_exit,
		};
		for (i = 0; i < (int)(sizeof(progs) / sizeof(progs[0])); i++) {
			*links[i] = bpf_program__attach(progs[i]);
			if (!*links[i]) {
				err = -errno;
				if (exit_code_for_load_error(err) == EX_PERM) {
					report_load_error(err, "cannot attach to a tracepoint");
					return EX_PERM;
				}
				msg(LVL_ERROR, EX_ATTACH, "cannot attach to tracepoint %s: %s",
				    bpf_program__section_name(progs[i]), strerror(-err));
				return EX_ATTACH;
			}
		}
	}
	return EX_OK;
}

/* Reaps children; returns true once the command (and, if asked, every descendant) is gone. */
static bool reap(struct command *cmd, int *cmd_status, bool *cmd_done)
{
	for (;;) {
		int status;
		pid_t p = waitpid(-1, &status, WNOHANG);

		if (p > 0) {
			if (p == cmd->pid) {
				*cmd_status = status;
				*cmd_done = true;
			}
			continue;
		}
		if (p < 0 && errno == EINTR)
			continue;
		/* p == 0: children remain; p < 0 (ECHILD): none left. */
		if (!*cmd_done)
			return false;
		return !opt.wait_descendants || p < 0;
	}
}

int main(int argc, char **argv)
{
	struct harrier_bpf *skel = NULL;
	struct ring_buffer *rb = NULL;
	struct command cmd = { .pid = -1, .go_w = -1, .status_r = -1 };
	int ncpu, nenabled = 0, rc = EX_OK, cmd_status = 0, i;
	bool cmd_done = false;
	sig_atomic_t stops_seen = 0;
	__u64 last_stats;

	if (parse_args(argc, argv)) {
		usage(stderr);
		return EX_USAGE;
	}
	for (i = 0; i < HR_NR_MAX; i++)
		nenabled += opt.enabled[i];
	if (fcntl(opt.out_fd, F_SETFD, FD_CLOEXEC) < 0) {
		fprintf(stderr, "harrier-probe: error: --out-fd %d: %s\n", opt.out_fd, strerror(errno));
		return EX_USAGE;
	}
	if (out_init(&out, opt.out_fd, 1 << 20)) {
		fprintf(stderr, "harrier-probe: error: out of memory\n");
		return EX_INTERNAL;
	}
	out_ready = true;
	/* If whoever started us dies, stop (and, in run mode, pass SIGTERM on to the command). */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	setup_signals(&cmd);
	libbpf_set_print(libbpf_print);

	ncpu = libbpf_num_possible_cpus();
	if (ncpu <= 0) {
		msg(LVL_ERROR, EX_INTERNAL, "cannot count CPUs: %s", strerror(-ncpu));
		return EX_INTERNAL;
	}
	counter_buf = calloc((size_t)ncpu, sizeof(*counter_buf));
	drops_per_cpu = calloc((size_t)ncpu, sizeof(*drops_per_cpu));
	if (!counter_buf || !drops_per_cpu) {
		msg(LVL_ERROR, EX_INTERNAL, "out of memory");
		return EX_INTERNAL;
	}

	if (opt.mode == HR_MODE_RUN) {
		int err = command_resolve(opt.argv[0], cmd.path, sizeof(cmd.path));
		if (err) {
			msg(LVL_ERROR, EX_EXEC, "cannot run %s: %s", opt.argv[0], strerror(-err));
			return EX_EXEC;
		}
		if (opt.wait_descendants)
			prctl(PR_SET_CHILD_SUBREAPER, 1);
	}

	rc = setup_bpf(&skel, ncpu);
	if (rc != EX_OK)
		goto done;
	rb = ring_buffer__new(bpf_map__fd(skel->maps.events), on_record, NULL, NULL);
	if (!rb) {
		msg(LVL_ERROR, EX_INTERNAL, "cannot open the ring buffer: %s", strerror(errno));
		rc = EX_INTERNAL;
		goto done;
	}
	out_hello(&out, (__u32)opt.mode, (__u32)ncpu, opt.ring_mb << 20, (__u32)nenabled);

	if (opt.mode == HR_MODE_RUN) {
		__u8 armed = HR_SCOPE_ARMED;
		__u32 pid;
		int err = command_spawn(&cmd, opt.argv, opt.out_fd);

		if (err) {
			msg(LVL_ERROR, EX_EXEC, "cannot fork: %s", strerror(-err));
			rc = EX_EXEC;
			goto done;
		}
		pid = (__u32)cmd.pid;
		/* In scope from its exec on, before it can make a single traced call. */
		err = bpf_map__update_elem(skel->maps.pids, &pid, sizeof(pid), &armed, 1, BPF_ANY);
		if (err) {
			kill(cmd.pid, SIGKILL);
			msg(LVL_ERROR, EX_INTERNAL, "cannot scope the command: %s", strerror(-err));
			rc = EX_INTERNAL;
			goto done;
		}
		err = command_release(&cmd);
		if (err) {
			waitpid(cmd.pid, NULL, 0);
			msg(LVL_ERROR, EX_EXEC, "cannot run %s: %s", cmd.path, strerror(err));
			rc = EX_EXEC;
			goto done;
		}
		out_started(&out, pid);
	}
	if (out_flush(&out)) {
		rc = EX_OUTPUT;
		goto done;
	}

	last_stats = boot_ns();
	for (;;) {
		int n = ring_buffer__poll(rb, (int)opt.poll_ms);

		if (n < 0 && n != -EINTR) {
			msg(LVL_ERROR, EX_INTERNAL, "ring buffer poll: %s", strerror(-n));
			rc = EX_INTERNAL;
			break;
		}
		/* Records written with BPF_RB_NO_WAKEUP do not wake the poll; collect them anyway. */
		ring_buffer__consume(rb);
		if (boot_ns() - last_stats >= (__u64)opt.stats_ms * 1000000ull) {
			write_stats(skel, ncpu);
			last_stats = boot_ns();
		}
		if (out_flush(&out)) {
			/* The reader is gone: nobody is left to report to. */
			rc = EX_OUTPUT;
			break;
		}
		if (opt.mode == HR_MODE_HOST) {
			if (got_stop)
				break;
			continue;
		}
		if (got_stop != stops_seen && !cmd_done) {
			/* Forward the first request; a second one means "now". */
			kill(cmd.pid, got_stop > 1 ? SIGKILL : got_stopsig);
			stops_seen = got_stop;
		}
		if (got_chld) {
			got_chld = 0;
			if (reap(&cmd, &cmd_status, &cmd_done))
				break;
		}
	}

	/* Everything the command did is in the ring by the time it was reaped. */
	ring_buffer__consume(rb);
	if (opt.mode == HR_MODE_RUN && cmd_done)
		out_exit(&out, (__u32)cmd.pid, cmd_status);
	write_stats(skel, ncpu);
	if (out_flush(&out) && rc == EX_OK)
		rc = EX_OUTPUT;

done:
	ring_buffer__free(rb);
	harrier_bpf__destroy(skel);
	out_flush(&out);
	out_free(&out);
	free(counter_buf);
	free(drops_per_cpu);
	return rc;
}
