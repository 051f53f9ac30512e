// SPDX-License-Identifier: GPL-2.0-only
/*
 * The IKC echo service, to test and measure channels.  The server sends
 * every message back unchanged and, for page transfer, maps the pages it
 * is given and answers with their checksum.  The client's sysfs files run
 * round trips with checked contents:
 *
 *   echo "COUNT SIZE" > pingpong    COUNT round trips of SIZE bytes
 *   echo "pages N" > pingpong       one page transfer of N pages
 *   echo "stream COUNT SIZE" > pingpong
 *                                   COUNT one-way messages, then one
 *                                   round trip: throughput
 *   cat pingpong                    the last run's figures
 *   echo "POLL_US CPU" > server_config
 *                                   the server's channel busy-polls that
 *                                   long and is handled on its kernel's
 *                                   CPU (-1: where it is)
 *
 * A write returns when the run is done: -EIO when a reply was wrong,
 * -ETIMEDOUT when none came, -ENOTCONN when the peer went away.
 */

#define pr_fmt(fmt) "ikc-echo: " fmt

#include <linux/device.h>
#include <linux/gfp.h>
#include <linux/ikc.h>
#include <linux/io.h>
#include <linux/ktime.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>

#define ECHO_REQ		1
#define ECHO_RESP		2
#define ECHO_PAGES		3
#define ECHO_PAGES_DONE		4
#define ECHO_SINK		5	/* no answer */
#define ECHO_SYNC		6	/* answered once all before it are read */
#define ECHO_SYNC_DONE		7
#define ECHO_CONFIG		8
#define ECHO_CONFIG_DONE	9

#define ECHO_TIMEOUT		(5 * HZ)
#define ECHO_MAX_PAGES		64

/**
 * struct echo_pages_done - the server's answer to ECHO_PAGES
 * @status: 0, or a positive errno when a range could not be mapped
 * @sum: the sum of the bytes of all ranges
 */
struct echo_pages_done {
	__le32 status;
	__le32 sum;
};

/**
 * struct echo_config - ECHO_CONFIG: how the server's end should run
 * @poll_us: busy-poll time for its channel
 * @cpu: the CPU of its kernel that handles the channel, or U32_MAX
 * @status: in the answer: 0 or a positive errno
 */
struct echo_config {
	__le32 poll_us;
	__le32 cpu;
	__le32 status;
};

/* ---- server ---- */

static void echo_config(struct ikc_device *idev, const struct ikc_msg_info *info,
			void *buf)
{
	struct echo_config *cfg = buf;
	u32 cpu;
	int ret = -EINVAL;

	if (info->len == sizeof(*cfg)) {
		cpu = le32_to_cpu(cfg->cpu);
		ret = ikc_set_poll_us(idev, le32_to_cpu(cfg->poll_us));
		if (!ret && cpu != U32_MAX)
			ret = ikc_set_cpu(idev, cpu);
	}
	memset(cfg, 0, sizeof(*cfg));
	cfg->status = cpu_to_le32(-ret);
	ikc_send_timeout(idev, ECHO_CONFIG_DONE, info->tag, cfg, sizeof(*cfg),
			 ECHO_TIMEOUT);
}

static void echo_pages(struct ikc_device *idev, const struct ikc_msg_info *info,
		       const void *buf)
{
	const struct ikc_page_ref *refs = buf;
	struct echo_pages_done done = {};
	unsigned int i, nr = info->len / sizeof(*refs);
	u32 sum = 0;
	size_t len, j;
	u8 *p;

	for (i = 0; i < nr; i++) {
		p = ikc_map_page_ref(idev, &refs[i], &len);
		if (!p) {
			done.status = cpu_to_le32(EFAULT);
			break;
		}
		for (j = 0; j < len; j++)
			sum += p[j];
	}
	done.sum = cpu_to_le32(sum);
	ikc_send_timeout(idev, ECHO_PAGES_DONE, info->tag, &done, sizeof(done),
			 ECHO_TIMEOUT);
}

