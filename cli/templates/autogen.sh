#!/bin/sh
# Make ./configure (and build-aux/) from configure.ac and Makefile.am.
# Needs the Debian packages autoconf, automake and pkg-config.
set -e
cd "$(dirname "$0")"
autoreconf --force --install
