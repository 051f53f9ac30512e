// SPDX-License-Identifier: GPL-2.0
/*
 * M:N user-level threads for exception-less system calls.  See uthread.h.
 *
 * A context switch saves the callee-saved registers on the old stack and
 * loads them from the new one: no system call, unlike swapcontext(), which
 * sets the signal mask on every switch.  Threads always switch through the
 * scheduler, which runs them in rounds; entries published during a round
 * are kicked once at its end, as FlexSC batches its wake-ups.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "uthread.h"

struct ut_thread {
	void *sp;			/* saved stack pointer while switched out */
	struct ut_thread *next;		/* on the ready or blocked list */
	struct ut_sched *sched;
	void (*fn)(void *arg);		/* NULL once finished */
	void *arg;
	struct xsc_entry *entry;	/* the entry it waits for */
	void *map;			/* the stack mapping, holding this struct */
	size_t map_size;
};

/* the scheduler running on this OS thread */
static __thread struct ut_sched *ut_cur;

/*
 * Save the callee-saved registers, the SSE control and status word and the
 * x87 control word on the stack, store the stack pointer in *save, then
 * load all of them from the stack at @to and return there.  noipa: callers
 * must assume the ABI's clobbers, not what GCC sees of a naked body.
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"	/* used in %rdi, %rsi */
static void __attribute__((naked, noipa)) ut_switch(void **save, void *to)
{
	asm("pushq %rbp\n\t"
	    "pushq %rbx\n\t"
	    "pushq %r12\n\t"
	    "pushq %r13\n\t"
	    "pushq %r14\n\t"
	    "pushq %r15\n\t"
	    "subq $8, %rsp\n\t"
	    "stmxcsr (%rsp)\n\t"
	    "fnstcw 4(%rsp)\n\t"
	    "movq %rsp, (%rdi)\n\t"
	    "movq %rsi, %rsp\n\t"
	    "ldmxcsr (%rsp)\n\t"
	    "fldcw 4(%rsp)\n\t"
	    "addq $8, %rsp\n\t"
	    "popq %r15\n\t"
	    "popq %r14\n\t"
	    "popq %r13\n\t"
	    "popq %r12\n\t"
	    "popq %rbx\n\t"
	    "popq %rbp\n\t"
	    "ret");
}

#pragma GCC diagnostic pop

/* The first return of a new thread lands here: call r13(r12). */
static void __attribute__((naked, noipa)) ut_trampoline(void)
{
	asm("movq %r12, %rdi\n\t"
	    "callq *%r13\n\t"
	    "ud2");
}

static void ut_main(struct ut_thread *t)
{
	t->fn(t->arg);
	t->fn = NULL;
	/* the scheduler frees the stack we are on: never come back */
	ut_switch(&t->sp, t->sched->sp);
}

static void ut_enqueue(struct ut_sched *s, struct ut_thread *t)
{
	t->next = NULL;
	if (s->ready_tail)
		s->ready_tail->next = t;
	else
		s->ready_head = t;
	s->ready_tail = t;
	s->nr_ready++;
}

static struct ut_thread *ut_dequeue(struct ut_sched *s)
{
	struct ut_thread *t = s->ready_head;

	s->ready_head = t->next;
	if (!s->ready_head)
		s->ready_tail = NULL;
	s->nr_ready--;
	return t;
}

/* Switch from the running thread to the scheduler. */
static void ut_switch_out(struct ut_sched *s)
{
	ut_switch(&s->current->sp, s->sp);
}

static long ut_xsc_wait(struct xsc *x, struct xsc_entry *e)
{
	struct ut_sched *s = ut_cur;
	struct ut_thread *t = s->current;

	if (!s->xsc)
		s->xsc = x;
	if (!t || x != s->xsc) {
		xsc_kick(x);
		return xsc_wait(x, e);
	}
	t->entry = e;
	t->next = s->blocked;
	s->blocked = t;
	s->nr_blocked++;
	s->kick = 1;
	ut_switch_out(s);
	return xsc_entry_done(e) ? e->ret : s->xsc_err;
}

static const struct xsc_blocker ut_blocker = {
	.wait = ut_xsc_wait,
	.relax = ut_yield,
};

int ut_sched_init(struct ut_sched *s, struct xsc *x)
{
	memset(s, 0, sizeof(*s));
	s->xsc = x;
	return 0;
}

