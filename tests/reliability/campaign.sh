#!/usr/bin/env bash
# The reliability campaign: the real `fashion` tool, on the real data, against what a hostile or
# careless user does (concurrent trainings, paths that lead elsewhere, signals, tampered and special
# files, permissions, pictures, misbehaving mirrors, a missing $HOME, full and read-only disks, JSON
# output). Each case runs in a directory of its own and checks what the tool promises
# (docs/reliability.md): a clear one-line error with exit status 1, or 2 for a wrong command line,
# nothing the user owns lost, no hang; or, for valid input, the result.
#
#   tests/reliability/campaign.sh [-v] [-k] [PATTERN]
#
#   PATTERN     run the cases whose id or title matches (grep -E), e.g. 'L0[1-5]|signals'
#   -v          print each case's command output
#   -k          keep the work directory
#   FASHION=    test this binary instead of one built from this checkout (an older version, say)
#
# It needs the data set where `fashion data --offline` finds it, Go (to build), python3 (a local
# mirror) and, for the cases that mount file systems, switch users or hide the system's copy of the
# data, root (they are skipped otherwise). It prints one line per case and a summary; the exit
# status is 0 when every case that ran passed.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
verbose=0 keep=0
while getopts vk opt; do
  case $opt in
    v) verbose=1 ;;
    k) keep=1 ;;
    *) sed -n '2,20p' "$0"; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
pattern=${1:-.}

# The cases run as another user (nobody) need every directory above the work to let others
# through: a private TMPDIR (mode 0700, as .ci/run's) does not; /var/tmp does.
base=${TMPDIR:-/tmp}
if [ "$(id -u)" = 0 ] && ! setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$base" 2>/dev/null; then
  base=/var/tmp
fi
work=$(mktemp -d "$base/fashion-campaign.XXXXXX")
mirror_pid=
cleanup() {
  if [ -s "$work/mounts" ]; then
    tac "$work/mounts" | while read -r m; do umount -l "$m" 2>/dev/null; done
  fi
  [ -n "$mirror_pid" ] && kill "$mirror_pid" 2>/dev/null
  if [ "$keep" = 1 ]; then echo "work directory: $work"; else chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"; fi
}
trap cleanup EXIT
touch "$work/mounts"
root=0
[ "$(id -u)" = 0 ] && root=1
chmod 755 "$work" # other users run the tool in the cases that switch users

# --- the tool, the data, the fixtures ---------------------------------------------------------
if [ -z "${FASHION:-}" ]; then
  (cd "$repo" && source scripts/env.sh && go build -o "$work/bin/fashion" ./cmd/fashion) || exit 1
  FASHION=$work/bin/fashion
fi
F=$FASHION
export HOME=$work/home XDG_CACHE_HOME=$work/cache
mkdir -p "$HOME" "$XDG_CACHE_HOME"
unset GOMLX_BACKEND FASHION_MNIST_DIR FASHION_DEBUG FASHION_MNIST_MIRRORS PJRT_PLUGIN_LIBRARY_PATH
DATA=$("$F" data --offline --json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["source"])') || {
  echo "campaign: the data set is not where \`fashion data --offline\` looks" >&2
  exit 1
}
PIC=$work/pictures
mkdir -p "$PIC"
(cd "$repo" && source scripts/env.sh && go run ./tests/reliability/pictures "$PIC") || exit 1
# The base model: 2 epochs of 2,000 images, and its checkpoints.
TR=(train --backend go --offline --limit 2000 --epochs 2 --logdir "")
M=$work/base/M
mkdir -p "$work/base"
"$F" "${TR[@]}" --out "$M" >/dev/null 2>&1 || { echo "campaign: the base model did not train" >&2; exit 1; }
# The mirror (for the download cases).
MIRROR=
if command -v python3 >/dev/null; then
  python3 "$here/mirror.py" "$DATA" >"$work/mirror.port" &
  mirror_pid=$!
  for _ in $(seq 100); do [ -s "$work/mirror.port" ] && break; sleep 0.1; done
  MIRROR=http://127.0.0.1:$(cat "$work/mirror.port")
fi
# The system's copy of the data hides downloads: download cases run where it is hidden.
SYSDATA=/usr/share/datasets/fashion-mnist

# --- helpers for the cases ---------------------------------------------------------------------
# Each case runs in a subshell, in its own directory ($casedir): a failed check appends its reason to
# $casedir/.fail, and skip writes $casedir/.skip.
bad() { echo "$*" >>"$casedir/.fail"; }
skip() { echo "$*" >"$casedir/.skip"; exit 0; }
need_root() { [ "$root" = 1 ] || skip "needs root"; }

