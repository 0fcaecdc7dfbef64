#!/usr/bin/env bash
# mkman.sh: the man page, ictus(1), from docs/ictus.1.in and the verbs' own --help.
# Usage: docs/mkman.sh ICTUS > ictus.1
# The page's prose is written in ictus.1.in; each line `@HELP VERB@` there is
# replaced by `ICTUS VERB --help`, verbatim, so the man page and the program
# can never disagree about an option.  The version comes from `ICTUS --version`.
set -eu
ictus=${1:?usage: docs/mkman.sh ICTUS}
here=$(cd "$(dirname "$0")" && pwd)
version=$("$ictus" --version | awk '{ print $NF }')

# Text for a no-fill block: backslashes escaped, lines that would start a roff
# request or macro (a leading . or ') protected with \&.
roff_verbatim() {
    sed -e 's/\\/\\e/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"
}

while IFS= read -r line; do
    case $line in
    @HELP\ *@)
        verb=${line#@HELP }
        verb=${verb%@}
        printf '.PP\n.nf\n'
        "$ictus" "$verb" --help | roff_verbatim
        printf '.fi\n'
        ;;
    *)
        printf '%s\n' "${line//@VERSION@/$version}"
        ;;
    esac
done <"$here/ictus.1.in"
