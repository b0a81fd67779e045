// SPDX-License-Identifier: Apache-2.0
/* Choosing the BTF libbpf resolves CO-RE relocations against (see btf.h). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/types.h>

#include "btf.h"

/* Appends a small file to buf; returns the new length. */
static size_t append_file(char *buf, size_t len, size_t cap, const char *path)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return len;
	n = fread(buf + len, 1, cap - len - 1, f);
	fclose(f);
	return len + n;
}

/*
 * What identifies the running kernel's BTF: its release and a hash of the whole BTF blob
 * (~5 MB, a few ms), so a minimal BTF is never applied to a kernel whose layout differs.
 * `harrier-probe --btf-id` prints it; the Makefile stores it as harrier.btf.id.
 */
void kernel_btf_id(char *buf, size_t cap)
{
	static char data[1 << 16];
	__u64 h = 0xcbf29ce484222325ull, size = 0;
	size_t len = 0;
	ssize_t n;
	int fd;

	len = append_file(buf, len, cap, "/proc/sys/kernel/osrelease");
	fd = open("/sys/kernel/btf/vmlinux", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		/* FNV-1a over 8-byte words; the blob's length is a multiple of 4, pad the tail. */
		while ((n = read(fd, data, sizeof(data))) > 0) {
			for (ssize_t i = 0; i < n; i += 8) {
				__u64 w = 0;

				memcpy(&w, data + i, n - i < 8 ? (size_t)(n - i) : 8);
				h = (h ^ w) * 0x100000001b3ull;
			}
			size += (__u64)n;
		}
		close(fd);
	}
	if (len < cap)
		snprintf(buf + len, cap - len, "%llu %016llx\n", (unsigned long long)size, (unsigned long long)h);
	buf[cap - 1] = 0;
}

/*
 * The minimal BTF cut at build time (harrier.min.btf beside this binary), when it was cut
 * from the running kernel: libbpf then skips parsing the full kernel BTF for CO-RE.
 */
const char *min_btf_path(char *path, size_t cap)
{
	char exe[PATH_MAX], want[1024], have[1024];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;
	size_t len;

	if (n <= 0)
		return NULL;
	exe[n] = 0;
	slash = strrchr(exe, '/');
	if (!slash)
		return NULL;
	*slash = 0;
	if ((size_t)snprintf(path, cap, "%s/harrier.btf.id", exe) >= cap)
		return NULL;
	len = append_file(want, 0, sizeof(want), path);
	want[len] = 0;
	kernel_btf_id(have, sizeof(have));
	if (len == 0 || strcmp(want, have) != 0)
		return NULL;
	if ((size_t)snprintf(path, cap, "%s/harrier.min.btf", exe) >= cap)
		return NULL;
	return access(path, R_OK) == 0 ? path : NULL;
}