# t [ENV=VALUE...] ARGS...: runs the tool (at most LIMIT seconds, 180 by default), recording its
# exit status (code), output (files out and err) and time (elapsed).
t() {
  local env=()
  while [[ $# -gt 0 && $1 == *=* && $1 != -* ]]; do env+=("$1"); shift; done
  local start=$(date +%s.%N)
  timeout -k 5 "${LIMIT:-180}" env "${env[@]}" "$F" "$@" >out 2>err
  code=$?
  elapsed=$(echo "$(date +%s.%N) - $start" | bc)
  if [ "$verbose" = 1 ]; then
    echo "    \$ fashion $* -> $code (${elapsed}s)"
    sed 's/^/    | /' err | head -5
  fi
}
# bgrun NAME ARGS...: starts the tool in the background (pid in NAME.pid, output in NAME.out and
# NAME.err), with a watchdog that kills it after 300 s; bgwait NAME waits for it (code, out, err).
bgrun() {
  local name=$1
  shift
  "$F" "$@" >"$name.out" 2>"$name.err" &
  local pid=$!
  echo "$pid" >"$name.pid"
  (sleep 300 && kill -9 "$pid" 2>/dev/null) >/dev/null 2>&1 &
}
bgwait() {
  wait "$(cat "$1.pid")"
  code=$?
  cp "$1.out" out
  cp "$1.err" err
}
# await PATH|TEXT:FILE [SECONDS]: waits until a path exists, or a file holds a text.
await() {
  local what=$1 limit=${2:-120} i
  for ((i = 0; i < limit * 20; i++)); do
    case $what in
      *:*) grep -qF -- "${what%%:*}" "${what#*:}" 2>/dev/null && return 0 ;;
      *) [ -e "$what" ] && return 0 ;;
    esac
    sleep 0.05
  done
  bad "waited ${limit}s for $what"
  return 1
}
errline() { grep -v '^backend: ' err | head -c 400 | tr '\n' '|'; }
no_controls() {
  if LC_ALL=C grep -q $'[\x1b\x07\r]' out err 2>/dev/null; then bad "terminal control characters in the output"; fi
  if grep -qE '^(panic|goroutine |fatal error)|runtime\.' err; then bad "a trace on stderr: $(errline)"; fi
}
hung() {
  if [ "$code" = 124 ] || [ "$code" = 137 ]; then bad "hung: killed after ${LIMIT:-180}s"; return 0; fi
  return 1
}
# fails CODES [TEXT]: the tool failed with one of the exit statuses CODES ("1", "2", "1 2"), and one
# line on stderr (after the backend's) starting with "fashion " and holding TEXT.
fails() {
  hung && return
  local codes=$1 text=${2:-} lines
  [[ " $codes " == *" $code "* ]] || bad "exit status $code, want $codes: $(errline)"
  lines=$(grep -v '^backend: ' err)
  [ "$(printf '%s\n' "$lines" | grep -c .)" = 1 ] || bad "not one error line: $(errline)"
  [[ $lines == fashion\ * ]] || bad "the error line does not start with 'fashion ': $(errline)"
  [ -z "$text" ] || grep -qF -- "$text" err || bad "stderr lacks '$text': $(errline)"
  no_controls
}
# succeeds [TEXT]: exit status 0, nothing on stderr but the backend's line, TEXT on stdout.
succeeds() {
  hung && return
  [ "$code" = 0 ] || bad "exit status $code: $(errline)"
  [ -z "$(grep -v '^backend: ' err)" ] || bad "stderr: $(errline)"
  [ -z "${1:-}" ] || grep -qF -- "$1" out || bad "stdout lacks '$1': $(head -c 200 out | tr '\n' '|')"
  no_controls
}
quick() { [ "$(echo "$elapsed < ${1:-10}" | bc)" = 1 ] || bad "took ${elapsed}s: not before the work"; }
unchanged() { [ "$(cat "$1" 2>&1)" = "$2" ] || bad "$1 changed: $(head -c 100 "$1" 2>&1)"; }
absent() { for p in "$@"; do [ ! -e "$p" ] && [ ! -L "$p" ] || bad "$p was left behind"; done; }
mnt() { mount "$@" && echo "$PWD/${@: -1}" >>"$work/mounts"; }
model() { cp -a "$M" "${1:-m}"; } # a copy of the base model
# jset DIR PYTHON: changes DIR/model.json with a Python statement on its dict d.
jset() {
  python3 -c "import json,sys; p=sys.argv[1]+'/model.json'; d=json.load(open(p)); $2; json.dump(d, open(p,'w'))" "$1"
}
# same_model A B: the two saved models hold the same history and the same values in every variable
# (weights, the optimizer's velocities and step), bit for bit.
same_model() {
  python3 - "$1" "$2" <<'EOF' || bad "$1 and $2 differ"
import glob, json, sys

def read(d):
    mf = json.load(open(d + "/model.json"))
    index = json.load(open(glob.glob(d + "/" + mf["weights"]["dir"] + "/*.json")[0]))
    values = open(glob.glob(d + "/" + mf["weights"]["dir"] + "/*.bin")[0], "rb").read()
    variables = {v["ParameterName"]: values[v["Pos"]:v["Pos"] + v["Length"]] for v in index["Variables"]}
    keys = ("loss", "accuracy", "val_loss", "val_accuracy")
    return [[e[k] for k in keys] for e in mf["history"]["epochs"]], mf["history"]["best_epoch"], variables

a, b = read(sys.argv[1]), read(sys.argv[2])
sys.exit(0 if a == b and a[2] else 1)
EOF
}
# hidden_data ARGS...: runs the tool where the system's copy of the data is hidden (a mount
# namespace with an empty directory over it), so that it downloads; XDG_CACHE_HOME=./cache.
hidden_data() {
  need_root
  [ -n "$MIRROR" ] || skip "no python3 for the mirror"
  local start=$(date +%s.%N)
  XDG_CACHE_HOME=$PWD/cache timeout -k 5 "${LIMIT:-180}" unshare -m sh -c \
    'if [ -d "$0" ]; then mount -t tmpfs tmpfs "$0" || exit 99; fi; exec "$@"' "$SYSDATA" env "$@" >out 2>err
  code=$?
  elapsed=$(echo "$(date +%s.%N) - $start" | bc)
}
parts() { find cache -name '*.part-*' 2>/dev/null | wc -l; }
# resume_cmd: the command an interrupted training printed to resume it, as words for t.
resume_args() { sed -n 's/.*`fashion \(train [^`]*\)`.*/\1/p' err | tail -1; }

