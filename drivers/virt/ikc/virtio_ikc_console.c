// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio over IKC: the back end of a virtio console, in the kernel that
 * offers it.  The front end (a partition kernel's virtio_console, hvc0)
 * keeps its vrings in its own memory; this side reaches them through the
 * back-end core (virtio_backend.c), which checks every address the peer
 * hands over before it is touched.  The console shows up here as a tty,
 * /dev/ttyIKC<n>.
 *
 * Queue 0 (receiveq) carries what is written to the tty to the front end;
 * queue 1 (transmitq) carries the front end's output to the tty, or, while
 * the tty is closed, to a 64 KiB log replayed on the next open.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kfifo.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/tty.h>
#include <linux/tty_driver.h>
#include <linux/tty_flip.h>
#include <linux/virtio_byteorder.h>
#include <linux/virtio_console.h>
#include <linux/virtio_ids.h>

#include "virtio_backend.h"

#define VCON_MAX_LINES		16
#define VCON_RX_QUEUE		0	/* receiveq: tty -> front end */
#define VCON_TX_QUEUE		1	/* transmitq: front end -> tty */
#define VCON_NR_QUEUES		2
#define VCON_QUEUE_SIZE		256
#define VCON_LOG_SIZE		SZ_64K	/* output kept while the tty is closed */
#define VCON_IN_SIZE		SZ_4K	/* input not yet taken by the peer */
#define VCON_CHUNK		256
#define VCON_MAX_CHAIN		SZ_64K	/* bytes taken from one chain */

/**
 * struct vcon - one virtio console back end
 * @port: the tty port; its reference count decides when this is freed
 * @vbe: the virtio device, on the back-end core
 * @index: tty line
 * @removed: the IKC device is gone; no new opens
 * @started: @vbe is set up
 * @lock: protects @cols, @rows, @tty_open and @log
 * @cols: console width
 * @rows: console height
 * @tty_open: output goes to the tty rather than to @log
 * @log: output kept while the tty is closed; oldest bytes dropped first
 * @log_buf: @log's storage
 * @in_lock: serialises writers of @in
 * @in: tty input waiting for receiveq buffers
 */
struct vcon {
	struct tty_port port;
	struct ikc_vbe vbe;
	unsigned int index;
	bool removed;
	bool started;

	struct mutex lock;		/* size, output side */
	u16 cols;
	u16 rows;
	bool tty_open;
	struct kfifo log;
	void *log_buf;

	spinlock_t in_lock;		/* writers of @in */
	struct kfifo in;
};

static struct tty_driver *vcon_tty_driver;
static DEFINE_MUTEX(vcon_table_lock);
static struct vcon *vcon_table[VCON_MAX_LINES];

/* Front end output: to the tty if open, else to the log. */
static bool vcon_output(struct vcon *vcon, const u8 *buf, size_t len)
{
	unsigned int avail;

	guard(mutex)(&vcon->lock);
	if (vcon->tty_open)
		return tty_insert_flip_string(&vcon->port, buf, len) > 0;

	avail = kfifo_avail(&vcon->log);
	if (avail < len)
		kfifo_skip_count(&vcon->log, len - avail);
	kfifo_in(&vcon->log, buf, len);
	return false;
}

static bool vcon_process_tx(struct vcon *vcon, struct ikc_vbe_queue *q,
			    unsigned int budget)
{
	bool flip = false;
	u8 buf[VCON_CHUNK];
	unsigned int done;
	size_t total;
	ssize_t n = 0;
	u16 head;
	int ret;

	for (done = 0; done < budget; done++) {
		/* Writable descriptors have no place here: -EPROTO. */
		ret = vringh_getdesc_iotlb(&q->vrh, &q->riov, NULL, &head,
					   GFP_KERNEL);
		if (!ret)
			break;
		if (ret < 0)
			goto fail;

		total = 0;
		while (total < VCON_MAX_CHAIN) {
			n = vringh_iov_pull_iotlb(&q->vrh, &q->riov, buf,
						  sizeof(buf));
			if (n <= 0)
				break;
			flip |= vcon_output(vcon, buf, n);
			total += n;
		}
		if (n < 0) {
			ret = n;
			goto fail;
		}
		if (ikc_vbe_complete(q, head, 0))
			break;
	}
	if (flip)
		tty_flip_buffer_push(&vcon->port);
	return done == budget;

fail:
	if (flip)
		tty_flip_buffer_push(&vcon->port);
	ikc_vbe_fail(&vcon->vbe, "transmitq", ret);
	return false;
}

static bool vcon_process_rx(struct vcon *vcon, struct ikc_vbe_queue *q,
			    unsigned int budget)
{
	unsigned int done, len;
	bool used = false;
	u8 buf[VCON_CHUNK];
	size_t written;
	ssize_t n;
	u16 head;
	int ret;

	/* Single consumer of @in: this runs under the queue's lock. */
	for (done = 0; done < budget && !kfifo_is_empty(&vcon->in); done++) {
		/* Readable descriptors have no place here: -EPROTO. */
		ret = vringh_getdesc_iotlb(&q->vrh, NULL, &q->wiov, &head,
					   GFP_KERNEL);
		if (!ret)
			break;
		if (ret < 0)
			goto fail;

		written = 0;
		for (;;) {
			len = kfifo_out_peek(&vcon->in, buf, sizeof(buf));
			if (!len)
				break;
			n = vringh_iov_push_iotlb(&q->vrh, &q->wiov, buf, len);
			if (n < 0) {
				ret = n;
				goto fail;
			}
			if (!n)
				break;
			kfifo_skip_count(&vcon->in, n);
			written += n;
		}
		if (ikc_vbe_complete(q, head, written))
			break;
		used = true;
	}
	if (used)
		tty_port_tty_wakeup(&vcon->port);
	return done == budget && !kfifo_is_empty(&vcon->in);

fail:
	ikc_vbe_fail(&vcon->vbe, "receiveq", ret);
	return false;
}

static bool vcon_process(struct ikc_vbe_queue *q, unsigned int budget)
{
	struct vcon *vcon = q->vbe->priv;

	if (q->index == VCON_TX_QUEUE)
		return vcon_process_tx(vcon, q, budget);
	return vcon_process_rx(vcon, q, budget);
}

static void vcon_get_config(struct ikc_vbe *vbe, void *buf)
{
	struct vcon *vcon = vbe->priv;
	struct virtio_console_config c = {
		.max_nr_ports = __cpu_to_virtio32(true, 1),
	};

	scoped_guard(mutex, &vcon->lock) {
		c.cols = __cpu_to_virtio16(true, vcon->cols);
		c.rows = __cpu_to_virtio16(true, vcon->rows);
	}
	memcpy(buf, &c, sizeof(c));
}

/* cols, rows and max_nr_ports are read-only; no EMERG_WRITE. */
static const struct ikc_vbe_ops vcon_vbe_ops = {
	.get_config	= vcon_get_config,
	.process	= vcon_process,
};

static const struct ikc_vbe_desc vcon_vbe_desc = {
	.name		= "console",
	.device_id	= VIRTIO_ID_CONSOLE,
	.features	= BIT_ULL(VIRTIO_CONSOLE_F_SIZE),
	.nr_queues	= VCON_NR_QUEUES,
	.queue_size	= VCON_QUEUE_SIZE,
	.config_len	= sizeof(struct virtio_console_config),
	.ops		= &vcon_vbe_ops,
	/* hvc_console spins until each write is taken. */
	.inline_queues	= BIT_ULL(VCON_TX_QUEUE),
};

static void vcon_rx(struct ikc_device *idev)
{
	struct vcon *vcon = dev_get_drvdata(&idev->dev);

	ikc_vbe_rx(&vcon->vbe);
}

static void vcon_tx_room(struct ikc_device *idev)
{
	struct vcon *vcon = dev_get_drvdata(&idev->dev);

	ikc_vbe_tx_room(&vcon->vbe);
}

static void vcon_peer_event(struct ikc_device *idev, bool up)
{
	struct vcon *vcon = dev_get_drvdata(&idev->dev);

	ikc_vbe_peer_event(&vcon->vbe, up);
	if (!up)
		tty_port_tty_hangup(&vcon->port, false);
}

/* The tty side */

static int vcon_tty_install(struct tty_driver *driver, struct tty_struct *tty)
{
	struct tty_port *port = NULL;
	struct vcon *vcon;
	int ret;

	mutex_lock(&vcon_table_lock);
	vcon = vcon_table[tty->index];
	if (vcon && !vcon->removed)
		port = tty_port_get(&vcon->port);
	mutex_unlock(&vcon_table_lock);
	if (!port)
		return -ENODEV;

	ret = tty_port_install(port, driver, tty);
	if (ret) {
		tty_port_put(port);
		return ret;
	}
	tty->driver_data = vcon;
	return 0;
}

static void vcon_tty_cleanup(struct tty_struct *tty)
{
	struct vcon *vcon = tty->driver_data;

	tty->driver_data = NULL;
	tty_port_put(&vcon->port);
}

static int vcon_tty_open(struct tty_struct *tty, struct file *filp)
{
	return tty_port_open(tty->port, tty, filp);
}

static void vcon_tty_close(struct tty_struct *tty, struct file *filp)
{
	tty_port_close(tty->port, tty, filp);
}

static void vcon_tty_hangup(struct tty_struct *tty)
{
	tty_port_hangup(tty->port);
}

static ssize_t vcon_tty_write(struct tty_struct *tty, const u8 *buf,
			      size_t count)
{
	struct vcon *vcon = tty->driver_data;
	unsigned int n;

	n = kfifo_in_spinlocked(&vcon->in, buf, count, &vcon->in_lock);
	if (n && vcon->started)
		ikc_vbe_kick(&vcon->vbe, VCON_RX_QUEUE);
	return n;
}

static unsigned int vcon_tty_write_room(struct tty_struct *tty)
{
	struct vcon *vcon = tty->driver_data;

	return kfifo_avail(&vcon->in);
}

static unsigned int vcon_tty_chars_in_buffer(struct tty_struct *tty)
{
	struct vcon *vcon = tty->driver_data;

	return kfifo_len(&vcon->in);
}

static int vcon_tty_resize(struct tty_struct *tty, struct winsize *ws)
{
	struct vcon *vcon = tty->driver_data;

	bool changed = false;

	scoped_guard(mutex, &vcon->lock) {
		if (vcon->cols != ws->ws_col || vcon->rows != ws->ws_row) {
			vcon->cols = ws->ws_col;
			vcon->rows = ws->ws_row;
			changed = true;
		}
	}
	if (changed && vcon->started &&
	    ikc_vbe_has_feature(&vcon->vbe, VIRTIO_CONSOLE_F_SIZE))
		ikc_vbe_config_changed(&vcon->vbe);

	return tty_do_resize(tty, ws);
}

static const struct tty_operations vcon_tty_ops = {
	.install		= vcon_tty_install,
	.cleanup		= vcon_tty_cleanup,
	.open			= vcon_tty_open,
	.close			= vcon_tty_close,
	.hangup			= vcon_tty_hangup,
	.write			= vcon_tty_write,
	.write_room		= vcon_tty_write_room,
	.chars_in_buffer	= vcon_tty_chars_in_buffer,
	.resize			= vcon_tty_resize,
};

/* First open: replay what the front end printed meanwhile. */
static int vcon_port_activate(struct tty_port *port, struct tty_struct *tty)
{
	struct vcon *vcon = container_of(port, struct vcon, port);
	u8 buf[VCON_CHUNK];
	unsigned int n;
	int room;

	mutex_lock(&vcon->lock);
	while (!kfifo_is_empty(&vcon->log)) {
		room = tty_buffer_request_room(port,
					       min_t(unsigned int, sizeof(buf),
						     kfifo_len(&vcon->log)));
		if (room <= 0)
			break;
		n = kfifo_out(&vcon->log, buf, room);
		tty_insert_flip_string(port, buf, n);
	}
	/* What did not fit is older than what follows: drop it. */
	kfifo_reset(&vcon->log);
	vcon->tty_open = true;
	mutex_unlock(&vcon->lock);

	tty_flip_buffer_push(port);
	return 0;
}

static void vcon_port_shutdown(struct tty_port *port)
{
	struct vcon *vcon = container_of(port, struct vcon, port);

	mutex_lock(&vcon->lock);
	vcon->tty_open = false;
	mutex_unlock(&vcon->lock);
}

/* The last reference is gone: the IKC device was removed, no tty left. */
static void vcon_port_destruct(struct tty_port *port)
{
	struct vcon *vcon = container_of(port, struct vcon, port);

	if (vcon->started)
		ikc_vbe_destroy(&vcon->vbe);

	mutex_lock(&vcon_table_lock);
	if (vcon->index < VCON_MAX_LINES && vcon_table[vcon->index] == vcon)
		vcon_table[vcon->index] = NULL;
	mutex_unlock(&vcon_table_lock);

	kfifo_free(&vcon->in);
	kvfree(vcon->log_buf);
	mutex_destroy(&vcon->lock);
	kfree(vcon);
}

static const struct tty_port_operations vcon_port_ops = {
	.activate	= vcon_port_activate,
	.shutdown	= vcon_port_shutdown,
	.destruct	= vcon_port_destruct,
};

/* sysfs, on the IKC device */

static ssize_t tty_name_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	struct vcon *vcon = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%s%u\n", vcon_tty_driver->name, vcon->index);
}
static DEVICE_ATTR_RO(tty_name);

