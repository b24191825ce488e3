from django.db import migrations, models

# On SQLite, AddField with a default rebuilds heroes_hero, which drops the count triggers
# and prefix indexes of migrations 0005-0007: the column is added in place instead.
ADD_COLUMN = 'ALTER TABLE "heroes_hero" ADD COLUMN "version" bigint DEFAULT 1 NOT NULL'
DROP_COLUMN = 'ALTER TABLE "heroes_hero" DROP COLUMN "version"'


class Migration(migrations.Migration):
    dependencies = [("heroes", "0008_delete_herotally")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL(ADD_COLUMN, DROP_COLUMN)],
            state_operations=[
                migrations.AddField(
                    model_name="hero",
                    name="version",
                    field=models.PositiveBigIntegerField(default=1, editable=False),
                ),
            ],
        ),
    ]
