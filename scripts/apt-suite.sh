# Sourced by the fetch scripts: apt-get on a private state for one suite of
# Debian's archive, so that the system's sources stay as they are (apt still
# checks the suite's signature against debian-archive-keyring).

# apt_suite_setup DIR LINE: a state in DIR whose only source is LINE, updated
apt_suite_setup() {
	mkdir -p "$1/lists/partial" "$1/archives/partial"
	echo "$2" >"$1/sources.list"
	apt_suite "$1" -qq update
}

# apt_suite DIR ARGS...: apt-get ARGS on the state in DIR
apt_suite() {
	_apt_suite_dir=$1
	shift
	apt-get -o Dir::Etc::sourcelist="$_apt_suite_dir/sources.list" \
		-o Dir::Etc::sourceparts=/dev/null \
		-o Dir::State::Lists="$_apt_suite_dir/lists" \
		-o Dir::Cache="$_apt_suite_dir" -o APT::Sandbox::User=root "$@"
}