# --- the cases ---------------------------------------------------------------------------------
# Each line: id | class | origin (issue: a failing case of issue 30; passing: a case of the issue
# that passed; variant: another case of the class) | title. The case is the function c_<id>.
CASES='
L01|locks|issue|two trainings at once on r and on a symbolic link to it
L02|locks|issue|--resume through the link beside a training on r
L03|locks|issue|a symbolic link .m.lock to the user'"'"'s notes is left alone
L04|locks|issue|summary while trainings replace the model, one after another
L05|locks|issue|--out inside another run'"'"'s checkpoints
L06|locks|passing|three trainings at once on one --out: one trains, the holder is named
L07|locks|passing|two trainings at once on one --checkpoints
L08|locks|variant|the same directory as d/../r
L09|locks|variant|the same directory through a linked parent
L10|locks|variant|the same directory through a bind mount
L11|locks|variant|--out inside a directory a training is writing
L12|locks|variant|--checkpoints above another training'"'"'s --out
L13|locks|variant|--out inside a saved model
L14|locks|variant|--checkpoints inside a saved model
L15|locks|variant|a file of the user'"'"'s named .m.lock is left alone
L16|locks|variant|a FIFO named .m.lock
L17|locks|variant|evaluate while trainings replace the model
P01|paths|issue|--out . with --checkpoints elsewhere
P02|paths|issue|--logdir m with --out m
P03|paths|issue|--logdir m/runs with --out m
P04|paths|issue|--out a dangling symbolic link
P05|paths|issue|--checkpoints a dangling symbolic link
P06|paths|issue|--out ro/out under a read-only parent (the lock file'"'"'s place)
P07|paths|variant|a new --out under a read-only parent
P08|paths|issue|a 250-character --out
P09|paths|issue|--logdir m.checkpoints/runs leaves nothing that blocks m
P10|paths|issue|plots --out ""
P11|paths|variant|--out a FIFO
P12|paths|variant|--checkpoints a FIFO
P13|paths|variant|--logdir a file
P14|paths|variant|--logdir a dangling symbolic link
P15|paths|variant|--logdir under a read-only directory
P16|paths|variant|--out a loop of symbolic links
P17|paths|variant|--checkpoints a symbolic link to --out
P18|paths|variant|a path over 4,095 bytes
P19|paths|variant|a 256-character --checkpoints
P20|paths|variant|--out '"'"'~/m'"'"' (a literal tilde) writes nothing into $HOME
P21|paths|variant|plots --out a file, before loading the data
P22|paths|variant|plots --out inside the checkpoints of a run
P23|paths|variant|bench --cpuprofile in a missing directory
P24|paths|variant|bench --cpuprofile /dev/full
P25|paths|passing|--out /
P26|paths|passing|--out a file
P27|paths|passing|--out another tool'"'"'s model directory
P28|paths|passing|--checkpoints inside --out
P29|paths|passing|--resume with nothing to resume
P30|paths|passing|--out in /proc
P31|paths|variant|--out named with bytes that are not UTF-8
P32|paths|variant|--logdir the checkpoints of another run
P33|paths|variant|another user, --out in a directory it cannot write
T01|files|issue|"batch_size": 0 in model.json
T02|files|issue|"optimizer": null in model.json
T03|files|issue|a FIFO as the checkpoint index
T04|files|issue|a FIFO as .fashion-gomlx-model
T05|files|issue|a FIFO as .fashion-gomlx-checkpoints
T06|files|issue|terminal escapes in a class name
T07|files|issue|a line break in a class name
T08|files|issue|umask 022: another user evaluates the model
T09|files|variant|umask 077: another user cannot, and is told so
T10|files|variant|"epochs": 0
T11|files|variant|"steps_per_execution": 0
T12|files|variant|a best epoch past the last
T13|files|variant|epochs out of order in the history
T14|files|variant|an optimizer that is a string
T15|files|variant|a negative learning rate
T16|files|variant|another optimizer'"'"'s record loads
T17|files|variant|a FIFO as model.json
T18|files|variant|a FIFO as the weights
T19|files|variant|/dev/zero as the checkpoint index
T20|files|variant|a FIFO as an epoch'"'"'s model.json: resume from the one before
T21|files|variant|a FIFO as a picture
T22|files|variant|a FIFO as a data file
T23|files|variant|a right-to-left override in a class name
T24|files|variant|a directory as .fashion-gomlx-model
T25|files|passing|a newer format version
T26|files|passing|model.json not JSON
T27|files|passing|a flipped bit in the weights
T28|files|passing|NaN weights with a matching checksum
T29|files|passing|an index whose shapes do not match its values
T30|files|passing|weights outside the model'"'"'s directory
T31|files|passing|an unknown model function
T32|files|passing|eleven class names
T33|files|passing|truncated weights
T34|files|passing|another tool'"'"'s model.json
R01|resources|issue|a PNG of 1 x 49,000,000 pixels: memory and time bounded
R02|resources|issue|the same under ulimit -v
R03|resources|variant|a PNG of 49,000,000 x 1 pixels
R04|resources|variant|49 megapixels of 16-bit RGBA under ulimit -v: refused in one line
R05|resources|issue|a mirror that sends an endless body
R06|resources|variant|a mirror that announces a terabyte
R07|resources|issue|Ctrl-C during a download
R08|resources|variant|a part left by a killed download is deleted by the next
R09|resources|variant|two downloads at once into one cache
R10|resources|issue|bench --cpuprofile on a full disk
R11|resources|passing|training onto a full disk
R12|resources|passing|figures onto a full disk
R13|resources|passing|a save over a model on a full disk keeps the old one
R14|resources|passing|standard output on /dev/full
R15|resources|passing|a PNG header of 100,000 x 100,000
R16|resources|variant|a PNG of 7,000 x 7,000
R17|resources|passing|a gzip bomb as a data file
R18|resources|variant|--out on a read-only mount
R19|resources|variant|a model on a read-only mount is evaluated
S01|signals|issue|Ctrl-C in an epoch: said, epoch finished, resumed bit-identical
S02|signals|variant|Ctrl-C twice: stops at once, resumes bit-identical
S03|signals|variant|SIGTERM in an epoch
S04|signals|variant|Ctrl-C before training leaves nothing
S05|signals|passing|SIGKILL in an epoch, then --resume: bit-identical
S06|signals|issue|net/http'"'"'s unsolicited-response line
S07|signals|issue|go-xla'"'"'s line for a plugin that does not load
S08|signals|issue|go-xla'"'"'s line when $HOME is unset
S09|signals|variant|a file that is not a plugin in the plugins'"'"' path
S10|signals|issue|predict --json keeps the bytes of file names
S11|signals|variant|a file name with terminal escapes, printed
S12|signals|variant|an error naming a path with terminal escapes
S13|signals|passing|evaluate --json
S14|signals|passing|predict --json
S15|signals|passing|data --json
S16|signals|passing|bench --json with the Go backend'"'"'s message
S17|signals|passing|--resume with a recipe flag
S18|signals|passing|--resume --include-validation
D01|data|passing|--data-dir missing
D02|data|passing|--data-dir a file
D03|data|passing|--data-dir empty
D04|data|passing|a directory in the place of a file
D05|data|passing|a corrupt gzip stream
D06|data|passing|truncated images
D07|data|passing|a labels file given as images (a lying header)
D08|data|passing|a header claiming 2^31 images
D09|data|passing|other data (checksum)
I01|pictures|passing|a PNG
I02|pictures|passing|a JPEG
I03|pictures|passing|a GIF
I04|pictures|passing|a JPEG with a broken EXIF segment
I05|pictures|passing|a transparent cut-out
I06|pictures|passing|16-bit gray
I07|pictures|passing|one pixel
I08|pictures|passing|an empty file
I09|pictures|passing|text
I10|pictures|passing|a truncated PNG
I11|pictures|passing|a missing file
I12|pictures|passing|a directory
I13|pictures|passing|a PNG header of 0 x 10
F01|flags|passing|--epochs -1
F02|flags|passing|--lr NaN
F03|flags|passing|--batch 0
F04|flags|passing|--decay 1e39
F05|flags|passing|--lr 1e30 diverges
F06|flags|passing|an unknown flag
F07|flags|passing|a stray argument
F08|flags|passing|an unknown backend
F09|flags|passing|bench --steps 9223372036854775807
F10|flags|passing|predict --count 0
'

# --- locks and concurrency ---
c_L01() {
  mkdir r r.checkpoints && ln -s r a && ln -s r.checkpoints a.checkpoints
  bgrun first "${TR[@]}" --epochs 4 --out r
  await r.checkpoints/epoch-0001/model.json || return
  t "${TR[@]}" --seed 2 --out a
  fails 1 "another training is writing to"
  bgwait first
  succeeds "model saved to r"
  grep -q '"seed": 1,' r/model.json || bad "r does not hold the first run's model"
  [ -e r.checkpoints/epoch-0004/model.json ] || bad "the first run's checkpoints are gone"
}
c_L02() {
  mkdir r r.checkpoints && ln -s r a && ln -s r.checkpoints a.checkpoints
  bgrun first "${TR[@]}" --epochs 4 --out r
  await r.checkpoints/epoch-0001/model.json || return
  t train --backend go --offline --logdir "" --resume --out a
  fails 1 "another training is writing to"
  bgwait first
  succeeds
}
c_L03() {
  echo notes >notes.txt && ln -s notes.txt .m.lock
  t "${TR[@]}" --out m
  succeeds
  unchanged notes.txt notes
}
readers_during_saves() { # COMMAND...: runs it again and again while 3 trainings replace m
  t "${TR[@]}" --epochs 1 --limit 500 --out m
  (for s in 2 3 4; do "$F" "${TR[@]}" --epochs 1 --limit 500 --seed $s --out m >/dev/null 2>&1; done; touch trained) &
  local n=0 failed=0
  while [ ! -e trained ]; do
    t "$@"
    n=$((n + 1))
    [ "$code" = 0 ] || { failed=$((failed + 1)); bad "a reader failed: $(errline)"; }
  done
  wait
  [ "$n" -ge 3 ] || bad "only $n reads during the saves"
  echo "$n reads, $failed failed" >"$casedir/.note"
}
c_L04() { readers_during_saves summary --backend go --model m; }
c_L05() {
  t "${TR[@]}" --out a
  local before=$(cat a.checkpoints/epoch-0001/model.json)
  t "${TR[@]}" --out a.checkpoints/epoch-0001 --checkpoints b
  fails 1 "the checkpoints of a training run"
  quick 5
  unchanged a.checkpoints/epoch-0001/model.json "$before"
  absent b
}
c_L06() {
  for i in 1 2 3; do bgrun "run$i" "${TR[@]}" --out m; done
  local ok=0 refused=0 i
  for i in 1 2 3; do
    bgwait "run$i"
    if [ "$code" = 0 ]; then ok=$((ok + 1)); else
      fails 1 "another training is writing to"
      grep -q '(process [0-9]*)' err || bad "the holder is not named: $(errline)"
      refused=$((refused + 1))
    fi
  done
  [ "$ok" = 1 ] && [ "$refused" = 2 ] || bad "$ok trained, $refused refused"
}
c_L07() {
  bgrun one "${TR[@]}" --out m1 --checkpoints ck
  bgrun two "${TR[@]}" --out m2 --checkpoints ck
  bgwait one
  local first=$code
  bgwait two
  [ "$first" = 0 ] || cp one.err err # the refused one's
  [ "$((first + code))" = 1 ] || bad "exit statuses $first and $code, want 0 and 1"
  grep -q "another training is writing to" err || bad "the refusal: $(errline)"
}
concurrent() { # ARGS...: a second training, with ARGS, beside one on r, is refused
  mkdir -p r d
  bgrun first "${TR[@]}" --epochs 3 --out r
  await r.checkpoints/epoch-0001/model.json || return
  t "${TR[@]}" "$@"
  fails 1 "another training is writing to"
  bgwait first
  succeeds
}
c_L08() { concurrent --out d/../r; }
c_L09() { ln -s . here && concurrent --out here/r; }
c_L10() {
  need_root
  mkdir r b && mnt --bind r b
  concurrent --out b --checkpoints b.ck
}
c_L11() { concurrent --out r/inner --checkpoints inner.ck; }
c_L12() {
  mkdir p
  bgrun first "${TR[@]}" --epochs 3 --out p/m --checkpoints m.ck
  await m.ck/epoch-0001/model.json || return
  t "${TR[@]}" --out other --checkpoints p
  fails 1 # by the lock, or (once p/m is there) as a directory holding other files
  bgwait first
  succeeds
}
c_L13() { model && t "${TR[@]}" --out m/sub && fails 1 "a saved model" && quick 5; }
c_L14() { model && t "${TR[@]}" --out x --checkpoints m/ck && fails 1 "a saved model" && quick 5; }
c_L15() {
  echo "my data" >.m.lock
  t "${TR[@]}" --out m
  succeeds
  unchanged .m.lock "my data"
}
c_L16() { mkfifo .m.lock && t "${TR[@]}" --out m && succeeds; }
c_L17() { readers_during_saves evaluate --backend go --offline --model m; }

# --- paths checked before work ---
c_P01() {
  mkdir work
  (cd work && timeout 180 "$F" "${TR[@]}" --out . --checkpoints ../elsewhere) >out 2>err
  code=$?
  succeeds "model saved to ."
  [ -e work/model.json ] || bad "no model in ."
}
c_P02() { t "${TR[@]}" --out m --logdir m && fails 2 "same directory" && quick 5 && absent m m.checkpoints; }
c_P03() { t "${TR[@]}" --out m --logdir m/runs && fails 2 "inside --out" && quick 5 && absent m; }
c_P04() { ln -s nowhere m && t "${TR[@]}" --out m && fails 1 "which does not exist" && quick 5; }
c_P05() { ln -s nowhere ck && t "${TR[@]}" --out m --checkpoints ck && fails 1 "which does not exist" && quick 5 && absent m; }
read_only() { # DIR: makes the directory DIR read-only (a read-only bind mount as root, else chmod)
  if [ "$root" = 1 ]; then mnt --bind "$1" "$1" && mount -o remount,bind,ro "$1"; else chmod 555 "$1"; fi
}
c_P06() {
  need_root
  mkdir -p ro/out ro/out.checkpoints
  read_only ro
  mnt -t tmpfs -o size=64m tmpfs ro/out && mnt -t tmpfs -o size=64m tmpfs ro/out.checkpoints
  t "${TR[@]}" --out ro/out
  succeeds "model saved to ro/out"
}
c_P07() { mkdir ro && read_only ro && t "${TR[@]}" --out ro/m && fails 1 "cannot write in ro" && quick 5; }
c_P08() { t "${TR[@]}" --out "$(printf 'x%.0s' {1..250})" && fails 2 "bytes long" && quick 5; }
c_P09() {
  t "${TR[@]}" --out m --logdir m.checkpoints/runs
  fails 2 "inside --checkpoints"
  absent m m.checkpoints
  t "${TR[@]}" --out m
  succeeds
}
c_P10() { t plots --out "" && fails 2 "--out must name a directory"; }
c_P11() { mkfifo m && t "${TR[@]}" --out m && fails 1 "FIFO" && quick 5; }
c_P12() { mkfifo ck && t "${TR[@]}" --out m --checkpoints ck && fails 1 "FIFO" && quick 5; }
c_P13() { echo x >logs && t "${TR[@]}" --out m --logdir logs && fails 1 "is a file" && quick 5 && absent m; }
c_P14() { ln -s nowhere logs && t "${TR[@]}" --out m --logdir logs/runs && fails 1 "which does not exist" && quick 5; }
c_P15() { mkdir ro && read_only ro && t "${TR[@]}" --out m --logdir ro/runs && fails 1 "cannot write in ro" && quick 5; }
c_P16() { ln -s b a && ln -s a b && t "${TR[@]}" --out a && fails 1 "symbolic links" && quick 5; }
c_P17() { mkdir m && ln -s m ck && t "${TR[@]}" --out m --checkpoints ck && fails 2 "same directory" && quick 5; }
c_P18() { t "${TR[@]}" --out "$(printf 'd/%.0s' {1..2100})" && fails 2 "over the limit" && quick 5 && absent d; }
c_P19() { t "${TR[@]}" --out m --checkpoints "$(printf 'c%.0s' {1..256})" && fails 2 "bytes long" && quick 5; }
c_P20() {
  t "${TR[@]}" --out '~/m'
  succeeds
  [ -e '~/m/model.json' ] || bad "no model in ./~/m"
  [ ! -e "$HOME/m" ] || bad "\$HOME/m was written"
}
c_P21() { echo x >figs && t plots --offline --out figs && fails 1 "is a file" && quick 3; }
c_P22() { t "${TR[@]}" --out m && t plots --offline --out m.checkpoints/figs && fails 1 "the checkpoints of a training run"; }
c_P23() { t bench --synthetic --backend go --cpuprofile none/cpu.prof && fails 1 "does not exist" && quick 3; }
c_P24() { t bench --synthetic --backend go --cpuprofile /dev/full && fails 1 "is a device" && quick 3; }
c_P25() { t "${TR[@]}" --out / && fails 2 "root directory"; }
c_P26() { echo x >f && t "${TR[@]}" --out f && fails 1 "is a file" && unchanged f x; }
c_P27() {
  mkdir tfjs && echo '{"format": "layers-model"}' >tfjs/model.json
  t "${TR[@]}" --out tfjs
  fails 1 "did not write"
  unchanged tfjs/model.json '{"format": "layers-model"}'
}
c_P28() { t "${TR[@]}" --out m --checkpoints m/ck && fails 2 "inside --out"; }
c_P29() { t train --backend go --offline --logdir "" --resume --out m && fails 1 "no checkpoint to resume from" && absent m m.checkpoints; }
c_P30() { t "${TR[@]}" --out /proc/m && fails 1 "cannot write in /proc"; }
c_P31() {
  t "${TR[@]}" --out $'\xff\xfe'
  succeeds 'model saved to \xff\xfe'
  [ -e $'\xff\xfe/model.json' ] || bad "no model in the directory named"
}
c_P32() { t "${TR[@]}" --out a && t "${TR[@]}" --out m --logdir a.checkpoints && fails 1 "the checkpoints of a training run"; }
c_P33() {
  need_root
  mkdir shared && chmod 755 shared
  LIMIT=60 t "${TR[@]}" --out shared/m 2>/dev/null
  rm -rf shared/m shared/m.checkpoints
  local start=$(date +%s.%N)
  timeout 60 setpriv --reuid=65534 --regid=65534 --clear-groups env HOME=/nonexistent "$F" "${TR[@]}" --out shared/m >out 2>err
  code=$?
  elapsed=$(echo "$(date +%s.%N) - $start" | bc)
  fails 1 "cannot write in shared"
  quick 5
}

# --- tampered and special files ---
tampered() { # PYTHON [TEXT]: plots, evaluate and predict refuse the model tampered with
  model && jset m "$1"
  local cmd
  for cmd in "plots --offline --out figs" "evaluate --offline" "predict --offline" "summary"; do
    t $cmd --backend go --model m
    fails 1 "${2:-}"
  done
}
c_T01() { tampered 'd["recipe"]["batch_size"]=0' "batch size must be"; }
c_T02() { tampered 'd["recipe"]["optimizer"]=None' "names no optimizer"; }
c_T03() { fifo_in_model 'checkpoint-*/*.json' "FIFO"; }
c_T04() { model && rm m/.fashion-gomlx-model && mkfifo m/.fashion-gomlx-model && t "${TR[@]}" --out m && fails 1 "FIFO" && quick 5; }
c_T05() {
  cp -a "$M.checkpoints" m.checkpoints && rm m.checkpoints/.fashion-gomlx-checkpoints && mkfifo m.checkpoints/.fashion-gomlx-checkpoints
  t "${TR[@]}" --out m
  fails 1 "FIFO"
  quick 5
  t train --backend go --offline --logdir "" --resume --out m
  fails 1 "FIFO"
}
c_T06() { tampered 'd["class_names"][3]="Dress\x1b]0;owned\x07\x1b[2J"' "not printable"; }
c_T07() { tampered 'd["class_names"][3]="Dress\nfashion: all good"' "not printable"; }
c_T08() {
  need_root
  mkdir shared && chmod 755 shared
  (umask 022 && "$F" "${TR[@]}" --out shared/m >/dev/null 2>&1)
  local modes=$(find shared -type d -printf '%m\n' | sort -u | tr '\n' ' ')
  [ "$modes" = "755 " ] || bad "directory modes $modes, want 755"
  timeout 120 setpriv --reuid=65534 --regid=65534 --clear-groups env HOME=/nonexistent "$F" evaluate --backend go --offline --model shared/m >out 2>err
  code=$?
  succeeds "accuracy"
}
c_T09() {
  need_root
  mkdir shared && chmod 755 shared
  (umask 077 && "$F" "${TR[@]}" --out shared/m >/dev/null 2>&1)
  local modes=$(find shared -mindepth 1 -printf '%m\n' | sort -u | tr '\n' ' ')
  [ "$modes" = "600 700 " ] || bad "modes $modes, want 600 700"
  timeout 120 setpriv --reuid=65534 --regid=65534 --clear-groups env HOME=/nonexistent "$F" evaluate --backend go --offline --model shared/m >out 2>err
  code=$?
  fails 1 "permission denied"
}
c_T10() { tampered 'd["recipe"]["epochs"]=0' "epochs must be positive"; }
c_T11() { tampered 'd["recipe"]["steps_per_execution"]=0' "steps per execution"; }
c_T12() { tampered 'd["history"]["best_epoch"]=99' "best epoch is 99"; }
c_T13() { tampered 'd["history"]["epochs"][0]["epoch"]=7' "is epoch 7"; }
c_T14() { tampered 'd["recipe"]["optimizer"]="sgd"' "is corrupt"; }
c_T15() { tampered 'd["recipe"]["optimizer"]["learning_rate"]=-1' "learning rate must be"; }
c_T16() {
  # The record of an optimizer other than SGD holds its name: every figure but the learning
  # rate's, which that record cannot give.
  model && jset m 'd["recipe"]["optimizer"]={"name": "*optimizers.Adam"}'
  t evaluate --backend go --offline --model m
  succeeds "accuracy"
  t plots --backend go --offline --model m --out figs
  succeeds "13-training-curves.png"
  [ ! -e figs/06-learning-rate.png ] || bad "a learning-rate figure for an optimizer whose rate is unknown"
}
fifo_in_model() { model && f=$(ls m/$1) && rm "$f" && mkfifo "$f" && t evaluate --backend go --offline --model m && fails 1 "${2:-}" && quick 10; }
c_T17() { fifo_in_model model.json "FIFO"; }
c_T18() { fifo_in_model 'checkpoint-*/*.bin' "holds 0 bytes"; }
c_T19() { model && f=$(ls m/checkpoint-*/*.json) && rm "$f" && ln -s /dev/zero "$f" && t evaluate --backend go --offline --model m && fails 1 "is a device" && quick 10; }
c_T20() {
  t "${TR[@]}" --out m
  rm -rf m
  rm m.checkpoints/epoch-0002/model.json && mkfifo m.checkpoints/epoch-0002/model.json
  t train --backend go --offline --logdir "" --resume --out m
  succeeds "Resuming at epoch 2 of 2"
}
c_T21() { model && mkfifo pic.png && t predict --backend go --model m --image pic.png && fails 1 "FIFO" && quick 10; }
c_T22() {
  mkdir d && for f in "$DATA"/*; do ln -s "$f" d/; done
  rm d/t10k-labels-idx1-ubyte.gz && mkfifo d/t10k-labels-idx1-ubyte.gz
  t data --data-dir d
  fails 1 "special file"
  quick 10
}
c_T23() { tampered 'd["class_names"][3]="Dress\u202ekcab"' "U+202E"; }
c_T24() { model && rm m/.fashion-gomlx-model && mkdir m/.fashion-gomlx-model && t "${TR[@]}" --out m && fails 1 "" && quick 5; }
c_T25() { tampered 'd["version"]=9' "newer version"; }
c_T26() { model && echo '{{{' >m/model.json && t evaluate --backend go --offline --model m && fails 1 "is corrupt"; }
c_T27() {
  model && python3 -c "import glob; p=glob.glob('m/checkpoint-*/*.bin')[0]; b=bytearray(open(p,'rb').read()); b[12345]^=1; open(p,'wb').write(b)"
  t evaluate --backend go --offline --model m
  fails 1 "is corrupt: its SHA-256"
}
c_T28() {
  model
  python3 - <<'EOF'
import glob, hashlib, json, struct
p = glob.glob("m/checkpoint-*/*.bin")[0]
b = bytearray(open(p, "rb").read())
for i in range(0, 400, 4):
    b[i:i + 4] = struct.pack("<f", float("nan"))
open(p, "wb").write(b)
d = json.load(open("m/model.json"))
d["weights"]["sha256"][p.split("/")[-1]] = hashlib.sha256(b).hexdigest()
json.dump(d, open("m/model.json", "w"))
EOF
  t evaluate --backend go --offline --model m
  fails 1 "NaN or infinite"
}
c_T29() {
  model
  python3 - <<'EOF'
import glob, hashlib, json
p = glob.glob("m/checkpoint-*/*.json")[0]
index = open(p).read().replace("784", "785", 1)
open(p, "w").write(index)
d = json.load(open("m/model.json"))
d["weights"]["sha256"][p.split("/")[-1]] = hashlib.sha256(index.encode()).hexdigest()
json.dump(d, open("m/model.json", "w"))
EOF
  t evaluate --backend go --offline --model m
  fails 1 "inconsistent"
}
c_T30() { model && jset m 'd["weights"]["dir"]="../../etc"' && t evaluate --backend go --offline --model m && fails 1 "does not name its weights"; }
c_T31() { model && jset m 'd["model_fn"]="Nope"' && t evaluate --backend go --offline --model m && fails 1 "Nope"; }
c_T32() { model && jset m 'd["class_names"].append("Hat")' && t evaluate --backend go --offline --model m && fails 1 "names 11 classes"; }
c_T33() { model && f=$(ls m/checkpoint-*/*.bin) && truncate -s 100000 "$f" && t evaluate --backend go --offline --model m && fails 1 "needs between"; }
c_T34() { mkdir m && echo '{"format": "layers-model"}' >m/model.json && t evaluate --backend go --offline --model m && fails 1 "has format"; }

# --- resources ---
measured() { # ARGS...: runs the tool under /usr/bin/time, recording its peak memory in kB (rss)
  local start=$(date +%s.%N)
  timeout -k 5 "${LIMIT:-180}" /usr/bin/time -f '%M' -o rss "$F" "$@" >out 2>err
  code=$?
  elapsed=$(echo "$(date +%s.%N) - $start" | bc)
}
c_R01() {
  model && measured predict --backend go --model m --image "$PIC/tall.png"
  succeeds "tall.png: "
  quick 15
  [ "$(cat rss)" -lt 1000000 ] || bad "$(($(cat rss) / 1024)) MB of memory"
}
c_R02() {
  model
  local start=$(date +%s.%N)
  timeout 120 prlimit --as=2684354560 -- "$F" predict --backend go --model m --image "$PIC/tall.png" >out 2>err
  code=$?
  elapsed=$(echo "$(date +%s.%N) - $start" | bc)
  if [ "$code" = 0 ]; then succeeds; else fails 1; fi
}
c_R03() { model && measured predict --backend go --model m --image "$PIC/wide.png" && succeeds && quick 15; }
c_R04() {
  model
  timeout 120 prlimit --as=2147483648 -- "$F" predict --backend go --model m --image "$PIC/rgba64.png" >out 2>err
  code=$?
  fails 1 "ulimit -v"
}
c_R05() {
  hidden_data FASHION_MNIST_MIRRORS="$MIRROR/endless/" "$F" data
  fails 1 "the mirror sent more than"
  [ "$(parts)" = 0 ] || bad "a partial download is left"
  [ "$(du -sm cache | cut -f1)" -lt 100 ] || bad "the cache grew to $(du -sh cache)"
}
c_R06() { hidden_data FASHION_MNIST_MIRRORS="$MIRROR/huge/" "$F" data && fails 1 "announces 1099511627776 bytes" && quick 10; }
c_R07() {
  need_root
  [ -n "$MIRROR" ] || skip "no mirror"
  XDG_CACHE_HOME=$PWD/cache FASHION_MNIST_MIRRORS="$MIRROR/slow/" unshare -m sh -c \
    'mount -t tmpfs tmpfs "$0"; exec "$@"' "$SYSDATA" "$F" data >out 2>err &
  local pid=$!
  await "$PWD/cache/fashion-mnist" 30
  sleep 2
  [ "$(parts)" = 1 ] || bad "no download in progress to interrupt"
  pkill -INT -P "$pid" 2>/dev/null || kill -INT "$pid"
  wait "$pid"
  code=$?
  [ "$code" = 130 ] || bad "exit status $code, want 130"
  [ "$(parts)" = 0 ] || bad "the partial download is left"
  grep -q "nothing of it was kept" err || bad "stderr: $(errline)"
}
c_R08() {
  mkdir -p cache/fashion-mnist && head -c 1000000 /dev/urandom >cache/fashion-mnist/train-images-idx3-ubyte.gz.part-123
  hidden_data FASHION_MNIST_MIRRORS="$MIRROR/good/" "$F" data
  [ "$code" = 0 ] && grep -q "Fashion-MNIST from" out || bad "exit status $code: $(errline)" # stderr: progress
  [ "$(parts)" = 0 ] || bad "the stale part is left"
}
c_R09() {
  need_root
  [ -n "$MIRROR" ] || skip "no mirror"
  local i
  for i in 1 2; do
    XDG_CACHE_HOME=$PWD/cache FASHION_MNIST_MIRRORS="$MIRROR/good/" timeout 120 unshare -m sh -c \
      'mount -t tmpfs tmpfs "$0"; exec "$@"' "$SYSDATA" "$F" data >"d$i.out" 2>"d$i.err" &
  done
  wait
  for i in 1 2; do cp "d$i.out" out && cp "d$i.err" err && code=0 && grep -q "Fashion-MNIST from" out || bad "download $i: $(errline)"; done
  [ "$(ls cache/fashion-mnist | wc -l)" = 4 ] || bad "the cache holds $(ls cache/fashion-mnist)"
}
full_disk() { # SIZE: a tmpfs of SIZE at ./disk, filled up
  need_root
  mkdir disk && mnt -t tmpfs -o size="$1" tmpfs disk
  dd if=/dev/zero of=disk/filler bs=4k >/dev/null 2>&1
}
c_R10() {
  full_disk 1m
  t bench --synthetic --backend go --steps 2 --cpuprofile disk/cpu.prof
  fails 1 "no space left on device"
  absent disk/cpu.prof
}
c_R11() {
  need_root
  mkdir disk && mnt -t tmpfs -o size=1m tmpfs disk
  t "${TR[@]}" --out disk/m
  fails 1 "no space left on device"
  [ ! -e disk/m.checkpoints/epoch-0001/model.json ] || bad "a checkpoint that did not fit is complete"
}
c_R12() { need_root && mkdir disk && mnt -t tmpfs -o size=64k tmpfs disk && t plots --offline --out disk/figs && fails 1 "no space left on device"; }
c_R13() {
  need_root
  mkdir disk && mnt -t tmpfs -o size=10m tmpfs disk
  cp -a "$M" disk/m && dd if=/dev/zero of=disk/filler bs=1M count=4 >/dev/null 2>&1
  t "${TR[@]}" --out disk/m --checkpoints ck
  fails 1 "no space left on device"
  t evaluate --backend go --offline --model disk/m
  succeeds "accuracy"
}
c_R14() {
  model
  timeout 120 "$F" evaluate --backend go --offline --model m >/dev/full 2>err
  code=$?
  : >out
  fails 1 "no space left on device"
}
c_R15() { model && t predict --backend go --model m --image "$PIC/huge.png" && fails 1 "over the limit of 50 megapixels"; }
c_R16() { model && measured predict --backend go --model m --image "$PIC/big.png" && succeeds && quick 15; }
c_R17() {
  mkdir d && for f in "$DATA"/*; do ln -s "$f" d/; done
  rm d/t10k-labels-idx1-ubyte.gz && head -c 300000000 /dev/zero | gzip -1 >d/t10k-labels-idx1-ubyte.gz
  t data --data-dir d
  fails 1 "more than"
}
c_R18() { need_root && mkdir rofs && mnt -t tmpfs -o ro tmpfs rofs && t "${TR[@]}" --out rofs/m && fails 1 "read-only file system" && quick 5; }
c_R19() {
  need_root
  mkdir rofs && mnt -t tmpfs tmpfs rofs && cp -a "$M" rofs/m && mount -o remount,ro rofs
  t evaluate --backend go --offline --model rofs/m
  succeeds "accuracy"
}

# --- signals and output ---
SIG=(train --backend go --offline --limit 3000 --epochs 4 --patience -1 --logdir "")
interrupted() { # SIGNALS...: interrupts a training during epoch 2 with these signals, checks, resumes
  t "${SIG[@]}" --out whole
  bgrun run "${SIG[@]}" --out m
  await "Epoch 1/4:run.out" || return
  local s
  for s in "$@"; do kill "-$s" "$(cat run.pid)"; sleep 0.05; done
  bgwait run
  local want=130
  [ "$1" = TERM ] && want=143
  [ "$code" = "$want" ] || bad "exit status $code, want $want"
  [ "$#" -gt 1 ] || grep -q "interrupted: finishing epoch" err || bad "nothing said at the signal: $(errline)"
  grep -q -- '--resume` continues the run' err || bad "no command to resume: $(errline)"
  absent m/model.json
  local args=$(resume_args)
  [ -n "$args" ] || return
  eval "t $args"
  succeeds "Resuming at epoch"
  same_model whole m
}
c_S01() { interrupted INT; }
c_S02() { interrupted INT INT; }
c_S03() { interrupted TERM; }
c_S04() {
  bgrun run "${TR[@]}" --out m
  sleep 0.3
  kill -INT "$(cat run.pid)"
  bgwait run
  [ "$code" = 130 ] || bad "exit status $code"
  grep -q "^fashion train: interrupted" err || bad "stderr: $(errline)"
  absent m m.checkpoints
}
c_S05() {
  t "${SIG[@]}" --out whole
  bgrun run "${SIG[@]}" --out m
  await "Epoch 2/4:run.out" || return
  kill -KILL "$(cat run.pid)"
  bgwait run
  t train --backend go --offline --logdir "" --resume --out m
  succeeds "Resuming at epoch"
  same_model whole m
}
c_S06() { hidden_data FASHION_MNIST_MIRRORS="$MIRROR/unsolicited/" "$F" data && fails 1 "404 Not Found"; }
c_S07() { echo junk >pjrt_c_api_cpu_plugin.so && t summary --backend "xla:$PWD/pjrt_c_api_cpu_plugin.so" && fails 1 "failed to load PJRT plugin"; }
c_S08() {
  timeout 60 env -u HOME "$F" summary --backend go >out 2>err
  code=$?
  succeeds "Total params"
}
c_S09() {
  mkdir plugins && echo junk >plugins/pjrt_c_api_cpu_plugin.so
  t PJRT_PLUGIN_LIBRARY_PATH="$PWD/plugins" GOMLX_NO_AUTO_INSTALL=1 summary
  succeeds "Total params"
}
c_S10() {
  model && cp "$PIC/shirt.png" $'\xff.png' && cp "$PIC/shirt.png" $'\xfe.png'
  t predict --backend go --model m --json --image $'\xff.png' --image $'\xfe.png'
  succeeds
  python3 - <<'EOF' || bad "the JSON does not tell the files apart: $(head -c 300 out)"
import base64, json
p = json.load(open("out"))["predictions"]
assert p[0]["file"] != p[1]["file"], p
assert base64.b64decode(p[0]["file_bytes"]) == b"\xff.png" and base64.b64decode(p[1]["file_bytes"]) == b"\xfe.png", p
EOF
}
c_S11() {
  model && cp "$PIC/shirt.png" $'\x1b[2J\x1b]0;owned\x07.png'
  t predict --backend go --model m --image $'\x1b[2J\x1b]0;owned\x07.png'
  succeeds '\x1b[2J\x1b]0;owned\a.png: '
}
c_S12() { t evaluate --backend go --offline --model $'m\x1b[2J\r' && fails 1 '\x1b[2J\r'; }
json_ok() { python3 -c 'import json,sys; json.load(open("out"))' || bad "stdout is not JSON: $(head -c 200 out)"; }
c_S13() { model && t evaluate --backend go --offline --model m --json && succeeds && json_ok; }
c_S14() { model && t predict --backend go --offline --model m --json --count 3 && succeeds && json_ok; }
c_S15() { t data --offline --json && succeeds && json_ok; }
c_S16() { t bench --synthetic --json --backend go:parallelism=2 --steps 2 --steps-per-execution 2 && json_ok && [ "$code" = 0 ] || bad "exit status $code"; }
c_S17() { cp -a "$M.checkpoints" m.checkpoints && t train --backend go --offline --logdir "" --resume --out m --lr 0.1 && fails 2 "--lr cannot change it"; }
c_S18() { cp -a "$M.checkpoints" m.checkpoints && t train --backend go --offline --logdir "" --resume --out m --include-validation && fails 2 "cannot change it"; }

# --- data ---
data_with() { # NAME CONTENT-COMMAND: a copy of the data (links) with file NAME replaced
  mkdir d && for f in "$DATA"/*; do ln -s "$f" d/; done
  rm "d/$1" && eval "$2" >"d/$1"
  t data --data-dir d
}
c_D01() { t data --data-dir nowhere && fails 1 "does not exist"; }
c_D02() { echo x >f && t data --data-dir f && fails 1 "is a file"; }
c_D03() { mkdir d && t data --data-dir d && fails 1 "lacks"; }
c_D04() { mkdir -p d/train-images-idx3-ubyte.gz && t data --data-dir d && fails 1 "is a directory"; }
c_D05() { data_with train-labels-idx1-ubyte.gz 'printf "\x1f\x8bnot gzip"' && fails 1 "corrupt gzip"; }
c_D06() { data_with t10k-images-idx3-ubyte.gz "head -c 1000000 '$DATA/t10k-images-idx3-ubyte.gz'" && fails 1; }
c_D07() { data_with train-images-idx3-ubyte.gz "cat '$DATA/train-labels-idx1-ubyte.gz'" && fails 1 "checksum mismatch"; }
c_D08() { data_with t10k-labels-idx1-ubyte.gz 'printf "\x00\x00\x08\x01\x80\x00\x00\x00\x07"' && fails 1; }
c_D09() { data_with t10k-labels-idx1-ubyte.gz 'printf "\x00\x00\x08\x01\x00\x00\x00\x01\x07"' && fails 1 "checksum mismatch"; }

# --- pictures ---
picture() { model && t predict --backend go --model m --image "$@"; }
c_I01() { picture "$PIC/shirt.png" && succeeds "shirt.png: "; }
c_I02() { picture "$PIC/shirt.jpg" && succeeds "shirt.jpg: "; }
c_I03() { picture "$PIC/shirt.gif" && succeeds "shirt.gif: "; }
c_I04() { picture "$PIC/badexif.jpg" && succeeds "badexif.jpg: "; }
c_I05() { picture "$PIC/alpha.png" && succeeds "alpha.png: "; }
c_I06() { picture "$PIC/gray16.png" && succeeds "gray16.png: "; }
c_I07() { picture "$PIC/pixel.png" && succeeds "pixel.png: "; }
c_I08() { picture "$PIC/empty.png" && fails 1 "the file is empty"; }
c_I09() { picture "$PIC/text.png" && fails 1 "not a PNG, JPEG or GIF"; }
c_I10() { picture "$PIC/truncated.png" && fails 1 "unreadable"; }
c_I11() { picture missing.png && fails 1 "missing.png"; }
c_I12() { picture "$PIC" && fails 1 "is a directory"; }
c_I13() { picture "$PIC/zero-width.png" && fails 1; }

# --- flags ---
c_F01() { t "${TR[@]}" --out m --epochs -1 && fails 2 "epochs must be positive" && absent m; }
c_F02() { t "${TR[@]}" --out m --lr NaN && fails 2 "learning rate"; }
c_F03() { t "${TR[@]}" --out m --batch 0 && fails 2 "batch size"; }
c_F04() { t "${TR[@]}" --out m --decay 1e39 && fails 2 "decay"; }
c_F05() { t "${TR[@]}" --out m --lr 1e30 --limit 300 && fails 1 "training diverged" && absent m/model.json; }
c_F06() { t train --no-such-flag && fails 2 "no-such-flag"; }
c_F07() { t data stray && fails 2 "unexpected argument"; }
c_F08() { t summary --backend nosuch && fails 1 "unknown backend"; }
c_F09() { t bench --synthetic --steps 9223372036854775807 && fails 2 "--steps"; }
c_F10() { t predict --count 0 && fails 2 "--count must be positive"; }

# --- the runner --------------------------------------------------------------------------------
start=$SECONDS
declare -A passed failed skipped
pass=0 fail=0 skipn=0 issue_pass=0 issue_total=0
printf 'fashion: %s\ncampaign in %s\n\n' "$F" "$work"
while IFS='|' read -r id class origin title; do
  [ -n "$id" ] || continue
  printf '%s %s %s\n' "$id" "$class" "$title" | grep -qE -- "$pattern" || continue
  dir=$work/cases/$id
  mkdir -p "$dir"
  case_start=$SECONDS
  (casedir=$dir && cd "$dir" && "c_$id") >"$dir/.log" 2>&1
  took=$((SECONDS - case_start))
  note=
  [ -e "$dir/.note" ] && note=" ($(cat "$dir/.note"))"
  if [ -e "$dir/.skip" ]; then
    result=SKIP
    skipn=$((skipn + 1))
    note=" ($(cat "$dir/.skip"))"
  elif [ -s "$dir/.fail" ]; then
    result=FAIL
    fail=$((fail + 1))
    failed[$class]=$((${failed[$class]:-0} + 1))
  else
    result=pass
    pass=$((pass + 1))
    passed[$class]=$((${passed[$class]:-0} + 1))
  fi
  if [ "$origin" = issue ] && [ "$result" != SKIP ]; then
    issue_total=$((issue_total + 1))
    [ "$result" = pass ] && issue_pass=$((issue_pass + 1))
  fi
  printf '%-4s %-4s %-9s %-7s %3ds  %s%s\n' "$result" "$id" "$class" "$origin" "$took" "$title" "$note"
  if [ "$result" = FAIL ]; then sed 's/^/        /' "$dir/.fail" | head -5; fi
  if [ "$verbose" = 1 ]; then sed 's/^/        /' "$dir/.log"; fi
done <<<"$CASES"
echo
for class in locks paths files resources signals data pictures flags; do
  n=$((${passed[$class]:-0} + ${failed[$class]:-0}))
  [ "$n" -gt 0 ] && printf '  %-10s %3d of %3d passed\n' "$class" "${passed[$class]:-0}" "$n"
done
printf 'campaign: %d passed, %d failed, %d skipped (the cases of issue 30: %d of %d passed) in %ds\n' \
  "$pass" "$fail" "$skipn" "$issue_pass" "$issue_total" "$((SECONDS - start))"
[ "$fail" = 0 ]
