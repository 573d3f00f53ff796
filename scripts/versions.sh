# Pinned inputs, in one place.  When Debian drops one of these from its
# archive, the fetch scripts say so and name the variable to change here.

# fwupd source package (apt-get source), and the upstream tarball it carries
FWUPD_DEB_VERSION=2.0.20-1~deb12u2
FWUPD_VERSION=2.0.20
FWUPD_ORIG_SHA256=d1bb9b84031954f0c57a6caed93a21f0a3c1e05fb677a103ec0a79ba28fc3cea

# the Debian packages scripts/build-debs makes: fwupd is rebuilt as
# $FWUPD_DEB_VERSION+lfa$LFA_DEB_REVISION (bump it for every release of ours)
LFA_DEB_REVISION=1
LFA_DEB_MAINTAINER="fwupd-lfa maintainers <maintainers@users.noreply.r-seed-c1296957.example>"

# the newest fwupd release, which the plugin's self-tests also run against:
# its upstream tarball, as the orig tarball of this suite's source package
FWUPD_NEXT_SUITE=trixie-backports
FWUPD_NEXT_DEB_VERSION=2.1.7-4~bpo13+1
FWUPD_NEXT_VERSION=2.1.7
FWUPD_NEXT_ORIG_SHA256=338ea5b139f9a37447ff2215d0a8d2cf23851fb5a39fba7b1b0ded52a40240cc

# kernel ABI series: the newest ABI of each series in the archive is used
KERNEL_SERIES="6.12 6.1"

# the newest kernel the driver is compile-checked against: linux-source of
# this series from this suite (Debian's own build of mainline)
KERNEL_NEXT_SERIES=7.2
KERNEL_NEXT_SUITE=trixie-backports

# bump to make install-deps re-run apt-get on machines that already ran it
DEPS_REVISION=8
