// SPDX-License-Identifier: (Apache-2.0 OR GPL-2.0)
/*
 * Harrier's kernel side: syscall and process-lifecycle records, filtered in the
 * kernel, written to a BPF ring buffer. See PROTOCOL.md for the record layouts.
 *
 * Only raw tracepoints are used (sys_exit, sched_process_*): they need neither
 * kprobes nor fentry (both unavailable on some kernels Harrier runs on) nor a
 * mounted tracefs, and they are the cheapest way into those hooks.
 *
 * A syscall is one record, written at sys_exit. Its arguments are read back from
 * the pt_regs the kernel saved at entry, which it leaves untouched for the whole
 * call. So no sys_enter program is needed at all: no per-tid map traffic, and no
 * BPF run on the way into every syscall on the machine (measured: ~60 ns each).
 * Three calls need care:
 *  - exit/exit_group never reach sys_exit: written at sched_process_exit, where
 *    the exiting thread's registers still hold the call (orig_ax, rdi);
 *  - a successful execve returns into a new image whose memory no longer holds
 *    the old argument pointers: written at sched_process_exec, with argv and
 *    envp read from the new mm (the kernel just copied them there);
 *  - a failed execve returns normally: written at sys_exit from the registers.
 * The child side of clone/fork returns through sys_exit with ret 0 and the
 * parent's registers copied, so it becomes the child's first record for free.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "harrier.h"

/* The kernel only lets GPL-compatible programs use the probe_read helpers. */
char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* x86_64 syscall numbers this program treats specially. */
#define NR_open 2
#define NR_close 3
#define NR_pipe 22
#define NR_connect 42
#define NR_accept 43
#define NR_sendto 44
#define NR_sendmsg 46
#define NR_bind 49
#define NR_listen 50
#define NR_socketpair 53
#define NR_execve 59
#define NR_exit 60
#define NR_chdir 80
#define NR_rename 82
#define NR_mkdir 83
#define NR_rmdir 84
#define NR_creat 85
#define NR_link 86
#define NR_unlink 87
#define NR_symlink 88
#define NR_chmod 90
#define NR_chown 92
#define NR_lchown 94
#define NR_init_module 175
#define NR_exit_group 231
#define NR_openat 257
#define NR_mkdirat 258
#define NR_fchownat 260
#define NR_unlinkat 263
#define NR_renameat 264
#define NR_linkat 265
#define NR_symlinkat 266
#define NR_fchmodat 268
#define NR_accept4 288
#define NR_pipe2 293
#define NR_finit_module 313
#define NR_renameat2 316
#define NR_memfd_create 319
#define NR_execveat 322
#define NR_clone3 435
#define NR_openat2 437

#define AF_INET 2
#define AF_INET6 10
#define EINPROGRESS 115

/* Wake the reader only when this much is pending; it polls every few ms anyway. */
#define HR_WAKE_BYTES (256 * 1024)
#define HR_WAKE_WINDOW 2048

/* Set by the loader before load; read-only afterwards. */
const volatile __u32 cfg_mode = HR_MODE_RUN;
const volatile __u32 cfg_self_tgid = 0;
const volatile __u8 cfg_enabled[HR_NR_MAX] = {};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 32 << 20); /* resized by the loader */
} events SEC(".maps");

/*
 * Run mode: the thread groups in scope (HR_SCOPE_IN). The loader enters the command's pid
 * as HR_SCOPE_ARMED before releasing it: nothing the loader's forked child does is reported
 * until it execs the command, when sched_process_exec turns it into HR_SCOPE_IN.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, __u8);
} pids SEC(".maps");

/* Host mode: thread groups never to report (Harrier itself). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u8);
} ignore SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct hr_counters);
} counters SEC(".maps");

/*
 * Records with payloads are assembled here, then copied to the ring with
 * bpf_ringbuf_output (ringbuf_reserve needs a constant size). Items start at an
 * offset <= ITEM_LIMIT and are at most HR_ENVP_MAX long, which bounds every
 * access for the verifier. Per-CPU arrays cap values at 32 KiB, so this is a
 * plain array with SLOTS entries per CPU (one per program that uses it, so a
 * preempted program never shares its slot with another).
 */
