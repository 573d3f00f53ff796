// SPDX-License-Identifier: GPL-2.0-only
/*
 * Test platform for the emulated LFA agent (tests/agent): what a real
 * server's firmware-update path and BMC would provide, so that the LFA
 * driver and fwupd can be tested end to end under QEMU.
 *
 * - one firmware-upload device lfa-<GUID> per stageable image; an upload
 *   hands the image to the agent through the emulator's SiP service;
 * - debugfs lfa_emu/: the agent's call log, fault injection, out-of-band
 *   (BMC) staging that raises the arm,lfa notification, and the image list.
 *
 * This is test scaffolding, not the product driver (kernel/lfa_fw).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/arm-smccc.h>
#include <linux/debugfs.h>
#include <linux/firmware.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/platform_device.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/unaligned.h>
#include <linux/uuid.h>
#include <asm/io.h>

#include "lfa_emu.h"

#define LFA_TP_MAX_IMAGES	16

/**
 * struct lfa_tp_image - one stageable image of the scenario
 * @guid: image GUID
 * @fwl: its firmware-upload device
 * @buf: upload being assembled, physically contiguous for the agent
 * @size: bytes expected in @buf
 * @cancel: userspace cancelled the upload
 */
struct lfa_tp_image {
	uuid_t guid;
	struct fw_upload *fwl;
	u8 *buf;
	u32 size;
	bool cancel;
};

static struct platform_device *lfa_tp_pdev;
static struct lfa_tp_image lfa_tp_images[LFA_TP_MAX_IMAGES];
static unsigned int lfa_tp_nimages;
static struct dentry *lfa_tp_dir;
static u64 lfa_tp_cntfrq;

static const char * const lfa_tp_calls[] = {
	"VERSION", "FEATURES", "GET_INFO", "GET_INVENTORY",
	"PRIME", "ACTIVATE", "CANCEL",
};

static const char * const lfa_tp_codes[] = {
	"SUCCESS", "NOT_SUPPORTED", "BUSY", "AUTH_ERROR", "NO_MEMORY",
	"CRITICAL_ERROR", "DEVICE_ERROR", "WRONG_STATE", "INVALID_PARAMETERS",
	"COMPONENT_WRONG_STATE", "INVALID_ADDRESS", "ACTIVATION_FAILED",
};

static void lfa_tp_smc(u64 fid, u64 a1, u64 a2, u64 a3,
		       struct arm_smccc_1_2_regs *res)
{
	struct arm_smccc_1_2_regs args = {
		.a0 = fid, .a1 = a1, .a2 = a2, .a3 = a3,
	};

	arm_smccc_1_2_smc(&args, res);
}

static void lfa_tp_guid_regs(const uuid_t *guid, u64 *lo, u64 *hi)
{
	*lo = get_unaligned_le64(&guid->b[0]);
	*hi = get_unaligned_le64(&guid->b[8]);
}

/* Codes come from firmware: never index a table with them unchecked. */
static const char *lfa_tp_code_name(s64 code)
{
	if (code <= 0 && code > -(s64)ARRAY_SIZE(lfa_tp_codes))
		return lfa_tp_codes[-code];
	return "UNKNOWN";
}

static const char *lfa_tp_call_name(u64 fid)
{
	if (fid >= LFA_VERSION && fid <= LFA_CANCEL)
		return lfa_tp_calls[fid - LFA_VERSION];
	return "UNKNOWN";
}

static u64 lfa_tp_ns(u64 ticks)
{
	return mul_u64_u32_div(ticks, NSEC_PER_SEC, (u32)lfa_tp_cntfrq);
}

static enum fw_upload_err lfa_tp_prepare(struct fw_upload *fwl,
					 const u8 *data, u32 size)
{
	struct lfa_tp_image *img = fwl->dd_handle;

	/* the agent checks everything again; these checks name the cause */
	if (size < LFA_EMU_IMG_HDR ||
	    size - LFA_EMU_IMG_HDR > LFA_EMU_IMG_MAX)
		return FW_UPLOAD_ERR_INVALID_SIZE;
	if (memcmp(data, LFA_EMU_IMG_MAGIC, 8) ||
	    memcmp(data + 8, img->guid.b, 16) ||
	    !get_unaligned_le64(data + 24) ||
	    get_unaligned_le32(data + 32) != size - LFA_EMU_IMG_HDR)
		return FW_UPLOAD_ERR_FW_INVALID;
	img->buf = kmalloc(size, GFP_KERNEL);
	if (!img->buf)
		return FW_UPLOAD_ERR_HW_ERROR;
	img->size = size;
	img->cancel = false;
	return FW_UPLOAD_ERR_NONE;
}

