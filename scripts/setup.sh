#!/usr/bin/env bash
# Sets Harrier up on a Debian machine: system packages (as root, via apt-get), npm
# dependencies, native parts and the TypeScript build. Safe to run again: each step is
# skipped when already done. With no options it ends by running Harrier on the bundled
# example; --no-example skips that (the test script uses it).
set -euo pipefail
cd "$(dirname "$0")/.."

example=1
for arg in "$@"; do
  case "$arg" in
    --no-example) example=0 ;;
    -h|--help) echo "usage: scripts/setup.sh [--no-example]"; exit 0 ;;
    *) echo "setup: unknown option '$arg'" >&2; exit 2 ;;
  esac
done

say() { printf '\033[1msetup:\033[0m %s\n' "$*" >&2; }
[ -t 2 ] || say() { printf 'setup: %s\n' "$*" >&2; }

# Debian packages: strace (ptrace sensor), a C toolchain (examples, test fixtures, native parts),
# clang/llvm/libbpf/bpftool (the eBPF probe), binutils (symbolisation), chromium (the HTML report and
# dashboard tests in a real browser).
packages=(strace gcc make libc6-dev binutils pkg-config clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev chromium)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    say "installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    say "missing Debian packages: ${missing[*]}"
    say "  install them with: sudo apt-get install ${missing[*]}  (Harrier falls back to what is available)"
  fi
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm dependencies"
  # npm 11 records only this platform's optional DuckDB binaries in the lock file and `npm ci`
  # then refuses it; `npm install --no-save` installs the same locked versions.
  npm ci --no-audit --no-fund --loglevel=silent 2>/dev/null ||
    npm install --no-save --no-audit --no-fund --loglevel=error
fi

# The dashboard `harrier serve` shows at / (ui/ → ui/dist); rebuilt when its sources changed.
if [ ! -f ui/dist/index.html ] || [ -n "$(find ui/src ui/index.html ui/tsconfig.json package-lock.json -newer ui/dist/index.html 2>/dev/null | head -1)" ]; then
  say "building the dashboard (ui/)"
  npm run -s build:ui >/dev/null
fi

if [ -f native/probe/Makefile ]; then
  if command -v clang >/dev/null && [ -r /sys/kernel/btf/vmlinux ]; then
    say "building the eBPF probe (native/probe)"
    make -s -C native/probe || say "eBPF probe build failed; Harrier will use the ptrace sensor"
  else
    say "skipping the eBPF probe: needs clang and /sys/kernel/btf/vmlinux"
  fi
fi
if [ -f native/preload/Makefile ]; then
  say "building the libc interposer (native/preload)"
  make -s -C native/preload
fi

say "building the example (examples/demo)"
make -s -C examples/demo

say "compiling TypeScript"
npx tsc -p tsconfig.json

if [ "$example" -eq 1 ]; then
  say "running: harrier run -- examples/demo/build/demo"
  node bin/harrier.js run -- examples/demo/build/demo
fi
