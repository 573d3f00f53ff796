# SPDX-License-Identifier: LGPL-2.1-or-later
# Build steps of the VM harness, sourced by run-guest.  Everything lands in
# $vm (under the cache) and is rebuilt only when its inputs change.
# Expects: top, cache, vm.

# vm_scenario_file NAME|FILE AGENT: the scenario's file, after checking
# both; tests/scenarios/NAME.scn for a bare name
vm_scenario_file() {
	case $1 in
	*/* | *.scn) _scn=$1 ;;
	*) _scn=$top/tests/scenarios/$1.scn ;;
	esac
	[ -r "$_scn" ] || { echo "$(basename "$0"): no scenario $_scn" >&2; exit 2; }
	case $2 in
	lfa | tf-a) ;;
	*) echo "$(basename "$0"): --agent must be lfa or tf-a, not '$2'" >&2; exit 2 ;;
	esac
	echo "$_scn"
}

# vm_scenario_bin AGENT FILE MEM OUT: what the stub reads at 0x40100000:
# mode + scenario text + RAM size, NUL-terminated; the mode line comes
# first, as the scenario language requires
vm_scenario_bin() {
	{
		printf 'agent %s\n' "$1"
		cat "$2"
		printf '\nram-mb %s\n' "$3"
		printf '\000'
	} >"$4"
}

# vm_lock: parallel meson tests share the cache, one builder at a time
# (vm_unlock when done building)
vm_lock() {
	mkdir -p "$vm"
	exec 9>"$vm/.lock"
	flock 9
}

vm_unlock() {
	flock -u 9
	exec 9>&-
}

vm_prepare_kernel() {
	if [ ! -r "$cache/kernel/6.12.env" ]; then
		"$top/scripts/fetch-kernels" >&2
	fi
	. "$cache/kernel/6.12.env"
	[ -r "${KIMAGE:-}" ] || { echo "run-guest: no arm64 kernel image; run scripts/fetch-kernels" >&2; exit 1; }
}

vm_prepare_busybox() {
	bb=$vm/busybox/bin/busybox
	[ -x "$bb" ] && return 0
	mkdir -p "$cache/debs"
	deb=$(ls "$cache"/debs/busybox-static_*_arm64.deb 2>/dev/null | head -n 1)
	if [ -z "$deb" ]; then
		(cd "$cache/debs" && apt-get download -qq -o APT::Sandbox::User=root busybox-static:arm64) >&2
		deb=$(ls "$cache"/debs/busybox-static_*_arm64.deb | head -n 1)
	fi
	rm -rf "$vm/busybox.tmp"
	dpkg -x "$deb" "$vm/busybox.tmp"
	mkdir -p "$vm/busybox/bin"
	cp "$vm/busybox.tmp/bin/busybox" "$bb"
	rm -rf "$vm/busybox.tmp"
}

# newer FILE THAN...: true if any of the others is newer or FILE is missing
vm_stale() {
	out=$1
	shift
	[ -e "$out" ] || return 0
	[ -n "$(find "$@" -newer "$out" 2>/dev/null | head -n 1)" ]
}

vm_build_stub() {
	src=$top/tests/agent
	if vm_stale "$vm/stub.bin" "$src"/*.c "$src"/*.h "$src"/stub "$top/tests/vm/vm-lib.sh"; then
		"$src/stub/build" "$vm/stub-build" >&2
		cp "$vm/stub-build/stub.bin" "$vm/stub.bin"
	fi
}

# QEMU's own DTB for this machine, plus a reservation for the stub and the
# scenario text and the arm,lfa notification node
# vm_build_dtb SMP MEM [nonode|disabled|level]: "nonode" leaves out the
# arm,lfa node, as on platforms whose firmware describes no LFA
# notification; "disabled" gives it status = "disabled"; "level" makes its
# interrupt level-triggered, which the binding does not allow
vm_build_dtb() {
	dtb=$vm/lfa-$1-$2${3:+-$3}.dtb
	vm_stale "$dtb" "$top/tests/vm/vm-lib.sh" "$top/tests/agent/stub/stub.h" || return 0
	qemu-system-aarch64 -M "virt,virtualization=on,gic-version=3,dumpdtb=$vm/qemu.dtb" \
		-cpu max,pauth-impdef=on -smp "$1" -m "$2" -nographic -nic none >/dev/null
	spi=$(sed -n 's/^#define STUB_LFA_SPI[[:space:]]*\([0-9]*\).*/\1/p' "$top/tests/agent/stub/stub.h")
	# GIC interrupt specifier flags: 1 rising edge, 4 level high
	trigger=1 status=
	case ${3:-} in
	disabled) status='status = "disabled";' ;;
	level) trigger=4 ;;
	esac
	{
		echo '/dts-v1/;'
		echo '/memreserve/ 0x40100000 0x00300000;'
		dtc -q -I dtb -O dts "$vm/qemu.dtb" | sed '/^\/dts-v1\/;/d'
		[ "${3:-}" = nonode ] || cat <<EOF
/ {
	lfa {
		compatible = "arm,lfa";
		interrupts = <0 $spi $trigger>;
		$status
	};
};
EOF
	} >"$vm/lfa${3:-}.dts"
	dtc -q -I dts -O dtb -o "$dtb" "$vm/lfa${3:-}.dts"
}

