"""The PDF helper: embedded fonts, real text, and nothing fetched from outside."""

import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from ellipse.pdf import FONT_DIR, PDF_STATIC_DIR, pdf_render, safe_url_fetcher, url_is_allowed

ROOT = Path(__file__).resolve().parent.parent.parent


def test_only_local_files_under_static_pdf_or_fonts_are_allowed():
    assert url_is_allowed((PDF_STATIC_DIR / "agenda.css").as_uri())
    assert url_is_allowed((FONT_DIR / "DejaVuSans.ttf").as_uri())
    assert not url_is_allowed("file:///etc/passwd")
    assert not url_is_allowed((PDF_STATIC_DIR / ".." / ".." / "manage.py").resolve().as_uri())
    assert not url_is_allowed("https://cdn.exemple.fr/police.woff2")
    assert not url_is_allowed("http://169.254.169.254/latest/meta-data/")
    assert not url_is_allowed("data:image/png;base64,AAAA")


def test_external_resources_are_refused_while_rendering(tmp_path, settings):
    template_dir = tmp_path / "templates"
    (template_dir / "pdf").mkdir(parents=True)
    (template_dir / "pdf" / "hostile.html").write_text(
        '<html lang="fr"><head><title>T</title>'
        '<link rel="stylesheet" href="https://cdn.exemple.fr/x.css"></head><body>'
        "<h1>Titre réel</h1>"
        '<img src="http://exemple.fr/pixel.png" alt="">'
        '<img src="file:///etc/hostname" alt="">'
        "<p>Rendez-vous à 10\u00a0h\u00a020\u00a0: «\u00a0Acheteur\u00a0»</p></body></html>"
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [template_dir, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    fetcher = safe_url_fetcher()
    content = pdf_render(template="pdf/hostile.html", context={}, fetcher=fetcher)
    assert set(fetcher.refused) == {
        "https://cdn.exemple.fr/x.css",
        "http://exemple.fr/pixel.png",
        "file:///etc/hostname",
    }
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()
    assert "Titre réel" in text and "10\u00a0h\u00a020" in text.replace(" h ", "\u00a0h\u00a0")
    reader = PdfReader(__import__("io").BytesIO(content))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    fonts = subprocess.run(
        ["pdffonts", "-"], input=content, capture_output=True, check=False
    ).stdout.decode()
    if fonts:  # pdffonts reads files only on some versions
        assert "yes" in fonts


@pytest.mark.django_db
def test_agenda_pdf_embeds_the_debian_fonts_and_is_tagged(schedule_pdf):
    reader = PdfReader(schedule_pdf)
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object()
            descriptor = descendant["/FontDescriptor"].get_object()
            assert "/FontFile2" in descriptor  # embedded TrueType
            fonts.add(str(font["/BaseFont"]))
    assert any("Ellipse-Sans" in f for f in fonts)
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged PDF: real headings
    assert reader.metadata.title.startswith("Agenda des rendez-vous")


@pytest.fixture
def schedule_pdf(db, tmp_path):
    from meetings.invitations.documents import agenda_documents_ensure
    from tests.invitations.data import published_schedule

    edition, _buyers, companies = published_schedule()
    pdf, _ics = agenda_documents_ensure(
        edition=edition, owner_kind="company", owner_id=companies[0].pk
    )
    return pdf.file.path


def test_a_worker_parent_imports_weasyprint_before_forking_its_pool():
    """``worker_init`` (sent in the worker's parent process, before the pool forks) imports
    WeasyPrint, so that no child pays it on its first agenda; no font configuration is built
    there (its temporary font files must not be shared by forked children)."""
    script = (
        "import sys, django; django.setup()\n"
        "from celery.signals import worker_init\n"
        "from ellipse import pdf\n"
        "assert 'weasyprint' not in sys.modules\n"
        "worker_init.send(sender=None)\n"
        "assert 'weasyprint' in sys.modules\n"
        "assert not getattr(pdf._SHARED, 'stylesheets', None)\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True, cwd=ROOT, timeout=120)
