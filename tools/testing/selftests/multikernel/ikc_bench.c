// SPDX-License-Identifier: GPL-2.0
/*
 * ikc_bench: figures of the IKC echo service, measured side by side in one
 * run.  A benchmark, not a test: under TCG only figures of the same run
 * compare with each other.
 *
 * It boots a partition kernel on CPUs 2-3 whose first six channels are
 * echo servers with the host as their client (partition_services
 * "echo@part*6 echo virtio:3", restored afterwards), or with -l makes a
 * loopback pair of six echo channels inside this kernel, and prints:
 *
 *   a. round-trip latency by payload size on one channel, with doorbells
 *      (the receiver sleeps, the sender rings it) and with busy polling
 *      (poll_us 50000 on both ends).  "bells/rt" is the doorbells the
 *      client end sent and received per round trip; "speedup" is how many
 *      times faster a round trip is with polling.
 *   b. one-way throughput by size: "stream" sends messages back to back,
 *      then one round trip that says they were all read.
 *   c. 1 to 6 requesters at once, one thread and one channel each, started
 *      together, in doorbell mode: with every server channel handled on
 *      the partition's CPU 0, then spread over HANDLER_CPUS of its CPUs.
 *      "rtt_ns" is the mean round-trip time of the requesters, "ratio" is
 *      that over the 1-requester time of the same configuration (1.00x:
 *      requesters do not slow each other down), "rt/s" the round trips of
 *      all requesters per second; the seed paper's ratios are beside them.
 *
 *   ikc_bench [-l] [-n ROUNDS] [-c HANDLER_CPUS]
 *
 * It exits non-zero only when it cannot set up; a failed measurement is
 * printed as "err-ERRNO" in its cell.
 */

#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>

#include "ikc_util.h"
#include "test_partition.h"

#define PART_CMDLINE	"console=ttyS1,115200 mkpart.action=idle"
#define SERVICES	"/sys/module/ikc/parameters/partition_services"
#define BENCH_SERVICES	"echo@part*6 echo virtio:3"
#define NR_CHANS	6
#define POLL_US		50000
#define CONC_SIZE	32
#define UP_TIMEOUT_MS	60000

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

static const int sizes[] = { 0, 32, 48, 256, 1024, 4096 };

/* The seed paper: RTT with N requesters over RTT with one (0: not given). */
static const double paper_one_core[NR_CHANS + 1] = {
	[1] = 1.00, [2] = 1.56, [4] = 2.85, [6] = 3.00,
};

static const double paper_three_cores[NR_CHANS + 1] = {
	[1] = 1.00, [2] = 1.36, [4] = 1.50, [6] = 1.76,
};

/**
 * struct bench - what this run set up
 * @loopback: a loopback pair instead of a partition
 * @rounds: round trips per measurement
 * @handler_cpus: partition CPUs the server channels are spread over
 * @id: the partition, or -1
 * @client: the peer whose channels are the echo clients
 * @server: loopback only: the serving end, to delete the pair
 * @old_services: partition_services before we changed it
 * @services_changed: it must be restored
 */
struct bench {
	bool loopback;
	int rounds;
	int handler_cpus;
	int id;
	char client[32];
	char server[32];
	char old_services[256];
	bool services_changed;
};

/**
 * struct requester - one thread of the concurrency measurement
 * @thread: the thread
 * @gate: held by the main thread until every requester exists
 * @barrier: every requester and the main thread start together
 * @chan: its channel
 * @what: what it writes to pingpong
 * @ret: 0 or -errno
 * @avg_ns: its mean round-trip time
 */
struct requester {
	pthread_t thread;
	pthread_mutex_t *gate;
	pthread_barrier_t *barrier;
	char chan[48];
	char what[32];
	int ret;
	long long avg_ns;
};

/**
 * struct rt - figures of one pingpong run
 * @ret: 0 or -errno
 * @avg_ns: mean round-trip time
 * @min_ns: shortest round trip
 * @bells: doorbells the client end sent and received, per round trip
 */
struct rt {
	int ret;
	long long avg_ns;
	long long min_ns;
	double bells;
};

/* SIGINT, SIGTERM or SIGHUP came: clean up and go. */
static atomic_bool interrupted;

