"""Output folders and files that never lose a user's file and are never seen half-written.

Every command that writes outputs goes through :func:`replace_folder` (a folder of tables
and figures) or :func:`replace_file` (one self-contained file). The rules, coded once here:

* **Only our own outputs are replaced.** A target folder is replaced only if it does not
  exist, is empty, or is a previous jevons output: it holds a ``manifest.json`` written by
  jevons and nothing that manifest does not list (:func:`foreign_entries`). A target file is
  replaced only if it carries the writer's marker in its first :data:`MARKER_BYTES` bytes.
  The current folder, its parents, the home folder and ``/`` are never targets. Anything
  else is an :class:`~simulator.errors.OutputError` (exit 2) naming what is in the way.
* **Readers see a complete old or new set at every instant.** Outputs are written into a
  staging folder inside the target's store, ``.NAME.jevons/`` beside it, then swapped with
  the target in one atomic ``renameat2(RENAME_EXCHANGE)`` (Linux). The replaced set is kept
  in the store as ``previous/`` until the next run, so a reader still inside it is not cut
  short. Where the exchange is not available (another OS, a file system without it), two
  renames are used and a reader may, for a few microseconds, find no folder.
* **One writer at a time.** The store's ``lock`` is held (non-blocking ``filelock``) from
  :func:`claim` until the outputs are in place; a second run into the same target exits 2
  at once. A killed run leaves only a ``staging-*`` folder in the store, removed by the
  next run of the same target, as are the ``.NAME.tmp-*``/``.NAME.old-*`` leftovers of
  jevons 0.1.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import functools
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import filelock

from .errors import OutputError, ScenarioError, UsageError
from .inputs import MAX_MANIFEST_BYTES, read_json
from .interrupts import stop_if_requested
from .version import __version__

MANIFEST = "manifest.json"
#: Key of manifest.json listing every file of the folder (paths relative to it, "/" separated).
CONTENTS_KEY = "contents"
#: Bytes read from the head of an existing file to find the writer's marker.
MARKER_BYTES = 4096
#: Top-level names that jevons 0.1 wrote (before manifests listed their contents).
_LEGACY_NAMES = frozenset({
    "timeseries.csv", "summary.json", "contributions.csv", MANIFEST, "comparison.csv", "comparison.json",
    "members.parquet", "members.csv", "bands.csv", "grid.csv", "indices.csv", "plots", "graph",
})
_FIGURE_SUFFIXES = (".png", ".svg", ".pdf")
_RENAME_EXCHANGE = 2
_RENAME_NOREPLACE = 1
_AT_FDCWD = -100

_held: dict[Path, filelock.BaseFileLock] = {}


def _absolute(target: str | Path) -> Path:
    """The target as an absolute path with ``.`` and ``..`` folded, its last part not followed."""
    return Path(os.path.abspath(os.fspath(target)))


def store_of(target: Path) -> Path:
    """The hidden folder beside ``target`` that holds its lock, staging and previous outputs."""
    return target.with_name(f".{target.name}.jevons")


def _refuse(target: Path, why: str) -> OutputError:
    return OutputError(f"{target}: {why}")


def _protected(target: Path) -> str | None:
    """Why ``target`` may never be an output folder, or None."""
    if target == Path(target.anchor):
        return "is the root folder; choose a new folder for the outputs, e.g. outputs/NAME"
    cwd = Path.cwd().resolve()
    real = target.resolve()
    if real == cwd or real in cwd.parents:
        return "is the current folder or one of its parents; choose a new folder for the outputs, e.g. outputs/NAME"
    if real == Path.home().resolve():
        return "is the home folder; choose a new folder for the outputs, e.g. outputs/NAME"
    return None


def _read_manifest(folder: Path) -> dict[str, Any] | None:
    """The manifest of a folder, or None if it is missing, too large, not JSON or not a mapping."""
    try:
        data = read_json(folder / MANIFEST, limit=MAX_MANIFEST_BYTES, what="the manifest of an output folder")
    except ScenarioError:
        return None
    return data if isinstance(data, dict) else None


def _listing(folder: Path) -> list[str]:
    """Every file and folder below ``folder``, as sorted relative paths ("/" separated)."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


def _is_legacy_entry(name: str) -> bool:
    if "/" not in name:
        return name in _LEGACY_NAMES
    head, _, rest = name.partition("/")
    return head in ("plots", "graph") and "/" not in rest and rest.endswith(_FIGURE_SUFFIXES)