int ut_spawn(struct ut_sched *s, void (*fn)(void *), void *arg, size_t stack_size)
{
	size_t page = sysconf(_SC_PAGESIZE);
	struct ut_thread *t;
	uint64_t *sp;
	uint16_t fpucw;
	size_t size;
	char *map;

	if (!stack_size)
		stack_size = UT_STACK_DEFAULT;
	/* a guard page below the stack; struct ut_thread above it */
	size = (stack_size + sizeof(*t) + 2 * page - 1) & ~(page - 1);
	map = mmap(NULL, size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (map == MAP_FAILED)
		return -errno;
	if (mprotect(map, page, PROT_NONE)) {
		munmap(map, size);
		return -errno;
	}

	t = (struct ut_thread *)((uintptr_t)(map + size - sizeof(*t)) & ~(uintptr_t)63);
	t->sched = s;
	t->fn = fn;
	t->arg = arg;
	t->map = map;
	t->map_size = size;

	/*
	 * The frame ut_switch() pops, lowest address first: control words,
	 * r15, r14, r13, r12, rbx, rbp, return address.  The trampoline then
	 * starts with a 16-byte aligned stack pointer, as a call needs.
	 */
	sp = (uint64_t *)((uintptr_t)t & ~(uintptr_t)15) - 8;
	asm volatile("fnstcw %0" : "=m" (fpucw));
	sp[0] = __builtin_ia32_stmxcsr() | (uint64_t)fpucw << 32;
	sp[1] = 0;
	sp[2] = 0;
	sp[3] = (uintptr_t)ut_main;
	sp[4] = (uintptr_t)t;
	sp[5] = 0;
	sp[6] = 0;
	sp[7] = (uintptr_t)ut_trampoline;
	t->sp = sp;

	s->nr_threads++;
	ut_enqueue(s, t);
	return 0;
}

/* Move the threads whose entries are done to the ready queue. */
static void ut_poll_xsc(struct ut_sched *s)
{
	struct ut_thread **pp = &s->blocked, *t;

	while ((t = *pp)) {
		if (xsc_entry_done(t->entry)) {
			*pp = t->next;
			s->nr_blocked--;
			ut_enqueue(s, t);
		} else {
			pp = &t->next;
		}
	}
}

static int ut_poll_other(struct ut_sched *s, int wait)
{
	return s->poll ? s->poll(s, wait, s->poll_arg) : 0;
}

/* Nothing is ready: wait until something is. */
static int ut_idle(struct ut_sched *s)
{
	struct xsc *x = s->xsc;
	unsigned int i, seq;
	int err;

	if (!s->nr_blocked)
		return s->poll ? s->poll(s, 1, s->poll_arg) : -EDEADLK;

	for (i = 0; i < x->spin; i++) {
		ut_poll_xsc(s);
		err = ut_poll_other(s, 0);
		if (err || s->nr_ready)
			return err;
		__builtin_ia32_pause();
	}
	for (;;) {
		/* read the count first: a completion after this read ends the wait */
		seq = __atomic_load_n(&x->hdr->completed, __ATOMIC_ACQUIRE);
		ut_poll_xsc(s);
		err = ut_poll_other(s, 0);
		if (err || s->nr_ready)
			return err;
		if (xsc_dead(x)) {
			s->xsc_err = -EPIPE;
			break;
		}
		if (xsc_enter(x->fd, XSC_ENTER_WAIT, seq + 1, NULL, 0) < 0 && errno != EINTR) {
			s->xsc_err = -errno;
			break;
		}
	}
	/* the entries will not complete: fail their threads */
	while (s->blocked) {
		struct ut_thread *t = s->blocked;

		s->blocked = t->next;
		ut_enqueue(s, t);
	}
	s->nr_blocked = 0;
	return 0;
}

int ut_sched_run(struct ut_sched *s)
{
	const struct xsc_blocker *old_blocker = xsc_blocker;
	struct ut_sched *old = ut_cur;
	struct ut_thread *t;
	unsigned int n;
	int err = 0;

	ut_cur = s;
	xsc_blocker = &ut_blocker;
	while (s->nr_threads) {
		/* a round: each thread ready now runs until it blocks or yields */
		for (n = s->nr_ready; n; n--) {
			t = ut_dequeue(s);
			s->current = t;
			ut_switch(&s->sp, t->sp);
			s->current = NULL;
			if (!t->fn) {
				s->nr_threads--;
				munmap(t->map, t->map_size);
			}
		}
		if (s->kick) {
			s->kick = 0;
			xsc_kick(s->xsc);
		}
		if (s->nr_blocked)
			ut_poll_xsc(s);
		err = ut_poll_other(s, 0);
		if (!err && !s->nr_ready && s->nr_threads)
			err = ut_idle(s);
		if (err)
			break;
	}
	xsc_blocker = old_blocker;
	ut_cur = old;
	return err;
}

struct ut_thread *ut_self(void)
{
	return ut_cur ? ut_cur->current : NULL;
}

void ut_yield(void)
{
	struct ut_sched *s = ut_cur;

	if (!s || !s->current) {
		sched_yield();
		return;
	}
	ut_enqueue(s, s->current);
	ut_switch_out(s);
}

int ut_park(void)
{
	struct ut_sched *s = ut_cur;

	if (!s || !s->current)
		return -EPERM;
	ut_switch_out(s);
	return 0;
}

void ut_wake(struct ut_thread *t)
{
	ut_enqueue(t->sched, t);
}