#define ITEM_LIMIT 16384
#define SCRATCH_SIZE (ITEM_LIMIT + sizeof(struct hr_item) + HR_ENVP_MAX)
#define SLOTS 2
#define SLOT_SYS_EXIT 0
#define SLOT_EXEC 1
struct scratch {
	__u8 buf[SCRATCH_SIZE];
};
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1); /* the loader sets possible CPUs * SLOTS */
	__type(key, __u32);
	__type(value, struct scratch);
} scratch SEC(".maps");

static __always_inline struct hr_counters *ctrs(void)
{
	__u32 k = 0;
	return bpf_map_lookup_elem(&counters, &k);
}

static __always_inline bool in_scope(__u32 tgid)
{
	__u8 *v;

	if (cfg_mode == HR_MODE_HOST)
		return tgid != cfg_self_tgid && !bpf_map_lookup_elem(&ignore, &tgid);
	v = bpf_map_lookup_elem(&pids, &tgid);
	return v && *v == HR_SCOPE_IN;
}

/*
 * Wake the reader once per HR_WAKE_BYTES of backlog: only the records that land just past
 * the mark force a wake-up. Forcing it for every record above the mark (while the reader
 * catches up) costs the producer an irq_work each and the reader a tiny poll round each;
 * measured, that doubled the loader's CPU per event. A record that jumps the window wakes
 * nobody, and the reader's poll timeout picks it up.
 */
static __always_inline __u64 wake_flags(void)
{
	__u64 avail = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA);

	return avail >= HR_WAKE_BYTES && avail < HR_WAKE_BYTES + HR_WAKE_WINDOW ? BPF_RB_FORCE_WAKEUP
										: BPF_RB_NO_WAKEUP;
}

static __always_inline void count(long err)
{
	struct hr_counters *c = ctrs();
	if (!c)
		return;
	/* Per-CPU, so plain increments suffice. */
	if (err)
		c->drops++;
	else
		c->events++;
}



/*
 * pid, tid, ppid, uid, gid: the same five u32s at offset 16 in every kernel record.
 * task is the current task as a BTF pointer: its fields are read with plain (fault-checked)
 * loads, much cheaper than a probe_read helper call each.
 */
static __always_inline void fill_task(struct task_struct *task, __u32 *ids, char *comm)
{
	struct task_struct *parent = task->real_parent;
	const struct cred *cred = task->cred;

	ids[0] = task->tgid;
	ids[1] = task->pid;
	ids[2] = parent ? parent->tgid : 0;
	ids[3] = cred ? cred->uid.val : 0;
	ids[4] = cred ? cred->gid.val : 0;
	/* TASK_COMM_LEN is 16: two 8-byte loads. */
	__builtin_memcpy(comm, task->comm, 16);
}

static __always_inline void fill_syscall(struct hr_syscall *r, struct task_struct *task, __u32 nr, __s64 ret,
					 __u16 flags)
{
	r->hdr.type = HR_REC_SYSCALL;
	r->hdr.version = HR_PROTO_VERSION;
	r->hdr.len = sizeof(*r);
	r->hdr.ts = bpf_ktime_get_boot_ns();
	fill_task(task, &r->pid, r->comm);
	r->nr = nr;
	r->flags = flags;
	r->ret = ret;
	r->nitems = 0;
	r->pad0 = 0;
	r->pad1 = 0;
}

static __always_inline void set_args(struct hr_syscall *r, struct pt_regs *regs)
{
	r->args[0] = regs->di;
	r->args[1] = regs->si;
	r->args[2] = regs->dx;
	r->args[3] = regs->r10;
	r->args[4] = regs->r8;
	r->args[5] = regs->r9;
}

static __always_inline struct scratch *scratch_slot(__u32 slot)
{
	__u32 key = bpf_get_smp_processor_id() * SLOTS + slot;
	return bpf_map_lookup_elem(&scratch, &key);
}

/*
 * Clamps v to max in a way clang cannot reorder or duplicate: the verifier must
 * see the bound on the very register that is later used as a size or offset.
 */
#define BOUND(v, max) asm volatile("if %[x] <= %[m] goto +1; %[x] = %[m]" : [x] "+r"(v) : [m] "r"((__u64)(max)))