def foreign_entries(folder: Path) -> list[str] | None:
    """What in ``folder`` jevons did not write: None if the folder is not a jevons output at all
    (no manifest of ours), else the relative paths its manifest does not account for."""
    manifest = _read_manifest(folder)
    if manifest is None or "version" not in manifest or "command" not in manifest:
        return None
    present = _listing(folder)
    listed = manifest.get(CONTENTS_KEY)
    if isinstance(listed, list):
        known = {str(name) for name in listed} | {MANIFEST}
        known |= {parent.as_posix() for name in known for parent in Path(name).parents if parent != Path(".")}
        return [name for name in present if name not in known]
    return [name for name in present if not _is_legacy_entry(name)]


def _shown(names: list[str], limit: int = 5) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


#: Longest name (bytes) most file systems allow; the store beside a target adds 8 to its name.
NAME_MAX = 255


def check_folder(target: str | Path) -> Path:
    """Raise OutputError unless ``target`` may be replaced by a jevons output folder; return it
    as an absolute path. Call it before computing anything, so a refused target costs nothing."""
    target = _absolute(target)
    if len(os.fsencode(f".{target.name}.jevons")) > NAME_MAX:  # the name of store_of(target)
        raise _refuse(target, f"has a name too long for the file system: jevons keeps .NAME.jevons beside it, so "
                              f"the name may have at most {NAME_MAX - 8} bytes; choose a shorter name")
    try:
        return _checked_folder(target)
    except OutputError:
        raise
    except (OSError, RuntimeError) as exc:  # a name too long on the way, a symbolic link loop, no permission
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "symbolic links in this path loop"
        raise _refuse(target, f"cannot be used as an output folder ({reason}); choose another output path") from None


def _checked_folder(target: Path) -> Path:
    why = _protected(target)
    if why:
        raise _refuse(target, why)
    if target.is_symlink():
        raise _refuse(target, "is a symbolic link; give a new folder for the outputs, or the folder it points to")
    if not target.exists():
        return target
    if not target.is_dir():
        raise _refuse(target, "exists and is not a folder; choose another output path")
    try:
        present = _listing(target)
    except OSError as exc:
        raise _refuse(target, f"cannot be read ({exc.strerror})") from None
    if not present:
        return target
    foreign = foreign_entries(target)
    if foreign is None:
        raise _refuse(target, f"is not empty and is not a jevons output folder (it holds {_shown(present)}); "
                              "jevons replaces only its own outputs: choose a new folder")
    if foreign:
        raise _refuse(target, f"is a jevons output folder, but also holds files jevons did not write "
                              f"({_shown(foreign)}); move them away or choose another folder")
    return target


def check_file(target: str | Path, marker: str) -> Path:
    """Raise OutputError unless ``target`` is absent or a file whose head holds ``marker``."""
    target = _absolute(target)
    try:
        return _checked_file(target, marker)
    except OutputError:
        raise
    except (OSError, RuntimeError) as exc:  # a name too long, a symbolic link loop, no permission
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "symbolic links in this path loop"
        raise _refuse(target, f"cannot be used as an output file ({reason}); choose another file name") from None


def _checked_file(target: Path, marker: str) -> Path:
    if len(os.fsencode(f".{target.name}.12345678.tmp")) > NAME_MAX:  # the temporary file written beside it
        raise _refuse(target, f"has a name too long for the file system (at most {NAME_MAX - 14} bytes); "
                              "choose a shorter name")
    if target.is_dir():
        raise _refuse(target, "is a folder; give a file name")
    if not target.exists() and not target.is_symlink():
        return target
    if target.is_symlink() or not target.is_file():
        raise _refuse(target, "exists and is not a regular file; choose another file name")
    try:
        with open(target, "rb") as handle:
            head = handle.read(MARKER_BYTES)
    except OSError as exc:
        raise _refuse(target, f"cannot be read ({exc.strerror})") from None
    if marker.encode() not in head:
        raise _refuse(target, "exists and was not written by jevons; jevons replaces only its own files: "
                              "choose another file name")
    return target


def _make_parent(target: Path) -> None:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        if exc.errno in (errno.EEXIST, errno.ENOTDIR):  # mkdir's words for "a part of the path is a file"
            raise _refuse(target, "a part of the path before its name exists and is not a folder; "
                                  "choose another output path") from None
        raise _refuse(target, f"cannot create its parent folder ({exc.strerror or exc})") from None
    if not os.access(target.parent, os.W_OK):
        raise _refuse(target, f"its parent folder {target.parent} is not writable")


