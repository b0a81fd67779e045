// SPDX-License-Identifier: Apache-2.0
/*
 * Records leave the loader through one buffer flushed once per poll round, so a
 * burst of small ring records costs a few large write(2)s rather than one each.
 * A blocking write is deliberate: when the reader lags, the loader stalls, the
 * kernel ring fills, and the kernel counts what it could not store (drops are
 * reported, never silent).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/types.h>

#include "harrier.h"
#include "output.h"

int out_init(struct out *o, int fd, size_t cap)
{
	o->fd = fd;
	o->len = 0;
	o->cap = cap;
	o->err = 0;
	o->buf = malloc(cap);
	return o->buf ? 0 : -ENOMEM;
}

void out_free(struct out *o)
{
	free(o->buf);
	o->buf = NULL;
}

static int write_all(struct out *o, const char *p, size_t n)
{
	while (n > 0 && !o->err) {
		ssize_t w = write(o->fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			o->err = errno;
			return -o->err;
		}
		p += w;
		n -= (size_t)w;
	}
	return o->err ? -o->err : 0;
}

int out_flush(struct out *o)
{
	int rc;

	if (o->err)
		return -o->err;
	rc = write_all(o, o->buf, o->len);
	o->len = 0;
	return rc;
}

void out_write(struct out *o, const void *data, size_t n)
{
	if (o->err)
		return;
	if (o->len + n > o->cap)
		out_flush(o);
	if (n > o->cap) {
		write_all(o, data, n);
		return;
	}
	memcpy(o->buf + o->len, data, n);
	o->len += n;
}

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t boot_ns(void)
{
	return clock_ns(CLOCK_BOOTTIME);
}

int64_t boot_to_epoch_ns(void)
{
	/* Bracket the boot-clock read with two wall-clock reads and take the middle. */
	uint64_t r1 = clock_ns(CLOCK_REALTIME);
	uint64_t b = clock_ns(CLOCK_BOOTTIME);
	uint64_t r2 = clock_ns(CLOCK_REALTIME);

	return (int64_t)(r1 + (r2 - r1) / 2) - (int64_t)b;
}

static void hdr(struct hr_hdr *h, uint16_t type, uint32_t len)
{
	h->type = type;
	h->version = HR_PROTO_VERSION;
	h->len = len;
	h->ts = boot_ns();
}

void out_hello(struct out *o, uint32_t mode, uint32_t ncpu, uint32_t ring_bytes, uint32_t nsyscalls)
{
	struct hr_hello r;

	memset(&r, 0, sizeof(r));
	hdr(&r.hdr, HR_REC_HELLO, sizeof(r));
	r.boot_to_epoch_ns = boot_to_epoch_ns();
	r.mode = mode;
	r.loader_pid = (uint32_t)getpid();
	r.ncpu = ncpu;
	r.ring_bytes = ring_bytes;
	r.nsyscalls = nsyscalls;
	out_write(o, &r, sizeof(r));
}

void out_started(struct out *o, uint32_t pid)
{
	struct hr_started r;

	memset(&r, 0, sizeof(r));
	hdr(&r.hdr, HR_REC_STARTED, sizeof(r));
	r.pid = pid;
	out_write(o, &r, sizeof(r));
}

void out_exit(struct out *o, uint32_t pid, int status)
{
	struct hr_exit r;

	memset(&r, 0, sizeof(r));
	hdr(&r.hdr, HR_REC_EXIT, sizeof(r));
	r.pid = pid;
	r.status = status;
	out_write(o, &r, sizeof(r));
}

void out_message(struct out *o, uint32_t level, uint32_t code, const char *text)
{
	struct hr_message r;
	size_t n = strlen(text);

	if (n > 4000)
		n = 4000;
	memset(&r, 0, sizeof(r));
	hdr(&r.hdr, HR_REC_MESSAGE, (uint32_t)(sizeof(r) + n));
	r.level = level;
	r.code = code;
	out_write(o, &r, sizeof(r));
	out_write(o, text, n);
}