static __always_inline void emit(void *data, __u64 len)
{
	BOUND(len, SCRATCH_SIZE);
	count(bpf_ringbuf_output(&events, data, len, wake_flags()));
}

/* Item writers: each appends one item at off and returns the new end. */

static __always_inline __u32 item_done(struct scratch *s, __u32 off, __u8 kind, __u8 flags, __u32 n)
{
	struct hr_syscall *r = (void *)s->buf;
	struct hr_item *it;

	if (off > ITEM_LIMIT)
		return off;
	it = (void *)(s->buf + off);
	it->kind = kind;
	it->flags = flags;
	it->len = n;
	r->nitems++;
	if (flags & HR_IF_TRUNCATED)
		r->flags |= HR_F_TRUNCATED;
	return off + sizeof(*it) + n;
}

/*
 * A NUL-terminated string from user memory; max includes the NUL.
 * put_ustr and put_ubytes are global functions: verified once rather than at each of the
 * ~40 places the syscall switch uses them, which cut hr_sys_exit's load from 130 ms to a
 * few. Being global, they check everything the verifier cannot assume about arguments.
 */
__noinline __u32 put_ustr(struct scratch *s, __u32 off32, __u32 kind, __u64 uptr, __u32 max32)
{
	__u64 off = off32, max = max32;
	long n;
	__u8 fl = 0;

	if (!s || off32 > ITEM_LIMIT)
		return off32;
	BOUND(off, ITEM_LIMIT);
	BOUND(max, HR_ENVP_MAX);
	n = bpf_probe_read_user_str(s->buf + off + sizeof(struct hr_item), max, (void *)uptr);
	if (n < 0) {
		n = 0;
		fl = HR_IF_FAULT;
	} else if ((__u64)n >= max) {
		/* Filled the buffer: the string may have been longer. */
		n = max;
		fl = HR_IF_TRUNCATED;
	}
	return item_done(s, off, kind, fl, n);
}

static __always_inline __u32 put_kstr(struct scratch *s, __u32 off, __u8 kind, const void *kptr, __u32 max)
{
	long n;
	__u8 fl = 0;

	if (off > ITEM_LIMIT)
		return off;
	n = bpf_probe_read_kernel_str(s->buf + off + sizeof(struct hr_item), max, kptr);
	if (n < 0) {
		n = 0;
		fl = HR_IF_FAULT;
	} else if (n >= max) {
		n = max;
		fl = HR_IF_TRUNCATED;
	}
	return item_done(s, off, kind, fl, n);
}

/*
 * len bytes of user memory, cut to max. Global like put_ustr; global functions take at
 * most five arguments, so kind and max share one (see put_ubytes below).
 */
__noinline __u32 put_ubytes_g(struct scratch *s, __u32 off32, __u32 kind_max, __u64 uptr, __u64 len)
{
	__u64 off = off32, max = kind_max >> 8;
	__u8 fl = 0;

	if (!s || off32 > ITEM_LIMIT)
		return off32;
	BOUND(off, ITEM_LIMIT);
	BOUND(max, HR_ENVP_MAX);
	if (len > max)
		fl = HR_IF_TRUNCATED;
	BOUND(len, max);
	BOUND(len, HR_ENVP_MAX);
	if (bpf_probe_read_user(s->buf + off + sizeof(struct hr_item), len, (void *)uptr)) {
		len = 0;
		fl = HR_IF_FAULT;
	}
	return item_done(s, off, kind_max & 0xff, fl, len);
}

#define put_ubytes(s, off, kind, uptr, len, max) put_ubytes_g(s, off, (kind) | ((max) << 8), uptr, len)

/* A sockaddr argument whose length is a value (connect, bind, sendto). */
static __always_inline __u32 put_sockaddr(struct scratch *s, __u32 off, __u64 uptr, __u64 len)
{
	if (!uptr)
		return off;
	return put_ubytes(s, off, HR_ITEM_SOCKADDR, uptr, (__u32)len, HR_SOCKADDR_MAX);
}

