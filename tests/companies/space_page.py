"""The company space as a signed-in member reads it, for the space's tests."""

from html import unescape

SPACE_URL = "/entreprises/espace/"


def space_page(client, user) -> str:
    """The space of ``user``'s company, unescaped; fails on an error or a missing variable."""
    client.force_login(user)
    response = client.get(SPACE_URL)
    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert "INVALID_TEMPLATE_VARIABLE" not in html
    return html
