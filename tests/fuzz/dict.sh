#!/bin/sh
# dict.sh: writes the libFuzzer dictionaries to DIR (yaml.dict for the
# scenario and experiment harnesses, csv.dict for the org-chart and edge-list
# ones).  The YAML one takes every key of the parameter table from
# `adoptsim params --markdown` (whole dotted paths, each part as a nested key,
# the enum choices, bounds and defaults), so it follows the table as it
# grows; the rest is YAML syntax, the experiment keys and the fixed files a
# harness keeps next to its input (harness.c).
#   sh tests/fuzz/dict.sh ADOPTSIM DIR
set -eu
bin=$1
dir=$2
mkdir -p "$dir"

{
    for t in '{' '}' '[' ']' ': ' ', ' '- ' '\x0a' '\x0a  ' '\x0a    ' '---\x0a' '...\x0a' '#' "'" '\"' \
             '|' '>' '&a ' '*a' '<<: ' '!!str ' '!!int ' '!!map ' '? ' '%YAML 1.1\x0a' '~' 'null' \
             'true' 'false' 'yes' 'off' '.inf' '.nan' '-1' '0' '1e308' '0x10' '1_000' \
             '9223372036854775808' '\x09' '\x0d\x0a' '\xef\xbb\xbf' '\\u0000' \
             'base: ' 'replicates: ' 'seed: ' 'baseline: ' 'scenarios:' 'sweep:' 'method: ' \
             'points: ' 'parameters:' 'grid' 'list' 'latin_hypercube' 'sobol' '{min: ' 'max: ' \
             'base.yaml' 'chart.csv' 'edges.csv' 'graph.csr' 'in.yaml' 'in.csv' '.' '..' '/'; do
        printf '"%s"\n' "$t"
    done
    "$bin" params --markdown | awk -F'|' '
        NR <= 2 { next }
        {
            key = $2; gsub(/[ `]/, "", key)
            def = $4; gsub(/^ *`|` *$/, "", def)
            range = $6
            print "\"" key "\""
            print "\"" key ": \""
            n = split(key, part, ".")
            for (i = 1; i <= n; i++) print "\"" part[i] ":\""
            if (def != "" && def !~ /"/) print "\"" def "\""
            gsub(/[][]/, "", range)
            m = split(range, choice, ",")
            for (i = 1; i <= m; i++) { c = choice[i]; gsub(/ /, "", c); if (c != "") print "\"" c "\"" }
        }'
} | awk '!seen[$0]++' > "$dir/yaml.dict"

for t in id manager_id generation level team gen_z millennial gen_x boomer 'Gen Z' GenX \
         millennials boomers zoomer 'baby boomer' source target , '\"' '\"\"' '-' '\x0d\x0a' '\x0a' \
         ' ' '\x09' '\xef\xbb\xbf' '\x00' 0 1 -1 32767 32768 2147483647 2147483648 \
         9223372036854775807 'id,manager_id,generation' 'id,manager_id,generation,level,team' \
         'source,target'; do
    printf '"%s"\n' "$t"
done > "$dir/csv.dict"