static void echo_server_rx(struct ikc_device *idev)
{
	struct ikc_msg_info info;
	void *buf = dev_get_drvdata(&idev->dev);
	int ret;

	while ((ret = ikc_recv(idev, &info, buf, IKC_MSG_MAX)) != -EAGAIN) {
		if (ret)
			return;
		if (info.flags & IKC_MSG_PAGES) {
			if (info.type == ECHO_PAGES)
				echo_pages(idev, &info, buf);
		} else if (info.type == ECHO_REQ) {
			ikc_send_timeout(idev, ECHO_RESP, info.tag, buf, info.len,
					 ECHO_TIMEOUT);
		} else if (info.type == ECHO_SYNC) {
			ikc_send_timeout(idev, ECHO_SYNC_DONE, info.tag, NULL, 0,
					 ECHO_TIMEOUT);
		} else if (info.type == ECHO_CONFIG) {
			echo_config(idev, &info, buf);
		}
	}
}

static int echo_server_probe(struct ikc_device *idev)
{
	void *buf = devm_kmalloc(&idev->dev, IKC_MSG_MAX, GFP_KERNEL);

	if (!buf)
		return -ENOMEM;
	dev_set_drvdata(&idev->dev, buf);
	return 0;
}

static const struct ikc_device_id echo_server_ids[] = {
	{ IKC_SVC_ECHO, IKC_ROLE_SERVER, IKC_ANY_ARG },
	{ }
};

static struct ikc_driver echo_server = {
	.driver.name = "ikc-echo-server",
	.id_table = echo_server_ids,
	.probe = echo_server_probe,
	.rx = echo_server_rx,
};

/* ---- client ---- */

/**
 * struct echo_client - a client channel
 * @lock: one run at a time
 * @tx: the payload sent ...
 * @rx: ... and received
 * @result: the last run's figures
 */
struct echo_client {
	struct mutex lock;	/* one run at a time */
	u8 tx[IKC_MSG_MAX];
	u8 rx[IKC_MSG_MAX];
	char result[128];
};

static void echo_fill(u8 *p, size_t len, u32 seed)
{
	size_t j;

	for (j = 0; j < len; j++)
		p[j] = seed * 131 + j * 7;
}

static int echo_round_trips(struct ikc_device *idev, struct echo_client *c,
			    unsigned int count, size_t size)
{
	u64 t, min_ns = U64_MAX, max_ns = 0, total = 0;
	struct ikc_msg_info info;
	unsigned int i;
	int ret = 0;

	for (i = 0; i < count; i++) {
		echo_fill(c->tx, size, i);
		t = ktime_get_ns();
		ret = ikc_send_timeout(idev, ECHO_REQ, i, c->tx, size, ECHO_TIMEOUT);
		if (!ret)
			ret = ikc_recv_wait(idev, &info, c->rx, sizeof(c->rx),
					    ECHO_TIMEOUT);
		if (ret)
			break;
		t = ktime_get_ns() - t;
		if (info.type != ECHO_RESP || info.tag != i || info.len != size ||
		    memcmp(c->tx, c->rx, size)) {
			dev_err(&idev->dev, "round trip %u: wrong reply (type %u tag %u len %u)\n",
				i, info.type, info.tag, info.len);
			ret = -EIO;
			break;
		}
		min_ns = min(min_ns, t);
		max_ns = max(max_ns, t);
		total += t;
		if (!(i % 1024))
			cond_resched();
	}
	snprintf(c->result, sizeof(c->result),
		 "count=%u size=%zu ret=%d ns_avg=%llu ns_min=%llu ns_max=%llu\n",
		 i, size, ret, i ? div_u64(total, i) : 0,
		 i ? min_ns : 0, max_ns);
	return ret;
}

