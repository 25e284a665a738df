"""Saved models under ``MODELS_DIR/NAME/VERSION/``: a model file and ``metadata.json``.

Layout shared with the cell error detector's run metadata (stocktake.detection.store), whose
``errors-*`` folders hold only ``metadata.json``. Versions are UTC timestamps, so sorting
the folder names sorts by age. A version folder is written under a temporary name and renamed
into place at the end: a reader never sees half a model.

Model files are numpy ``.npz`` archives read with ``allow_pickle=False``: loading one runs no
code from the file, so only arrays and strings can come out of it.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from stocktake.atomic import current_umask
from stocktake.core.errors import SourceNotFoundError, UsageError

DEFAULT_MODELS_DIR = Path(".stocktake/models")
METADATA = "metadata.json"
_SAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def package_version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "missing"


def safe_name(name: str) -> str:
    """A name reduced to characters safe in a folder name."""
    cleaned = _SAFE.sub("_", name).strip("._")
    if not cleaned:
        raise UsageError(f"model name {name!r} has no usable characters (letters, digits, _ . -)")
    return cleaned


def new_version() -> str:
    """A sortable UTC timestamp, to the millisecond."""
    now = time.time()
    return time.strftime("%Y%m%dT%H%M%S", time.gmtime(now)) + f".{int(now * 1000) % 1000:03d}Z"


def save(
    root: Path, name: str, payload: dict[str, Any], write_files: Callable[[Path], None] | None = None
) -> Path:
    """Write ``root/NAME/VERSION`` atomically: `write_files(tmp)` fills a temp folder, then metadata.json.

    `payload` gets ``name``, ``version``, ``created_at`` and ``versions`` (library versions) added."""
    parent = root / safe_name(name)
    parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=parent))  # same file system: rename is atomic
    try:
        version = new_version()
        if write_files is not None:
            write_files(tmp)
        doc = {
            "name": parent.name,
            "version": version,
            "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            **payload,
            "versions": {p: package_version(p) for p in ("stocktake", "numpy", "scikit-learn", "scipy")},
        }
        (tmp / METADATA).write_text(json.dumps(doc, indent=2, default=str) + "\n", encoding="utf-8")
        target = parent / version
        suffix = 1
        while target.exists():  # two saves in one millisecond: keep both
            suffix += 1
            target = parent / f"{version}-{suffix}"
        if target.name != version:
            doc["version"] = target.name
            (tmp / METADATA).write_text(json.dumps(doc, indent=2, default=str) + "\n", encoding="utf-8")
        tmp.chmod(0o777 & ~current_umask())  # mkdtemp makes 0700; the folder gets the mode mkdir would give
        tmp.rename(target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target


@dataclass(frozen=True)
class SavedModel:
    name: str
    version: str
    path: Path
    metadata: dict[str, Any]

    @property
    def kind(self) -> str:
        return str(self.metadata.get("kind", "?"))

    @property
    def short_kind(self) -> str:
        """The kind without its parenthesised detail: "per-table cell error detector"."""
        return self.kind.split(" (")[0]

    @property
    def created(self) -> str:
        """``YYYY-MM-DD HH:MM:SS`` UTC: from created_at, else from the version's timestamp."""
        stamp = str(self.metadata.get("created_at") or "")
        if stamp:
            return stamp.replace("T", " ").rstrip("Z")
        try:  # the cell detector's versions start with %Y%m%dT%H%M%S
            return time.strftime("%Y-%m-%d %H:%M:%S", time.strptime(self.version[:15], "%Y%m%dT%H%M%S"))
        except ValueError:
            return ""

    @property
    def key_metric(self) -> str:
        """The one figure worth a column in a listing."""
        key = self.metadata.get("key_metric")
        if isinstance(key, dict) and "name" in key:
            value = key.get("value")
            return f"{key['name']}={value:.4f}" if isinstance(value, float) else f"{key['name']}={value}"
        metrics = self.metadata.get("metrics") or {}
        if "flagged_cells" in metrics:  # the cell error detector's run metadata
            return f"flagged_cells={metrics['flagged_cells']}"
        return ""


def _read(folder: Path) -> SavedModel | None:
    file = folder / METADATA
    if not file.is_file():
        return None
    try:
        doc = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        doc = {"kind": "unreadable metadata.json"}
    if not isinstance(doc, dict):
        doc = {"kind": "unreadable metadata.json"}
    return SavedModel(folder.parent.name, folder.name, folder, doc)


def list_models(root: Path = DEFAULT_MODELS_DIR) -> list[SavedModel]:
    """Every saved version under root, by name, oldest version first; temp folders skipped."""
    if not root.is_dir():
        return []
    out = []
    for parent in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        for folder in sorted(p for p in parent.iterdir() if p.is_dir() and not p.name.startswith(".")):
            saved = _read(folder)
            if saved is not None:
                out.append(saved)
    return out


def resolve(ref: str, root: Path = DEFAULT_MODELS_DIR) -> SavedModel:
    """``NAME`` (its newest version) or ``NAME/VERSION``; a path to a version folder also works."""
    direct = Path(ref)
    if (direct / METADATA).is_file():
        found = _read(direct)
        assert found is not None
        return found
    name, _, version = ref.partition("/")
    versions = [m for m in list_models(root) if m.name == name]
    if version:
        versions = [m for m in versions if m.version == version]
    if not versions:
        known = sorted({m.name for m in list_models(root)})
        hint = f" (saved: {', '.join(known)})" if known else f" (none saved under {root})"
        raise SourceNotFoundError(f"no saved model {ref!r}{hint}")
    return versions[-1]


__all__ = ["DEFAULT_MODELS_DIR", "SavedModel", "list_models", "new_version", "resolve", "safe_name", "save"]
