/* alloc_fail.h: allocation-failure injection for the tests (SQLite style).
 *
 * The test binary links the library as one relocatable object in which the
 * library's own calls to malloc, calloc, aligned_alloc, realloc, free, strdup
 * and getline are redirected (ld -r --wrap, see the Makefile) to the wrappers in
 * alloc_fail.c; HDF5, libyaml, GSL, libc and the test code keep the real
 * functions.  Unarmed, a wrapper only calls the real function.  The release
 * binary is linked from the plain objects: nothing of this is in it.
 *
 * Armed with alloc_fail_start, the wrappers count the library's allocations
 * (a getline call counts as one: it may allocate), make allocation number
 * fail_at fail (NULL, or -1 from getline, with errno ENOMEM), and track
 * every block allocated from then on until it is freed, so a test can check
 * that a failed call freed everything it allocated. */
#ifndef TESTS_ALLOC_FAIL_H
#define TESTS_ALLOC_FAIL_H

/* Start counting from 0, failing allocation number fail_at (1-based; 0:
 * none) and, when persistent, every allocation after it too; start tracking
 * the blocks allocated. */
void alloc_fail_start(long fail_at, int persistent);

/* Stop failing and counting (tracking goes on); returns the number of
 * allocations counted since alloc_fail_start. */
long alloc_fail_disarm(void);

/* 1 when an allocation was made to fail since alloc_fail_start. */
int alloc_fail_fired(void);

/* Blocks allocated since alloc_fail_start and not freed yet; -1 when there
 * were too many to track. */
long alloc_fail_live(void);

/* free(p) for a block the library allocated, from test code (whose own
 * calls to free do not go through the wrappers), so that it counts as freed. */
void alloc_fail_free(void *p);

/* Stop tracking (and failing, if still armed). */
void alloc_fail_end(void);

#endif
