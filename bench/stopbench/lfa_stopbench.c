// SPDX-License-Identifier: GPL-2.0-only
/*
 * The reference of the rendezvous stall benchmark (bench/README.md): a
 * stop_machine() whose function does nothing but enter the LFA agent once
 * (LFA_VERSION) on every online CPU, so that the agent's call log times a
 * bare machine stop with the same clock as it times a rendezvous ACTIVATE
 * round.  Runs @rounds of them when loaded.
 */

#include <linux/arm-smccc.h>
#include <linux/cpumask.h>
#include <linux/module.h>
#include <linux/stop_machine.h>

#define LFA_STOPBENCH_FN_VERSION	0xc40002e0

static unsigned int rounds = 5;
module_param(rounds, uint, 0444);
MODULE_PARM_DESC(rounds, "machine stops to run at load");

static int lfa_stopbench_enter_agent(void *data)
{
	struct arm_smccc_res res;

	arm_smccc_1_1_invoke(LFA_STOPBENCH_FN_VERSION, &res);
	return 0;
}

static int __init lfa_stopbench_init(void)
{
	unsigned int i;
	int ret = 0;

	for (i = 0; i < rounds && !ret; i++)
		ret = stop_machine(lfa_stopbench_enter_agent, NULL, cpu_online_mask);
	return ret;
}
module_init(lfa_stopbench_init);

static void __exit lfa_stopbench_exit(void)
{
}
module_exit(lfa_stopbench_exit);

MODULE_DESCRIPTION("stop_machine() reference for the LFA rendezvous benchmark");
MODULE_LICENSE("GPL");
