"""The generated documents now belong to the invitations app: the model leaves the outbox's
state; its table stays (the invitations app takes it over without copying anything)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("outbox", "0002_documents_optout_resend")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="GeneratedDocument")],
            database_operations=[],
        ),
    ]
