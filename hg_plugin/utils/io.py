"""Reading users' files and writing the plugin's, in one place.

Readers (json and gzipped json, MATLAB ``.mat``, ``.h5``, torch
checkpoints) raise ``FileNotFoundError`` for a missing file and, for one
they cannot read, the error class the caller names, with a message that
starts with the file's path. Writers replace a file all or nothing.
"""
import gzip
import json
import os
import os.path as osp
import pickle
import re
import tempfile
import zipfile
from typing import IO, Any, Callable, Dict, Optional, Type

Error = Type[Exception]


# ------------------------------------------------------------------ writing
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


class JsonListWriter:
    """A json object with one list that grows item by item on disk:
    ``{<head>, "<key>": [item, ...], <tail>}``, for results of unbounded
    number (the frames of a video, a camera) in constant memory.

    Items go to a temporary file in the output's folder; :meth:`close`
    writes the tail and renames it to ``path``: until then an existing file
    stays as it was, and ``path`` is never half written. Leaving a ``with``
    block for whatever reason (an error, Ctrl-C) closes it with the items
    so far: the file is valid json either way.

    Args:
        path (str): The json file to write.
        head (dict): The fields before the list.
        key (str): The list's name. Defaults to ``'results'``.
    """

    def __init__(self, path: str, head: dict, key: str = 'results') -> None:
        self.path = path
        folder = osp.dirname(osp.abspath(path))
        os.makedirs(folder, exist_ok=True)
        fd, self._tmp = tempfile.mkstemp(
            dir=folder, prefix=f'.{osp.basename(path)}.', suffix='.tmp')
        self._file = os.fdopen(fd, 'w')
        self._file.write(json.dumps(head)[:-1] +
                         (', ' if head else '') + f'{json.dumps(key)}: [')
        self.count = 0
        self.tail: dict = {}

    def add(self, item: Any) -> None:
        self._file.write((',\n' if self.count else '\n') +
                         json.dumps(item))
        self.count += 1

    def close(self) -> None:
        """Write ``self.tail``'s fields after the list and move the file
        into place."""
        if self._file is None:
            return
        try:
            tail = json.dumps(self.tail)[1:]
            self._file.write('\n]' + (', ' + tail if self.tail else '}'))
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
            os.replace(self._tmp, self.path)
        except BaseException:  # a full disk: the previous file stays
            self._file.close()
            if osp.exists(self._tmp):
                os.remove(self._tmp)
            raise
        finally:
            self._file = None

    def __enter__(self) -> 'JsonListWriter':
        return self

    def __exit__(self, *exc) -> None:
        self.close()


# ------------------------------------------------------------------ reading
def _exists(path: str, what: str) -> None:
    if not osp.isfile(path):
        raise FileNotFoundError(f'{what + " " if what else ""}{path} does '
                                'not exist')


def read_json(path: str, error: Error = ValueError, what: str = '') -> Any:
    """The content of a json file, gzipped where the name ends in ``.gz``.

    Args:
        path (str): The file.
        error (type): Raised for a file that is not (gzipped) json.
            Defaults to ``ValueError``.
        what (str): What the file is, for the missing-file message
            (``'annotation file'``). Defaults to ``''``.
    """
    _exists(path, what)
    opener = gzip.open if path.endswith('.gz') else open
    try:
        with opener(path, 'rt') as f:
            return json.load(f)
    except Exception as e:  # json, gzip, zlib and codecs raise several types
        raise error(f'{path}: not a readable json file ({type(e).__name__}: '
                    f'{str(e)[:200]})') from None


def read_mat(path: str, error: Error = ValueError, what: str = '') -> dict:
    """``scipy.io.loadmat(path)``, read in a forked child process.

    scipy's MAT reader can crash the whole process on a damaged file (a
    segmentation fault on a MATLAB 5 file with a few flipped bytes). In a
    child, such a crash becomes an ``error`` naming the file, and nothing
    is lost in the caller; any other failure of the reader is an ``error``
    with its message.
    """
    import multiprocessing as mp
    _exists(path, what)
    ctx = mp.get_context('fork')
    receive, send = ctx.Pipe(duplex=False)

    def read() -> None:
        import faulthandler
        faulthandler.disable()  # a crash here is reported by the parent
        from scipy.io import loadmat
        try:
            send.send(('ok', loadmat(path)))
        except Exception as e:  # reported to the parent, which raises
            send.send(('error', f'{type(e).__name__}: {str(e)[:200]}'))

    child = ctx.Process(target=read, daemon=True)
    child.start()
    send.close()
    try:
        status, value = receive.recv()
    except EOFError:  # the child died without an answer
        child.join()
        status, value = 'error', (
            'reading it crashed the MAT-file reader, scipy.io.loadmat, '
            f'exit code {child.exitcode}')
    finally:
        receive.close()
    child.join()
    if status != 'ok':
        raise error(f'{path}: not a readable .mat file ({value})')
    return value


