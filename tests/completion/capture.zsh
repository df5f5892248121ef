# capture.zsh - what zsh's completion system offers for a command line: an
# interactive zsh in a pseudo-terminal (zsh/zpty) with FPATHDIR first in
# $fpath and compinit run, the line typed and TAB pressed; compadd is wrapped
# to print every match it is given. Prints the matches, one per line. The
# markers are written split ("<HI""T>") in what is typed, so the terminal's
# echo of the typed text never matches them.
# Usage: zsh -f capture.zsh FPATHDIR 'command line'
zmodload zsh/zpty || exit 2
dir=$1 line=$2
zpty z zsh -f -i
zpty -w z "PS1= PROMPT= RPROMPT="
zpty -w z "fpath=(${(q)dir} \$fpath); autoload -Uz compinit; compinit -u -D"
zpty -w z "zstyle ':completion:*' completer _complete; zstyle ':completion:*' insert-tab false"
zpty -w z 'compadd () {
    if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return $?; fi
    typeset -a __hits; builtin compadd -A __hits "$@"; (( $#__hits )) || return 1
    local h; for h in $__hits; do print -r -- "<HI""T>$h"; done >&2; builtin compadd "$@"
}'
zpty -w z 'comppostfuncs=(__done); __done () { print -r -- "<EO""C>" >&2; zle send-break }'
zpty -w z 'exec 2>&1; print "<REA""DY>"'
zpty -r z out '*<READY>*' || exit 2
zpty -w -n z "$line"$'\t'
while zpty -r -t z out || { sleep 0.05; zpty -r z out; }; do
    [[ $out == *'<HIT>'* ]] && print -r -- "${${out#*<HIT>}%%$'\r'*}"
    [[ $out == *'<EOC>'* ]] && break
done
zpty -d z
