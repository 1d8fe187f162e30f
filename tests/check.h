/*
 * The check macros of the C unit tests: a failed check prints where and
 * what, is counted, and the test goes on.  The file holding main() says
 * CHECK_COUNTERS; once and ends with `return check_done();`.
 */
#ifndef OG_TEST_CHECK_H
#define OG_TEST_CHECK_H

#include <math.h>
#include <stdio.h>
#include <string.h>

extern int check_count, check_failures;

#define CHECK_COUNTERS int check_count, check_failures

#define CHECK_FAIL(...)                                                     \
	do {                                                                \
		fprintf(stderr, "%s:%d: ", __FILE__, __LINE__);             \
		fprintf(stderr, __VA_ARGS__);                               \
		fputc('\n', stderr);                                        \
		check_failures++;                                           \
	} while (0)

#define CHECK(cond)                                                         \
	do {                                                                \
		check_count++;                                              \
		if (!(cond))                                                \
			CHECK_FAIL("CHECK failed: %s", #cond);              \
	} while (0)

#define CHECK_STR(a, b)                                                     \
	do {                                                                \
		const char *a_ = (a), *b_ = (b);                            \
		check_count++;                                              \
		if (!a_ || !b_ || strcmp(a_, b_) != 0)                      \
			CHECK_FAIL("%s == \"%s\" (got \"%s\")", #a,         \
				   b_ ? b_ : "(null)", a_ ? a_ : "(null)"); \
	} while (0)

#define CHECK_NUM(a, b)                                                     \
	do {                                                                \
		double a_ = (a), b_ = (b);                                  \
		check_count++;                                              \
		if (fabs(a_ - b_) > 1e-9)                                   \
			CHECK_FAIL("%s = %.10g, expected %.10g", #a, a_,    \
				   b_);                                     \
	} while (0)

/* The exit status of main(): 0 when every check passed. */
static inline int
check_done(void)
{
	printf("%d checks, %d failed\n", check_count, check_failures);
	return check_failures ? 1 : 0;
}

#endif
