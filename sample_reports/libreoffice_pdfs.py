"""Renders the DOCX samples to PDF with LibreOffice (the way many offices make their PDFs), into
sample_reports/*.lo.pdf. Run by hand where `soffice` is installed; the PDFs are committed so that
the tests need no LibreOffice."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCES = ["clean_2021.docx", "clean_2019.docx", "defect_single_wrong_cell.docx"]


def main() -> int:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        print("LibreOffice (soffice) is not installed; the committed *.lo.pdf files stay as they are.")
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        for name in SOURCES:
            subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp}/profile",
                            "--convert-to", "pdf", "--outdir", tmp, str(HERE / name)],
                           check=True, capture_output=True, timeout=300)
            out = HERE / name.replace(".docx", ".lo.pdf")
            shutil.copyfile(Path(tmp) / name.replace(".docx", ".pdf"), out)
            print(out.name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