@contextmanager
def claim(target: str | Path) -> Iterator[Path]:
    """Check ``target`` and hold its lock until the block ends: a second run into the same target
    is refused (exit 2) instead of racing this one. Reentrant within one process."""
    stop_if_requested()
    target = check_folder(target)
    if target in _held:
        yield target
        return
    _make_parent(target)
    store = store_of(target)
    created = not store.exists()
    try:
        store.mkdir(exist_ok=True)
        lock = filelock.FileLock(store / "lock", timeout=0)
        lock.acquire()
    except filelock.Timeout:
        raise _refuse(target, "another jevons command is writing to this folder; wait for it to finish") from None
    except OSError as exc:
        raise _refuse(target, f"cannot create {store.name} beside it ({exc.strerror or exc})") from None
    _held[target] = lock
    try:
        _clean(target, store)
        yield target
    finally:
        del _held[target]
        lock.release()
        if created and not target.exists():  # nothing was written: leave nothing either
            shutil.rmtree(store, ignore_errors=True)


def _clean(target: Path, store: Path) -> None:
    """Remove what killed runs left: staging folders in the store, jevons 0.1 temporary folders."""
    for leftover in store.glob("staging-*"):
        shutil.rmtree(leftover, ignore_errors=True)
    for pattern in (f".{target.name}.tmp-*", f".{target.name}.old-*"):
        for leftover in target.parent.glob(pattern):
            if (leftover.is_dir() and not leftover.is_symlink()
                    and all(_is_legacy_entry(name) for name in _listing(leftover))):
                shutil.rmtree(leftover, ignore_errors=True)


def _list_contents(staging: Path) -> None:
    """Record in the staging folder's manifest every file written, so that the next run
    recognises the folder as ours; a folder written without a manifest gets a minimal one."""
    manifest = _read_manifest(staging) or {"version": __version__, "command": None}
    manifest[CONTENTS_KEY] = [name for name in _listing(staging) if name != MANIFEST]
    (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, allow_nan=False) + "\n", encoding="utf-8")


@functools.cache
def _libc() -> ctypes.CDLL | None:
    """The C library, loaded once (None off POSIX)."""
    return ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True) if os.name == "posix" else None


def _renameat2(source: Path, target: Path, flags: int) -> bool:
    """One atomic renameat2 call; False where the system or file system does not offer it."""
    function = getattr(_libc(), "renameat2", None)
    if function is None:
        return False
    if function(_AT_FDCWD, os.fsencode(source), _AT_FDCWD, os.fsencode(target), flags) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(target))


def _swap_in(staging: Path, target: Path, store: Path) -> None:
    previous = store / "previous"
    shutil.rmtree(previous, ignore_errors=True)
    if not target.exists():
        if not _renameat2(staging, target, _RENAME_NOREPLACE):
            os.rename(staging, target)
        return
    if _renameat2(staging, target, _RENAME_EXCHANGE):
        os.rename(staging, previous)
    else:
        os.rename(target, previous)
        os.rename(staging, target)
    if previous.is_dir() and not any(previous.iterdir()):
        previous.rmdir()


@contextmanager
def replace_folder(target: str | Path) -> Iterator[Path]:
    """Yield an empty staging folder; when the block ends without error, its contents replace
    ``target`` whole (see the module docstring); on any error or interrupt, ``target`` is left as
    it was and the staging folder is removed."""
    with claim(target) as target:
        store = store_of(target)
        try:
            staging = Path(tempfile.mkdtemp(prefix="staging-", dir=store))
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(staging, 0o777 & ~umask)
        except OSError as exc:
            raise _refuse(target, f"cannot write beside it ({exc.strerror or exc})") from None
        try:
            yield staging
            _list_contents(staging)
            check_folder(target)
            _swap_in(staging, target, store)
        except OSError as exc:
            shutil.rmtree(staging, ignore_errors=True)
            if isinstance(exc, OutputError):
                raise
            raise _refuse(target, f"cannot be written ({exc.strerror or exc})") from None
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise


def replace_file(target: str | Path, content: str | bytes, marker: str) -> Path:
    """Write ``content`` (text, written as UTF-8, or bytes such as a PDF) to ``target`` through a temporary
    file renamed over it (atomic), only if ``target`` is absent or was written by jevons (``marker`` in
    its first :data:`MARKER_BYTES` bytes; ``content`` must hold it there)."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    if marker.encode("utf-8") not in data[:MARKER_BYTES]:
        raise UsageError("the content to write must carry its marker near its start")
    target = check_file(target, marker)
    _make_parent(target)
    try:
        handle, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise _refuse(target, f"cannot be written ({exc.strerror or exc})") from None
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except OSError as exc:
        raise _refuse(target, f"cannot be written ({exc.strerror or exc})") from None
    finally:
        Path(tmp).unlink(missing_ok=True)
    return target
