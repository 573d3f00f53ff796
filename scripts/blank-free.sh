# shellcheck shell=sh disable=SC2154 # $top is the sourcing script's
# Sourced by the entry points (scripts/test, scripts/demo) right after they
# set $top.  Kbuild cannot build in a directory whose path has blanks (the
# driver's checks, DKMS and the guests' modules all go through it), so a
# checkout at such a path is bind-mounted at one without them and the
# script runs from there; the mount goes when it ends.  Root only, as the
# entry points are.
case $top in
*[[:space:]]*)
	if [ -z "${FWUPD_LFA_BLANK_FREE:-}" ]; then
		_bf_dir=/run/fwupd-lfa/$(printf %s "$top" | sha256sum | cut -c1-12)
		mkdir -p "$_bf_dir"
		mountpoint -q "$_bf_dir" || mount --bind "$top" "$_bf_dir"
		echo "$(basename "$0"): the checkout's path has blanks, which Kbuild cannot take;" \
			"running from a bind mount of it at $_bf_dir" >&2
		_bf_rc=0
		FWUPD_LFA_BLANK_FREE=1 "$_bf_dir/scripts/$(basename "$0")" "$@" || _bf_rc=$?
		umount "$_bf_dir" 2>/dev/null || umount -l "$_bf_dir"
		rmdir "$_bf_dir" 2>/dev/null || true
		exit $_bf_rc
	fi
	;;
esac
