"""Outlook .msg files written by hand, with the structure Outlook writes.

A .msg file is an OLE Compound File ([MS-CFB], version 3: 512-byte sectors, a FAT, a mini
stream of 64-byte mini sectors for the streams under 4096 bytes and its mini FAT, and a
directory whose entries form one red-black search tree per storage) holding the MAPI
properties of [MS-OXMSG]:

- the root storage has a ``__properties_version1.0`` stream (a 32-byte header with the next
  recipient and attachment ids and their counts, then one 16-byte entry per property) and one
  ``__substg1.0_IIIITTTT`` stream per variable-length property (id then type, uppercase hex);
- each recipient has a ``__recip_version1.0_#0000000N`` storage and each attachment an
  ``__attach_version1.0_#0000000N`` storage, both with the same layout under an 8-byte header;
- the ``__nameid_version1.0`` storage maps named properties; Outlook always writes it, here
  with its three streams empty since no named property is used.

``build_cfb`` is a generic compound-file writer (a tree of storages and streams in, the file's
bytes out); ``make_msg`` lays a plain e-mail out in that tree the way Outlook does.
"""

from __future__ import annotations

import datetime
import struct
import unicodedata
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import TypeAlias

# --- Compound File Binary ([MS-CFB]) ----------------------------------------------------------

CfbTree: TypeAlias = "Mapping[str, bytes | CfbTree]"
"""A storage: each name maps to a stream's bytes or to a sub-storage."""

_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_SECTOR = 512
_MINI_SECTOR = 64
_MINI_CUTOFF = 4096
_IDS_PER_SECTOR = _SECTOR // 4
_HEADER_DIFAT = 109  # FAT sector numbers held by the header itself

_FREESECT = 0xFFFFFFFF
_ENDOFCHAIN = 0xFFFFFFFE
_FATSECT = 0xFFFFFFFD
_NOSTREAM = 0xFFFFFFFF

_STORAGE = 1
_STREAM = 2
_ROOT = 5
_RED = 0
_BLACK = 1

_DIRENTRY = struct.Struct("<64sHBBIII16sIQQIII")
_HEADER = struct.Struct("<8s16sHHHHHHIIIIIIIIII")


@dataclass
class _Entry:
    """One directory entry while the file is laid out."""

    name: str
    kind: int
    data: bytes = b""
    clsid: bytes = bytes(16)
    children: list[int] = field(default_factory=list)
    left: int = _NOSTREAM
    right: int = _NOSTREAM
    child: int = _NOSTREAM
    color: int = _BLACK
    start: int = _ENDOFCHAIN
    size: int = 0


