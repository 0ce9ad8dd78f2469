#!/usr/bin/env bash
# Runs every compatibility check in compat/ (each compat/check-*.sh), reporting each; fails if
# any fails. Checks that need something the machine lacks (root, namespaces) print why they skip.
set -u
cd "$(dirname "$0")/.."
fail=0
for t in compat/check-*.sh; do
  [ -e "$t" ] || continue
  echo "== $t"
  if bash "$t"; then echo "ok   $t"; else echo "FAIL $t"; fail=1; fi
done
exit $fail