static enum fw_upload_err lfa_tp_write(struct fw_upload *fwl, const u8 *data,
				       u32 offset, u32 size, u32 *written)
{
	struct lfa_tp_image *img = fwl->dd_handle;

	if (READ_ONCE(img->cancel))
		return FW_UPLOAD_ERR_CANCELED;
	if (offset > img->size || size > img->size - offset)
		return FW_UPLOAD_ERR_INVALID_SIZE;
	memcpy(img->buf + offset, data, size);
	*written = size;
	return FW_UPLOAD_ERR_NONE;
}

static enum fw_upload_err lfa_tp_poll_complete(struct fw_upload *fwl)
{
	struct lfa_tp_image *img = fwl->dd_handle;
	struct arm_smccc_1_2_regs res;

	if (READ_ONCE(img->cancel))
		return FW_UPLOAD_ERR_CANCELED;
	/*
	 * The agent reads the buffer with its MMU off; QEMU does not model
	 * caches, real firmware would need the range cleaned to PoC.
	 */
	lfa_tp_smc(LFA_EMU_SIP_STAGE, virt_to_phys(img->buf), img->size, 0, &res);
	switch ((s64)res.a0) {
	case LFA_SUCCESS:
		return FW_UPLOAD_ERR_NONE;
	case LFA_INVALID_PARAMETERS:
		return FW_UPLOAD_ERR_FW_INVALID;
	case LFA_NO_MEMORY:
		return FW_UPLOAD_ERR_INVALID_SIZE;
	case LFA_BUSY:
		return FW_UPLOAD_ERR_BUSY;
	default:
		pr_err("%pUb: staging failed: %s\n", &img->guid,
		       lfa_tp_code_name((s64)res.a0));
		return FW_UPLOAD_ERR_HW_ERROR;
	}
}

static void lfa_tp_cancel(struct fw_upload *fwl)
{
	struct lfa_tp_image *img = fwl->dd_handle;

	WRITE_ONCE(img->cancel, true);
}

static void lfa_tp_cleanup(struct fw_upload *fwl)
{
	struct lfa_tp_image *img = fwl->dd_handle;

	kfree(img->buf);
	img->buf = NULL;
}

static const struct fw_upload_ops lfa_tp_fwl_ops = {
	.prepare = lfa_tp_prepare,
	.write = lfa_tp_write,
	.poll_complete = lfa_tp_poll_complete,
	.cancel = lfa_tp_cancel,
	.cleanup = lfa_tp_cleanup,
};

static int lfa_tp_log_show(struct seq_file *s, void *unused)
{
	struct arm_smccc_1_2_regs res;
	u64 seq, head;

	lfa_tp_smc(LFA_EMU_SIP_LOG_READ, 0, 0, 0, &res);
	seq = res.a1;
	head = res.a2;
	for (; seq < head; seq++) {
		lfa_tp_smc(LFA_EMU_SIP_LOG_READ, seq, 0, 0, &res);
		/* entries may have been overwritten meanwhile: skip them */
		if ((s64)res.a0 != LFA_SUCCESS)
			continue;
		seq_printf(s, "seq=%lu cpu=%lu t=%llu dt=%llu call=%s x1=0x%lx x2=0x%lx x3=0x%lx x4=0x%lx ",
			   res.a3, res.a4, lfa_tp_ns(res.a12),
			   lfa_tp_ns(res.a13 - res.a12),
			   lfa_tp_call_name(res.a5), res.a6, res.a7, res.a8,
			   res.a9);
		/* VERSION answers a version, not a code */
		if ((s64)res.a10 > 0)
			seq_printf(s, "ret=0x%lx r1=0x%lx\n", res.a10, res.a11);
		else if ((s64)res.a10 <= -(s64)ARRAY_SIZE(lfa_tp_codes))
			seq_printf(s, "ret=%ld r1=0x%lx\n", (long)res.a10, res.a11);
		else
			seq_printf(s, "ret=%s r1=0x%lx\n",
				   lfa_tp_code_name((s64)res.a10), res.a11);
	}
	return 0;
}

static int lfa_tp_log_open(struct inode *inode, struct file *file)
{
	return single_open(file, lfa_tp_log_show, NULL);
}

static ssize_t lfa_tp_log_write(struct file *file, const char __user *ubuf,
				size_t len, loff_t *ppos)
{
	struct arm_smccc_1_2_regs res;

	/* any write clears, so that `echo clear > log` and `: > log` work */
	lfa_tp_smc(LFA_EMU_SIP_LOG_CLEAR, 0, 0, 0, &res);
	return len;
}

