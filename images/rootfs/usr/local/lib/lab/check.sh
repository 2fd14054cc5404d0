# Runtime Lab check helpers: sourced (by bash) before every step check. A check passes when it exits
# 0. A helper that does not find what it expects prints one sentence for the learner, marked "✗ ",
# and ends the check with status 1; the page shows that sentence under the step.

fail() { # sentence...
	printf '✗ %s\n' "$*"
	exit 1
}

expect_file() { # path [how to call it in the sentence]
	[ -e "$1" ] || fail "${2:-$1} does not exist yet."
}

expect_file_matches() { # path extended-regex sentence-if-not
	expect_file "$1"
	grep -Eq -- "$2" "$1" || fail "$3"
}

expect_output() { # extended-regex sentence-if-not command [args...]: the command's output must match
	local re=$1 why=$2 out
	shift 2
	out=$("$@" 2>&1)
	printf '%s\n' "$out" | grep -Eq -- "$re" || fail "$why"
}

expect_image() { # ref [namespace]
	ctr -n "${2:-default}" images ls -q 2>/dev/null | grep -qxF -- "$1" ||
		fail "There is no image $1 in containerd's ${2:-default} namespace yet."
}

expect_task() { # name status [namespace]: status as ctr prints it (RUNNING, STOPPED, ...)
	local st
	st=$(ctr -n "${3:-default}" tasks ls 2>/dev/null | awk -v n="$1" '$1 == n { print $3 }')
	[ -n "$st" ] || fail "There is no task called $1 in the ${3:-default} namespace yet (ctr tasks ls shows none)."
	[ "$st" = "$2" ] || fail "The task $1 is $st, not $2."
}

expect_container_image() { # container image-ref [namespace]: the container was made from that image
	local img
	img=$(ctr -n "${3:-default}" containers info "$1" 2>/dev/null | jq -r .Image)
	[ -n "$img" ] || fail "There is no container called $1 in the ${3:-default} namespace yet."
	[ "$img" = "$2" ] || fail "The container $1 was made from $img, not from $2."
}
