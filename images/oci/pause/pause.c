/*
 * pause: the first process of every pod sandbox. It holds the pod's namespaces open, reaps the
 * orphans that land on it as PID 1, and exits cleanly on SIGINT or SIGTERM.
 *
 * Built for i386 with no C library (-nostdlib -static): a handful of raw Linux system calls is all
 * it needs, and the binary stays a few kilobytes.
 */
#define SYS_exit_group 252
#define SYS_write 4
#define SYS_pause 29
#define SYS_wait4 114
#define SYS_rt_sigaction 174
#define SIGINT 2
#define SIGTERM 15
#define SIGCHLD 17
#define SA_SIGINFO 4
#define SA_RESTORER 0x04000000
#define SA_NOCLDSTOP 1
#define WNOHANG 1

struct kernel_sigaction {
	void (*handler)(int);
	unsigned long flags;
	void (*restorer)(void);
	unsigned long mask[2];
};

static long syscall4(long n, long a, long b, long c, long d)
{
	long r;
	__asm__ volatile("int $0x80" : "=a"(r) : "a"(n), "b"(a), "c"(b), "d"(c), "S"(d) : "memory");
	return r;
}

/* Returns from a signal handler (rt_sigreturn). */
void lab_restorer(void);
__asm__(".text\n.globl lab_restorer\nlab_restorer:\n\tmovl $173, %eax\n\tint $0x80\n");

static unsigned long length(const char *s)
{
	unsigned long n = 0;
	while (s[n])
		n++;
	return n;
}

static void say(const char *s)
{
	syscall4(SYS_write, 2, (long)s, (long)length(s), 0);
}

static void on_term(int sig)
{
	say(sig == SIGINT ? "Shutting down, got signal: Interrupt\n" : "Shutting down, got signal: Terminated\n");
	syscall4(SYS_exit_group, 0, 0, 0, 0);
}

static void on_child(int sig)
{
	(void)sig;
	while (syscall4(SYS_wait4, -1, 0, WNOHANG, 0) > 0)
		;
}

/*
 * SA_SIGINFO matters: without it i386 Linux builds the legacy signal frame, which rt_sigreturn
 * misreads (a garbage CS on return; v86 then stops the whole emulator). With it the kernel builds
 * the rt frame that lab_restorer's rt_sigreturn expects; the handlers ignore the extra arguments.
 */
static void handle(int sig, void (*fn)(int), unsigned long flags)
{
	struct kernel_sigaction sa = { fn, flags | SA_SIGINFO | SA_RESTORER, lab_restorer, { 0, 0 } };
	if (syscall4(SYS_rt_sigaction, sig, (long)&sa, 0, 8) < 0) {
		say("pause: sigaction failed\n");
		syscall4(SYS_exit_group, 1, 0, 0, 0);
	}
}

void lab_main(long *sp)
{
	long argc = sp[0];
	char **argv = (char **)(sp + 1);
	if (argc > 1 && argv[1][0] == '-' && argv[1][1] == 'v') {
		say("pause.c (Runtime Lab, built from source for i386)\n");
		syscall4(SYS_exit_group, 0, 0, 0, 0);
	}
	handle(SIGINT, on_term, 0);
	handle(SIGTERM, on_term, 0);
	handle(SIGCHLD, on_child, SA_NOCLDSTOP);
	for (;;)
		syscall4(SYS_pause, 0, 0, 0, 0);
}

__asm__(".text\n.globl _start\n_start:\n\txorl %ebp, %ebp\n\tmovl %esp, %eax\n\tandl $-16, %esp\n\tsubl $12, %esp\n\tpushl %eax\n\tcall lab_main\n\thlt\n");
