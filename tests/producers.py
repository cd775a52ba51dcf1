"""The same report as other producers make it: LibreOffice (HTML → PDF, HTML → DOCX → PDF, PDF →
DOCX of text boxes),
Ghostscript (pdfwrite, and the PostScript round trip that loses the fonts' Unicode maps),
pdftocairo, a tesseract "searchable scan", and a PDF whose ToUnicode maps were damaged.

Made in the test run from our samples and from ../shared/corpus (never committed); each maker
skips the test when its tool is not installed (.ci/run installs them)."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from pathlib import Path

import pytest

CACHE = Path(__file__).resolve().parent / "output" / "producers"


def _tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        pytest.skip(f"{name} is not installed")
    return path


def _out(src: Path, kind: str, suffix: str) -> Path:
    """One cached output per source content and producer: a rerun does not convert again."""
    digest = hashlib.sha256(Path(src).read_bytes()).hexdigest()[:12]
    CACHE.mkdir(parents=True, exist_ok=True)
    return CACHE / f"{Path(src).stem}.{digest}.{kind}{suffix}"


def _run(args: list[str], timeout: int = 180) -> None:
    subprocess.run(args, check=True, capture_output=True, timeout=timeout)


def libreoffice(src: Path, target: str, kind: str) -> Path:
    """src converted by LibreOffice to `target` (pdf | docx), cached as <stem>.<hash>.<kind>.<target>."""
    out = _out(src, kind, "." + target)
    if out.exists():
        return out
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        pytest.skip("LibreOffice is not installed")
    work = out.parent / f"lo-{out.stem}"
    work.mkdir(exist_ok=True)
    profile = work / "profile"  # an own profile: a second soffice would wait on the user's one
    filt = {"pdf": "pdf:writer_pdf_Export", "docx": "docx:MS Word 2007 XML"}[target]
    # A PDF opens in Draw unless Writer's PDF import is asked for: that one makes the text-box DOCX.
    infilter = ["--infilter=writer_pdf_import"] if Path(src).suffix.lower() == ".pdf" else []
    _run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", *infilter, "--convert-to", filt,
          "--outdir", str(work), str(src)], timeout=240)
    made = work / (Path(src).stem + "." + target)
    made.replace(out)
    shutil.rmtree(work, ignore_errors=True)
    return out


def pdf_to_docx(src: Path) -> Path:
    """A PDF "converted to Word" the way layout-keeping converters do: one text box per line."""
    return libreoffice(src, "docx", "lo")


def html_to_pdf(src: Path) -> Path:
    return libreoffice(src, "pdf", "lo")


def html_docx_pdf(src: Path) -> Path:
    return libreoffice(libreoffice(src, "docx", "lo"), "pdf", "lo")


def ghostscript(src: Path) -> Path:
    out = _out(src, "gs", ".pdf")
    if not out.exists():
        _run([_tool("gs"), "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=pdfwrite", f"-sOutputFile={out}", str(src)])
    return out


def postscript_roundtrip(src: Path) -> Path:
    """pdf2ps then ps2pdf: the fonts come back as Type 3 glyphs whose text maps are lost."""
    out = _out(src, "ps2pdf", ".pdf")
    if not out.exists():
        ps = out.with_suffix(".ps")
        _run([_tool("pdf2ps"), str(src), str(ps)])
        _run([_tool("ps2pdf"), str(ps), str(out)])
        ps.unlink()
    return out


def cairo(src: Path) -> Path:
    out = _out(src, "cairo", ".pdf")
    if not out.exists():
        _run([_tool("pdftocairo"), "-pdf", str(src), str(out)])
    return out


def searchable_scan(src: Path, dpi: int = 150, last_page: int | None = None) -> Path:
    """The pages rendered to images and OCR'd by tesseract (chi_sim) into a PDF with a text layer."""
    out = _out(src, f"scan{dpi}", ".pdf")
    if out.exists():
        return out
    tesseract = _tool("tesseract")
    langs = subprocess.run([tesseract, "--list-langs"], capture_output=True, text=True).stdout.split()
    if "chi_sim" not in langs:
        pytest.skip("tesseract has no chi_sim model")
    work = out.parent / f"scan-{out.stem}"
    work.mkdir(exist_ok=True)
    args = [_tool("pdftoppm"), "-r", str(dpi), "-gray", "-png"]
    if last_page:
        args += ["-l", str(last_page)]
    _run([*args, str(src), str(work / "p")])
    pages = sorted(work.glob("p*.png"))
    (work / "list.txt").write_text("\n".join(map(str, pages)) + "\n")
    _run([tesseract, str(work / "list.txt"), str(work / "ocr"), "-l", "chi_sim", "pdf"], timeout=600)
    (work / "ocr.pdf").replace(out)
    shutil.rmtree(work, ignore_errors=True)
    return out


# Replacements for the damaged ToUnicode maps: ASCII symbols and letters, as a broken font maps them.
_WRONG = b"}w{|~^`#"


