"""The cache's version (ellipse.settings.release): a digest of the code that moves with any
change of the code, templates or translations, and with nothing else."""

from ellipse.settings.release import code_digest


def test_digest_moves_with_code_templates_and_translations_only(tmp_path):
    (tmp_path / "app" / "templates").mkdir(parents=True)
    (tmp_path / "app" / "views.py").write_text("x = 1\n")
    (tmp_path / "app" / "templates" / "page.html").write_text("<p>un</p>")
    first = code_digest(tmp_path)
    assert code_digest(tmp_path) == first
    for ignored in (".venv/lib/mod.py", "tests/test_x.py", "staticfiles/a.txt", "app/x.css"):
        (tmp_path / ignored).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / ignored).write_text("ignored")
    assert code_digest(tmp_path) == first
    (tmp_path / "app" / "templates" / "page.html").write_text("<p>deux</p>")
    second = code_digest(tmp_path)
    assert second != first
    (tmp_path / "app" / "locale").mkdir()
    (tmp_path / "app" / "locale" / "django.mo").write_bytes(b"\x00")
    assert code_digest(tmp_path) != second
