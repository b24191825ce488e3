# The per-age hero tally: exact age-range counts kept by triggers (heroes/age_tally.py).

from django.db import migrations

import heroes.age_tally


class Migration(migrations.Migration):
    dependencies = [
        ("heroes", "0005_herotally"),
    ]

    operations = [
        migrations.RunPython(heroes.age_tally.create, heroes.age_tally.drop),
    ]
