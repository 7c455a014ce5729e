"""Safe reading of untrusted REFI-QDA archives and XML, and deterministic writing of our own.

A ``.qdpx`` from somebody else's machine is untrusted input. Nothing in it is ever extracted to disk
under its own name: entries are read into memory, streamed with a byte cap, and only files whose names
this package makes up are written. Archives that try anything unusual are refused outright, each with
one line that names the file:

- entry names that are absolute, contain ``..`` or are symbolic links (zip-slip);
- too many entries, entries or a total that are too large, or a compression ratio no text reaches
  (zip bombs) -- checked on the header sizes first and again on the bytes actually read, since headers
  can lie;
- XML with a ``DOCTYPE`` or ``ENTITY`` declaration (XXE, billion laughs); the parser also never
  resolves entities, loads DTDs or touches the network.
"""

from __future__ import annotations

import io
import re
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from lxml import etree

from .errors import RefiError

__all__ = ["Limits", "SafeArchive", "parse_xml", "write_archive", "FIXED_DATE"]

#: Timestamp of every entry we write (the zip epoch), so that two exports are byte-identical.
FIXED_DATE = (1980, 1, 1, 0, 0, 0)
_CHUNK = 1 << 16
_DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


@dataclass(frozen=True)
class Limits:
    """Limits on an untrusted archive.

    Parameters
    ----------
    max_entries : int, default 10_000
        Entries (files and folders) in the archive.
    max_entry_bytes : int, default 200 MB
        Uncompressed size of one entry.
    max_total_bytes : int, default 1 GB
        Uncompressed size of all entries that are read.
    max_ratio : float, default 200
        Uncompressed / compressed size of one entry (plain text reaches 3-10, a zip bomb thousands).
    """

    max_entries: int = 10_000
    max_entry_bytes: int = 200 * 1024 ** 2
    max_total_bytes: int = 1024 ** 3
    max_ratio: float = 200.0

    def __post_init__(self):
        for name in ("max_entries", "max_entry_bytes", "max_total_bytes", "max_ratio"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                raise ValueError(f"The {name!r} parameter of Limits must be a positive number. Got {value!r} instead.")


def _unsafe_name(name: str) -> str | None:
    """Why an entry name is unsafe, or None."""
    if not name or "\x00" in name:
        return "an empty or NUL name"
    posix = name.replace("\\", "/")
    if posix.startswith("/") or re.match(r"^[A-Za-z]:", posix):
        return "an absolute path"
    if ".." in PurePosixPath(posix).parts:
        return "a '..' path that points outside the archive"
    return None


class SafeArchive:
    """A zip archive opened for reading with every entry checked against :class:`Limits`.

    Parameters
    ----------
    path : str or Path
        The ``.qdpx`` file.
    limits : Limits, optional

    Raises
    ------
    RefiError
        If the file is not a zip archive or any entry is unsafe (one line naming the file).
    """

    def __init__(self, path: str | Path, limits: Limits | None = None):
        self.path = Path(path)
        self.limits = limits or Limits()
        try:
            self._zip = zipfile.ZipFile(self.path)
        except zipfile.BadZipFile:
            raise RefiError(self.path, "not a REFI-QDA archive: a .qdpx must be a zip file") from None
        except OSError as exc:
            raise RefiError(self.path, f"cannot read file: {exc.strerror or exc}") from None
        self._read_total = 0
        self._check_entries()
        self._by_lower = {}
        for info in self._zip.infolist():
            if not info.is_dir():
                self._by_lower.setdefault(info.filename.replace("\\", "/").lower(), info)

    def _refuse(self, message: str):
        raise RefiError(self.path, f"refused: {message}")

    def _check_entries(self) -> None:
        infos = self._zip.infolist()
        lim = self.limits
        if len(infos) > lim.max_entries:
            self._refuse(f"{len(infos)} entries (at most {lim.max_entries})")
        total = 0
        for info in infos:
            why = _unsafe_name(info.filename)
            if why:
                self._refuse(f"entry {info.filename!r} has {why}")
            mode = info.external_attr >> 16
            if mode and stat.S_ISLNK(mode):
                self._refuse(f"entry {info.filename!r} is a symbolic link")
            self._check_size(info, info.file_size)
            total += info.file_size
        if total > lim.max_total_bytes:
            self._refuse(f"{total} bytes uncompressed (at most {lim.max_total_bytes}); a zip bomb?")

    def _check_size(self, info: zipfile.ZipInfo, size: int) -> None:
        lim = self.limits
        if size > lim.max_entry_bytes:
            self._refuse(f"entry {info.filename!r} is larger than {lim.max_entry_bytes} bytes uncompressed; a zip bomb?")
        if size > 1024 and size > lim.max_ratio * max(info.compress_size, 1):
            self._refuse(f"entry {info.filename!r} expands more than {lim.max_ratio:g} times; a zip bomb?")

    @property
    def names(self) -> list[str]:
        """Names of the file entries, as stored."""
        return [i.filename for i in self._zip.infolist() if not i.is_dir()]

    def find(self, name: str) -> str | None:
        """The stored name of an entry, matched without regard to case and slash direction."""
        info = self._by_lower.get(name.replace("\\", "/").lower())
        return info.filename if info else None

    def read(self, name: str) -> bytes:
        """The bytes of one entry, read in chunks and stopped as soon as a limit is passed.

        The sizes in the zip headers are not trusted: the count is of the bytes actually produced.
        """
        info = self._zip.getinfo(name)
        lim = self.limits
        cap = min(lim.max_entry_bytes, lim.max_total_bytes - self._read_total)
        out = io.BytesIO()
        try:
            with self._zip.open(info) as fh:
                while True:
                    chunk = fh.read(_CHUNK)
                    if not chunk:
                        break
                    out.write(chunk)
                    size = out.tell()
                    if size > cap:
                        self._refuse(f"entry {name!r} holds more than {cap} bytes uncompressed; a zip bomb?")
                    self._check_size(info, size)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError, NotImplementedError) as exc:
            if isinstance(exc, RefiError):
                raise
            raise RefiError(self.path, f"entry {name!r} cannot be read: {exc}") from None
        self._read_total += out.tell()
        return out.getvalue()

    def close(self) -> None:
        self._zip.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                           dtd_validation=False, remove_blank_text=False)