static const struct file_operations lfa_tp_log_fops = {
	.owner = THIS_MODULE,
	.open = lfa_tp_log_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
	.write = lfa_tp_log_write,
};

/* Copies a user line without its trailing newline into @buf. */
static int lfa_tp_get_line(const char __user *ubuf, size_t len, char *buf,
			   size_t size)
{
	if (len == 0 || len >= size)
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	strim(buf);
	return 0;
}

/* Hands one scenario line to the agent (tests/agent/README.md). */
static int lfa_tp_agent_line(const char *line)
{
	struct arm_smccc_1_2_regs res;
	size_t len = strlen(line);
	char *buf;

	/* a kmalloc buffer is physically contiguous and directly mapped */
	buf = kmemdup(line, len + 1, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	lfa_tp_smc(LFA_EMU_SIP_LINE, virt_to_phys(buf), len, 0, &res);
	kfree(buf);
	return (s64)res.a0 == LFA_SUCCESS ? 0 : -EINVAL;
}

static ssize_t lfa_tp_inject_write(struct file *file, const char __user *ubuf,
				   size_t len, loff_t *ppos)
{
	char buf[LFA_EMU_LINE_MAX], line[LFA_EMU_LINE_MAX + 8];
	int ret;

	ret = lfa_tp_get_line(ubuf, len, buf, sizeof(buf));
	if (ret)
		return ret;
	if (!strcmp(buf, "clear"))
		strscpy(line, "clear-faults", sizeof(line));
	else
		snprintf(line, sizeof(line), "fault %s", buf);
	ret = lfa_tp_agent_line(line);
	return ret ? ret : len;
}

static const struct file_operations lfa_tp_inject_fops = {
	.owner = THIS_MODULE,
	.write = lfa_tp_inject_write,
};

static ssize_t lfa_tp_scenario_write(struct file *file,
				     const char __user *ubuf, size_t len,
				     loff_t *ppos)
{
	char buf[LFA_EMU_LINE_MAX];
	int ret;

	ret = lfa_tp_get_line(ubuf, len, buf, sizeof(buf));
	if (ret)
		return ret;
	ret = lfa_tp_agent_line(buf);
	return ret ? ret : len;
}

static const struct file_operations lfa_tp_scenario_fops = {
	.owner = THIS_MODULE,
	.write = lfa_tp_scenario_write,
};

/* "maj.min" -> (maj << 32) | min; 0 on error */
static u64 lfa_tp_parse_version(const char *s)
{
	unsigned int maj, min;
	char extra;

	if (sscanf(s, "%u.%u%c", &maj, &min, &extra) != 2)
		return 0;
	return (u64)maj << 32 | min;
}

static ssize_t lfa_tp_bmc_write(struct file *file, const char __user *ubuf,
				size_t len, loff_t *ppos)
{
	struct arm_smccc_1_2_regs res;
	char buf[64], *ver;
	u64 lo, hi, version = 0;
	uuid_t guid;
	int ret;

	ret = lfa_tp_get_line(ubuf, len, buf, sizeof(buf));
	if (ret)
		return ret;
	ver = strchr(buf, ' ');
	if (ver) {
		*ver++ = '\0';
		version = lfa_tp_parse_version(skip_spaces(ver));
		if (!version)
			return -EINVAL;
	}
	if (uuid_parse(buf, &guid))
		return -EINVAL;
	lfa_tp_guid_regs(&guid, &lo, &hi);
	lfa_tp_smc(LFA_EMU_SIP_BMC_STAGE, lo, hi, version, &res);
	return (s64)res.a0 == LFA_SUCCESS ? len : -EINVAL;
}

static const struct file_operations lfa_tp_bmc_fops = {
	.owner = THIS_MODULE,
	.write = lfa_tp_bmc_write,
};

static int lfa_tp_images_show(struct seq_file *s, void *unused)
{
	struct arm_smccc_1_2_regs res;
	unsigned int i, n;
	char name[17];
	uuid_t guid;

	lfa_tp_smc(LFA_EMU_SIP_INFO, 0, 0, 0, &res);
	n = res.a2;
	for (i = 0; i < n; i++) {
		lfa_tp_smc(LFA_EMU_SIP_IMAGE, i, 0, 0, &res);
		if ((s64)res.a0 != LFA_SUCCESS)
			break;
		put_unaligned_le64(res.a1, &guid.b[0]);
		put_unaligned_le64(res.a2, &guid.b[8]);
		put_unaligned_le64(res.a6, &name[0]);
		put_unaligned_le64(res.a7, &name[8]);
		name[16] = '\0';
		seq_printf(s, "%pUb %s current=%lu.%lu pending=%lu.%lu%s%s%s%s%s\n",
			   &guid, name, res.a4 >> 32, res.a4 & 0xffffffff,
			   res.a5 >> 32, res.a5 & 0xffffffff,
			   res.a3 & LFA_EMU_IMG_LISTED ? " listed" : "",
			   res.a3 & LFA_EMU_IMG_CAPABLE ? " capable" : "",
			   res.a3 & LFA_EMU_IMG_STAGED ? " staged" : "",
			   res.a3 & LFA_EMU_IMG_STAGEABLE ? " stageable" : "",
			   res.a3 & LFA_EMU_IMG_BMC ? " bmc" : "");
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(lfa_tp_images);

static void lfa_tp_unregister(void)
{
	unsigned int i;

	for (i = 0; i < lfa_tp_nimages; i++)
		firmware_upload_unregister(lfa_tp_images[i].fwl);
	lfa_tp_nimages = 0;
}

static int lfa_tp_register_images(unsigned int n)
{
	struct arm_smccc_1_2_regs res;
	struct lfa_tp_image *img;
	char name[48];
	unsigned int i;

	for (i = 0; i < n; i++) {
		lfa_tp_smc(LFA_EMU_SIP_IMAGE, i, 0, 0, &res);
		if ((s64)res.a0 != LFA_SUCCESS)
			return -EIO;
		if (!(res.a3 & LFA_EMU_IMG_STAGEABLE))
			continue;
		if (lfa_tp_nimages >= LFA_TP_MAX_IMAGES)
			return -ENOSPC;
		img = &lfa_tp_images[lfa_tp_nimages];
		put_unaligned_le64(res.a1, &img->guid.b[0]);
		put_unaligned_le64(res.a2, &img->guid.b[8]);
		snprintf(name, sizeof(name), "lfa-%pUb", &img->guid);
		img->fwl = firmware_upload_register(THIS_MODULE, &lfa_tp_pdev->dev,
						    name, &lfa_tp_fwl_ops, img);
		if (IS_ERR(img->fwl)) {
			pr_err("%pUb: firmware upload registration failed\n",
			       &img->guid);
			return PTR_ERR(img->fwl);
		}
		lfa_tp_nimages++;
	}
	return 0;
}

static int __init lfa_tp_init(void)
{
	struct arm_smccc_1_2_regs res;
	int ret;

	if (arm_smccc_get_version() < ARM_SMCCC_VERSION_1_2 ||
	    arm_smccc_1_1_get_conduit() != SMCCC_CONDUIT_SMC)
		return -ENODEV;
	lfa_tp_smc(LFA_EMU_SIP_INFO, 0, 0, 0, &res);
	if ((s64)res.a0 != LFA_SUCCESS || res.a1 != LFA_EMU_MAGIC) {
		pr_info("no emulated LFA agent\n");
		return -ENODEV;
	}
	lfa_tp_cntfrq = res.a4 ? res.a4 : 1;

	lfa_tp_pdev = platform_device_register_simple("lfa-testplat",
						      PLATFORM_DEVID_NONE,
						      NULL, 0);
	if (IS_ERR(lfa_tp_pdev))
		return PTR_ERR(lfa_tp_pdev);
	ret = lfa_tp_register_images(res.a2);
	if (ret)
		goto err_unregister;

	lfa_tp_dir = debugfs_create_dir("lfa_emu", NULL);
	debugfs_create_file("log", 0600, lfa_tp_dir, NULL, &lfa_tp_log_fops);
	debugfs_create_file("inject", 0200, lfa_tp_dir, NULL, &lfa_tp_inject_fops);
	debugfs_create_file("scenario", 0200, lfa_tp_dir, NULL,
			    &lfa_tp_scenario_fops);
	debugfs_create_file("bmc_stage", 0200, lfa_tp_dir, NULL, &lfa_tp_bmc_fops);
	debugfs_create_file("images", 0400, lfa_tp_dir, NULL, &lfa_tp_images_fops);
	pr_info("%u firmware upload device(s)\n", lfa_tp_nimages);
	return 0;

err_unregister:
	lfa_tp_unregister();
	platform_device_unregister(lfa_tp_pdev);
	return ret;
}
module_init(lfa_tp_init);

static void __exit lfa_tp_exit(void)
{
	debugfs_remove_recursive(lfa_tp_dir);
	lfa_tp_unregister();
	platform_device_unregister(lfa_tp_pdev);
}
module_exit(lfa_tp_exit);

MODULE_DESCRIPTION("Test platform for the emulated Arm LFA agent");
MODULE_LICENSE("GPL");
