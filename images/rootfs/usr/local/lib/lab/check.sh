# Runtime Lab check helpers: sourced (by bash) before every step check. A check passes when it exits
# 0. A helper that does not find what it expects prints one line for the page, "✗", a code and its
# arguments separated by tabs, and ends the check with status 1. The page turns the code into a
# sentence in the learner's language (src/lab/check-messages.ts): the helpers' codes are in the
# site's catalogue, a lesson's own codes in its MDX's `messages`.

fail() { # code [args...]
	local IFS=$'\t'
	printf '✗\t%s\n' "$*"
	exit 1
}

expect_file() { # path [path as the learner knows it, e.g. ~/x]
	[ -e "$1" ] || fail file-missing "${2:-$1}"
}

expect_file_matches() { # path extended-regex code [args...]: the file exists and matches
	local path=$1 re=$2
	shift 2
	expect_file "$path"
	grep -Eq -- "$re" "$path" || fail "$@"
}

expect_output() { # extended-regex code command [args...]: the command's output matches
	local re=$1 code=$2 out
	shift 2
	out=$("$@" 2>&1)
	printf '%s\n' "$out" | grep -Eq -- "$re" || fail "$code"
}

expect_image() { # ref [namespace]
	ctr -n "${2:-default}" images ls -q 2>/dev/null | grep -qxF -- "$1" ||
		fail image-missing "$1" "${2:-default}"
}

expect_task() { # name status [namespace]: status as ctr prints it (RUNNING, STOPPED, ...)
	local st
	st=$(ctr -n "${3:-default}" tasks ls 2>/dev/null | awk -v n="$1" '$1 == n { print $3 }')
	[ -n "$st" ] || fail task-missing "$1" "${3:-default}"
	[ "$st" = "$2" ] || fail task-status "$1" "$st" "$2"
}

expect_container_image() { # container image-ref [namespace]: the container was made from that image
	local img
	img=$(ctr -n "${3:-default}" containers info "$1" 2>/dev/null | jq -r .Image)
	[ -n "$img" ] || fail container-missing "$1" "${3:-default}"
	[ "$img" = "$2" ] || fail container-image "$1" "$img" "$2"
}

yaml_get() { # file dotted.key.path: prints the scalar at that path of a block-style YAML mapping
	# Enough YAML for configuration files a learner writes (nested "key: value" mappings, comments,
	# quoted scalars); flow style and lists are not read. Exit 1 when the path is not there.
	awk -v want="$2" -v q="'" '
	function unquote(v) {
		if (v ~ /^".*"$/ || (substr(v, 1, 1) == q && substr(v, length(v)) == q && length(v) > 1)) return substr(v, 2, length(v) - 2)
		sub(/[ \t]+#.*$/, "", v)
		return v
	}
	/^[ \t]*(#|$)/ || /^---/ { next }
	{
		match($0, /^ */); ind = RLENGTH
		line = substr($0, ind + 1)
		if (line ~ /^- /) next
		k = line; sub(/:.*/, "", k); gsub(/^"|"$/, "", k); if (substr(k, 1, 1) == q) k = substr(k, 2, length(k) - 2)
		if (line !~ /:([ \t]|$)/) next
		v = line; sub(/^[^:]*:[ \t]*/, "", v); sub(/[ \t]+$/, "", v)
		while (depth > 0 && indent[depth] >= ind) depth--
		depth++; indent[depth] = ind; name[depth] = k
		path = name[1]; for (i = 2; i <= depth; i++) path = path "." name[i]
		if (path == want && v != "" && v !~ /^#/) { print unquote(v); found = 1; exit }
	}
	END { exit found ? 0 : 1 }' "$1"
}
