#!/usr/bin/env python3
"""Render letters into the formats intake reads, for the intake tests (generated, never committed).

For each NNN.txt in --letters (with its NNN.json labels copied beside every rendering) it writes
into --out:
  text/NNN.pdf      a PDF with a text layer (Helvetica, A4)
  docx/NNN.docx     a Word document, one paragraph per line
  eml/NNN.eml       an email whose body is the letter
  scan/NNN.pdf      a "scanned" PDF: the pages as slightly rotated, noisy greyscale JPEG images
  image/NNN.png|.jpg|.tiff   the first page of the scan as an image (with --images)
and mail/thread.mbox: three messages, the second replying to the first (In-Reply-To), the third
HTML-only with a PDF attachment.

Only the Python standard library is used, plus poppler-utils (pdftoppm) and ImageMagick (convert)
for the scans: apt-get install poppler-utils imagemagick. The letters' text is read in place and
written only into --out, a temporary folder chosen by the caller.
"""

import argparse
import concurrent.futures
import email.message
import email.utils
import json
import mailbox
import os
import pathlib
import random
import shutil
import subprocess
import sys
import textwrap
import zipfile
from xml.sax.saxutils import escape

PAGE_W, PAGE_H, MARGIN, SIZE, LEADING = 595, 842, 56, 10, 13
WRAP = 92


def pdf_escape(s: str) -> bytes:
    raw = s.encode("cp1252", errors="replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def wrapped_lines(text: str):
    for line in text.replace("\r\n", "\n").split("\n"):
        if not line.strip():
            yield ""
            continue
        # keep wide gaps (a date to the right of an address line) as they are
        for part in textwrap.wrap(line, WRAP, drop_whitespace=False, replace_whitespace=False) or [""]:
            yield part.rstrip()


def paginate(text: str):
    per_page = (PAGE_H - 2 * MARGIN) // LEADING
    lines = list(wrapped_lines(text))
    return [lines[i:i + per_page] for i in range(0, len(lines), per_page)] or [[]]


def write_pdf(path: pathlib.Path, pages_content: list, images: list = None):
    """A minimal PDF: either text pages or one image per page (JPEG, DCTDecode)."""
    objects = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    page_ids = []
    pages_id_placeholder = len(objects) + 1
    add(b"")  # Pages, filled in below
    count = len(images) if images else len(pages_content)
    for index in range(count):
        if images:
            jpeg, width, height = images[index]
            image = add(
                b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
                b"/BitsPerComponent 8 /Filter /DCTDecode /Length %d >>\nstream\n" % (width, height, len(jpeg))
                + jpeg + b"\nendstream"
            )
            stream = b"q %d 0 0 %d 0 0 cm /Im0 Do Q" % (PAGE_W, PAGE_H)
            resources = b"<< /XObject << /Im0 %d 0 R >> >>" % image
        else:
            ops = [b"BT /F1 %d Tf %d TL %d %d Td" % (SIZE, LEADING, MARGIN, PAGE_H - MARGIN)]
            for line in pages_content[index]:
                ops.append(b"(" + pdf_escape(line) + b") Tj T*")
            ops.append(b"ET")
            stream = b"\n".join(ops)
            resources = b"<< /Font << /F1 %d 0 R >> >>" % font
        content = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        page_ids.append(add(
            b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %d %d] /Resources %s /Contents %d 0 R >>"
            % (pages_id_placeholder, PAGE_W, PAGE_H, resources, content)
        ))
    kids = b" ".join(b"%d 0 R" % p for p in page_ids)
    objects[pages_id_placeholder - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(page_ids))
    catalog = add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id_placeholder)
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, catalog, xref)
    path.write_bytes(bytes(out))