vm_initramfs_base() {
	r=$1
	mkdir -p "$r/bin" "$r/sbin" "$r/proc" "$r/sys" "$r/dev" "$r/tmp" \
		"$r/tests" "$r/lib/modules-test" "$r/etc"
	cp "$vm/busybox/bin/busybox" "$r/bin/busybox"
	ln -s busybox "$r/bin/sh"
	cp "$top/tests/vm/guest-init" "$r/init"
	chmod 755 "$r/init"
	cp "$top/tests/vm/guest-lib.sh" "$r/tests/lib.sh"
}

# Cross-build the out-of-tree modules of one directory, in a copy under the
# cache so that the source tree (maybe another developer's) stays untouched.
vm_build_modules() {
	src=$(cd "$1" && pwd)
	dest=$2
	b=$vm/mod/$(echo "$src" | tr '/' '_')
	mkdir -p "$b" "$dest"
	# copy sources only; kbuild rebuilds what changed
	(cd "$src" && find . -maxdepth 1 -type f \( -name '*.c' -o -name '*.h' -o -name 'Kbuild' -o -name 'Makefile' \) \
		-exec cp -p {} "$b/" \;)
	make -s -C "$KDIR" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- M="$b" modules >&2 || {
		echo "run-guest: building modules in $src failed" >&2
		exit 1
	}
	cp "$b"/*.ko "$dest/"
}

# vm_build_tf_a DIR: build the TF-A tree in DIR for PLAT=qemu with its LFA
# service and the test port of tests/tf-a, in a copy under the cache so that
# the developer's tree stays untouched. Sets TFA_OUT to the directory with
# bl1.bin, bl2.bin and bl31.bin.
vm_build_tf_a() {
	tsrc=$(cd "$1" && pwd)
	[ -r "$tsrc/services/std_svc/lfa/lfa_main.c" ] || {
		echo "run-guest: $tsrc is not a TF-A tree with an LFA service (services/std_svc/lfa)" >&2
		exit 2
	}
	t=$vm/tf-a
	TFA_OUT=$t/build/qemu/release
	if vm_stale "$TFA_OUT/bl31.bin" "$tsrc/services" "$tsrc/plat/qemu" \
		"$tsrc/Makefile" "$top/tests/tf-a"; then
		rm -rf "$t/src"
		mkdir -p "$t/src"
		tar -C "$tsrc" --exclude=./build --exclude=./.git -cf - . | tar -C "$t/src" -xf -
		patch -s -d "$t/src" -p1 <"$top/tests/tf-a/qemu-lfa-platform.patch" || {
			echo "run-guest: tests/tf-a/qemu-lfa-platform.patch does not apply to $tsrc" >&2
			exit 1
		}
		cp "$top/tests/tf-a/qemu_lfa.c" "$t/src/plat/qemu/common/"
		# the Linux kernel is BL33, entered with QEMU's DTB in x0
		make -s -C "$t/src" CROSS_COMPILE=aarch64-linux-gnu- PLAT=qemu \
			LFA_SUPPORT=1 ARM_LINUX_KERNEL_AS_BL33=1 \
			QEMU_USE_GIC_DRIVER=QEMU_GICV3 BUILD_BASE="$t/build" \
			-j"$(nproc)" all >&2 || {
			echo "run-guest: building TF-A from $tsrc failed" >&2
			exit 1
		}
	fi
}

# vm_build_tf_a_dtb SMP MEM INITRD CMDLINE OUT: QEMU's own DTB for the
# machine TF-A runs on (its BL2 adds the PSCI node), with the kernel command
# line and the initramfs that a loader device puts at TFA_INITRD
TFA_INITRD=0x48000000
vm_build_tf_a_dtb() {
	qemu-system-aarch64 -M "virt,secure=on,virtualization=on,gic-version=3,dumpdtb=$5.qemu" \
		-cpu max,pauth-impdef=on -smp "$1" -m "$2" -bios "$TFA_OUT/bl1.bin" \
		-nographic -nic none >/dev/null
	size=$(stat -c %s "$3")
	{
		echo '/dts-v1/;'
		dtc -q -I dtb -O dts "$5.qemu" | sed '/^\/dts-v1\/;/d'
		cat <<EOT
/ {
	chosen {
		bootargs = "$4";
		linux,initrd-start = <0x0 $TFA_INITRD>;
		linux,initrd-end = <0x0 $(printf '0x%x' $((TFA_INITRD + size)))>;
	};
};
EOT
	} >"$5.dts"
	dtc -q -I dts -O dtb -o "$5" "$5.dts"
}
