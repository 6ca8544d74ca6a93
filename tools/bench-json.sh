#!/usr/bin/env bash
# bench-json.sh: turn "bench: NAME VALUE UNIT" lines (stdin) into JSON (stdout).
awk 'BEGIN { printf "{" ; n = 0 }
     $1 == "bench:" && NF >= 4 {
       unit = $4; for (i = 5; i <= NF; i++) unit = unit " " $i
       printf "%s\n  \"%s\": {\"value\": %s, \"unit\": \"%s\"}", (n++ ? "," : ""), $2, $3, unit }
     END { print "\n}" }'
