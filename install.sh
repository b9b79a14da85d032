#!/usr/bin/env bash
# Installs what the course grader needs on a fresh Debian machine: the sandbox (bubblewrap),
# a headless browser for the UI tests (chromium), the package with its pinned dependencies,
# and the CPU build of torch used only by the test suite and benchmarks.
set -euo pipefail
cd "$(dirname "$0")"
need_apt=()
command -v bwrap >/dev/null || need_apt+=(bubblewrap)
command -v chromium >/dev/null || need_apt+=(chromium)
ldconfig -p | grep -q "libseccomp\.so\.2 " || need_apt+=(libseccomp2)  # the sandbox's seccomp filter
command -v npm >/dev/null || need_apt+=(npm)  # JupyterHub's proxy (below) and the Check button
if [ ${#need_apt[@]} -gt 0 ]; then
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
python -m pip install -q --disable-pip-version-check torch==2.13.0
python -m pip install -q --disable-pip-version-check -e '.[test]'

# `grucourse hub` (docs/hub.md): JupyterHub's proxy from npm, and an interpreter the course's Linux
# accounts can run: their JupyterLab servers and the grader's services start this Python, so every
# folder above it must be searchable (o+x, not readable) by them, e.g. /root for a pyenv there.
command -v configurable-http-proxy >/dev/null || npm install -g --no-audit --no-fund --loglevel=error configurable-http-proxy@5.3.0
dir=$(python -c 'import sys; print(sys.prefix)')
while [ "$dir" != "/" ]; do
    [ "$(id -u)" -eq 0 ] && [ -n "$(find "$dir" -maxdepth 0 ! -perm -o=x)" ] && chmod o+x "$dir"
    dir=$(dirname "$dir")
done

# The course's JupyterLab plugins (grucourse/labextension/README.md): the Check button of instant
# checks and the quiz answer widgets, one prebuilt extension, built from its source with npm when
# the build is missing or older than the source.
ext=grucourse/labextension
built=grucourse/labextension_build/grucourse-lab/package.json
if [ ! -f "$built" ] || [ -n "$(find "$ext/src" "$ext/style" "$ext/package.json" "$ext/package-lock.json" -newer "$built" 2>/dev/null)" ]; then
    (cd "$ext" && npm ci --no-audit --no-fund --loglevel=error && jupyter labextension build .)
fi
