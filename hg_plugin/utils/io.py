"""Writing output files so that a failure never leaves half a file."""
import json
import os
import os.path as osp
import tempfile
from typing import IO, Any, Callable


def atomic_write(path: str, write: Callable[[IO], Any],
                 mode: str = 'w') -> None:
    """Write ``path`` through ``write(file)`` all or nothing.

    The content goes to a temporary file in the same folder, is flushed to
    disk, and replaces ``path`` in one ``os.replace``. If anything fails
    (the writer, a full disk, the rename), the temporary file is removed,
    an existing ``path`` is left as it was, and the error is raised.

    Args:
        path (str): The file to write.
        write (callable): Called with the open temporary file.
        mode (str): ``'w'`` (text) or ``'wb'``. Defaults to ``'w'``.
    """
    folder = osp.dirname(osp.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(
        dir=folder, prefix=f'.{osp.basename(path)}.', suffix='.tmp')
    try:
        with os.fdopen(fd, mode) as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if osp.exists(tmp):
            os.remove(tmp)
        raise


def dump_json(obj: Any, path: str, **kwargs) -> None:
    """``json.dump`` through :func:`atomic_write`."""
    atomic_write(path, lambda f: json.dump(obj, f, **kwargs))
