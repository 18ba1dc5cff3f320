"""The latest call of each registration stored on it (the call queue sorts on columns), filled
from the call log. Written out here rather than imported so later code cannot change it."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce


def last_call_fill(apps, schema_editor):
    CallLog = apps.get_model("companies", "CallLog")
    Registration = apps.get_model("companies", "Registration")
    latest = CallLog.objects.filter(registration=OuterRef("pk")).order_by("-called_at", "-pk")
    Registration.objects.filter(pk__in=CallLog.objects.values("registration_id")).update(
        last_call_at=Subquery(latest.values("called_at")[:1]),
        last_call_outcome=Coalesce(Subquery(latest.values("outcome")[:1]), Value("")),
        next_callback_at=Subquery(latest.values("callback_at")[:1]),
    )


class Migration(migrations.Migration):

    dependencies = [
        ('companies', '0011_registration_created_index'),
    ]

    operations = [
        migrations.AddField(
            model_name='registration',
            name='last_call_at',
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name='dernier appel le'),
        ),
        migrations.AddField(
            model_name='registration',
            name='last_call_outcome',
            field=models.CharField(blank=True, choices=[('reached', 'Joint·e'), ('no_answer', 'Pas de réponse'), ('wrong_number', 'Mauvais numéro'), ('call_back', 'À rappeler')], editable=False, max_length=16, verbose_name='résultat du dernier appel'),
        ),
        migrations.AddField(
            model_name='registration',
            name='next_callback_at',
            field=models.DateTimeField(blank=True, editable=False, help_text="Celui du dernier appel s'il a conclu « À rappeler ».", null=True, verbose_name='rappel prévu le'),
        ),
        migrations.RunPython(last_call_fill, migrations.RunPython.noop),
    ]
