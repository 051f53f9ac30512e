// SPDX-License-Identifier: GPL-2.0-only
/*
 * A DMA_MEMCPY channel whose engine is a work item copying with the CPU.
 *
 * For testing dmaengine clients on machines without a memcpy engine, QEMU
 * among them: transfers are queued, issued and completed asynchronously and
 * in order, with completion callbacks, as on a real channel, so a client
 * runs its real DMA path.  With fail_every=N every Nth transfer completes
 * with DMA_TRANS_WRITE_FAILED and copies nothing, so a client's fallback
 * can be tested too.
 *
 * The channel's device must use dma-direct (no IOMMU): the work item turns
 * bus addresses back into kernel addresses with dma_to_phys().
 */

#include <linux/dma-direct.h>
#include <linux/dma-map-ops.h>
#include <linux/dmaengine.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "dmaengine.h"

static unsigned int fail_every;
module_param(fail_every, uint, 0644);
MODULE_PARM_DESC(fail_every, "Fail every Nth transfer (0: never)");

struct soft_memcpy_desc {
	struct dma_async_tx_descriptor tx;
	struct list_head node;
	dma_addr_t src;
	dma_addr_t dst;
	size_t len;
};

struct soft_memcpy {
	struct dma_device dma;
	struct dma_chan chan;
	spinlock_t lock;		/* protects the lists and cookies */
	struct list_head submitted;
	struct list_head issued;
	struct work_struct work;
	atomic_t transfers;
};

static struct platform_device *soft_memcpy_pdev;

static struct soft_memcpy *to_soft_memcpy(struct dma_chan *chan)
{
	return container_of(chan, struct soft_memcpy, chan);
}

static dma_cookie_t soft_memcpy_tx_submit(struct dma_async_tx_descriptor *tx)
{
	struct soft_memcpy_desc *d = container_of(tx, struct soft_memcpy_desc, tx);
	struct soft_memcpy *sm = to_soft_memcpy(tx->chan);
	dma_cookie_t cookie;
	unsigned long flags;

	spin_lock_irqsave(&sm->lock, flags);
	cookie = dma_cookie_assign(tx);
	list_add_tail(&d->node, &sm->submitted);
	spin_unlock_irqrestore(&sm->lock, flags);
	return cookie;
}

static struct dma_async_tx_descriptor *
soft_memcpy_prep_memcpy(struct dma_chan *chan, dma_addr_t dst, dma_addr_t src,
			size_t len, unsigned long flags)
{
	struct soft_memcpy_desc *d;

	d = kzalloc(sizeof(*d), GFP_NOWAIT);
	if (!d)
		return NULL;
	dma_async_tx_descriptor_init(&d->tx, chan);
	d->tx.tx_submit = soft_memcpy_tx_submit;
	d->tx.flags = flags;
	d->src = src;
	d->dst = dst;
	d->len = len;
	return &d->tx;
}

static void soft_memcpy_issue_pending(struct dma_chan *chan)
{
	struct soft_memcpy *sm = to_soft_memcpy(chan);
	unsigned long flags;

	spin_lock_irqsave(&sm->lock, flags);
	list_splice_tail_init(&sm->submitted, &sm->issued);
	spin_unlock_irqrestore(&sm->lock, flags);
	queue_work(system_unbound_wq, &sm->work);
}

static void soft_memcpy_copy(struct soft_memcpy *sm, struct soft_memcpy_desc *d,
			     struct dmaengine_result *res)
{
	struct device *dev = sm->dma.dev;
	unsigned int n = READ_ONCE(fail_every);

	res->residue = 0;
	res->result = DMA_TRANS_NOERROR;
	if (n && atomic_inc_return(&sm->transfers) % n == 0) {
		res->result = DMA_TRANS_WRITE_FAILED;
		res->residue = d->len;
		return;
	}
	memcpy(phys_to_virt(dma_to_phys(dev, d->dst)),
	       phys_to_virt(dma_to_phys(dev, d->src)), d->len);
}

/*
 * Runs what was issued, without yielding between transfers: like a real
 * engine, it should not make the transfers' latency depend on the CPU's
 * other work more than it must.
 */
static void soft_memcpy_work(struct work_struct *work)
{
	struct soft_memcpy *sm = container_of(work, struct soft_memcpy, work);
	struct soft_memcpy_desc *d;
	struct dmaengine_result res;
	unsigned long flags;

	for (;;) {
		spin_lock_irqsave(&sm->lock, flags);
		d = list_first_entry_or_null(&sm->issued, struct soft_memcpy_desc,
					     node);
		if (d)
			list_del(&d->node);
		spin_unlock_irqrestore(&sm->lock, flags);
		if (!d)
			break;

		soft_memcpy_copy(sm, d, &res);
		spin_lock_irqsave(&sm->lock, flags);
		dma_cookie_complete(&d->tx);
		spin_unlock_irqrestore(&sm->lock, flags);
		dmaengine_desc_get_callback_invoke(&d->tx, &res);
		kfree(d);
	}
}

