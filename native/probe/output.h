/* SPDX-License-Identifier: Apache-2.0 */
/* Buffered record output: large writes to one fd, plus the loader's own records. */
#ifndef HARRIER_OUTPUT_H
#define HARRIER_OUTPUT_H

#include <stddef.h>
#include <stdint.h>

struct out {
	int fd;
	char *buf;
	size_t len, cap;
	int err; /* first write errno; once set, output is discarded */
};

int out_init(struct out *o, int fd, size_t cap);
void out_free(struct out *o);
void out_write(struct out *o, const void *data, size_t n);
int out_flush(struct out *o);

/* CLOCK_BOOTTIME in ns, the clock the kernel stamps records with. */
uint64_t boot_ns(void);
/* CLOCK_REALTIME - CLOCK_BOOTTIME, in ns. */
int64_t boot_to_epoch_ns(void);

void out_hello(struct out *o, uint32_t mode, uint32_t ncpu, uint32_t ring_bytes, uint32_t nsyscalls);
void out_started(struct out *o, uint32_t pid);
void out_exit(struct out *o, uint32_t pid, int status);
void out_message(struct out *o, uint32_t level, uint32_t code, const char *text);

#endif