def read_h5(path: str, error: Error = ValueError, what: str = ''
            ) -> Dict[str, Any]:
    """Every dataset at the top level of an ``.h5`` file, read."""
    import h5py
    _exists(path, what)
    try:
        with h5py.File(path, 'r') as f:
            return {k: f[k][()] for k in f if isinstance(f[k], h5py.Dataset)}
    except Exception as e:  # h5py raises many types for damaged files
        raise error(f'{path}: not a readable .h5 file ({type(e).__name__}: '
                    f'{str(e)[:200]})') from None


# -------------------------------------------------------------- checkpoints
class UnsafeCheckpointError(pickle.UnpicklingError):
    """A checkpoint that would run code other than tensor reconstruction."""


class DamagedCheckpointError(RuntimeError):
    """A checkpoint file that is cut, corrupted or not a torch file."""


# the refusal of compat.history_buffer_getattr, which torch wraps
GETATTR_REFUSAL = 'checkpoint asks for getattr'


def load_torch_file(path: str, map_location: Optional[str] = 'cpu') -> Any:
    """``torch.load(path, weights_only=True)``, its zip CRCs checked and
    every failure named.

    ``weights_only`` unpickles tensors, numbers, strings, containers and
    the classes allowlisted with ``torch.serialization.add_safe_globals``
    (mmengine's, by ``hg_plugin.compat``); anything else is refused before
    it runs. torch does not check the zip members' CRCs, so flipped bytes in
    a tensor would load as silently wrong weights: they are checked first.

    Raises:
        FileNotFoundError: No such file.
        UnsafeCheckpointError: The file needs a global that is not
            allowed; the message names the globals.
        DamagedCheckpointError: Cut, corrupted, or not a torch file.
    """
    import torch
    path = osp.expanduser(path)
    _exists(path, 'checkpoint')
    _check_zip(path)
    try:
        return torch.load(path, map_location=map_location, weights_only=True)
    except pickle.UnpicklingError as e:
        refusal = [line for line in str(e).splitlines()
                   if line.startswith(GETATTR_REFUSAL)]
        if refusal:
            raise UnsafeCheckpointError(
                f'checkpoint {path}: {refusal[0]}') from None
        try:
            unsafe = torch.serialization.get_unsafe_globals_in_checkpoint(
                path)
        except Exception:  # a legacy (not zip) file: torch's message
            unsafe = re.findall(r'GLOBAL ([\w.]+)', str(e))
        if unsafe:
            raise UnsafeCheckpointError(
                f'checkpoint {path} refers to {unsafe}, which loading it '
                'would execute; nothing was executed. If you trust the file, '
                'allowlist them with torch.serialization.add_safe_globals'
            ) from None
        # torch's weights-only refusal wraps the reason in two paragraphs
        # of advice that would fill the excerpt
        reason = re.search(r'WeightsUnpickler error:\s*(.+)', str(e))
        raise DamagedCheckpointError(
            f'checkpoint {path} is damaged or not a torch file '
            f'({(reason.group(1) if reason else str(e))[:300]})') from None
    except Exception as e:  # torch raises many types for damaged files
        raise DamagedCheckpointError(
            f'checkpoint {path} is damaged or not a torch file '
            f'({type(e).__name__}: {str(e)[:300]})') from None


def _check_zip(path: str) -> None:
    """Refuse a zip checkpoint (torch's format since 1.6) whose members fail
    their CRC32, or that is not a complete archive."""
    try:
        with zipfile.ZipFile(path) as archive:
            bad = archive.testzip()
    except zipfile.BadZipFile:
        with open(path, 'rb') as f:  # a zip's first member, cut before the end
            damaged = f.read(4) == b'PK\x03\x04'
        try:
            damaged = damaged or zipfile.is_zipfile(path)
        except zipfile.BadZipFile:  # a damaged zip64 end record
            damaged = True
        if damaged:
            raise DamagedCheckpointError(f'checkpoint {path} is damaged (not '
                                         'a complete zip archive)') from None
        return  # a legacy (pre-1.6) file: torch.load checks what it can
    except (OSError, EOFError, ValueError, NotImplementedError) as e:
        raise DamagedCheckpointError(f'checkpoint {path} is damaged '
                                     f'({type(e).__name__}: {e})') from None
    if bad is not None:
        raise DamagedCheckpointError(f'checkpoint {path} is damaged: its '
                                     f'member {bad} fails its CRC check')
