"""The django-ninja peer: the hero service as django-ninja's tutorial writes it.

What a Django user picks instead of DRF: a ModelSchema, ninja's limit/offset pagination, a
FilterSchema, the Django admin, Django's own middleware, served by gunicorn. It runs in the
peers' virtualenv on the table the benchmark seeded.
"""