def write_docx(path: pathlib.Path, text: str):
    paragraphs = []
    for line in text.replace("\r\n", "\n").split("\n"):
        paragraphs.append(
            '<w:p><w:r><w:t xml:space="preserve">%s</w:t></w:r></w:p>' % escape(line)
        )
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body>%s</w:body></w:document>" % "".join(paragraphs)
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/>'
                   '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
        z.writestr("_rels/.rels",
                   '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
        z.writestr("word/document.xml", document)


def make_email(text: str, stem: str, subject: str, html: str = None) -> email.message.EmailMessage:
    """An email whose body is `text`, or the HTML fragment `html` when given."""
    message = email.message.EmailMessage()
    message["From"] = "correspondence@example.org"
    message["To"] = "intake@example.org"
    message["Subject"] = subject
    message["Date"] = email.utils.format_datetime(email.utils.localtime())
    message["Message-ID"] = "<%s@intake-corpus.example>" % stem
    if html is not None:
        message.set_content("<html><body>%s</body></html>" % html, subtype="html")
    else:
        message.set_content(text)
    return message


def jpeg_size(data: bytes):
    i = 2
    while i < len(data):
        if data[i] != 0xFF:
            i += 1
            continue
        marker = data[i + 1]
        length = int.from_bytes(data[i + 2:i + 4], "big")
        if marker in (0xC0, 0xC1, 0xC2):
            height = int.from_bytes(data[i + 5:i + 7], "big")
            width = int.from_bytes(data[i + 7:i + 9], "big")
            return width, height
        i += 2 + length
    raise ValueError("no JPEG frame header")


def scan(pdf: pathlib.Path, work: pathlib.Path, seed: int, dpi: int):
    """Rasterise each page, rotate it a little, add noise: a scan's JPEG pages."""
    prefix = work / pdf.stem
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", str(pdf), str(prefix)], check=True)
    rng = random.Random(seed)
    pages = []
    for png in sorted(work.glob(pdf.stem + "-*.png")):
        angle = rng.choice([-1.6, -1.1, -0.7, 0.6, 0.9, 1.4])
        jpg = png.with_suffix(".jpg")
        subprocess.run([
            "convert", str(png), "-background", "white", "-rotate", str(angle),
            "-attenuate", "0.35", "+noise", "Gaussian", "-blur", "0x0.4",
            "-colorspace", "Gray", "-quality", "85", str(jpg),
        ], check=True)
        data = jpg.read_bytes()
        width, height = jpeg_size(data)
        pages.append((data, width, height, jpg))
    return pages


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--letters", required=True, type=pathlib.Path)
    parser.add_argument("--out", required=True, type=pathlib.Path)
    parser.add_argument("--only", nargs="*", help="letter stems to render (default: all)")
    parser.add_argument("--no-scans", action="store_true", help="skip the scanned renderings")
    parser.add_argument("--images", action="store_true", help="also write PNG/JPEG/TIFF first pages")
    parser.add_argument("--dpi", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    stems = sorted(p.stem for p in args.letters.glob("*.txt") if p.with_suffix(".json").exists())
    if args.only:
        stems = [s for s in stems if s in set(args.only)]
    kinds = ["text", "docx", "eml"] + ([] if args.no_scans else ["scan"]) + (["image"] if args.images else [])
    for kind in kinds + ["mail", "work"]:
        (args.out / kind).mkdir(parents=True, exist_ok=True)
    def scan_one(number_stem):
        number, stem = number_stem
        pdf = args.out / "text" / (stem + ".pdf")
        work = args.out / "work" / stem
        work.mkdir(parents=True, exist_ok=True)
        pages = scan(pdf, work, seed=number, dpi=args.dpi)
        write_pdf(args.out / "scan" / (stem + ".pdf"), [], [(d, w, h) for d, w, h, _ in pages])
        if args.images and pages:
            first = pages[0][3]
            shutil.copy(first, args.out / "image" / (stem + ".jpg"))
            subprocess.run(["convert", str(first), str(args.out / "image" / (stem + ".png"))], check=True)
            subprocess.run(["convert", str(first), "-compress", "lzw",
                            str(args.out / "image" / (stem + ".tiff"))], check=True)

    for number, stem in enumerate(stems):
        text = (args.letters / (stem + ".txt")).read_text(encoding="utf-8")
        labels = args.letters / (stem + ".json")
        for kind in kinds:
            shutil.copy(labels, args.out / kind / (stem + ".json"))
        pdf = args.out / "text" / (stem + ".pdf")
        write_pdf(pdf, paginate(text))
        write_docx(args.out / "docx" / (stem + ".docx"), text)
        (args.out / "eml" / (stem + ".eml")).write_bytes(
            bytes(make_email(text, stem, "Letter " + stem)))
    if not args.no_scans:
        with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
            list(pool.map(scan_one, enumerate(stems)))
    # A small mailbox: a letter, a reply to it, and an HTML-only covering email with a PDF.
    if stems:
        first = (args.letters / (stems[0] + ".txt")).read_text(encoding="utf-8")
        box = mailbox.mbox(str(args.out / "mail" / "thread.mbox"))
        one = make_email(first, "one", "First letter")
        two = make_email("Dear Sir,\n\nThank you for your email.\n\nYours faithfully,\n\nA Reader",
                         "two", "Re: First letter")
        two["In-Reply-To"] = "<one@intake-corpus.example>"
        two["References"] = "<one@intake-corpus.example>"
        two["Reply-To"] = "replies@example.org"
        three = make_email("", "three", "Letter attached", html="<p>Please see the <b>attached</b> letter.</p>")
        three.add_attachment((args.out / "text" / (stems[0] + ".pdf")).read_bytes(),
                             maintype="application", subtype="pdf", filename=stems[0] + ".pdf")
        for message in (one, two, three):
            box.add(message)
        box.flush()
        box.close()
    shutil.rmtree(args.out / "work", ignore_errors=True)
    print("wrote %d letters into %s" % (len(stems), args.out))


if __name__ == "__main__":
    sys.exit(main())
