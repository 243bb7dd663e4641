"""Evidence documents: PDF, DOCX or ODT, recognised by content, not by name.

Checked by hand rather than with libmagic: libmagic reports DOCX as a generic zip on
many systems, and the three formats are easy to recognise exactly.
"""

import hashlib

from django.conf import settings

from raak.lib import safezip

TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
}


class EvidenceError(ValueError):
    pass


def sniff(head, data):
    """The kind of document, None when it is none of the three; raises
    safezip.UnsafeZip for a ZIP that is damaged or unsafe to read (a zip bomb, an
    encrypted or oddly compressed member)."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        # The XML is never parsed here, only the member list and `mimetype`.
        with safezip.open_checked(data, check_xml=False) as z:
            names = set(z.namelist())
            if "mimetype" in names:
                mimetype = safezip.read_member(z, "mimetype", 200).strip()
                if mimetype == TYPES["odt"].encode():
                    return "odt"
            if "word/document.xml" in names and "[Content_Types].xml" in names:
                return "docx"
    return None


def check(upload):
    """Return (kind, content type, bytes, sha256) or raise EvidenceError."""
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise EvidenceError(
            f"“{upload.name}” is {upload.size / 1048576:.1f} MB; het maximum is {limit / 1048576:.0f} MB."
        )
    data = upload.read()
    try:
        kind = sniff(data[:8], data)
    except safezip.UnsafeZip as e:
        raise EvidenceError(
            f"“{upload.name}” is geen PDF-, DOCX- of ODT-document dat veilig te lezen is: {e}."
        ) from None
    if kind is None:
        raise EvidenceError(
            f"“{upload.name}” is geen PDF-, DOCX- of ODT-document (gecontroleerd op inhoud, niet op naam)."
        )
    return kind, TYPES[kind], data, hashlib.sha256(data).hexdigest()
