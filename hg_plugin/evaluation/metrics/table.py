from typing import Dict, Sequence


def format_table(tables: Dict[str, Dict], joint_names: Sequence[str]) -> str:
    """Plain-text table: one row per entry of ``tables`` (row name -> a
    summary of ``functional.summarize``): groups and means, then joints."""
    first = next(iter(tables.values()))
    groups = [k for k in first if k != 'per_joint']
    cols = [g.replace(' (joint-weighted)', '(w)') for g in groups]
    cols += list(joint_names)
    widths = [max(len(c), 6) + 1 for c in cols]
    name_w = max(len(n) for n in tables) + 1
    lines = [' ' * name_w + ''.join(c.rjust(w) for c, w in zip(cols, widths))]
    for name, t in tables.items():
        values = [t[g] for g in groups] + list(t['per_joint'])
        lines.append(name.ljust(name_w) +
                     ''.join(f'{v:{w}.2f}' for v, w in zip(values, widths)))
    return '\n'.join(lines)
