#!/usr/bin/env bash
# Make sure the system tools a make target needs are installed:
#   scripts/ensure-tools.sh TOOL...
# Tools: chromium, wrk, docker-compose, postgresql (initdb/pg_ctl/postgres), redis-server, haproxy,
# pgbouncer, gettext, weasyprint (the Pango libraries and a font WeasyPrint needs to write the PDF
# forms).
# Missing ones are installed from Debian's packages when we are root and have apt (apt-get update
# once, then one quiet install). Otherwise it stops at once with one line naming the packages.
set -euo pipefail

# The Debian packages that provide a tool.
package() {
  case $1 in
    chromium | wrk | docker-compose | postgresql | redis-server | haproxy | pgbouncer | gettext) echo "$1" ;;
    weasyprint) echo "libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core" ;;
    *) echo "ensure-tools: unknown tool '$1'" >&2; exit 2 ;;
  esac
}

# Whether a tool is installed.
present() {
  case $1 in
    chromium) [ -x /usr/bin/chromium ] ;;
    postgresql) compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || command -v initdb >/dev/null ;;
    gettext) command -v msgfmt >/dev/null ;;
    weasyprint)
      compgen -G "/usr/lib/*/libpangoft2-1.0.so.0" >/dev/null &&
        compgen -G "/usr/lib/*/libharfbuzz-subset.so.0" >/dev/null &&
        [ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]
      ;;
    *) command -v "$1" >/dev/null ;;
  esac
}

missing=()
for tool in "$@"; do
  pkg=$(package "$tool")
  # shellcheck disable=SC2206
  present "$tool" || missing+=($pkg)
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$EUID" != "0" ] || ! command -v apt-get >/dev/null; then
  echo "Missing system packages: install Debian's ${missing[*]} (sudo apt-get install ${missing[*]})." >&2
  exit 1
fi

echo "Installing Debian's ${missing[*]}..."
log=$(mktemp)
trap 'rm -f "$log"' EXIT
export DEBIAN_FRONTEND=noninteractive
# No recommends (docker-compose would pull in the whole Docker engine), except for Chromium, whose
# recommended fonts the browser tests' screenshots use.
recommends=--no-install-recommends
[[ " ${missing[*]} " == *" chromium "* ]] && recommends=
# shellcheck disable=SC2086
if ! { apt-get update -qq && apt-get install -y -qq $recommends "${missing[@]}"; } >"$log" 2>&1; then
  tail -n 20 "$log" >&2
  echo "Could not install Debian's ${missing[*]} with apt-get (see above)." >&2
  exit 1
fi
for tool in "$@"; do
  if ! present "$tool"; then
    echo "Installed Debian's $(package "$tool") but $tool is still missing." >&2
    exit 1
  fi
done
