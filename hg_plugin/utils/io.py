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


def read_mat(path: str) -> dict:
    """``scipy.io.loadmat(path)``, read in a forked child process.

    scipy's MAT reader can crash the whole process on a damaged file (a
    segmentation fault, seen with scipy 1.17 on a MATLAB 5 file with a
    few flipped bytes; found by tests/test_fuzz). In a child, such a crash
    becomes an ``OSError`` naming the file, and nothing is lost in the
    caller; any other error of the reader is raised as a ``ValueError``
    with its message.
    """
    import multiprocessing as mp
    ctx = mp.get_context('fork')
    receive, send = ctx.Pipe(duplex=False)

    def read() -> None:
        import faulthandler
        faulthandler.disable()  # a crash here is reported by the parent
        from scipy.io import loadmat
        try:
            send.send(('ok', loadmat(path)))
        except Exception as e:  # reported to the parent, which raises
            send.send(('error', f'{type(e).__name__}: {e}'))

    child = ctx.Process(target=read, daemon=True)
    child.start()
    send.close()
    try:
        status, value = receive.recv()
    except EOFError:  # the child died without an answer
        child.join()
        raise OSError(f'{path}: reading it crashed the MAT-file reader '
                      f'(scipy.io.loadmat, exit code {child.exitcode}): '
                      'the file is damaged') from None
    finally:
        receive.close()
    child.join()
    if status != 'ok':
        raise ValueError(value)
    return value
