"""Evidence documents: PDF, DOCX or ODT, recognised by content, not by name.

Checked by hand rather than with libmagic: libmagic reports DOCX as a generic zip on
many systems, and the three formats are easy to recognise exactly.
"""

import hashlib
import io
import zipfile

from django.conf import settings

TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
}


class EvidenceError(ValueError):
    pass


def sniff(head, data):
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                names = set(z.namelist())
                # Only the tiny `mimetype` member is ever unpacked, and only when it is
                # tiny: a crafted archive cannot make us inflate gigabytes.
                if (
                    "mimetype" in names
                    and z.getinfo("mimetype").file_size < 100
                    and z.read("mimetype").strip() == TYPES["odt"].encode()
                ):
                    return "odt"
                if "word/document.xml" in names and "[Content_Types].xml" in names:
                    return "docx"
        except zipfile.BadZipFile:
            return None
    return None


def check(upload):
    """Return (kind, content type, bytes, sha256) or raise EvidenceError."""
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise EvidenceError(
            f"“{upload.name}” is {upload.size / 1048576:.1f} MB; het maximum is {limit / 1048576:.0f} MB."
        )
    data = upload.read()
    kind = sniff(data[:8], data)
    if kind is None:
        raise EvidenceError(
            f"“{upload.name}” is geen PDF-, DOCX- of ODT-document (gecontroleerd op inhoud, niet op naam)."
        )
    return kind, TYPES[kind], data, hashlib.sha256(data).hexdigest()