def _declaration_in(data: bytes) -> bool:
    if _DECLARATION.search(data):
        return True
    for bom, codec in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):  # the byte search above misses UTF-16 text
            text = data.decode(codec, errors="replace")
            return bool(re.search(r"<!\s*(DOCTYPE|ENTITY)", text, re.IGNORECASE))
    return False


def parse_xml(data: bytes, where: str | Path, what: str = "XML") -> etree._Element:
    """Parse untrusted XML without entities, DTDs or network access.

    Parameters
    ----------
    data : bytes
        The document.
    where : str or Path
        The file it came from (for the one-line error).
    what : str, default "XML"
        What the document is, for messages (e.g. "project.qde").

    Returns
    -------
    lxml.etree._Element
        The root element.

    Raises
    ------
    RefiError
        On a DOCTYPE or ENTITY declaration (refused outright) or XML that is not well-formed.
    """
    if _declaration_in(data):
        raise RefiError(where, f"refused: {what} contains a DOCTYPE or ENTITY declaration "
                               "(REFI-QDA files need none; it could expand entities or read other files)")
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        msg = str(exc).splitlines()[0] if str(exc) else "syntax error"
        raise RefiError(where, f"{what} is not well-formed XML ({msg})") from None
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:  # belt and braces
        raise RefiError(where, f"refused: {what} contains a DOCTYPE declaration")
    return root


def write_archive(path: str | Path, entries: dict[str, bytes]) -> Path:
    """Write a zip whose bytes depend only on ``entries``: sorted names, fixed dates, fixed compression.

    Parameters
    ----------
    path : str or Path
        The archive to write (its folder is created).
    entries : dict of str to bytes
        Entry name -> content.

    Returns
    -------
    Path
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=FIXED_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3  # unix, whatever machine writes it
            zf.writestr(info, entries[name], compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    path.write_bytes(buffer.getvalue())
    return path