static ssize_t errors_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	struct vcon *vcon = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%ld\n", atomic_long_read(&vcon->vbe.errors));
}
static DEVICE_ATTR_RO(errors);

static struct attribute *vcon_attrs[] = {
	&dev_attr_tty_name.attr,
	&dev_attr_errors.attr,
	NULL
};
ATTRIBUTE_GROUPS(vcon);

static int vcon_probe(struct ikc_device *idev)
{
	struct device *tty_dev;
	struct vcon *vcon;
	unsigned int i;
	int ret;

	vcon = kzalloc(sizeof(*vcon), GFP_KERNEL);
	if (!vcon)
		return -ENOMEM;

	/* From here on the port's destruct frees everything. */
	tty_port_init(&vcon->port);
	vcon->port.ops = &vcon_port_ops;
	vcon->index = VCON_MAX_LINES;
	mutex_init(&vcon->lock);
	spin_lock_init(&vcon->in_lock);
	vcon->cols = 80;
	vcon->rows = 25;

	ret = kfifo_alloc(&vcon->in, VCON_IN_SIZE, GFP_KERNEL);
	if (ret)
		goto err_put;
	vcon->log_buf = kvmalloc(VCON_LOG_SIZE, GFP_KERNEL);
	if (!vcon->log_buf) {
		ret = -ENOMEM;
		goto err_put;
	}
	ret = kfifo_init(&vcon->log, vcon->log_buf, VCON_LOG_SIZE);
	if (ret)
		goto err_put;

	/* Lines in probe order; a line is reused once its tty is gone. */
	ret = -ENOSPC;
	mutex_lock(&vcon_table_lock);
	for (i = 0; i < VCON_MAX_LINES; i++) {
		if (!vcon_table[i]) {
			vcon_table[i] = vcon;
			vcon->index = i;
			ret = 0;
			break;
		}
	}
	mutex_unlock(&vcon_table_lock);
	if (ret)
		goto err_put;

	ret = ikc_vbe_init(&vcon->vbe, idev, &vcon_vbe_desc, vcon);
	if (ret)
		goto err_put;
	vcon->started = true;
	dev_set_drvdata(&idev->dev, vcon);

	tty_dev = tty_port_register_device(&vcon->port, vcon_tty_driver,
					   vcon->index, &idev->dev);
	if (IS_ERR(tty_dev)) {
		ret = PTR_ERR(tty_dev);
		goto err_drvdata;
	}

	dev_info(&idev->dev, "virtio console on %s%u\n",
		 vcon_tty_driver->name, vcon->index);
	return 0;

err_drvdata:
	dev_set_drvdata(&idev->dev, NULL);
	ikc_vbe_stop(&vcon->vbe);
err_put:
	tty_port_put(&vcon->port);
	return ret;
}