def damaged_tounicode(src: Path, every: int = 0, chars: tuple[str, ...] = ("公", "其")) -> Path:
    """The same PDF with some glyphs' ToUnicode entries pointing at wrong characters: the named
    characters, and (every > 0) one glyph in `every`. The page looks the same; its text does not."""
    out = _out(src, f"tounicode{every}", ".pdf")
    if out.exists():
        return out
    qdf = out.with_suffix(".qdf")
    _run([_tool("qpdf"), "--qdf", "--object-streams=disable", str(src), str(qdf)])
    targets = {f"{ord(c):04X}".encode() for c in chars}
    count = 0

    def swap(m: re.Match) -> bytes:
        nonlocal count
        count += 1
        if m.group(2).upper() in targets or (every and count % every == 0):
            return m.group(1) + b" <00%02X>" % _WRONG[count % len(_WRONG)]
        return m.group(0)

    data = re.sub(rb"(<[0-9A-Fa-f]{2,4}>) <([0-9A-Fa-f]{4})>", swap, qdf.read_bytes())
    qdf.write_bytes(data)
    fixed = subprocess.run([_tool("fix-qdf"), str(qdf)], capture_output=True, check=True).stdout
    out.write_bytes(fixed)
    qdf.unlink()
    return out


def on_background_picture(src: Path, out: Path) -> Path:
    """The same PDF with a full-page picture painted behind each page's text (a letterhead or a
    watermark as a picture): a digital report, not a scan."""
    import pypdfium2
    import pypdfium2.raw as pdfium_c
    from PIL import Image

    pdf = pypdfium2.PdfDocument(str(src))
    try:
        picture = Image.new("RGB", (60, 85), (250, 246, 236))
        for page in pdf:
            w, h = page.get_size()
            image = pypdfium2.PdfImage.new(pdf)
            image.set_bitmap(pypdfium2.PdfBitmap.from_pil(picture))
            image.set_matrix(pypdfium2.PdfMatrix().scale(w, h))
            # At index 0: behind the text (insert_obj would put it on top). The page owns it now.
            pdfium_c.FPDFPage_InsertObjectAtIndex(page.raw, image.raw, 0)
            image._detach_finalizer()
            page.gen_content()
        pdf.save(str(out))
    finally:
        pdf.close()
    return out


def image_scan(src: Path, dpi: int = 200, skew: float = 1.5, stamp: bool = False, seed: int = 7) -> Path:
    """An image-only PDF as a scanner makes one: every page rendered (pypdfium2), turned by `skew`
    degrees, speckled with noise, JPEG-compressed, and (stamp) a red seal — a circle with text —
    pressed over the first table; the pages wrapped back into a PDF by Pillow."""
    import io

    import numpy as np
    import pypdfium2
    from PIL import Image, ImageDraw, ImageFont

    out = _out(src, f"img{dpi}-{skew}{'-seal' if stamp else ''}", ".pdf")
    if out.exists():
        return out
    rng = np.random.default_rng(seed)
    pdf = pypdfium2.PdfDocument(str(src))
    pages = []
    stamped = False
    for i in range(len(pdf)):
        img = pdf[i].render(scale=dpi / 72).to_pil().convert("RGB")
        if stamp and not stamped and i > 0:
            from PIL import ImageChops

            seal = Image.new("RGB", img.size, "white")
            draw = ImageDraw.Draw(seal)
            w, h = img.size
            cx, cy, r = int(w * 0.62), int(h * 0.42), int(dpi * 0.8)
            draw.ellipse([cx - r, cy - r, cx + r, cy + r], outline=(220, 30, 30), width=max(3, dpi // 40))
            font = None
            for cand in ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
                         "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"):
                if Path(cand).exists():
                    font = ImageFont.truetype(cand, dpi // 6)
                    break
            draw.text((cx - r * 0.75, cy - dpi // 12), "青禾县人民政府", fill=(220, 30, 30),
                      font=font or ImageFont.load_default())
            draw.regular_polygon((cx, cy + r * 0.45, dpi // 10), 5, fill=(220, 30, 30))
            img = ImageChops.multiply(img, seal)  # ink over print: black stays black
            stamped = True
        img = img.rotate(skew, resample=Image.BICUBIC, expand=False, fillcolor="white")
        arr = np.asarray(img).astype(np.int16)
        arr = arr + rng.normal(0, 10, arr.shape[:2])[:, :, None].astype(np.int16)
        dots = rng.random(arr.shape[:2]) < 0.0005
        arr[dots] = 0
        img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=60)
        pages.append(Image.open(io.BytesIO(buf.getvalue())))
    pdf.close()
    tmp = out.with_suffix(".tmp.pdf")
    pages[0].save(tmp, "PDF", resolution=dpi, save_all=True, append_images=pages[1:])
    tmp.replace(out)
    return out


def table3_picture() -> bytes:
    """Table 三 of our sample as one screenshot: its pieces on the PDF's pages, at 150 dpi, stacked."""
    import io

    import pdfplumber
    import pypdfium2
    from PIL import Image

    src = Path(__file__).resolve().parent.parent / "sample_reports" / "clean_2021.pdf"
    pieces, started = [], False
    with pdfplumber.open(src) as pdf:
        for no, page in enumerate(pdf.pages):
            for t in page.find_tables():
                text = page.crop(t.bbox).extract_text() or ""
                started = started or "申请人情况" in text
                if started:
                    pieces.append((no, t.bbox))
                if started and "结转下年度" in text:
                    break
            else:
                continue
            break
    k = 150 / 72
    doc = pypdfium2.PdfDocument(str(src))
    crops = [doc[no].render(scale=k).to_pil().crop((max(b[0] - 6, 0) * k, max(b[1] - 6, 0) * k,
                                                    (b[2] + 6) * k, (b[3] + 6) * k)) for no, b in pieces]
    doc.close()
    image = Image.new("RGB", (max(c.width for c in crops), sum(c.height for c in crops)), "white")
    y = 0
    for c in crops:
        image.paste(c, (0, y))
        y += c.height
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return buf.getvalue()