/* accept/accept4: the peer address the kernel wrote; *addrlen holds its length. */
static __always_inline __u32 put_sockaddr_out(struct scratch *s, __u32 off, __u64 uptr, __u64 lenptr)
{
	__u32 len = 0;

	if (!uptr || !lenptr || bpf_probe_read_user(&len, sizeof(len), (void *)lenptr))
		return off;
	return put_ubytes(s, off, HR_ITEM_SOCKADDR, uptr, len, HR_SOCKADDR_MAX);
}

/* sendmsg: msg_name/msg_namelen are the first two fields of struct user_msghdr. */
static __always_inline __u32 put_msg_name(struct scratch *s, __u32 off, __u64 msgptr)
{
	struct {
		__u64 name;
		__u32 namelen;
	} m = {};

	if (!msgptr || bpf_probe_read_user(&m, 12, (void *)msgptr))
		return off;
	return put_sockaddr(s, off, m.name, m.namelen);
}

/*
 * argv of a failed execve, from the pointer array (the old image is still there).
 * A global function: the verifier checks it once, not once per call site and caller
 * state, which keeps the load of hr_sys_exit at a few milliseconds.
 */
__noinline __u32 put_argv_ptrs(struct scratch *s, __u32 off32, __u64 argvp)
{
	__u64 off = off32, pos = 0;
	__u8 fl = 0;
	__u64 p = 0;
	int i;

	if (!s || !argvp || off32 > ITEM_LIMIT)
		return off32;
	BOUND(off, ITEM_LIMIT);
	for (i = 0; i < HR_FAILED_ARGV_COUNT; i++) {
		long n;

		if (bpf_probe_read_user(&p, sizeof(p), (void *)(argvp + i * 8)) || !p)
			break;
		BOUND(pos, (HR_FAILED_ARGV_COUNT - 1) * HR_FAILED_ARG_MAX);
		n = bpf_probe_read_user_str(s->buf + off + sizeof(struct hr_item) + pos, HR_FAILED_ARG_MAX, (void *)p);
		if (n <= 0)
			break;
		/* n is 1..HR_FAILED_ARG_MAX; hitting the max means cut short. Computed, not
		 * branched on, so the verifier does not double its states per iteration. */
		fl |= (n / HR_FAILED_ARG_MAX) & HR_IF_TRUNCATED;
		pos += n;
	}
	if (i == HR_FAILED_ARGV_COUNT && !bpf_probe_read_user(&p, sizeof(p), (void *)(argvp + i * 8)) && p)
		fl = HR_IF_TRUNCATED;
	return item_done(s, off, HR_ITEM_ARGV, fl, pos);
}

/*
 * TUPLE: the inet socket behind fd in the calling task, as the kernel holds it, so a bind
 * to port 0, an accepted connection's local end and a client's source port are known.
 * fd -> task->files->fdt->fd[fd] -> file->private_data (struct socket, checked through its
 * back-pointer to the file) -> sk -> __sk_common. Nothing is written for other families, or
 * when the fd no longer names a socket (another thread closed it since the call).
 *
 * Cost: this runs on every traced connect, bind, listen, sendto, sendmsg and accept, so it
 * keeps helper calls (~25 ns each here) to six: files and fdt are plain loads through the
 * task's BTF pointer; struct socket and struct sock_common are copied whole, one read each,
 * and their fields read from the copies at CO-RE-relocated offsets. (Fourteen field-by-field
 * reads cost ~+400 ns per sendto.) Global, like put_ustr: verified once. No loops.
 */
