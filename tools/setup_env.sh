#!/usr/bin/env bash
# Install the OpenMMLab stack, built for the current PyTorch, and hg_plugin.
#
# Usage: tools/setup_env.sh [--python PYTHON] [--venv DIR]
#   --venv DIR       create (if absent) and use a virtual environment at DIR
#                    (default: .venv at the project root, Python 3.11)
#   --python PYTHON  install into the environment of this interpreter instead
#                    (e.g. a conda env's python); no venv is created
#
# Idempotent: every step checks what is already installed, the mmcv wheel
# built from source is cached in $HG_CACHE_DIR (default ~/.cache/hg_plugin)
# and a stamp in the environment makes an unchanged second run take seconds.
# Why each step exists: ../README.md, section "What the set-up fixes".
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
VENV="$ROOT/.venv"
PY=''
while [ $# -gt 0 ]; do
    case "$1" in
        --venv) VENV=$2; shift 2 ;;
        --python) PY=$2; shift 2 ;;
        *) echo "setup_env.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
done

CACHE=${HG_CACHE_DIR:-$HOME/.cache/hg_plugin}
MMCV_VERSION=2.1.0
NSTEPS=7
STEP=0
CURRENT=''

fail() {
    echo >&2
    echo "setup failed at step $STEP/$NSTEPS ($CURRENT)." >&2
    echo "What to do: $1" >&2
    exit 1
}
trap 'fail "read the output above; rerun \`make setup\` once fixed (finished steps are skipped)."' ERR

step() {
    STEP=$((STEP + 1))
    CURRENT=$1
    printf '\n[%d/%d] %s\n' "$STEP" "$NSTEPS" "$1"
}

pip_install() {
    "$PY" -m pip install --progress-bar off "$@"
}

has() {  # has MODULE VERSION: is MODULE importable at exactly VERSION?
    "$PY" - "$1" "$2" <<'EOF' >/dev/null 2>&1
import importlib.metadata as md, sys
sys.exit(md.version(sys.argv[1]) != sys.argv[2])
EOF
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
"$PY" -c 'import sys; assert sys.version_info[:2] >= (3, 9), sys.version' ||
    fail "$PY is too old: Python >= 3.9 is needed (3.11 is tested)."
echo "python: $PY ($("$PY" --version))"

STAMP=$("$PY" -c 'import sys; print(sys.prefix)')/.hg_plugin_setup
DIGEST=$(cat "$ROOT"/requirements/*.txt "$ROOT/tools/setup_env.sh" \
    "$ROOT/setup.py" | sha256sum | cut -c1-16)
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$DIGEST" ] &&
    "$PY" -c 'import hg_plugin, mmcv.ops, mmpose.models' 2>/dev/null; then
    echo 'environment up to date (requirements unchanged since the last set-up)'
    exit 0
fi

step 'PyTorch and torchvision, build tools'
has torch 2.14.1 && has torchvision 0.29.1 ||
    pip_install -r "$ROOT/requirements/torch.txt" ||
    fail 'pip could not install torch==2.14.1 torchvision==0.29.1; see the pip error above.'
pip_install -r "$ROOT/requirements/build.txt"

step "mmcv $MMCV_VERSION with compiled ops (source build, cached)"
TORCH_TAG=$("$PY" -c 'import sys, torch; v = torch.__version__.split("+")[0]; print("torch%s-py%d%d" % (v, *sys.version_info[:2]))')
CUDA_BUILD=0
if command -v nvcc >/dev/null && "$PY" -c 'import torch, sys; sys.exit(not torch.cuda.is_available())' 2>/dev/null; then
    CUDA_BUILD=1
fi
WHEELS="$CACHE/mmcv-$MMCV_VERSION-$TORCH_TAG-cuda$CUDA_BUILD"
if "$PY" -c 'import mmcv.ops' 2>/dev/null && has mmcv $MMCV_VERSION; then
    echo 'mmcv with ops already installed'
else
    if ! ls "$WHEELS"/mmcv-*.whl >/dev/null 2>&1; then
        echo "no cached wheel in $WHEELS: building from source."
        echo 'This compiles 77 C++ files: about 12-20 minutes on 2 cores' \
            "(much longer with CUDA ops, CUDA=$CUDA_BUILD)."
        SRC=$(mktemp -d)
        "$PY" -m pip download --no-deps --no-binary :all: \
            "mmcv==$MMCV_VERSION" -d "$SRC" ||
            fail 'could not download the mmcv source distribution from PyPI.'
        tar -xzf "$SRC"/mmcv-*.tar.gz -C "$SRC"
        # torch >= 2.10 headers require C++20; mmcv 2.1.0 asks for 14/17.
        sed -i -E 's/-std=c\+\+1[47]/-std=c++20/g' "$SRC/mmcv-$MMCV_VERSION/setup.py"
        mkdir -p "$WHEELS"
        (cd "$SRC/mmcv-$MMCV_VERSION" &&
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
pip_install -r "$ROOT/requirements/runtime.txt"
has mmengine 0.10.7 || pip_install mmengine==0.10.7
has mmdet 3.3.0 && has mmpose 1.3.2 ||
    pip_install --no-deps -r "$ROOT/requirements/mminstall.txt"

step 'xtcocotools built against the installed numpy'
if ! "$PY" -c 'from xtcocotools.coco import COCO' 2>/dev/null; then
    # The PyPI wheel is compiled against numpy 1 and fails on numpy 2.
    pip_install --no-deps --no-build-isolation --force-reinstall \
        --no-binary xtcocotools xtcocotools==1.14.3
fi

step 'hg_plugin (editable) and test tools'
pip_install -r "$ROOT/requirements/tests.txt"
pip_install --no-deps --no-build-isolation -e "$ROOT"

step 'import check'
"$PY" -c 'import hg_plugin, mmcv.ops, mmpose.models, torchvision, xtcocotools.coco' ||
    fail 'the stack installed but does not import; run tools/check_env.py for details.'
echo "$DIGEST" > "$STAMP"
echo 'set-up complete'
