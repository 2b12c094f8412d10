"""The certificate PDF (ReportLab), its QR code (segno), and the signed facts embedded in it.

The facts and signature travel in the PDF's Keywords metadata as one ASCII token:
`worldclass-certificate/1;key=<key id>;sig=<base64 signature>;facts=<base64 canonical facts JSON>`.
The signature covers the canonical facts bytes exactly as embedded, so verification needs no PDF library: find the
token, decode, check the signature with the published public key.
"""

from __future__ import annotations

import base64
import binascii
import io
import json
import re
from dataclasses import dataclass

import segno
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from worldclass.certificates.signing import FORMAT, SignatureCheck, canonical_bytes, check_signature
from worldclass.certificates.wording import LEVEL_WORDING

_TOKEN_RE = re.compile(rb"worldclass-certificate/1;key=([0-9a-f]{1,32});sig=([A-Za-z0-9+/=]+);facts=([A-Za-z0-9+/=]+)")

METRIC_WORDING = {"wcc": "World Class Calls", "fcr": "resolved on the first call"}


def subject_label(facts: dict) -> str:
    """The certified subject as printed: a person's name with their code (names repeat), an entity's name."""
    name, code = facts["subject"], facts.get("subject_code") or ""
    if facts["level"] in ("csr", "supervisor") and code and name != code:
        return f"{name} ({code})"
    return name


def embedded_token(*, facts: dict, signature: str, key_id: str) -> str:
    encoded = base64.b64encode(canonical_bytes(facts)).decode("ascii")
    return f"{FORMAT};key={key_id};sig={signature};facts={encoded}"


def _draw_qr(canvas: Canvas, url: str, *, x: float, y: float, size: float) -> None:
    """Draw the QR code as vector squares, so it stays sharp at any print size."""
    qr = segno.make(url, error="m")
    rows = list(qr.matrix_iter(border=2))
    cell = size / len(rows)
    canvas.setFillColor(colors.white)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColor(colors.black)
    for row_index, row in enumerate(rows):
        for col_index, dark in enumerate(row):
            if dark:
                canvas.rect(x + col_index * cell, y + size - (row_index + 1) * cell, cell, cell, stroke=0, fill=1)


def _draw_centred_fitted(canvas: Canvas, text: str, *, x: float, y: float, font: str, size: float, width: float):
    """Centre a line, shrinking the font until it fits the width (long names stay on the page)."""
    while size > 6 and stringWidth(text, font, size) > width:
        size -= 0.5
    canvas.setFont(font, size)
    canvas.drawCentredString(x, y, text)


