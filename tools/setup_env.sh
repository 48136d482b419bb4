#!/usr/bin/env bash
# Install what hg_plugin needs into a Python environment, keeping what is
# already there and good.
#
# Usage: tools/setup_env.sh [--venv DIR | --python PYTHON] [--replace-stack]
#   --venv DIR        create (if absent) and use a virtual environment at DIR
#                     (default: .venv at the project root, Python 3.11)
#   --python PYTHON   install into the environment of this interpreter
#                     (e.g. a conda env's python); no venv is created
#   --replace-stack   allow replacing an installed torch, torchvision, mmcv,
#                     mmengine, mmdet or mmpose whose version is outside the
#                     plugin's range (without it the set-up stops and says so)
#
# Every part of the stack is checked against the ranges the plugin declares
# (requirements/runtime.txt, requirements/mminstall.txt): a part in range is
# kept as it is, a missing part is installed at the version pinned for a
# bare machine (requirements/stack.txt); mmcv is built from source with its
# compiled ops, and the wheel is cached in $HG_CACHE_DIR (default
# ~/.cache/hg_plugin). A stamp in the environment makes an unchanged second
# run take seconds. Why each step exists: ../README.md, "Install".
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
VENV="$ROOT/.venv"
PY=''
REPLACE=${REPLACE_STACK:-0}
while [ $# -gt 0 ]; do
    case "$1" in
        --venv) VENV=$2; shift 2 ;;
        --python) PY=$2; shift 2 ;;
        --replace-stack) REPLACE=1; shift ;;
        *) echo "setup_env.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
done

