from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


def install_archive_version_triggers(sender, using, **kwargs):
    from .archive_cache import install_version_triggers

    install_version_triggers(connections[using])


def install_summary_triggers(sender, using, **kwargs):
    from . import summaries

    summaries.install(connections[using])


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"

    def ready(self):
        # After every migrate (and flush): SQLite loses triggers when a table is rebuilt.
        post_migrate.connect(install_archive_version_triggers, sender=self)
        post_migrate.connect(install_summary_triggers, sender=self)
