/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Parsing the kernel's full BTF costs libbpf ~100 ms at every start. The build cuts a minimal
 * BTF with just the types the probe's CO-RE relocations use (harrier.min.btf) and records the
 * identity of the kernel it came from (harrier.btf.id); the loader uses it while the running
 * kernel has that identity, and the kernel's own BTF otherwise.
 */
#ifndef HARRIER_BTF_H
#define HARRIER_BTF_H

#include <stddef.h>

/* Release, size and FNV-1a hash of /sys/kernel/btf/vmlinux, one line each for release and the rest. */
void kernel_btf_id(char *buf, size_t cap);

/* The minimal BTF beside this executable if it matches the running kernel, else NULL. */
const char *min_btf_path(char *path, size_t cap);

#endif
