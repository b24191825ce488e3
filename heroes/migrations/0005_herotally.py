# The hero tally: an exact count kept by triggers (heroes/tally.py).

from django.db import migrations, models

import heroes.tally


class Migration(migrations.Migration):
    dependencies = [
        ("heroes", "0004_loginattempts"),
    ]

    operations = [
        migrations.CreateModel(
            name="HeroTally",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                ("total", models.BigIntegerField()),
            ],
            options={
                "db_table": "heroes_herotally",
                "managed": False,
            },
        ),
        migrations.RunPython(heroes.tally.create, heroes.tally.drop),
    ]