__noinline __u32 put_tuple(struct scratch *s, __u32 off32, __u64 fd)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct files_struct *files = task->files;
	struct sock_common skc;
	struct socket so;
	struct hr_tuple *t;
	struct fdtable *fdt;
	struct file **fds;
	struct file *file = NULL;
	struct socket *sock = NULL;
	struct sock *sk;
	__u64 off = off32;
	__u16 family;

	if (!s || off32 > ITEM_LIMIT || fd > 0x7fffffff || !files)
		return off32;
	fdt = files->fdt;
	if (!fdt || fd >= fdt->max_fds)
		return off32;
	fds = fdt->fd;
	if (!fds || bpf_probe_read_kernel(&file, sizeof(file), fds + fd) || !file)
		return off32;
	if (bpf_core_read(&sock, sizeof(sock), &file->private_data) || !sock)
		return off32;
	if (bpf_core_read(&so, sizeof(so), sock) || so.file != file || !so.sk)
		return off32;
	sk = so.sk;
	if (bpf_core_read(&skc, sizeof(skc), &sk->__sk_common))
		return off32;
	family = skc.skc_family;
	if (family != AF_INET && family != AF_INET6)
		return off32;

	BOUND(off, ITEM_LIMIT);
	t = (void *)(s->buf + off + sizeof(struct hr_item));
	t->family = family;
	t->proto = BPF_CORE_READ(sk, sk_protocol);
	t->type = BPF_CORE_READ(sk, sk_type);
	t->lport = skc.skc_num;
	t->rport = bpf_ntohs(skc.skc_dport);
	t->pad = 0;
	if (family == AF_INET) {
		__builtin_memset(t->laddr, 0, sizeof(t->laddr));
		__builtin_memset(t->raddr, 0, sizeof(t->raddr));
		__builtin_memcpy(t->laddr, &skc.skc_rcv_saddr, 4);
		__builtin_memcpy(t->raddr, &skc.skc_daddr, 4);
	} else {
		__builtin_memcpy(t->laddr, &skc.skc_v6_rcv_saddr, 16);
		__builtin_memcpy(t->raddr, &skc.skc_v6_daddr, 16);
	}
	return item_done(s, off, HR_ITEM_TUPLE, 0, sizeof(*t));
}

/*
 * Which fd a call's TUPLE describes, or -1 for none: the socket argument of a successful
 * connect (or one in progress), bind, listen, sendto, sendmsg; the new fd accept returned.
 */
static __always_inline __s64 tuple_fd(__u64 nr, long ret, const __u64 *a)
{
	switch (nr) {
	case NR_connect:
		return ret == 0 || ret == -EINPROGRESS ? (__s64)(__u32)a[0] : -1;
	case NR_bind:
	case NR_listen:
	case NR_sendto:
	case NR_sendmsg:
		return ret >= 0 ? (__s64)(__u32)a[0] : -1;
	case NR_accept:
	case NR_accept4:
		return ret;
	}
	return -1;
}

/* The per-syscall payloads. Arguments are a0..a5 in register order. */
static __always_inline __u32 put_items(struct scratch *s, __u32 off, __u32 nr, const __u64 *a)
{
	switch (nr) {
	case NR_open:
	case NR_creat:
	case NR_chdir:
	case NR_mkdir:
	case NR_rmdir:
	case NR_unlink:
	case NR_chmod:
	case NR_chown:
	case NR_lchown:
		return put_ustr(s, off, HR_ITEM_PATH, a[0], HR_PATH_MAX);
	case NR_openat:
	case NR_mkdirat:
	case NR_unlinkat:
	case NR_fchmodat:
	case NR_fchownat:
		return put_ustr(s, off, HR_ITEM_PATH, a[1], HR_PATH_MAX);
	case NR_openat2:
		off = put_ustr(s, off, HR_ITEM_PATH, a[1], HR_PATH_MAX);
		return put_ubytes(s, off, HR_ITEM_STRUCT, a[2], a[3], 24); /* struct open_how */
	case NR_rename:
	case NR_link:
	case NR_symlink:
		off = put_ustr(s, off, HR_ITEM_PATH, a[0], HR_PATH_MAX);
		return put_ustr(s, off, HR_ITEM_PATH2, a[1], HR_PATH_MAX);
	case NR_renameat:
	case NR_renameat2:
	case NR_linkat:
		off = put_ustr(s, off, HR_ITEM_PATH, a[1], HR_PATH_MAX);
		return put_ustr(s, off, HR_ITEM_PATH2, a[3], HR_PATH_MAX);
	case NR_symlinkat:
		off = put_ustr(s, off, HR_ITEM_PATH, a[0], HR_PATH_MAX);
		return put_ustr(s, off, HR_ITEM_PATH2, a[2], HR_PATH_MAX);
	case NR_connect:
	case NR_bind:
		return put_sockaddr(s, off, a[1], a[2]);
	case NR_sendto:
		return put_sockaddr(s, off, a[4], a[5]);
	case NR_accept:
	case NR_accept4:
		return put_sockaddr_out(s, off, a[1], a[2]);
	case NR_sendmsg:
		return put_msg_name(s, off, a[1]);
	case NR_pipe:
	case NR_pipe2:
		return put_ubytes(s, off, HR_ITEM_FDS, a[0], 8, 8);
	case NR_socketpair:
		return put_ubytes(s, off, HR_ITEM_FDS, a[3], 8, 8);
	case NR_memfd_create:
		return put_ustr(s, off, HR_ITEM_STRING, a[0], HR_STRING_MAX);
	case NR_init_module:
		return put_ustr(s, off, HR_ITEM_STRING, a[2], HR_STRING_MAX);
	case NR_finit_module:
		return put_ustr(s, off, HR_ITEM_STRING, a[1], HR_STRING_MAX);
	case NR_clone3:
		return put_ubytes(s, off, HR_ITEM_STRUCT, a[0], a[1], HR_STRUCT_MAX);
	case NR_execve:
		off = put_ustr(s, off, HR_ITEM_PATH, a[0], HR_PATH_MAX);
		return put_argv_ptrs(s, off, a[1]);
	case NR_execveat:
		off = put_ustr(s, off, HR_ITEM_PATH, a[1], HR_PATH_MAX);
		return put_argv_ptrs(s, off, a[2]);
	}
	return off;
}

