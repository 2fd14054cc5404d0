#!/usr/bin/env bash
# Installs the host tools Runtime Lab needs from the host's own Debian release (bookworm).
# Never from sid or trixie: guest packages are only downloaded and unpacked, by an isolated apt.
#   bash scripts/host-tools.sh            tools for `npm run lab:image`
#   bash scripts/host-tools.sh --browser  and Debian's Chromium for the browser tests
set -euo pipefail
# kmod: depmod for the guest's modules; strace: the build's exec audit (no foreign program runs).
pkgs=(zstd gcc binutils tar gzip kmod strace debian-archive-keyring ca-certificates)
# pause.c is compiled for i386: gcc -m32 on x86 hosts, Debian's cross compiler elsewhere.
case "$(dpkg --print-architecture)" in amd64|i386) ;; *) pkgs+=(gcc-i686-linux-gnu) ;; esac
# fonts-wqy-microhei: Chinese glyphs for the browser tests' screenshots of the zh pages (5 MB).
[[ "${1:-}" == "--browser" ]] && pkgs+=(chromium fonts-dejavu-core fonts-wqy-microhei)

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

as_root=()
if [[ $(id -u) -ne 0 ]]; then
	command -v sudo >/dev/null || { echo "host-tools: need root to install: ${missing[*]}" >&2; exit 1; }
	as_root=(sudo)
fi
release=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
echo "host-tools: installing ${missing[*]} from Debian ${release:-(this release)}"
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -q >/dev/null
# -t pins the host's own release, so a sid or trixie entry in sources can never win.
"${as_root[@]}" apt-get install -y -q --no-install-recommends ${release:+-t "$release"} "${missing[@]}"