static void on_signal(int sig)
{
	interrupted = true;
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* The number after @name in a pingpong result, or -1. */
static long long field(const char *buf, const char *name)
{
	const char *p = strstr(buf, name);

	return p ? strtoll(p + strlen(name), NULL, 10) : -1;
}

/* A cell: the value, or the error that stopped its measurement. */
static const char *cell_int(char *buf, size_t size, int ret, long long v)
{
	if (ret)
		snprintf(buf, size, "err%d", ret);
	else
		snprintf(buf, size, "%lld", v);
	return buf;
}

static const char *cell_dbl(char *buf, size_t size, int ret, double v,
			    const char *unit)
{
	if (ret)
		snprintf(buf, size, "err%d", ret);
	else
		snprintf(buf, size, "%.2f%s", v, unit);
	return buf;
}

static long long bells(const char *chan)
{
	return ikc_stat(chan, "notify_sent") + ikc_stat(chan, "notify_rx");
}

/*
 * Both ends of @chan: busy-poll @poll_us before sleeping; the server end
 * handled on its kernel's CPU @cpu (-1: where it is).
 */
static int set_mode(const char *chan, unsigned int poll_us, int cpu)
{
	char s[32];
	int ret;

	snprintf(s, sizeof(s), "%u", poll_us);
	ret = ikc_dev_write(chan, "poll_us", s);
	if (ret)
		return ret;
	snprintf(s, sizeof(s), "%u %d", poll_us, cpu);
	return ikc_dev_write(chan, "server_config", s);
}

/* @count round trips of @size bytes on @chan, after a short warm-up. */
static void run_rt(const char *chan, int count, int size, struct rt *r)
{
	char what[32], buf[256];
	long long b0;

	memset(r, 0, sizeof(*r));
	snprintf(what, sizeof(what), "%d %d", count / 10 + 1, size);
	r->ret = ikc_pingpong(chan, what);
	if (r->ret)
		return;
	b0 = bells(chan);
	snprintf(what, sizeof(what), "%d %d", count, size);
	r->ret = ikc_pingpong(chan, what);
	if (r->ret)
		return;
	r->bells = (double)(bells(chan) - b0) / count;
	r->ret = ikc_dev_read(chan, "pingpong", buf, sizeof(buf));
	if (r->ret < 0)
		return;
	r->ret = 0;
	r->avg_ns = field(buf, "ns_avg=");
	r->min_ns = field(buf, "ns_min=");
}

static void bench_latency(struct bench *b)
{
	char chan[48], c[7][24];
	struct rt bell, poll;
	size_t i;
	int ret;

	ikc_chan(chan, sizeof(chan), b->client, 0);
	printf("\n== a. round-trip latency by size, channel %s, %d round trips each\n",
	       chan, b->rounds);
	printf("   doorbell: poll_us 0 on both ends; busy-poll: poll_us %d on both ends\n",
	       POLL_US);
	printf("%6s %12s %10s %8s %12s %10s %8s %9s\n", "size", "doorbell_ns",
	       "min_ns", "bells/rt", "busypoll_ns", "min_ns", "bells/rt",
	       "speedup");
	for (i = 0; i < ARRAY_SIZE(sizes) && !interrupted; i++) {
		memset(&bell, 0, sizeof(bell));
		memset(&poll, 0, sizeof(poll));
		ret = set_mode(chan, 0, -1);
		if (ret)
			bell.ret = ret;
		else
			run_rt(chan, b->rounds, sizes[i], &bell);
		ret = set_mode(chan, POLL_US, -1);
		if (ret)
			poll.ret = ret;
		else
			run_rt(chan, b->rounds, sizes[i], &poll);
		set_mode(chan, 0, -1);
		printf("%6d %12s %10s %8s %12s %10s %8s %9s\n", sizes[i],
		       cell_int(c[0], sizeof(c[0]), bell.ret, bell.avg_ns),
		       cell_int(c[1], sizeof(c[1]), bell.ret, bell.min_ns),
		       cell_dbl(c[2], sizeof(c[2]), bell.ret, bell.bells, ""),
		       cell_int(c[3], sizeof(c[3]), poll.ret, poll.avg_ns),
		       cell_int(c[4], sizeof(c[4]), poll.ret, poll.min_ns),
		       cell_dbl(c[5], sizeof(c[5]), poll.ret, poll.bells, ""),
		       bell.ret || poll.ret || poll.avg_ns <= 0 ? "-" :
		       cell_dbl(c[6], sizeof(c[6]), 0,
				(double)bell.avg_ns / poll.avg_ns, "x"));
	}
}

/* "stream COUNT SIZE" on @chan: messages and megabytes per second. */
static int run_stream(const char *chan, int count, int size, double *msgs,
		      double *mbps)
{
	char what[48], buf[256];
	long long ns;
	int ret;

	snprintf(what, sizeof(what), "stream %d %d", count / 10 + 1, size);
	ret = ikc_pingpong(chan, what);
	if (ret)
		return ret;
	snprintf(what, sizeof(what), "stream %d %d", count, size);
	ret = ikc_pingpong(chan, what);
	if (ret)
		return ret;
	ret = ikc_dev_read(chan, "pingpong", buf, sizeof(buf));
	if (ret < 0)
		return ret;
	ns = field(buf, " ns=");
	if (ns <= 0)
		return -EIO;
	*msgs = count * 1e9 / ns;
	*mbps = (double)count * size * 1e3 / ns;
	return 0;
}

static void bench_stream(struct bench *b)
{
	double msgs[2] = { 0 }, mbps[2] = { 0 };
	int count = b->rounds * 4, ret[2];
	char chan[48], c[4][24];
	size_t i;

	ikc_chan(chan, sizeof(chan), b->client, 0);
	printf("\n== b. one-way throughput by size (\"stream\"), channel %s, %d messages each\n",
	       chan, count);
	printf("%6s %15s %10s %15s %10s\n", "size", "doorbell_msg/s", "MB/s",
	       "busypoll_msg/s", "MB/s");
	for (i = 0; i < ARRAY_SIZE(sizes) && !interrupted; i++) {
		ret[0] = set_mode(chan, 0, -1);
		if (!ret[0])
			ret[0] = run_stream(chan, count, sizes[i], &msgs[0], &mbps[0]);
		ret[1] = set_mode(chan, POLL_US, -1);
		if (!ret[1])
			ret[1] = run_stream(chan, count, sizes[i], &msgs[1], &mbps[1]);
		set_mode(chan, 0, -1);
		printf("%6d %15s %10s %15s %10s\n", sizes[i],
		       cell_int(c[0], sizeof(c[0]), ret[0], (long long)msgs[0]),
		       cell_dbl(c[1], sizeof(c[1]), ret[0], mbps[0], ""),
		       cell_int(c[2], sizeof(c[2]), ret[1], (long long)msgs[1]),
		       cell_dbl(c[3], sizeof(c[3]), ret[1], mbps[1], ""));
	}
}

static void *requester_run(void *arg)
{
	struct requester *r = arg;

	/* Wait until the barrier is set up for as many as were created. */
	pthread_mutex_lock(r->gate);
	pthread_mutex_unlock(r->gate);
	pthread_barrier_wait(r->barrier);
	r->ret = ikc_pingpong(r->chan, r->what);
	r->avg_ns = r->ret ? -1 : ikc_last_avg_ns(r->chan);
	return NULL;
}

/*
 * @n requesters at once on channels 0..n-1; their mean round-trip time
 * and all their round trips per second.
 */
static int run_concurrent(struct bench *b, int n, double *mean_ns,
			  double *rt_per_s)
{
	pthread_mutex_t gate = PTHREAD_MUTEX_INITIALIZER;
	struct requester r[NR_CHANS];
	pthread_barrier_t barrier;
	long long t, sum = 0;
	int i, created, ret = 0;

	pthread_mutex_lock(&gate);
	for (created = 0; created < n; created++) {
		r[created].gate = &gate;
		r[created].barrier = &barrier;
		ikc_chan(r[created].chan, sizeof(r[created].chan), b->client, created);
		snprintf(r[created].what, sizeof(r[created].what), "%d %d",
			 b->rounds, CONC_SIZE);
		if (pthread_create(&r[created].thread, NULL, requester_run,
				   &r[created])) {
			ret = -EAGAIN;
			break;
		}
	}
	pthread_barrier_init(&barrier, NULL, created + 1);
	pthread_mutex_unlock(&gate);
	pthread_barrier_wait(&barrier);
	t = now_ns();
	for (i = 0; i < created; i++) {
		pthread_join(r[i].thread, NULL);
		if (r[i].ret && !ret)
			ret = r[i].ret;
		sum += r[i].avg_ns;
	}
	t = now_ns() - t;
	pthread_barrier_destroy(&barrier);
	if (ret)
		return ret;
	*mean_ns = (double)sum / n;
	*rt_per_s = (double)n * b->rounds * 1e9 / (t ?: 1);
	return 0;
}

/* Every server channel handled on CPU 0 (@spread false) or spread. */
static int place_servers(struct bench *b, bool spread)
{
	char chan[48];
	int i, ret;

	for (i = 0; i < NR_CHANS; i++) {
		ikc_chan(chan, sizeof(chan), b->client, i);
		ret = set_mode(chan, 0, spread ? i % b->handler_cpus : 0);
		if (ret)
			return ret;
		/* Warm up: the first doorbells to a new CPU are not the norm. */
		ret = ikc_pingpong(chan, "50 32");
		if (ret)
			return ret;
	}
	return 0;
}

static void bench_concurrency(struct bench *b)
{
	double mean[2][NR_CHANS + 1] = { { 0 } }, rate[2][NR_CHANS + 1] = { { 0 } };
	int ret[2][NR_CHANS + 1], cfg, n;
	char c[8][24], spread[40];

	printf("\n== c. concurrent requesters: %d B round trips, %d per requester, doorbell mode\n",
	       CONC_SIZE, b->rounds);
	printf("   N requesters = N threads on channels 0..N-1, started together;\n"
	       "   ratio = mean RTT over the 1-requester RTT of the same column\n");
	if (b->loopback)
		printf("   loopback: channels are handled on any CPU (unbound work), so both\n"
		       "   configurations place the servers alike\n");
	for (cfg = 0; cfg < 2; cfg++) {
		int placed = interrupted ? -EINTR : place_servers(b, cfg);

		for (n = 1; n <= NR_CHANS; n++) {
			ret[cfg][n] = placed;
			if (!placed && interrupted)
				ret[cfg][n] = -EINTR;
			else if (!placed)
				ret[cfg][n] = run_concurrent(b, n, &mean[cfg][n],
							     &rate[cfg][n]);
		}
	}
	snprintf(spread, sizeof(spread), "spread over %d handling CPUs",
		 b->handler_cpus);
	printf("%4s | %-30s | %-30s | %s\n", "", "all on 1 handling CPU (CPU 0)",
	       spread, "seed paper ratio");
	printf("%4s | %10s %8s %10s | %10s %8s %10s | %7s %7s\n", "reqs",
	       "rtt_ns", "ratio", "rt/s", "rtt_ns", "ratio", "rt/s",
	       "1 core", "3 cores");
	for (n = 1; n <= NR_CHANS; n++) {
		for (cfg = 0; cfg < 2; cfg++) {
			int r = ret[cfg][n] ?: ret[cfg][1];

			cell_int(c[cfg * 3], sizeof(c[0]), ret[cfg][n],
				 (long long)mean[cfg][n]);
			cell_dbl(c[cfg * 3 + 1], sizeof(c[0]), r,
				 r ? 0 : mean[cfg][n] / mean[cfg][1], "x");
			cell_int(c[cfg * 3 + 2], sizeof(c[0]), ret[cfg][n],
				 (long long)rate[cfg][n]);
		}
		cell_dbl(c[6], sizeof(c[0]), !paper_one_core[n],
			 paper_one_core[n], "x");
		cell_dbl(c[7], sizeof(c[0]), !paper_three_cores[n],
			 paper_three_cores[n], "x");
		printf("%4d | %10s %8s %10s | %10s %8s %10s | %7s %7s\n", n,
		       c[0], c[1], c[2], c[3], c[4], c[5],
		       paper_one_core[n] ? c[6] : "-",
		       paper_three_cores[n] ? c[7] : "-");
	}
	printf("   spread: server channel i handled on %s CPU i %% %d\n",
	       b->loopback ? "host" : "partition", b->handler_cpus);
}

static void restore_services(struct bench *b)
{
	if (!b->services_changed)
		return;
	if (mk_write_text(SERVICES, b->old_services))
		fprintf(stderr, "ikc_bench: cannot restore partition_services \"%s\"\n",
			b->old_services);
	b->services_changed = false;
}

static void cleanup(struct bench *b)
{
	char cmd[128];
	int ret;

	restore_services(b);
	if (b->id >= 0) {
		snprintf(cmd, sizeof(cmd), "mkctl stop %d --force >/dev/null 2>&1",
			 b->id);
		/* It may have stopped already: only destroy must succeed. */
		ret = system(cmd);
		snprintf(cmd, sizeof(cmd), "mkctl destroy %d", b->id);
		ret = system(cmd);
		if (ret)
			fprintf(stderr, "ikc_bench: mkctl destroy %d failed\n", b->id);
		else
			printf("ikc_bench: partition %d stopped and destroyed\n", b->id);
		if (!ikc_find_peer("partition", b->id, b->client, sizeof(b->client)))
			fprintf(stderr, "ikc_bench: %s is still there\n", b->client);
		b->id = -1;
	}
	if (b->server[0]) {
		ret = mk_write_text(IKC_BUS "/loopback_del", b->server);
		if (ret)
			fprintf(stderr, "ikc_bench: loopback_del %s: %s\n",
				b->server, strerror(-ret));
		else
			printf("ikc_bench: loopback %s %s deleted\n", b->server,
			       b->client);
		b->server[0] = '\0';
	}
}

/* Wait until every client channel has its echo driver (pingpong). */
static int wait_clients(struct bench *b)
{
	long long end = ikc_now_ms() + UP_TIMEOUT_MS;
	char chan[48], path[300], buf[32];
	int i;

	for (i = 0; i < NR_CHANS; i++) {
		ikc_chan(chan, sizeof(chan), b->client, i);
		snprintf(path, sizeof(path), IKC_DEVS "/%s/pingpong", chan);
		while (access(path, W_OK)) {
			if (ikc_now_ms() > end || interrupted) {
				fprintf(stderr, "ikc_bench: %s has no echo client\n",
					chan);
				return -1;
			}
			usleep(20000);
		}
		if (ikc_dev_read(chan, "service", buf, sizeof(buf)) < 0 ||
		    strcmp(buf, "echo")) {
			fprintf(stderr, "ikc_bench: %s is not an echo channel\n", chan);
			return -1;
		}
	}
	return 0;
}

static int setup_partition(struct bench *b)
{
	char line[64], cmd[300];
	FILE *f;
	int ret;

	if (access(TEST_PART_KERNEL, R_OK) || access("/dev/multikernel", R_OK)) {
		fprintf(stderr, "ikc_bench: no %s or no /dev/multikernel (try -l)\n",
			TEST_PART_KERNEL);
		return -1;
	}
	ret = mk_read_text(SERVICES, b->old_services, sizeof(b->old_services));
	if (ret < 0) {
		fprintf(stderr, "ikc_bench: %s: %s\n", SERVICES, strerror(-ret));
		return -1;
	}
	ret = mk_write_text(SERVICES, BENCH_SERVICES);
	if (ret) {
		fprintf(stderr, "ikc_bench: cannot set partition_services: %s\n",
			strerror(-ret));
		return -1;
	}
	b->services_changed = true;
	snprintf(cmd, sizeof(cmd),
		 "mkctl boot --cpus %s --mem " TEST_PART_MEM
		 " --console 1 --kernel %s --initrd %s --cmdline '%s' --wait 300",
		 TEST_PART_CPUS, TEST_PART_KERNEL, TEST_PART_INITRD, PART_CMDLINE);
	f = popen(cmd, "r");
	if (!f) {
		perror("ikc_bench: popen mkctl");
		return -1;
	}
	if (fgets(line, sizeof(line), f) && line[0] >= '0' && line[0] <= '9')
		b->id = atoi(line);
	ret = pclose(f);
	/* The parameter is read when the partition starts: restore it now. */
	restore_services(b);
	if (ret || b->id < 0) {
		fprintf(stderr, "ikc_bench: mkctl boot failed\n");
		return -1;
	}
	ret = ikc_find_peer("partition", b->id, b->client, sizeof(b->client));
	if (ret) {
		fprintf(stderr, "ikc_bench: no IKC peer for partition %d\n", b->id);
		return -1;
	}
	if (!ikc_wait_attr(b->client, "state", "up", UP_TIMEOUT_MS)) {
		fprintf(stderr, "ikc_bench: %s never came up\n", b->client);
		return -1;
	}
	return wait_clients(b);
}

static int setup_loopback(struct bench *b)
{
	char before[4096] = "\n", after[4096], key[80], *line, *save;
	char slots[64] = "";
	int i, ret;

	if (access(IKC_BUS "/loopback_add", W_OK)) {
		fprintf(stderr, "ikc_bench: no IKC loopback (CONFIG_IKC=n, or not root)\n");
		return -1;
	}
	if (mk_read_text(IKC_BUS "/loopback_list", before + 1, sizeof(before) - 2) < 0)
		before[1] = '\0';
	strcat(before, "\n");
	for (i = 0; i < NR_CHANS; i++)
		strcat(slots, i ? " echo" : "echo");
	ret = mk_write_text(IKC_BUS "/loopback_add", slots);
	if (ret) {
		fprintf(stderr, "ikc_bench: loopback_add: %s\n", strerror(-ret));
		return -1;
	}
	if (mk_read_text(IKC_BUS "/loopback_list", after, sizeof(after)) < 0)
		after[0] = '\0';
	/* The new pair is the line that was not there before. */
	for (line = strtok_r(after, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		snprintf(key, sizeof(key), "\n%s\n", line);
		if (!strstr(before, key) &&
		    sscanf(line, "%31s %31s", b->server, b->client) == 2)
			break;
		b->server[0] = '\0';
	}
	if (!b->server[0]) {
		fprintf(stderr, "ikc_bench: the new loopback pair is not listed\n");
		return -1;
	}
	if (!ikc_wait_attr(b->server, "state", "up", 5000) ||
	    !ikc_wait_attr(b->client, "state", "up", 5000)) {
		fprintf(stderr, "ikc_bench: loopback %s %s never came up\n",
			b->server, b->client);
		return -1;
	}
	return wait_clients(b);
}

int main(int argc, char **argv)
{
	struct bench b = { .rounds = 2000, .handler_cpus = 2, .id = -1 };
	struct sigaction sa = { .sa_handler = on_signal };
	int opt, ret;

	while ((opt = getopt(argc, argv, "ln:c:h")) != -1) {
		switch (opt) {
		case 'l':
			b.loopback = true;
			break;
		case 'n':
			b.rounds = atoi(optarg);
			break;
		case 'c':
			b.handler_cpus = atoi(optarg);
			break;
		default:
			fprintf(stderr, "usage: %s [-l] [-n ROUNDS] [-c HANDLER_CPUS]\n",
				argv[0]);
			return opt == 'h' ? 0 : 2;
		}
	}
	if (b.rounds < 1 || b.rounds > 100000000 || b.handler_cpus < 1 ||
	    b.handler_cpus > 4096) {
		fprintf(stderr, "ikc_bench: bad -n or -c\n");
		return 2;
	}
	if (access(IKC_BUS, F_OK)) {
		fprintf(stderr, "ikc_bench: no %s (CONFIG_IKC=n)\n", IKC_BUS);
		return 1;
	}
	/* No SA_RESTART: a run waiting for a reply ends with EINTR. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);

	printf("ikc_bench: mode: %s\n", b.loopback ?
	       "loopback (no partition: both ends in this kernel)" :
	       "partition (host = client, partition = echo server)");
	ret = b.loopback ? setup_loopback(&b) : setup_partition(&b);
	if (ret || interrupted) {
		fprintf(stderr, "ikc_bench: setup failed\n");
		cleanup(&b);
		return 1;
	}
	if (b.loopback)
		printf("ikc_bench: loopback %s (serves) <-> %s (client), %d echo channels\n",
		       b.server, b.client, NR_CHANS);
	else
		printf("ikc_bench: partition %d on host CPUs %s, peer %s, %d echo channels\n",
		       b.id, TEST_PART_CPUS, b.client, NR_CHANS);
	printf("ikc_bench: %d round trips per run, %d handling CPUs, %ld host CPUs online\n",
	       b.rounds, b.handler_cpus, sysconf(_SC_NPROCESSORS_ONLN));

	bench_latency(&b);
	bench_stream(&b);
	bench_concurrency(&b);

	cleanup(&b);
	if (interrupted) {
		fprintf(stderr, "ikc_bench: interrupted\n");
		return 130;
	}
	printf("ikc_bench: done (%s)\n", b.loopback ? "loopback" : "partition");
	return 0;
}
