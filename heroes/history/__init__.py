"""Every change to a hero, who made it, and restoring one (django-simple-history).

- models.py: what a history entry holds besides the hero's fields (the command behind it)
- actors.py: the manage.py command running, recorded by entries written outside a request
- versions.py: the entries a reader of the API may see, newest first
- restore.py: a hero back as one of its versions, deleted or not

Hero.history (heroes/models.py) writes an entry for every save and delete, in the same
transaction. Bulk loads (`seed_heroes`) write none. The admin shows the entries and
restores from them (heroes/admin/); GET /heroes/{id}/history/ lists them
(heroes/api/views.py); `manage.py purge_hero_history` deletes the old ones.
"""
