/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The record layouts shared by the BPF program, the loader and (by hand, in
 * src/sensors/ebpf/protocol.ts) the Node decoder. PROTOCOL.md is the prose
 * version of this file; change both together and bump HR_PROTO_VERSION when a
 * layout changes.
 *
 * Everything is little-endian (x86_64) and packed by construction (every field
 * is naturally aligned at the offset it sits at), so no compiler padding hides
 * in these structs.
 */
#ifndef HARRIER_PROBE_H
#define HARRIER_PROBE_H

#define HR_PROTO_VERSION 1

/* Record types. 1..15 come from the kernel, 16.. from the loader. */
#define HR_REC_SYSCALL 1
#define HR_REC_PROCEXIT 2
#define HR_REC_HELLO 16
#define HR_REC_STATS 17
#define HR_REC_STARTED 18
#define HR_REC_EXIT 19
#define HR_REC_MESSAGE 20

/* Syscall record flags. */
#define HR_F_NO_RETURN 0x1 /* exit, exit_group: the call never returned; ret is meaningless */
#define HR_F_TRUNCATED 0x2 /* some item was cut short */

/* Item kinds (variable-length payloads after a syscall record's fixed part). */
#define HR_ITEM_PATH 1     /* first path-like string argument, NUL-terminated */
#define HR_ITEM_PATH2 2    /* second path (rename/link newpath, symlink linkpath) */
#define HR_ITEM_SOCKADDR 3 /* raw struct sockaddr bytes, at most 110 */
#define HR_ITEM_ARGV 4     /* argv strings, each NUL-terminated, concatenated */
#define HR_ITEM_ENVP 5     /* environment strings, same shape as ARGV */
#define HR_ITEM_STRING 6   /* other string argument (memfd name, module params) */
#define HR_ITEM_STRUCT 7   /* raw bytes of a struct argument (open_how, clone_args) */
#define HR_ITEM_FDS 8      /* int[2] written by pipe/pipe2/socketpair */
#define HR_ITEM_TUPLE 9    /* struct hr_tuple: an inet socket's endpoints, read from the kernel */

/* Item flags. */
#define HR_IF_TRUNCATED 0x1
#define HR_IF_FAULT 0x2 /* user memory could not be read; len is 0 */

/* Bounds. */
#define HR_PATH_MAX 4096
#define HR_SOCKADDR_MAX 110
#define HR_ARGV_MAX 8192
#define HR_ENVP_MAX 16384
#define HR_STRING_MAX 256
#define HR_STRUCT_MAX 128
#define HR_FAILED_ARGV_COUNT 16 /* argv entries read for a failed execve */
#define HR_FAILED_ARG_MAX 256   /* bytes per entry for a failed execve */

#define HR_NR_MAX 512 /* syscall numbers >= this are never traced */

/* Values in the run-mode pid map. */
#define HR_SCOPE_IN 1
#define HR_SCOPE_ARMED 2 /* the command, between fork and its exec: not reported yet */

#define HR_MODE_RUN 1
#define HR_MODE_HOST 2

/* Common 16-byte header. Its layout never changes across protocol versions, so
 * a reader can always skip a record it does not understand. */
struct hr_hdr {
	__u16 type;
	__u16 version;
	__u32 len; /* whole record, header included */
	__u64 ts;  /* CLOCK_BOOTTIME nanoseconds; add HELLO.boot_to_epoch_ns */
};

struct hr_syscall {
	struct hr_hdr hdr; /* 0 */
	__u32 pid;         /* 16: thread-group id */
	__u32 tid;         /* 20 */
	__u32 ppid;        /* 24: real parent's thread-group id */
	__u32 uid;         /* 28 */
	__u32 gid;         /* 32 */
	__u16 nr;          /* 36: x86_64 syscall number */
	__u16 flags;       /* 38: HR_F_* */
	__s64 ret;         /* 40 */
	__u64 args[6];     /* 48: raw register arguments */
	char comm[16];     /* 96 */
	__u16 nitems;      /* 112 */
	__u16 pad0;        /* 114 */
	__u32 pad1;        /* 116 */
};                         /* 120, then nitems items */

