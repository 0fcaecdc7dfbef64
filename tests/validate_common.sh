# validate_common.sh: what the validation scripts share (sourced): the counters, check() and
# field().
pass=0
fail=0
check() { # NAME VALUE OP TARGET: one target, printed; a NaN or missing value fails
    if [ -n "$2" ] && [ "$2" != nan ] && awk -v v="$2" -v t="$4" "BEGIN { exit !(v + 0 $3 t + 0) }"; then
        pass=$((pass + 1))
        printf '  ok   %-58s %8s %s %s\n' "$1" "$2" "$3" "$4"
    else
        fail=$((fail + 1))
        printf '  FAIL %-58s %8s %s %s\n' "$1" "$2" "$3" "$4"
    fi
}
field() { # FILE SECTION ROW COLUMN: a number of `ictus train`'s tables
    awk -v sec="$2" -v row="$3" -v col="$4" '
        index($0, sec) == 1 { in_sec = 1; next }
        /^[A-Za-z]/ { in_sec = 0 }
        in_sec && $1 == row { print $col; exit }' "$1"
}