def _name_key(name: str) -> tuple[int, str]:
    """CFB order of sibling names: the shorter (in UTF-16 code units) first, then the
    code-point order of the uppercased names."""
    return (len(name.encode("utf-16-le")) // 2, name.upper())


def _check_name(name: str) -> None:
    if not name or len(name.encode("utf-16-le")) > 62:
        raise ValueError(f"CFB names have 1 to 31 UTF-16 code units: {name!r}")
    if any(c in name for c in "/\\:!"):
        raise ValueError(f"CFB names may not contain / \\ : or !: {name!r}")


def _flatten(entries: list[_Entry], name: str, node: bytes | CfbTree) -> int:
    """Append ``node`` and everything under it to ``entries`` (pre-order); return its id."""
    _check_name(name)
    sid = len(entries)
    if isinstance(node, bytes):
        entries.append(_Entry(name, _STREAM, data=node, size=len(node)))
        return sid
    entries.append(_Entry(name, _STORAGE, start=0))
    keys = sorted(node, key=_name_key)
    if len({_name_key(k)[1] for k in keys}) != len(keys):
        raise ValueError(f"names differing only by case in storage {name!r}")
    entries[sid].children = [_flatten(entries, key, node[key]) for key in keys]
    return sid


def _link(entries: list[_Entry], sids: list[int], depth: int, red_depth: int) -> int:
    """Make a balanced search tree of the sorted ``sids``; return the id at its top.

    Splitting at the middle puts every leaf link at depth ``floor(log2(n + 1))`` or one
    below, so colouring the deepest level red (when it is not full) and the rest black gives
    a valid red-black tree: a black top, no red node under a red one, and the same number of
    black nodes on every path down.
    """
    if not sids:
        return _NOSTREAM
    middle = len(sids) // 2
    entry = entries[sids[middle]]
    entry.left = _link(entries, sids[:middle], depth + 1, red_depth)
    entry.right = _link(entries, sids[middle + 1 :], depth + 1, red_depth)
    entry.color = _RED if depth == red_depth else _BLACK
    return sids[middle]


def _link_children(entries: list[_Entry], storage: _Entry) -> None:
    count = len(storage.children)
    full_levels = (count + 1).bit_length() - 1
    red_depth = full_levels + 1 if count + 1 != 1 << full_levels else 0
    storage.child = _link(entries, storage.children, 1, red_depth)


def _sectors(size: int, unit: int = _SECTOR) -> int:
    return -(-size // unit)


def _pad(data: bytes, unit: int, filler: bytes = b"\0") -> bytes:
    missing = -len(data) % unit
    return data + filler * (missing // len(filler))


def _chain(start: int, count: int) -> list[int]:
    """FAT (or mini FAT) cells of ``count`` consecutive sectors from ``start``."""
    return [*range(start + 1, start + count), _ENDOFCHAIN] if count else []


def _direntry(entry: _Entry) -> bytes:
    raw_name = entry.name.encode("utf-16-le") + b"\0\0"
    return _DIRENTRY.pack(
        raw_name,
        len(raw_name),
        entry.kind,
        entry.color,
        entry.left,
        entry.right,
        entry.child,
        entry.clsid,
        0,  # state bits
        0,  # creation time (Outlook leaves it zero)
        0,  # modification time
        entry.start,
        entry.size,
        0,  # high 32 bits of the size: always zero in version 3
    )


_EMPTY_DIRENTRY = _DIRENTRY.pack(
    b"", 0, 0, 0, _NOSTREAM, _NOSTREAM, _NOSTREAM, bytes(16), 0, 0, 0, 0, 0, 0
)


def build_cfb(tree: CfbTree, *, root_clsid: bytes = bytes(16)) -> bytes:
    """The bytes of a version 3 compound file holding ``tree`` under its root storage.

    Streams under 4096 bytes go to the mini stream (64-byte mini sectors chained by the mini
    FAT), larger ones to 512-byte sectors chained by the FAT; empty streams hold no sector.
    Raises ValueError for a bad name or a file too large for the header's 109 FAT sectors
    (about 7 MB: there is no DIFAT here).
    """
    if len(root_clsid) != 16:
        raise ValueError("a CLSID is 16 bytes")
    entries: list[_Entry] = []
    _flatten(entries, "Root Entry", tree)
    root = entries[0]
    root.kind, root.clsid = _ROOT, root_clsid
    for entry in entries:
        if entry.kind != _STREAM:
            _link_children(entries, entry)

    # Small streams are packed into the mini stream, one chain of mini sectors each.
    mini_stream = bytearray()
    mini_fat: list[int] = []
    large: list[_Entry] = []
    for entry in entries:
        if entry.kind != _STREAM or not entry.data:
            continue
        if entry.size >= _MINI_CUTOFF:
            large.append(entry)
            continue
        entry.start = len(mini_fat)
        mini_fat += _chain(entry.start, _sectors(entry.size, _MINI_SECTOR))
        mini_stream += _pad(entry.data, _MINI_SECTOR)
    root.size = len(mini_stream)
    mini_fat_bytes = _pad(struct.pack(f"<{len(mini_fat)}I", *mini_fat), _SECTOR, b"\xff")
    directory_sectors = _sectors(len(entries) * _DIRENTRY.size)

    # Regular sectors: FAT first, then the large streams, the mini stream, the mini FAT and the
    # directory, each in consecutive sectors.
    others = (
        sum(_sectors(e.size) for e in large)
        + _sectors(len(mini_stream))
        + len(mini_fat_bytes) // _SECTOR
        + directory_sectors
    )
    fat_sectors = 1
    while fat_sectors * _IDS_PER_SECTOR < fat_sectors + others:
        fat_sectors += 1
    if fat_sectors > _HEADER_DIFAT:
        raise ValueError("compound file too large for a writer without DIFAT sectors")
    fat = [_FATSECT] * fat_sectors
    body: list[bytes] = []

    def place(data: bytes) -> int:
        """Put ``data`` in the next free sectors; return the first (or ENDOFCHAIN)."""
        count = _sectors(len(data))
        start = len(fat) if count else _ENDOFCHAIN
        fat.extend(_chain(len(fat), count))
        body.append(_pad(data, _SECTOR))
        return start

    for entry in large:
        entry.start = place(entry.data)
    root.start = place(bytes(mini_stream))
    mini_fat_start = place(mini_fat_bytes)
    directory_start = len(fat)
    directory = b"".join(_direntry(e) for e in entries)
    place(_pad(directory, _SECTOR, _EMPTY_DIRENTRY))
    assert len(fat) == fat_sectors + others

    header = _HEADER.pack(
        _MAGIC,
        bytes(16),
        0x003E,  # minor version
        3,  # major version: 512-byte sectors
        0xFFFE,  # little-endian
        9,  # sector shift: 2**9 = 512
        6,  # mini sector shift: 2**6 = 64
        0,
        0,
        0,  # directory sector count: must be zero in version 3
        fat_sectors,
        directory_start,
        0,  # transaction signature
        _MINI_CUTOFF,
        mini_fat_start,
        len(mini_fat_bytes) // _SECTOR,
        _ENDOFCHAIN,  # first DIFAT sector: none
        0,
    )
    difat = list(range(fat_sectors)) + [_FREESECT] * (_HEADER_DIFAT - fat_sectors)
    header += struct.pack(f"<{_HEADER_DIFAT}I", *difat)
    fat_bytes = _pad(struct.pack(f"<{len(fat)}I", *fat), _SECTOR, b"\xff")
    return header + fat_bytes + b"".join(body)


# --- Outlook message ([MS-OXMSG]) --------------------------------------------------------------

PT_LONG = 0x0003
PT_SYSTIME = 0x0040
PT_UNICODE = 0x001F
PT_BINARY = 0x0102

_READABLE_WRITABLE = 0x00000006
_STORE_UNICODE_OK = 0x00040000
_MSGFLAG_READ = 0x00000001
_MAPI_TO = 1
_ATTACH_BY_VALUE = 1
_CP_UTF8 = 65001
# The CLSID Outlook gives the root storage of a .msg file.
_MSG_CLSID = uuid.UUID("00020d0b-0000-0000-c000-000000000046").bytes_le
_FILETIME_EPOCH = datetime.datetime(1601, 1, 1, tzinfo=datetime.UTC)

Property = tuple[int, int, int | str | bytes]
"""(property id, property type, value): an int for PT_LONG and PT_SYSTIME (a FILETIME)."""


@dataclass(frozen=True)
class MsgAttachment:
    """A file attached by value."""

    name: str
    data: bytes
    mime: str = "application/octet-stream"


def _filetime(moment: datetime.datetime) -> int:
    """100-nanosecond intervals since 1601-01-01 UTC."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("the sent time must be timezone-aware")
    return (moment - _FILETIME_EPOCH) // datetime.timedelta(microseconds=1) * 10


def _property_storage(header: bytes, properties: Iterable[Property]) -> dict[str, bytes | CfbTree]:
    """The ``__properties_version1.0`` stream after ``header``, and a ``__substg1.0_`` stream
    per variable-length property."""
    table = bytearray(header)
    storage: dict[str, bytes | CfbTree] = {}
    for prop_id, prop_type, value in sorted(properties, key=lambda p: (p[0], p[1])):
        tag = prop_id << 16 | prop_type
        if prop_type in (PT_LONG, PT_SYSTIME) and isinstance(value, int):
            # Fixed-size values sit in the entry itself.
            table += struct.pack("<IIQ", tag, _READABLE_WRITABLE, value)
            continue
        if prop_type == PT_UNICODE and isinstance(value, str):
            data = value.encode("utf-16-le")
            # The size counts the terminating null character the stream itself leaves out.
            size = len(data) + 2
        elif prop_type == PT_BINARY and isinstance(value, bytes):
            data = value
            size = len(data)
        else:
            raise TypeError(f"unsupported property {prop_id:04X}/{prop_type:04X}: {value!r}")
        table += struct.pack("<IIII", tag, _READABLE_WRITABLE, size, 0)
        storage[f"__substg1.0_{prop_id:04X}{prop_type:04X}"] = data
    storage["__properties_version1.0"] = bytes(table)
    return storage


def _short_name(name: str) -> str:
    """An 8.3 name for PidTagAttachFilename, like Windows makes for a long name."""
    path = PurePath(name)
    ascii_only = unicodedata.normalize("NFKD", path.stem).encode("ascii", "ignore").decode()
    stem = "".join(c for c in ascii_only if c.isalnum()).upper() or "ATTACH"
    extension = "".join(c for c in path.suffix[1:] if c.isascii() and c.isalnum())[:3].upper()
    if path.stem.upper() == stem and len(stem) <= 8 and path.suffix[1:].upper() == extension:
        return name
    return f"{stem[:6]}~1" + (f".{extension}" if extension else "")


def _recipient(name: str, address: str) -> dict[str, bytes | CfbTree]:
    return _property_storage(
        bytes(8),
        [
            (0x0C15, PT_LONG, _MAPI_TO),  # PidTagRecipientType
            (0x3001, PT_UNICODE, name),  # PidTagDisplayName
            (0x3002, PT_UNICODE, "SMTP"),  # PidTagAddressType
            (0x3003, PT_UNICODE, address),  # PidTagEmailAddress
            (0x39FE, PT_UNICODE, address),  # PidTagSmtpAddress
        ],
    )


def _attachment(number: int, attachment: MsgAttachment) -> dict[str, bytes | CfbTree]:
    return _property_storage(
        bytes(8),
        [
            (0x0E21, PT_LONG, number),  # PidTagAttachNumber
            (0x3701, PT_BINARY, attachment.data),  # PidTagAttachDataBinary
            (0x3703, PT_UNICODE, PurePath(attachment.name).suffix),  # PidTagAttachExtension
            (0x3704, PT_UNICODE, _short_name(attachment.name)),  # PidTagAttachFilename
            (0x3705, PT_LONG, _ATTACH_BY_VALUE),  # PidTagAttachMethod
            (0x3707, PT_UNICODE, attachment.name),  # PidTagAttachLongFilename
            (0x370E, PT_UNICODE, attachment.mime),  # PidTagAttachMimeTag
        ],
    )


def make_msg(
    *,
    subject: str,
    sender_name: str,
    sender_email: str,
    to: Sequence[tuple[str, str]],
    sent: datetime.datetime,
    body: str | None = None,
    html: str | None = None,
    attachments: Sequence[MsgAttachment] = (),
) -> bytes:
    """The bytes of a sent, read e-mail as Outlook saves it to a .msg file.

    ``to`` holds (display name, SMTP address) pairs; ``sent`` must be timezone-aware. The
    strings are stored as Unicode (UTF-16LE, with STORE_UNICODE_OK in the store support
    mask), the HTML body as UTF-8 bytes with code page 65001. There is no transport header,
    so readers take the sender from the sender properties.
    """
    properties: list[Property] = [
        (0x001A, PT_UNICODE, "IPM.Note"),  # PidTagMessageClass
        (0x0037, PT_UNICODE, subject),  # PidTagSubject
        (0x0039, PT_SYSTIME, _filetime(sent)),  # PidTagClientSubmitTime
        (0x0C1A, PT_UNICODE, sender_name),  # PidTagSenderName
        (0x0C1E, PT_UNICODE, "SMTP"),  # PidTagSenderAddressType
        (0x0C1F, PT_UNICODE, sender_email),  # PidTagSenderEmailAddress
        (0x0E04, PT_UNICODE, "; ".join(name for name, _ in to)),  # PidTagDisplayTo
        (0x0E06, PT_SYSTIME, _filetime(sent)),  # PidTagMessageDeliveryTime
        (0x0E07, PT_LONG, _MSGFLAG_READ),  # PidTagMessageFlags
        (0x340D, PT_LONG, _STORE_UNICODE_OK),  # PidTagStoreSupportMask
        (0x5D01, PT_UNICODE, sender_email),  # PidTagSenderSmtpAddress
    ]
    if body is not None:
        properties.append((0x1000, PT_UNICODE, body))  # PidTagBody
    if html is not None:
        properties.append((0x1013, PT_BINARY, html.encode("utf-8")))  # PidTagHtml
        properties.append((0x3FDE, PT_LONG, _CP_UTF8))  # PidTagInternetCodepage

    # Top-level header: 8 reserved bytes, next recipient id, next attachment id, recipient
    # count, attachment count, 8 reserved bytes.
    header = struct.pack("<8xIIII8x", len(to), len(attachments), len(to), len(attachments))
    tree = _property_storage(header, properties)
    tree["__nameid_version1.0"] = {
        "__substg1.0_00020102": b"",  # GUID stream
        "__substg1.0_00030102": b"",  # entry stream
        "__substg1.0_00040102": b"",  # string stream
    }
    for number, (name, address) in enumerate(to):
        tree[f"__recip_version1.0_#{number:08X}"] = _recipient(name, address)
    for number, attachment in enumerate(attachments):
        tree[f"__attach_version1.0_#{number:08X}"] = _attachment(number, attachment)
    return build_cfb(tree, root_clsid=_MSG_CLSID)