struct hr_item {
	__u8 kind;  /* HR_ITEM_* */
	__u8 flags; /* HR_IF_* */
	__u16 len;  /* bytes that follow */
};

/*
 * TUPLE item payload: the socket behind a call's fd as the kernel holds it (struct sock_common),
 * not as the caller described it. Addresses are in network byte order (an IPv4 address in the
 * first 4 bytes, the rest 0); ports in host order. An unconnected socket has raddr 0, rport 0.
 */
struct hr_tuple {
	__u16 family;   /* 0: AF_INET (2) or AF_INET6 (10) */
	__u16 proto;    /* 2: sk_protocol: IPPROTO_TCP (6), IPPROTO_UDP (17), ... */
	__u16 type;     /* 4: sk_type: SOCK_STREAM (1), SOCK_DGRAM (2), SOCK_RAW (3), ... */
	__u16 lport;    /* 6: local port (skc_num) */
	__u16 rport;    /* 8: remote port (skc_dport) */
	__u16 pad;      /* 10 */
	__u8 laddr[16]; /* 12: local address (skc_rcv_saddr / skc_v6_rcv_saddr) */
	__u8 raddr[16]; /* 28: remote address (skc_daddr / skc_v6_daddr) */
};                      /* 44 */

struct hr_procexit {
	struct hr_hdr hdr; /* 0 */
	__u32 pid;         /* 16 */
	__u32 tid;         /* 20: the last thread to exit */
	__u32 ppid;        /* 24 */
	__u32 uid;         /* 28 */
	__u32 gid;         /* 32 */
	__u32 exit_code;   /* 36: task->exit_code: (status << 8) | core 0x80 | signal */
	char comm[16];     /* 40 */
};                         /* 56 */

struct hr_hello {
	struct hr_hdr hdr;        /* 0 */
	__s64 boot_to_epoch_ns;   /* 16: CLOCK_REALTIME - CLOCK_BOOTTIME at start */
	__u32 mode;               /* 24: HR_MODE_* */
	__u32 loader_pid;         /* 28 */
	__u32 ncpu;               /* 32: possible CPUs (length of STATS per-CPU array) */
	__u32 ring_bytes;         /* 36 */
	__u32 nsyscalls;          /* 40: how many syscall numbers are enabled */
	__u32 pad;                /* 44 */
};                                /* 48 */

struct hr_stats {
	struct hr_hdr hdr;     /* 0 */
	__u64 events;          /* 16: records the kernel wrote to the ring */
	__u64 drops;           /* 24: records lost because the ring was full */
	__u64 misses;          /* 32: program runs skipped by the kernel (recursion) */
	__u64 scope_full;      /* 40: processes that could not be added to the pid map */
	__u32 ncpu;            /* 48 */
	__u32 pad;             /* 52 */
	/* 56: __u64 drops_per_cpu[ncpu] */
};

struct hr_started {
	struct hr_hdr hdr; /* 0 */
	__u32 pid;         /* 16: the command's pid */
	__u32 pad;         /* 20 */
};                         /* 24 */

struct hr_exit {
	struct hr_hdr hdr; /* 0 */
	__u32 pid;         /* 16 */
	__s32 status;      /* 20: raw wait status (WIFEXITED/WTERMSIG apply) */
};                         /* 24 */

struct hr_message {
	struct hr_hdr hdr; /* 0 */
	__u32 level;       /* 16: 1 error, 2 warning, 3 info */
	__u32 code;        /* 20: the exit code an error leads to, else 0 */
	/* 24: UTF-8 text, len - 24 bytes, no NUL */
};

/* Per-CPU counters kept by the BPF program. */
struct hr_counters {
	__u64 events;
	__u64 drops;
	__u64 scope_full;
};

#endif
