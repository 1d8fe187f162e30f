/*
 * Shared by the libFuzzer targets (tests/fuzz/README.md): readers that
 * take a path get the input through a memfd, so no fuzzer touches the
 * file system.
 */
#ifndef OG_FUZZ_H
#define OG_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* "/proc/self/fd/N" holding @data; close *ret_fd after use. */
static inline const char *
fuzz_file(const uint8_t *data, size_t size, int *ret_fd, char *buf, size_t n)
{
	int fd = memfd_create("fuzz-input", MFD_CLOEXEC);
	size_t off = 0;

	*ret_fd = fd;
	if (fd < 0)
		abort();
	while (off < size) {
		ssize_t w = write(fd, data + off, size - off);

		if (w <= 0)
			abort();
		off += (size_t)w;
	}
	snprintf(buf, n, "/proc/self/fd/%d", fd);
	return buf;
}

/* A NUL-terminated copy; caller frees. */
static inline char *
fuzz_string(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#endif
