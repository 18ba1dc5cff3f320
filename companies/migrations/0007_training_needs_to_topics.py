"""Existing free-text training needs and workshops become topics (the text itself is kept)."""

import unicodedata

from django.db import migrations


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    return text.lower()


def forward(apps, schema_editor):
    Topic = apps.get_model("companies", "Topic")
    Registration = apps.get_model("companies", "Registration")
    topics = [
        (t, [_fold(t.name)] + [_fold(k.strip()) for k in t.keywords.split(",") if k.strip()])
        for t in Topic.objects.all()
    ]
    registrations = Registration.objects.exclude(training_needs="", workshops="")
    for registration in registrations.iterator():
        text = _fold(f"{registration.training_needs} {registration.workshops}")
        found = [t for t, terms in topics if any(term and term in text for term in terms)]
        if found:
            registration.training_topics.add(*found)


class Migration(migrations.Migration):
    dependencies = [("companies", "0006_training_topics_initial")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
