"""The catalogue's default order (year descending, quarter) indexed over its visible lines: the
first page reads one (year, quarter) group in order and the count scans the index only."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("buyers", "0007_planned_contract_search_columns"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="plannedcontract",
            index=models.Index(
                models.OrderBy(models.F("year"), descending=True),
                models.F("publication_quarter"),
                condition=models.Q(
                    ("status__in", ["published", "launched", "awarded"]),
                    ("visibility", "published"),
                ),
                name="catalogue_order_idx",
            ),
        ),
    ]