/* Calls whose records carry items (put_items has a case for them). */
static __always_inline bool has_items(__u64 nr)
{
	switch (nr) {
	case NR_open: case NR_creat: case NR_chdir: case NR_mkdir: case NR_rmdir: case NR_unlink:
	case NR_chmod: case NR_chown: case NR_lchown: case NR_openat: case NR_mkdirat:
	case NR_unlinkat: case NR_fchmodat: case NR_fchownat: case NR_openat2: case NR_rename:
	case NR_link: case NR_symlink: case NR_renameat: case NR_renameat2: case NR_linkat:
	case NR_symlinkat: case NR_connect: case NR_bind: case NR_listen: case NR_sendto: case NR_accept:
	case NR_accept4: case NR_sendmsg: case NR_pipe: case NR_pipe2: case NR_socketpair:
	case NR_memfd_create: case NR_init_module: case NR_finit_module: case NR_clone3:
	case NR_execve: case NR_execveat:
		return true;
	}
	return false;
}

SEC("raw_tracepoint/sys_exit")
int hr_sys_exit(struct bpf_raw_tracepoint_args *ctx)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(task);
	long ret = ctx->args[1];
	struct hr_syscall *r;
	struct scratch *s;
	__u64 nr = regs->orig_ax;
	__s64 fd;
	__u32 off;

	/* This much runs for every syscall on the machine: keep it to loads and one lookup. */
	if (nr >= HR_NR_MAX || !cfg_enabled[nr])
		return 0;
	if (!in_scope(bpf_get_current_pid_tgid() >> 32))
		return 0;

	if (!has_items(nr)) {
		/* Fixed size: built in place in the ring, no copy. */
		r = bpf_ringbuf_reserve(&events, sizeof(*r), 0);
		if (!r) {
			count(-1);
			return 0;
		}
		fill_syscall(r, task, nr, ret, 0);
		set_args(r, regs);
		bpf_ringbuf_submit(r, wake_flags());
		count(0);
		return 0;
	}

	/* A successful exec was reported at sched_process_exec. */
	if ((nr == NR_execve || nr == NR_execveat) && ret == 0)
		return 0;
	s = scratch_slot(SLOT_SYS_EXIT);
	if (!s)
		return 0;
	r = (void *)s->buf;
	fill_syscall(r, task, nr, ret, 0);
	set_args(r, regs);
	off = put_items(s, sizeof(*r), nr, r->args);
	fd = tuple_fd(nr, ret, r->args);
	if (fd >= 0)
		off = put_tuple(s, off, fd);
	r->hdr.len = off;
	emit(s->buf, off);
	return 0;
}

