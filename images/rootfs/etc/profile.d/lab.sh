# Runtime Lab shell defaults.
export SYSTEMD_PAGER=cat
export LESS=FRX
export CONTAINERD_NAMESPACE=${CONTAINERD_NAMESPACE:-default}
