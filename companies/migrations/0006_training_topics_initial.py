"""The training topics the procurement lawyers teach today (staff edit them in the admin)."""

from django.db import migrations

TOPICS = [
    (
        "Répondre à un appel d'offres",
        "dossier de consultation, dce, mémoire technique, candidature, offre, répondre",
    ),
    (
        "Signature électronique et plateformes des acheteurs",
        "signature électronique, plateforme, profil acheteur, dématérialisation, certificat",
    ),
    ("Clauses sociales", "clause sociale, insertion, heures d'insertion, clauses sociales"),
    ("Marchés de travaux", "travaux, btp, chantier, lot"),
    ("Répondre en groupement", "groupement, cotraitance, co-traitance, sous-traitance, mandataire"),
    ("Construire son prix", "prix, bpu, dpgf, tarif, chiffrage, devis"),
]


def forward(apps, schema_editor):
    Topic = apps.get_model("companies", "Topic")
    for name, keywords in TOPICS:
        Topic.objects.get_or_create(name=name, defaults={"keywords": keywords})


class Migration(migrations.Migration):
    dependencies = [("companies", "0005_training_topic")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