# Every path is made absolute once, here: later steps run in other folders.
abspath() {
    mkdir -p "$(dirname "$1")"
    echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
}
VENV=$(abspath "$VENV")
CACHE=$(abspath "${HG_CACHE_DIR:-$HOME/.cache/hg_plugin}")
if [ -n "$PY" ]; then
    case "$PY" in
        */*) PY=$(abspath "$PY") ;;
        *) PY=$(command -v "$PY") ||
            { echo "setup_env.sh: no '$PY' on PATH" >&2; exit 2; } ;;
    esac
fi
REQ="$ROOT/requirements"

NSTEPS=7
STEP=0
CURRENT=''
START=$(date +%s)
STEP_START=$START
TIMES=''

fail() {
    echo >&2
    echo "setup failed at step $STEP/$NSTEPS ($CURRENT)." >&2
    echo "What to do: $1" >&2
    exit 1
}
trap 'fail "read the output above; rerun \`make setup\` once fixed (finished steps are skipped)."' ERR

step_done() {
    [ "$STEP" -gt 0 ] || return 0
    local took=$(( $(date +%s) - STEP_START ))
    echo "[$STEP/$NSTEPS] took $took s"
    TIMES="$TIMES  [$STEP/$NSTEPS] $CURRENT: $took s"$'\n'
}

step() {
    step_done
    STEP=$((STEP + 1))
    CURRENT=$1
    STEP_START=$(date +%s)
    printf '\n[%d/%d] %s\n' "$STEP" "$NSTEPS" "$1"
}

pip_install() {
    "$PY" -m pip install --progress-bar off "$@"
}

# state NAME: 'ok VERSION', 'missing', or 'out VERSION RANGE' against the
# range of NAME in requirements/{runtime,mminstall}.txt.
state() {
    "$PY" - "$1" "$REQ/runtime.txt" "$REQ/mminstall.txt" <<'EOF'
import sys
from importlib import metadata
try:
    from packaging.requirements import Requirement
except ImportError:  # a bare environment: pip's own copy
    from pip._vendor.packaging.requirements import Requirement
name, files = sys.argv[1], sys.argv[2:]
spec = ''
for path in files:
    for line in open(path):
        line = line.split('#')[0].strip()
        if line and Requirement(line).name == name:
            spec = str(Requirement(line).specifier)
try:
    version = metadata.version(name)
except metadata.PackageNotFoundError:
    print('missing')
    sys.exit()
ok = Requirement(name + spec).specifier.contains(version, prereleases=True)
print(f'ok {version}' if ok else f'out {version} {spec}')
EOF
}

# pin NAME: the version a bare machine gets (requirements/stack.txt).
pin() {
    grep -E "^$1==" "$REQ/stack.txt" | cut -d' ' -f1
}

# need NAME [WORKS]: is something to be installed? Says what it decides.
# WORKS is a Python statement that must run for an installed NAME to count
# (e.g. that mmcv's compiled ops import).
need() {
    local s
    s=$(state "$1")
    if [ "${s%% *}" = ok ] && { [ -z "${2:-}" ] || "$PY" -c "$2" 2>/dev/null; }; then
        echo "$1 ${s#ok }: in range, kept"
        return 1
    fi
    if [ "$s" = missing ]; then
        echo "$1: not installed, installing $(pin "$1")"
        return 0
    fi
    local found=${s#out }
    local why="${found%% *} (needed: $1${s##* })"
    [ "${s%% *}" = ok ] && why="${s#ok }, but \`$2\` fails"
    if [ "$REPLACE" = 1 ]; then
        echo "$1 $why: replacing it by $(pin "$1") (--replace-stack)"
        return 0
    fi
    fail "$1 $why. Install a version in range yourself, or rerun with REPLACE_STACK=1 (make) / --replace-stack to let the set-up replace it by $(pin "$1")."
}

build_tools() {  # only where something is compiled here
    pip_install -r "$REQ/build.txt"
}

step 'Python environment'
if [ -z "$PY" ]; then
    if [ ! -x "$VENV/bin/python" ]; then
        command -v python3.11 >/dev/null ||
            fail 'install Python 3.11 (python3.11 must be on PATH), or pass PYTHON=/path/to/python.'
        python3.11 -m venv "$VENV"
        echo "created $VENV"
    fi
    PY="$VENV/bin/python"
fi
"$PY" -c 'import sys; assert sys.version_info[:2] >= (3, 11), sys.version' ||
    fail "$PY is too old: Python >= 3.11 is needed (the oldest tested)."
echo "python: $PY ($("$PY" --version))"

STAMP=$("$PY" -c 'import sys; print(sys.prefix)')/.hg_plugin_setup
DIGEST=$(cat "$REQ"/*.txt "$ROOT/tools/setup_env.sh" "$ROOT/setup.py" |
    sha256sum | cut -c1-16)
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$DIGEST" ] &&
    "$PY" -c 'import hg_plugin, mmcv.ops, mmpose.models' 2>/dev/null; then
    echo 'environment up to date (requirements unchanged since the last set-up)'
    exit 0
fi

step 'PyTorch and torchvision'
if need torch; then
    if [ "$(state torchvision)" != missing ] && [ "$REPLACE" != 1 ]; then
        fail 'torchvision is installed without a usable torch; install the pair yourself, or use --replace-stack.'
    fi
    pip_install $(pin torch) $(pin torchvision) ||
        fail "pip could not install $(pin torch) $(pin torchvision); see the pip error above."
elif need torchvision; then
    # a torchvision from PyPI would bring its own torch: ask for the pair
    fail "install the torchvision release that pairs with your torch ($(state torch)), e.g. from https://pytorch.org; the set-up does not change an installed torch."
fi

step 'mmcv with compiled ops (source build, cached)'
if need mmcv 'import mmcv.ops'; then
    MMCV_VERSION=$(pin mmcv | cut -d= -f3)
    TORCH_TAG=$("$PY" -c 'import sys, torch; v = torch.__version__.split("+")[0]; print("torch%s-py%d%d" % (v, *sys.version_info[:2]))')
    CUDA_BUILD=0
    if command -v nvcc >/dev/null && "$PY" -c 'import torch, sys; sys.exit(not torch.cuda.is_available())' 2>/dev/null; then
        CUDA_BUILD=1
    fi
    WHEELS="$CACHE/mmcv-$MMCV_VERSION-$TORCH_TAG-cuda$CUDA_BUILD"
    if ! ls "$WHEELS"/mmcv-*.whl >/dev/null 2>&1; then
        echo "no cached wheel in $WHEELS: building from source."
        echo 'This compiles 77 C++ files: the longest step of the set-up' \
            "(much longer with CUDA ops, CUDA=$CUDA_BUILD)."
        build_tools
        SRC=$(mktemp -d)
        "$PY" -m pip download --no-deps --no-binary :all: \
            "mmcv==$MMCV_VERSION" -d "$SRC" ||
            fail 'could not download the mmcv source distribution from PyPI.'
        tar -xzf "$SRC"/mmcv-*.tar.gz -C "$SRC"
        # torch >= 2.10 headers require C++20; mmcv 2.1.0 asks for 14/17.
        sed -i -E 's/-std=c\+\+1[47]/-std=c++20/g' "$SRC/mmcv-$MMCV_VERSION/setup.py"
        mkdir -p "$WHEELS"
        # Python's own flags without -g: the debug information of torch's
        # headers makes each file compile more than twice as long (and the
        # wheel a hundred times larger); docs/install.md has the figures.
        (cd "$SRC/mmcv-$MMCV_VERSION" &&
            CFLAGS=${CFLAGS:--DNDEBUG -fwrapv -O3 -Wall -g0} \
            MMCV_WITH_OPS=1 FORCE_CUDA=$CUDA_BUILD MAX_JOBS=${MAX_JOBS:-$(nproc)} \
            "$PY" -m pip wheel --no-deps --no-build-isolation -w "$WHEELS" . \
            > "$SRC/build.log" 2>&1) ||
            { tail -40 "$SRC/build.log" >&2
              fail "the mmcv build failed; the whole log is $SRC/build.log."; }
        rm -rf "$SRC"
    fi
    pip_install --no-deps --force-reinstall "$WHEELS"/mmcv-*.whl
fi

step 'mmengine, mmdet and mmpose (without chumpy) and their runtime requirements'
# The plugin's other requirements and what mmdet's and mmpose's import paths
# use (pip keeps whatever is installed and in range); the stack's parts are
# decided one by one. mmpose's own requirements pull chumpy, which does not
# build: mmdet and mmpose come without dependencies.
OTHERS=$(mktemp)
grep -vE '^(torch|torchvision|mmcv|mmengine|mmdet|mmpose|xtcocotools)([<>=!~ ]|$)' \
    "$REQ/runtime.txt" > "$OTHERS"
pip_install -r "$OTHERS" -r "$REQ/mmpose_deps.txt"
rm -f "$OTHERS"
if need mmengine; then
    pip_install "$(pin mmengine)"
fi
for name in mmdet mmpose; do
    if need $name; then
        pip_install --no-deps "$(pin $name)"
    fi
done

step 'xtcocotools built against the installed numpy'
if "$PY" -c 'from xtcocotools.coco import COCO' 2>/dev/null; then
    echo 'xtcocotools imports: kept'
else
    # The PyPI wheel is compiled against numpy 1 and fails on numpy 2.
    build_tools
    pip_install --no-deps --no-build-isolation --force-reinstall \
        --no-binary xtcocotools "$(pin xtcocotools)"
fi

step 'hg_plugin (editable), test, export and inference tools'
pip_install -r "$REQ/tests.txt" -r "$REQ/deploy.txt" -r "$REQ/openvino.txt"
pip_install --no-deps -e "$ROOT"

step 'import check'
"$PY" -c 'import hg_plugin, mmcv.ops, mmpose.models, torchvision, xtcocotools.coco' ||
    fail 'the stack installed but does not import; run tools/check_env.py for details.'
echo "$DIGEST" > "$STAMP"
step_done
echo
echo "set-up complete in $(( $(date +%s) - START )) s:"
printf '%s' "$TIMES"
