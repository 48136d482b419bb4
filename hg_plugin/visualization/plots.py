"""Figures of the demo and of ``tools/eval_predictions.py`` (matplotlib,
written to PNG without a display)."""
import json
from typing import Dict, Sequence

import numpy as np


def _pyplot():
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    return plt


def plot_pck_curves(curves: Dict[str, Dict], thresholds: np.ndarray,
                    path: str, ylabel: str = 'PCKh, % (mean of 14 joints)'
                    ) -> None:
    """One PCK-versus-threshold curve per entry (name -> table with
    ``curve`` and ``AUC``)."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6, 4.5))
    for name, table in curves.items():
        ax.plot(thresholds, table['curve'],
                label=f'{name} (AUC {table["AUC"]:.1f})')
    ax.set_xlabel('normalised distance threshold')
    ax.set_ylabel(ylabel)
    ax.set_xlim(thresholds[0], thresholds[-1])
    ax.set_ylim(0, 100)
    ax.grid(alpha=0.3)
    ax.legend(loc='lower right', fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def read_scalars(path: str) -> list:
    """Rows of an mmengine ``vis_data/scalars.json``."""
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def plot_loss_curve(rows: Sequence[dict], path: str,
                    metric: str = 'PCKh/Mean') -> None:
    """Training loss per iteration and, if logged, the validation metric
    per epoch."""
    plt = _pyplot()
    train = [r for r in rows if 'loss' in r]
    val = [r for r in rows if metric in r]
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot([r['step'] for r in train], [r['loss'] for r in train],
            color='tab:blue', lw=1)
    ax.set_xlabel('iteration')
    ax.set_ylabel('training loss (sum over stacks)', color='tab:blue')
    ax.set_yscale('log')
    if val:
        # validation rows count epochs: place them at the epoch's last
        # iteration
        last_iter = {r.get('epoch'): r['step'] for r in train}
        ax2 = ax.twinx()
        ax2.plot([last_iter.get(r['step'], r['step']) for r in val],
                 [r[metric] for r in val], 'o-', color='tab:orange')
        ax2.set_ylabel(f'validation {metric} (epoch)', color='tab:orange')
        ax2.set_ylim(0, 100)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def heatmap_panel(image: np.ndarray, heatmaps: np.ndarray,
                  names: Sequence[str], path: str) -> None:
    """The input crop and each joint's predicted heatmap over it.

    Args:
        image (np.ndarray): (H, W, 3) RGB crop the network saw.
        heatmaps (np.ndarray): (K, h, w).
        names (sequence of str): K joint names.
    """
    import cv2
    plt = _pyplot()
    k = len(heatmaps)
    cols = 6
    rows = int(np.ceil((k + 1) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(cols * 1.6, rows * 1.7))
    axes = axes.ravel()
    axes[0].imshow(image)
    axes[0].set_title('input', fontsize=8)
    h, w = image.shape[:2]
    for i in range(k):
        hm = cv2.resize(heatmaps[i], (w, h), interpolation=cv2.INTER_LINEAR)
        axes[i + 1].imshow(image, alpha=0.5)
        axes[i + 1].imshow(np.clip(hm, 0, 1), cmap='jet', alpha=0.5,
                           vmin=0, vmax=1)
        axes[i + 1].set_title(names[i], fontsize=7)
    for ax in axes:
        ax.axis('off')
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
