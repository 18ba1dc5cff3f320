"""The registry of e-mail templates: name, label, category, documented placeholders, and a
function that builds a context from real data (for the staff preview before a batch).

Apps register theirs in an ``email_templates`` module, found by autodiscovery.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.module_loading import autodiscover_modules

from .enums import OPTIONAL_CATEGORIES, EmailCategory


@dataclass(frozen=True)
class EmailTemplate:
    name: str  # templates/emails/<name>.subject.txt, .txt, .html
    label: str
    category: str
    placeholders: dict[str, str] = field(default_factory=dict)
    # Builds a context from real data; ``ref`` names an object ("company:12"), "" = a default.
    sample: Callable[[str], dict] | None = None
    ref_help: str = ""
    # The context holds secrets (set-password links): emptied once sent, never resent.
    redacted: bool = False

    @property
    def optional(self) -> bool:
        return self.category in OPTIONAL_CATEGORIES


_REGISTRY: dict[str, EmailTemplate] = {}
_discovered = False

COMMON_PLACEHOLDERS = {
    "site_url": "Adresse publique d'Ellipse (réglage SITE_URL), ajoutée à tout contexte.",
    "unsubscribe_url": "Lien signé de désinscription (catégories facultatives seulement).",
}


def register(template: EmailTemplate) -> EmailTemplate:
    _REGISTRY[template.name] = template
    return template


def redacted_templates() -> frozenset[str]:
    """Names of the templates whose context is emptied once sent."""
    return frozenset(name for name, spec in registry().items() if spec.redacted)


def registry() -> dict[str, EmailTemplate]:
    global _discovered
    if not _discovered:
        autodiscover_modules("email_templates")
        _discovered = True
    return dict(sorted(_REGISTRY.items()))


def _rendered_sample(ref: str) -> dict:
    return {
        "subject": "[Ellipse] Confirmez votre adresse e-mail",
        "text": "Bonjour,\n\nCeci est un exemple de message de connexion (allauth).",
        "html": "",
    }


register(
    EmailTemplate(
        name="outbox/rendered",
        label="Messages de connexion (allauth : confirmation, mot de passe, code)",
        category=EmailCategory.SERVICE,
        placeholders={
            "subject": "Objet déjà rendu par allauth.",
            "text": "Texte déjà rendu par allauth (effacé après l'envoi : liens secrets).",
            "html": "HTML déjà rendu par allauth, ou vide.",
        },
        sample=_rendered_sample,
        redacted=True,
    )
)
register(
    EmailTemplate(
        name="test_message",
        label="Message de vérification de la messagerie",
        category=EmailCategory.SERVICE,
        placeholders={"name": "Nom de la personne."},
        sample=lambda ref: {"name": ref or "Camille"},
        ref_help="Un prénom.",
    )
)
