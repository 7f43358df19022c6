#!/usr/bin/env bash
# Issue 17's measure of how contexts depend on each other: for each context folder under app/src,
# which other contexts its files name (`crate::<context>`). Prints the pairs, then the counts:
# context-to-context dependencies, those from platform into a context, pairs that import each
# other, and contexts whose `db` module is public.
set -euo pipefail
cd "$(dirname "$0")/../app/src"

contexts=$(find . -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort)
pairs=$(for from in $contexts; do
    { grep -rhoE 'crate::[a-z_]+' "$from" || true; } | sed 's/crate:://' | sort -u |
        while read -r to; do
            if [ "$to" != "$from" ] && [ -d "$to" ]; then echo "$from $to"; fi
        done
done)

echo "$pairs" | awk 'NF { printf "  %-13s -> %s\n", $1, $2 }'
total=$(echo "$pairs" | awk 'NF' | wc -l)
from_platform=$(echo "$pairs" | awk '$1 == "platform"' | wc -l)
mutual=$(echo "$pairs" | awk 'NF { seen[$1" "$2] = 1 } END {
    for (p in seen) { split(p, x, " "); if (x[1] < x[2] && seen[x[2]" "x[1]]) n++ } print n + 0 }')
public_db=$({ grep -lE '^\s*pub mod db;' */mod.rs || true; } | wc -l)
echo "context-to-context dependencies: $total"
echo "from platform into a context:    $from_platform"
echo "pairs that import each other:    $mutual"
echo "contexts with a public db module: $public_db"
