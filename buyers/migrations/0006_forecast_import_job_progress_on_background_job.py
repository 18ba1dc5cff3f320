"""Forecast import jobs report their status and progress through ellipse.core's BackgroundJob.

The rows are transient (a preview or an import under way, its upload purged within a day):
those left are deleted rather than converted; a buyer whose preview was pending uploads again.
"""

import django.db.models.deletion
from django.db import migrations, models


def forget_pending_jobs(apps, schema_editor):
    apps.get_model("buyers", "ForecastImportJob").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("buyers", "0005_french_labels"),
        ("core", "0002_background_job_total_may_be_unknown"),
    ]

    operations = [
        migrations.RunPython(forget_pending_jobs, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name="forecastimportjob", name="forecast_import_job_progress_range"
        ),
        migrations.RemoveField(model_name="forecastimportjob", name="status"),
        migrations.RemoveField(model_name="forecastimportjob", name="done"),
        migrations.RemoveField(model_name="forecastimportjob", name="total"),
        migrations.RemoveField(model_name="forecastimportjob", name="error"),
        migrations.RemoveField(model_name="forecastimportjob", name="created_by"),
        migrations.RemoveField(model_name="forecastimportjob", name="updated_at"),
        migrations.AddField(
            model_name="forecastimportjob",
            name="job",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="core.backgroundjob",
                verbose_name="tâche de fond",
            ),
            preserve_default=False,
        ),
    ]