SEC("raw_tracepoint/sched_process_exec")
int hr_sched_exec(struct bpf_raw_tracepoint_args *ctx)
{
	struct linux_binprm *bprm = (struct linux_binprm *)ctx->args[2];
	struct task_struct *task = bpf_get_current_task_btf();
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(task);
	struct mm_struct *mm = task->mm;
	struct hr_syscall *r;
	struct scratch *s;
	__u64 start, end;
	__u32 nr;
	__u32 off;

	if (cfg_mode == HR_MODE_RUN) {
		__u32 tgid = task->tgid;
		__u8 *v = bpf_map_lookup_elem(&pids, &tgid);

		if (v && *v == HR_SCOPE_ARMED)
			*v = HR_SCOPE_IN;
	}
	/* The new image's registers are cleared, but not orig_ax: it still names the call. */
	nr = regs->orig_ax == NR_execveat ? NR_execveat : NR_execve;
	if (!cfg_enabled[nr] || !in_scope(task->tgid))
		return 0;
	s = scratch_slot(SLOT_EXEC);
	if (!s || !mm)
		return 0;
	r = (void *)s->buf;
	fill_syscall(r, task, nr, 0, 0);
	__builtin_memset(r->args, 0, sizeof(r->args));

	off = put_kstr(s, sizeof(*r), HR_ITEM_PATH, BPF_CORE_READ(bprm, filename), HR_PATH_MAX);
	start = mm->arg_start;
	end = mm->arg_end;
	off = put_ubytes(s, off, HR_ITEM_ARGV, start, end > start ? end - start : 0, HR_ARGV_MAX);
	start = mm->env_start;
	end = mm->env_end;
	off = put_ubytes(s, off, HR_ITEM_ENVP, start, end > start ? end - start : 0, HR_ENVP_MAX);
	r->hdr.len = off;
	emit(s->buf, off);
	return 0;
}

SEC("raw_tracepoint/sched_process_fork")
int hr_sched_fork(struct bpf_raw_tracepoint_args *ctx)
{
	struct task_struct *parent = (struct task_struct *)ctx->args[0];
	struct task_struct *child = (struct task_struct *)ctx->args[1];
	__u32 ptgid, ctgid;
	__u8 one = HR_SCOPE_IN;

	/* Scope only grows in run mode; host mode sees everyone already. */
	if (cfg_mode != HR_MODE_RUN)
		return 0;
	ptgid = BPF_CORE_READ(parent, tgid);
	ctgid = BPF_CORE_READ(child, tgid);
	if (ptgid == ctgid || !in_scope(ptgid))
		return 0;
	if (bpf_map_update_elem(&pids, &ctgid, &one, BPF_ANY)) {
		struct hr_counters *c = ctrs();
		if (c)
			c->scope_full++;
	}
	return 0;
}

SEC("raw_tracepoint/sched_process_exit")
int hr_sched_exit(struct bpf_raw_tracepoint_args *ctx)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(task);
	struct signal_struct *sig = task->signal;
	__u64 nr = regs->orig_ax;
	struct hr_procexit *pe;
	struct hr_syscall *r;
	__u32 tgid = task->tgid;

	(void)ctx;
	if (!in_scope(tgid))
		return 0;

	/* A thread leaving through exit/exit_group (not a signal): that call's record. */
	if ((nr == NR_exit || nr == NR_exit_group) && cfg_enabled[nr]) {
		r = bpf_ringbuf_reserve(&events, sizeof(*r), 0);
		if (r) {
			fill_syscall(r, task, nr, 0, HR_F_NO_RETURN);
			set_args(r, regs);
			bpf_ringbuf_submit(r, wake_flags());
			count(0);
		} else {
			count(-1);
		}
	}

	/* One PROCEXIT per process, when its last thread goes (signal->live is already 0). */
	if (!sig || sig->live.counter != 0)
		return 0;
	pe = bpf_ringbuf_reserve(&events, sizeof(*pe), 0);
	if (pe) {
		pe->hdr.type = HR_REC_PROCEXIT;
		pe->hdr.version = HR_PROTO_VERSION;
		pe->hdr.len = sizeof(*pe);
		pe->hdr.ts = bpf_ktime_get_boot_ns();
		fill_task(task, &pe->pid, pe->comm);
		pe->exit_code = task->exit_code;
		bpf_ringbuf_submit(pe, wake_flags());
		count(0);
	} else {
		count(-1);
	}
	if (cfg_mode == HR_MODE_RUN)
		bpf_map_delete_elem(&pids, &tgid);
	return 0;
}
