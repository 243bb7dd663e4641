"""The one gate every ZIP-based file (XLSX, DOCX, ODT) passes before anything reads it.

A ZIP declares each member's uncompressed size; Python's zipfile never inflates a
member beyond that size (it stops and fails the CRC check), so checking the declared
sizes caps the memory any reader (ours, openpyxl) can use. A 1 MB file that claims
to hold 2 GB, or a member that is inflated more than MAX_RATIO times, is refused
before a byte is inflated.

XML members must not carry a DTD: OOXML and ODF never need one, and a DTD is where
"billion laughs" entity expansion and external entities live. openpyxl parses some
parts with defusedxml but its worksheet and shared-strings reader uses the standard
library's iterparse, so the prolog of every XML member is checked here, with
defusedxml, before openpyxl sees the file.
"""

import io
import zipfile
import zlib

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, iterparse
from django.conf import settings

# Defaults; a deployment may override them in settings.
MAX_TOTAL = 50 * 1024 * 1024  # uncompressed bytes in one file, all members together
MAX_SHEETS = 50  # worksheets in one workbook
SHEET_PREFIX = "xl/worksheets/sheet"
MAX_MEMBERS = 10_000
MAX_RATIO = 100  # uncompressed / compressed, for members over RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024
XML_SUFFIXES = (".xml", ".rels", ".vml")


class UnsafeZip(ValueError):
    """The file is not a readable ZIP, or reading it would be unsafe."""


def _limit(name, default):
    return getattr(settings, name, default)


def open_checked(source, *, check_xml=True):
    """Open `source` (a path, bytes or a binary file) as a ZipFile after checking it;
    raise UnsafeZip with a message for people otherwise. The caller closes it."""
    if isinstance(source, (bytes, bytearray)):
        source = io.BytesIO(source)
    try:
        z = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as e:
        raise UnsafeZip(f"geen leesbaar ZIP-bestand ({e})") from None
    try:
        check(z, check_xml=check_xml)
    except BaseException:
        z.close()
        raise
    return z


def check(z, *, check_xml=True):
    infos = z.infolist()
    max_total = _limit("ZIP_MAX_UNCOMPRESSED", MAX_TOTAL)
    max_ratio = _limit("ZIP_MAX_RATIO", MAX_RATIO)
    if len(infos) > _limit("ZIP_MAX_MEMBERS", MAX_MEMBERS):
        raise UnsafeZip(f"bevat {len(infos)} onderdelen; dat is te veel")
    sheets = sum(1 for i in infos if i.filename.startswith(SHEET_PREFIX))
    if sheets > _limit("IMPORT_MAX_SHEETS", MAX_SHEETS):
        raise UnsafeZip(
            f"bevat {sheets} werkbladen; hoogstens {_limit('IMPORT_MAX_SHEETS', MAX_SHEETS)} "
            "(IMPORT_MAX_SHEETS)"
        )
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise UnsafeZip(f"onderdeel “{info.filename}” is versleuteld")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise UnsafeZip(
                f"onderdeel “{info.filename}” gebruikt een niet-ondersteunde compressie"
            )
        total += info.file_size
        if total > max_total:
            raise UnsafeZip(
                f"uitgepakt groter dan {max_total // 1048576} MB; bestand geweigerd "
                "(IMPORT_MAX_UNCOMPRESSED_BYTES)"
            )
        if info.file_size > RATIO_FLOOR and info.file_size > max_ratio * max(info.compress_size, 1):
            raise UnsafeZip(
                f"onderdeel “{info.filename}” pakt meer dan {max_ratio} keer uit "
                "(mogelijk een zip-bom); bestand geweigerd"
            )
    if check_xml:
        for info in infos:
            if info.filename.lower().endswith(XML_SUFFIXES):
                _check_prolog(z, info)


def _check_prolog(z, info):
    """Parse the member up to its root element with defusedxml, forbidding a DTD."""
    try:
        with z.open(info) as f:
            for _event, _elem in iterparse(f, events=("start",), forbid_dtd=True):
                break
    except DefusedXmlException:
        raise UnsafeZip(
            f"onderdeel “{info.filename}” bevat een DTD of entiteiten; dat is niet toegestaan"
        ) from None
    except ParseError as e:
        raise UnsafeZip(f"onderdeel “{info.filename}” is geen geldige XML ({e})") from None
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError) as e:
        raise UnsafeZip(f"onderdeel “{info.filename}” is beschadigd ({e})") from None


def read_member(z, name, limit):
    """Up to `limit` bytes of member `name`, or UnsafeZip when it cannot be read."""
    try:
        with z.open(name) as f:
            return f.read(limit)
    except KeyError:
        raise UnsafeZip(f"onderdeel “{name}” ontbreekt") from None
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError,
            RuntimeError) as e:  # fmt: skip
        raise UnsafeZip(f"onderdeel “{name}” is beschadigd ({e})") from None