static enum dma_status soft_memcpy_tx_status(struct dma_chan *chan,
					     dma_cookie_t cookie,
					     struct dma_tx_state *state)
{
	return dma_cookie_status(chan, cookie, state);
}

static void soft_memcpy_free_list(struct list_head *list)
{
	struct soft_memcpy_desc *d, *tmp;

	list_for_each_entry_safe(d, tmp, list, node) {
		list_del(&d->node);
		kfree(d);
	}
}

static int soft_memcpy_terminate_all(struct dma_chan *chan)
{
	struct soft_memcpy *sm = to_soft_memcpy(chan);
	unsigned long flags;
	LIST_HEAD(dead);

	spin_lock_irqsave(&sm->lock, flags);
	list_splice_tail_init(&sm->submitted, &dead);
	list_splice_tail_init(&sm->issued, &dead);
	spin_unlock_irqrestore(&sm->lock, flags);
	soft_memcpy_free_list(&dead);
	return 0;
}

static void soft_memcpy_synchronize(struct dma_chan *chan)
{
	flush_work(&to_soft_memcpy(chan)->work);
}

static int soft_memcpy_alloc_chan_resources(struct dma_chan *chan)
{
	dma_cookie_init(chan);
	return 0;
}

static void soft_memcpy_free_chan_resources(struct dma_chan *chan)
{
	soft_memcpy_terminate_all(chan);
	soft_memcpy_synchronize(chan);
}

static int soft_memcpy_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct soft_memcpy *sm;
	int ret;

	if (get_dma_ops(dev))
		return dev_err_probe(dev, -ENODEV, "needs dma-direct, not an IOMMU\n");
	ret = dma_coerce_mask_and_coherent(dev, DMA_BIT_MASK(64));
	if (ret)
		return ret;

	sm = devm_kzalloc(dev, sizeof(*sm), GFP_KERNEL);
	if (!sm)
		return -ENOMEM;
	spin_lock_init(&sm->lock);
	INIT_LIST_HEAD(&sm->submitted);
	INIT_LIST_HEAD(&sm->issued);
	INIT_WORK(&sm->work, soft_memcpy_work);

	dma_cap_set(DMA_MEMCPY, sm->dma.cap_mask);
	sm->dma.dev = dev;
	sm->dma.directions = BIT(DMA_MEM_TO_MEM);
	sm->dma.residue_granularity = DMA_RESIDUE_GRANULARITY_DESCRIPTOR;
	sm->dma.device_alloc_chan_resources = soft_memcpy_alloc_chan_resources;
	sm->dma.device_free_chan_resources = soft_memcpy_free_chan_resources;
	sm->dma.device_prep_dma_memcpy = soft_memcpy_prep_memcpy;
	sm->dma.device_issue_pending = soft_memcpy_issue_pending;
	sm->dma.device_tx_status = soft_memcpy_tx_status;
	sm->dma.device_terminate_all = soft_memcpy_terminate_all;
	sm->dma.device_synchronize = soft_memcpy_synchronize;
	INIT_LIST_HEAD(&sm->dma.channels);
	sm->chan.device = &sm->dma;
	list_add_tail(&sm->chan.device_node, &sm->dma.channels);

	ret = dma_async_device_register(&sm->dma);
	if (ret)
		return ret;
	platform_set_drvdata(pdev, sm);
	dev_info(dev, "software DMA_MEMCPY channel for testing\n");
	return 0;
}

static void soft_memcpy_remove(struct platform_device *pdev)
{
	struct soft_memcpy *sm = platform_get_drvdata(pdev);

	dma_async_device_unregister(&sm->dma);
}

static struct platform_driver soft_memcpy_driver = {
	.probe = soft_memcpy_probe,
	.remove = soft_memcpy_remove,
	.driver = {
		.name = "soft-memcpy-dma",
	},
};

static int __init soft_memcpy_init(void)
{
	int ret;

	ret = platform_driver_register(&soft_memcpy_driver);
	if (ret)
		return ret;
	soft_memcpy_pdev = platform_device_register_simple("soft-memcpy-dma",
							   PLATFORM_DEVID_NONE,
							   NULL, 0);
	if (IS_ERR(soft_memcpy_pdev)) {
		platform_driver_unregister(&soft_memcpy_driver);
		return PTR_ERR(soft_memcpy_pdev);
	}
	return 0;
}
module_init(soft_memcpy_init);

static void __exit soft_memcpy_exit(void)
{
	platform_device_unregister(soft_memcpy_pdev);
	platform_driver_unregister(&soft_memcpy_driver);
}
module_exit(soft_memcpy_exit);

MODULE_DESCRIPTION("Software DMA_MEMCPY channel for testing dmaengine clients");
MODULE_LICENSE("GPL");
