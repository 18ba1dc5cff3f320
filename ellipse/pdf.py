"""PDF rendering with WeasyPrint: lazy import, embedded Debian fonts, nothing fetched from outside.

``pdf_render(template=, context=)`` renders a Django template to A4 PDF bytes. Only ``file://``
URLs under the project's static folder or the Debian font folder are read; anything else
(http, https, data, ftp, files elsewhere) is refused and listed in ``SafeURLFetcher.refused``.
WeasyPrint is imported inside the functions, so that web processes that never make a PDF do not
pay its import time.
"""

from __future__ import annotations

import atexit
import logging
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
PDF_STATIC_DIR = Path(settings.BASE_DIR) / "static" / "pdf"
PDF_STYLESHEET = PDF_STATIC_DIR / "agenda.css"


def allowed_roots() -> list[Path]:
    return [PDF_STATIC_DIR.resolve(), FONT_DIR.resolve()]


def url_is_allowed(url: str) -> bool:
    """Only local files under the PDF static folder or the font folder."""
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        return False
    path = Path(unquote(parts.path)).resolve()
    return any(path == root or root in path.parents for root in allowed_roots())


def _fetcher_class():
    from weasyprint.urls import URLFetcher

    class SafeURLFetcher(URLFetcher):
        """Refuses every URL but local files under the allowed roots (and records them)."""

        def __init__(self, **kwargs):
            super().__init__(allowed_protocols=["file"], allow_redirects=False, **kwargs)
            self.refused: list[str] = []

        def fetch(self, url, headers=None):
            if not url_is_allowed(url):
                self.refused.append(url)
                logger.warning("PDF : ressource refusée pendant le rendu : %s", url[:200])
                raise ValueError(f"Ressource externe refusée : {url[:200]}")
            return super().fetch(url, headers)

    return SafeURLFetcher


def safe_url_fetcher():
    return _fetcher_class()()


def font_face_css() -> str:
    """@font-face rules pointing at the DejaVu files of the Debian package (fonts-dejavu-core)."""
    faces = [("normal", "DejaVuSans.ttf"), ("bold", "DejaVuSans-Bold.ttf")]
    return "\n".join(
        f"@font-face {{ font-family: 'Ellipse Sans'; font-weight: {weight}; "
        f"src: url('{(FONT_DIR / name).as_uri()}'); }}"
        for weight, name in faces
    )


_SHARED = threading.local()
# Drop them before the interpreter tears modules down (FontConfiguration.__del__ needs them).
atexit.register(lambda: _SHARED.__dict__.clear())


def _shared_resources():
    """The font configuration and the parsed stylesheets, built once per thread: loading the
    fonts and parsing the CSS again for every agenda cost a quarter of its rendering time."""
    if not getattr(_SHARED, "stylesheets", None):
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        fonts = FontConfiguration()
        fetcher = safe_url_fetcher()
        _SHARED.fonts = fonts
        _SHARED.stylesheets = [
            CSS(string=font_face_css(), font_config=fonts, url_fetcher=fetcher),
            CSS(filename=str(PDF_STYLESHEET), font_config=fonts, url_fetcher=fetcher),
        ]
    return _SHARED.fonts, _SHARED.stylesheets


def pdf_preload() -> None:
    """Import WeasyPrint now (≈1 s of CPU): called once in a Celery worker's parent process
    before it forks its pool, so that every child starts with it loaded instead of paying it on
    its first agenda. The font configuration and stylesheets stay per process, built on first
    use: they hold temporary font files that forked copies must not share (a child's exit would
    delete them under its siblings)."""
    import weasyprint  # noqa: F401


def pdf_render(*, template: str, context: dict, fetcher=None) -> bytes:
    """Render ``template`` with ``context`` to PDF bytes (A4, embedded fonts, tagged text)."""
    return pdf_render_html(html=render_to_string(template, context), fetcher=fetcher)


def pdf_render_html(*, html: str, fetcher=None) -> bytes:
    """The same, from an HTML string already rendered (the benchmark's bare page, for one)."""
    from weasyprint import HTML

    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    fetcher = fetcher or safe_url_fetcher()
    fonts, stylesheets = _shared_resources()
    document = HTML(
        string=html, base_url=PDF_STATIC_DIR.as_uri() + "/", url_fetcher=fetcher
    ).render(stylesheets=stylesheets, font_config=fonts)
    return document.write_pdf(pdf_tags=True, uncompressed_pdf=False)
