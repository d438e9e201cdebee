#!/usr/bin/env bash
# Browser tests drive Debian's Chromium. Install it with apt when we are root and it is missing.
[ -x /usr/bin/chromium ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's chromium for the browser tests..."
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null 2>&1
fi
[ -x /usr/bin/chromium ]
