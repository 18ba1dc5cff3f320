"""The generated documents, taken over from the outbox: state only, the table
``outbox_generateddocument`` and its rows stay as they are."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("editions", "0001_initial"),
        ("outbox", "0003_generated_document_moved_to_invitations"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="GeneratedDocument",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("kind", models.CharField(choices=[("company_agenda", "Agenda d'une entreprise (PDF)"), ("buyer_agenda", "Agenda d'un acheteur (PDF)"), ("company_ics", "Calendrier d'une entreprise (ICS)"), ("buyer_ics", "Calendrier d'un acheteur (ICS)"), ("booklet", "Livret de l'équipe (PDF)")], max_length=20, verbose_name="type")),
                        ("owner_id", models.PositiveBigIntegerField(verbose_name="propriétaire")),
                        ("file", models.FileField(max_length=255, upload_to="documents/", verbose_name="fichier")),
                        ("content_hash", models.CharField(max_length=64, verbose_name="empreinte du contenu")),
                        ("size", models.PositiveIntegerField(default=0, verbose_name="taille (octets)")),
                        ("render_seconds", models.FloatField(default=0, verbose_name="durée de génération (s)")),
                        ("generated_at", models.DateTimeField(auto_now=True, verbose_name="généré le")),
                        ("edition", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="documents", to="editions.edition", verbose_name="édition")),
                    ],
                    options={
                        "verbose_name": "document généré",
                        "verbose_name_plural": "documents générés",
                        "ordering": ["edition", "kind", "owner_id"],
                        "db_table": "outbox_generateddocument",
                        "constraints": [models.UniqueConstraint(fields=("edition", "kind", "owner_id"), name="generated_document_unique")],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