static int echo_stream(struct ikc_device *idev, struct echo_client *c,
		       unsigned int count, size_t size)
{
	struct ikc_msg_info info;
	unsigned int i;
	u64 t, mbps;
	int ret = 0;

	echo_fill(c->tx, size, count);
	t = ktime_get_ns();
	for (i = 0; i < count && !ret; i++) {
		ret = ikc_send_timeout(idev, ECHO_SINK, i, c->tx, size, ECHO_TIMEOUT);
		if (!(i % 1024))
			cond_resched();
	}
	if (!ret)
		ret = ikc_send_timeout(idev, ECHO_SYNC, count, NULL, 0, ECHO_TIMEOUT);
	if (!ret)
		ret = ikc_recv_wait(idev, &info, c->rx, sizeof(c->rx), ECHO_TIMEOUT);
	if (!ret && (info.type != ECHO_SYNC_DONE || info.tag != count))
		ret = -EIO;
	t = ktime_get_ns() - t;
	mbps = div64_u64((u64)count * size * 1000, t ?: 1);
	snprintf(c->result, sizeof(c->result),
		 "stream count=%u size=%zu ret=%d ns=%llu msgs_per_s=%llu MBps=%llu\n",
		 count, size, ret, t, div64_u64((u64)count * NSEC_PER_SEC, t ?: 1),
		 mbps);
	return ret;
}

static int echo_page_transfer(struct ikc_device *idev, struct echo_client *c,
			      unsigned int nr)
{
	struct ikc_page_ref *refs;
	struct echo_pages_done *done = (void *)c->rx;
	struct ikc_msg_info info;
	struct page *pages;
	unsigned int i, order;
	u32 sum = 0;
	u8 *p;
	int ret;

	if (!nr || nr > ECHO_MAX_PAGES)
		return -EINVAL;
	refs = kcalloc(nr, sizeof(*refs), GFP_KERNEL);
	if (!refs)
		return -ENOMEM;
	order = get_order(nr * PAGE_SIZE);
	pages = alloc_pages(GFP_KERNEL, order);
	if (!pages) {
		kfree(refs);
		return -ENOMEM;
	}
	p = page_address(pages);
	echo_fill(p, nr * PAGE_SIZE, nr);
	for (i = 0; i < nr * PAGE_SIZE; i++)
		sum += p[i];
	for (i = 0; i < nr; i++) {
		refs[i].pa = cpu_to_le64(page_to_phys(pages) + i * PAGE_SIZE);
		refs[i].len = cpu_to_le32(PAGE_SIZE);
		refs[i].reserved = 0;
	}
	ret = ikc_send_pages(idev, ECHO_PAGES, nr, refs, nr);
	kfree(refs);
	if (!ret)
		ret = ikc_recv_wait(idev, &info, c->rx, sizeof(c->rx), ECHO_TIMEOUT);
	/* The pages are ours again only once the server has answered. */
	if (ret == -ETIMEDOUT || ret == -EINTR)
		goto out_leak;
	if (!ret && (info.type != ECHO_PAGES_DONE || info.tag != nr ||
		     info.len != sizeof(*done)))
		ret = -EIO;
	else if (!ret && le32_to_cpu(done->status))
		ret = -(int)min(le32_to_cpu(done->status), 4095U);
	else if (!ret && le32_to_cpu(done->sum) != sum)
		ret = -EIO;
	snprintf(c->result, sizeof(c->result), "pages=%u ret=%d sum=%u\n",
		 nr, ret, sum);
	__free_pages(pages, order);
	return ret;
out_leak:
	snprintf(c->result, sizeof(c->result), "pages=%u ret=%d sum=%u\n",
		 nr, ret, sum);
	dev_warn(&idev->dev, "no answer to a page transfer: its pages are kept\n");
	return ret;
}

static ssize_t pingpong_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	struct echo_client *c = dev_get_drvdata(dev);
	ssize_t ret;

	mutex_lock(&c->lock);
	ret = sysfs_emit(buf, "%s", c->result);
	mutex_unlock(&c->lock);
	return ret;
}