def render_certificate_pdf(*, facts: dict, signature: str, key_id: str) -> bytes:
    """The printable certificate, with the signed facts embedded."""
    buffer = io.BytesIO()
    width, height = landscape(A4)
    canvas = Canvas(buffer, pagesize=(width, height), invariant=1)
    canvas.setTitle(f"World Class certificate {facts['serial']}")
    canvas.setAuthor("worldclass certifier")
    canvas.setSubject(f"{LEVEL_WORDING[facts['level']]}: {subject_label(facts)}")
    canvas.setKeywords(embedded_token(facts=facts, signature=signature, key_id=key_id))
    canvas.setCreator("worldclass")

    navy = colors.HexColor("#14325c")
    canvas.setStrokeColor(navy)
    canvas.setLineWidth(3)
    canvas.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    canvas.setLineWidth(0.8)
    canvas.rect(15 * mm, 15 * mm, width - 30 * mm, height - 30 * mm)

    center = width / 2
    canvas.setFillColor(navy)
    canvas.setFont("Helvetica-Bold", 30)
    canvas.drawCentredString(center, height - 45 * mm, "Certificate of World Class Distinction")
    canvas.setFillColor(colors.black)
    line_width = width - 50 * mm
    canvas.setFont("Helvetica", 14)
    canvas.drawCentredString(center, height - 60 * mm, "This certifies that")
    _draw_centred_fitted(
        canvas, subject_label(facts), x=center, y=height - 75 * mm, font="Helvetica-Bold", size=26, width=line_width
    )
    where = ", ".join(part for part in (facts.get("site"), facts["organization"]) if part)
    if facts["level"] != "organization":
        _draw_centred_fitted(canvas, where, x=center, y=height - 85 * mm, font="Helvetica", size=13, width=line_width)
    statement = [
        f"is certified as a {LEVEL_WORDING[facts['level']]} on the judgment of the customers served",
        f"under the {facts['edition']['name']}.",
    ]
    for index, line in enumerate(statement):
        y = height - (98 + 8 * index) * mm
        _draw_centred_fitted(canvas, line, x=center, y=y, font="Helvetica", size=14, width=line_width)

    canvas.setFont("Helvetica", 11)
    lines = []
    window = facts.get("qualifying_window")
    if window:
        lines.append(f"Qualifying window: {window['start']} to {window['end']}")
    if facts.get("surveys") is not None:
        metric = METRIC_WORDING.get(facts["edition"]["metric"], facts["edition"]["metric"])
        lines.append(
            f"{facts['surveys']} customer surveys counted; {facts['meeting']} ({facts['rate_percent']}%) were {metric}"
        )
    else:
        lines.append("Certified because every one of its contact-center sites is certified")
    lines.append(f"Certified since {facts['certified_since']}, valid through {facts['valid_through']}")
    for index, line in enumerate(lines):
        canvas.drawCentredString(center, height - (122 + 7 * index) * mm, line)

    canvas.setFont("Helvetica", 9)
    canvas.drawString(24 * mm, 34 * mm, f"Serial number: {facts['serial']}")
    canvas.drawString(24 * mm, 29 * mm, f"Issued {facts['issued_at']} · signed with key {key_id} (Ed25519)")
    canvas.drawString(24 * mm, 24 * mm, f"Verify at {facts['verify_url']}")
    qr_size = 32 * mm
    _draw_qr(canvas, facts["verify_url"], x=width - 24 * mm - qr_size, y=20 * mm, size=qr_size)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


@dataclass(frozen=True)
class PdfVerification:
    """What offline verification of a certificate file found."""

    status: str  # valid | tampered | unknown_key | not_a_certificate
    message: str
    key_id: str = ""
    facts: dict | None = None


def verify_certificate_pdf(*, data: bytes, public_key) -> PdfVerification:
    """Check the facts embedded in a certificate PDF against the given public key."""
    if not data.startswith(b"%PDF-"):
        return PdfVerification("not_a_certificate", "This file is not a PDF, so not a worldclass certificate.")
    match = _TOKEN_RE.search(data)
    if match is None:
        return PdfVerification(
            "not_a_certificate", "This PDF carries no worldclass signed facts: it is not a worldclass certificate."
        )
    key_id = match.group(1).decode("ascii")
    signature = match.group(2).decode("ascii")
    try:
        signed = base64.b64decode(match.group(3), validate=True)
    except binascii.Error:
        return PdfVerification("tampered", "TAMPERED: the embedded facts are damaged and cannot be read.", key_id)
    check = check_signature(signed=signed, signature_b64=signature, key_id=key_id, public_key=public_key)
    if check is SignatureCheck.UNKNOWN_KEY:
        return PdfVerification(
            "unknown_key",
            f"UNKNOWN KEY: the certificate was signed with key {key_id}, not with the public key given.",
            key_id,
        )
    if check is SignatureCheck.TAMPERED:
        return PdfVerification(
            "tampered", "TAMPERED: the signature does not match the facts; the certificate was altered.", key_id
        )
    facts = json.loads(signed.decode("utf-8"))
    return PdfVerification(
        "valid",
        f"VALID: certificate {facts['serial']} for {facts['subject']} was signed by the certifier (key {key_id}).",
        key_id,
        facts,
    )
