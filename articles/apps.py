from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"

    def ready(self):
        from .bookkeeping import install_after_migrate

        # After every migrate (and flush): SQLite loses triggers when a table is rebuilt.
        post_migrate.connect(install_after_migrate, sender=self)
