# Runtime Lab shell defaults.
export SYSTEMD_PAGER=cat
export LESS=FRX
export CONTAINERD_NAMESPACE=${CONTAINERD_NAMESPACE:-default}

# Prompt marks (OSC 133, as terminals use them) on the learner's console: the page learns when a
# command ended and with what status, so a step is checked once, right after its command, instead
# of polling. xterm.js shows nothing of them. Builtins only: no process per prompt.
if [ -n "${BASH_VERSION:-}" ] && [[ $- == *i* ]]; then
	__lab_mark_end() { printf '\033]133;D;%s\007\033]133;A\007' "$1"; }
	# First, so it sees the command's status; anything already there runs after it.
	PROMPT_COMMAND=('__lab_mark_end "$?"' ${PROMPT_COMMAND[@]+"${PROMPT_COMMAND[@]}"})
	PS0=$'\033]133;C\007'"${PS0:-}"
fi
