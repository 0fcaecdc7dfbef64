# validate_common.sh: what the validation scripts share (sourced): the counters and check().
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
