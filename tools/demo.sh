#!/usr/bin/env bash
# The demo (`make demo`): generate synthetic people if absent, train a
# two-stack hourglass on the CPU, evaluate its best checkpoint with
# tools/test.py (PCKhMetric), draw the figures, and run tools/infer.py on a
# short synthetic video.
#   CONFIG=configs/hg1_flic_synthetic.py bash tools/demo.sh  for FLIC
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
CONFIG=${CONFIG:-configs/hg2_synthetic.py}
NAME=$(basename "$CONFIG" .py)
DATA=${DATA:-data/synthetic}
WORK=${WORK:-work_dirs/$NAME}
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-$(nproc)}
start=$(date +%s)
stamp() { echo "[demo $(( $(date +%s) - start )) s] $*"; }

if [ ! -f "$DATA/annotations/mpii_gt_val.mat" ]; then
    stamp "generating synthetic people in $DATA"
    "$PY" tools/make_synthetic_data.py "$DATA" --train 3000 --val 300
fi
rm -rf "$WORK"
stamp "training $CONFIG"
"$PY" tools/train.py "$CONFIG" --work-dir "$WORK"
CKPT=$(ls "$WORK"/best_*.pth | head -n 1)
stamp "evaluating $CKPT"
"$PY" tools/test.py "$CONFIG" "$CKPT" --work-dir "$WORK/test" \
    --dump "$WORK/preds.json" --out "$WORK/test_metrics.json"
LOG=$(ls "$WORK"/2*/vis_data/scalars.json | tail -n 1)
stamp 'drawing figures'
"$PY" tools/demo_report.py "$CONFIG" "$CKPT" --preds "$WORK/preds.json" \
    --out-dir "$WORK/report" --train-log "$LOG"
stamp 'inference on a synthetic video'
"$PY" tools/make_synthetic_video.py "$WORK/video/person.mp4" \
    --boxes-out "$WORK/video/boxes.json"
"$PY" tools/infer.py "$WORK/video/person.mp4" "$CONFIG" "$CKPT" \
    --bboxes "$WORK/video/boxes.json" --out-dir "$WORK/video/out"
stamp "done: metrics in $WORK/test_metrics.json, figures in $WORK/report," \
    "the video's poses in $WORK/video/out"