static void vcon_remove(struct ikc_device *idev)
{
	struct vcon *vcon = dev_get_drvdata(&idev->dev);

	mutex_lock(&vcon_table_lock);
	vcon->removed = true;
	mutex_unlock(&vcon_table_lock);

	/* A tty write may kick a queue again; it then finds it stopped. */
	ikc_vbe_stop(&vcon->vbe);

	tty_port_tty_hangup(&vcon->port, false);
	tty_unregister_device(vcon_tty_driver, vcon->index);
	ikc_stop_rx(idev);
	dev_set_drvdata(&idev->dev, NULL);
	tty_port_put(&vcon->port);
}

static const struct ikc_device_id vcon_ids[] = {
	{ .service = IKC_SVC_VIRTIO, .role = IKC_ROLE_SERVER,
	  .arg = VIRTIO_ID_CONSOLE },
	{ }
};

static struct ikc_driver vcon_driver = {
	.driver = {
		.name		= "virtio_ikc_console",
		.dev_groups	= vcon_groups,
	},
	.id_table	= vcon_ids,
	.probe		= vcon_probe,
	.remove		= vcon_remove,
	.rx		= vcon_rx,
	.tx_room	= vcon_tx_room,
	.peer_event	= vcon_peer_event,
};

static int __init vcon_init(void)
{
	struct tty_driver *drv;
	int ret;

	drv = tty_alloc_driver(VCON_MAX_LINES, TTY_DRIVER_REAL_RAW |
			       TTY_DRIVER_DYNAMIC_DEV);
	if (IS_ERR(drv))
		return PTR_ERR(drv);

	drv->driver_name = "ikc_console";
	drv->name = "ttyIKC";
	drv->type = TTY_DRIVER_TYPE_SYSTEM;
	drv->init_termios = tty_std_termios;
	/* Raw: echoing the peer's output back as its input would be bad. */
	drv->init_termios.c_iflag = 0;
	drv->init_termios.c_oflag = 0;
	drv->init_termios.c_lflag = 0;
	drv->init_termios.c_cflag = B115200 | CS8 | CREAD | HUPCL | CLOCAL;
	drv->init_termios.c_ispeed = 115200;
	drv->init_termios.c_ospeed = 115200;
	tty_set_operations(drv, &vcon_tty_ops);

	ret = tty_register_driver(drv);
	if (ret)
		goto err_put;
	vcon_tty_driver = drv;

	ret = ikc_register_driver(&vcon_driver);
	if (ret)
		goto err_unregister;
	return 0;

err_unregister:
	tty_unregister_driver(drv);
	vcon_tty_driver = NULL;
err_put:
	tty_driver_kref_put(drv);
	return ret;
}
module_init(vcon_init);

static void __exit vcon_exit(void)
{
	ikc_unregister_driver(&vcon_driver);
	tty_unregister_driver(vcon_tty_driver);
	tty_driver_kref_put(vcon_tty_driver);
}
module_exit(vcon_exit);

MODULE_DESCRIPTION("virtio console back end over IKC");
MODULE_LICENSE("GPL");
