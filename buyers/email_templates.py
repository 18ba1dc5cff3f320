"""buyers/ e-mail templates in the outbox registry."""

from django.conf import settings

from ellipse.outbox.enums import EmailCategory
from ellipse.outbox.registry import EmailTemplate, register


def invitation_sample(ref: str) -> dict:
    site = settings.SITE_URL.rstrip("/")
    return {
        "first_name": "Camille",
        "organisation_name": "Ville de Montreuil",
        "inviter": "Équipe Ellipse",
        "set_password_url": f"{site}/comptes/password/reset/key/exemple/",
        "space_url": f"{site}/acheteurs/espace/",
    }


register(
    EmailTemplate(
        name="buyers/invitation",
        label="Invitation d'un acheteur (choix du mot de passe)",
        category=EmailCategory.SERVICE,
        placeholders={
            "first_name": "Prénom de la personne invitée (peut être vide).",
            "organisation_name": "Organisation acheteuse.",
            "inviter": "Qui invite (collègue ou équipe), peut être vide.",
            "set_password_url": "Lien pour choisir le mot de passe (jeton à durée limitée).",
            "space_url": "Adresse de l'espace acheteur.",
        },
        sample=invitation_sample,
        redacted=True,  # the set-password link is a secret
    )
)


def invitation_existing_sample(ref: str) -> dict:
    return {
        "organisation_name": "Ville de Montreuil",
        "login_url": settings.SITE_URL.rstrip("/") + "/comptes/login/",
    }


register(
    EmailTemplate(
        name="buyers/invitation_existing_account",
        label="Invitation d'un acheteur dont l'adresse a déjà un compte",
        category=EmailCategory.SERVICE,
        placeholders={
            "organisation_name": "Organisation acheteuse qui a voulu inviter la personne.",
            "login_url": "Adresse de la page de connexion.",
        },
        sample=invitation_existing_sample,
    )
)
