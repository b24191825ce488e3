# The tally table stays (migration 0005 made it, in SQL); only the unmanaged model goes.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("heroes", "0007_prefix_search_indexes"),
    ]

    operations = [
        migrations.DeleteModel(name="HeroTally"),
    ]