static ssize_t pingpong_store(struct device *dev, struct device_attribute *attr,
			      const char *buf, size_t len)
{
	struct ikc_device *idev = to_ikc_device(dev);
	struct echo_client *c = dev_get_drvdata(dev);
	unsigned int count, size = 0;
	bool pages = false, stream = false;
	int ret;

	if (sscanf(buf, "pages %u", &count) == 1)
		pages = true;
	else if (sscanf(buf, "stream %u %u", &count, &size) == 2)
		stream = true;
	else if (sscanf(buf, "%u %u", &count, &size) != 2)
		return -EINVAL;
	if (!count || size > IKC_MSG_MAX)
		return -EINVAL;
	if (mutex_lock_interruptible(&c->lock))
		return -EINTR;
	if (pages)
		ret = echo_page_transfer(idev, c, count);
	else if (stream)
		ret = echo_stream(idev, c, count, size);
	else
		ret = echo_round_trips(idev, c, count, size);
	mutex_unlock(&c->lock);
	return ret ?: len;
}
static DEVICE_ATTR_RW(pingpong);

static ssize_t server_config_store(struct device *dev,
				   struct device_attribute *attr,
				   const char *buf, size_t len)
{
	struct ikc_device *idev = to_ikc_device(dev);
	struct echo_client *c = dev_get_drvdata(dev);
	struct echo_config *cfg = (void *)c->tx;
	struct ikc_msg_info info;
	unsigned int poll_us;
	int cpu, ret;

	if (sscanf(buf, "%u %d", &poll_us, &cpu) != 2 || cpu < -1)
		return -EINVAL;
	if (mutex_lock_interruptible(&c->lock))
		return -EINTR;
	cfg->poll_us = cpu_to_le32(poll_us);
	cfg->cpu = cpu_to_le32(cpu < 0 ? U32_MAX : cpu);
	cfg->status = 0;
	ret = ikc_send_timeout(idev, ECHO_CONFIG, 0, cfg, sizeof(*cfg), ECHO_TIMEOUT);
	if (!ret)
		ret = ikc_recv_wait(idev, &info, c->rx, sizeof(c->rx), ECHO_TIMEOUT);
	cfg = (void *)c->rx;
	if (!ret && (info.type != ECHO_CONFIG_DONE || info.len != sizeof(*cfg)))
		ret = -EIO;
	else if (!ret)
		ret = -(int)min(le32_to_cpu(cfg->status), 4095U);
	mutex_unlock(&c->lock);
	return ret ?: len;
}
static DEVICE_ATTR_WO(server_config);

static struct attribute *echo_client_attrs[] = {
	&dev_attr_pingpong.attr,
	&dev_attr_server_config.attr,
	NULL
};
ATTRIBUTE_GROUPS(echo_client);

static int echo_client_probe(struct ikc_device *idev)
{
	struct echo_client *c;

	c = devm_kzalloc(&idev->dev, sizeof(*c), GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	mutex_init(&c->lock);
	dev_set_drvdata(&idev->dev, c);
	return 0;
}

static const struct ikc_device_id echo_client_ids[] = {
	{ IKC_SVC_ECHO, IKC_ROLE_CLIENT, IKC_ANY_ARG },
	{ }
};

static struct ikc_driver echo_client = {
	.driver.name = "ikc-echo-client",
	.driver.dev_groups = echo_client_groups,
	.id_table = echo_client_ids,
	.probe = echo_client_probe,
};

static int __init echo_init(void)
{
	int ret;

	ret = ikc_register_driver(&echo_server);
	if (ret)
		return ret;
	ret = ikc_register_driver(&echo_client);
	if (ret)
		ikc_unregister_driver(&echo_server);
	return ret;
}
module_init(echo_init);

static void __exit echo_exit(void)
{
	ikc_unregister_driver(&echo_client);
	ikc_unregister_driver(&echo_server);
}
module_exit(echo_exit);

MODULE_DESCRIPTION("IKC echo service, for tests and benchmarks");
MODULE_LICENSE("GPL");
