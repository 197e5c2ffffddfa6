"""English dates and numbers as the newsroom writes them: British (25 Oct 2006, 14:30)."""

from django.conf.locale.en_GB.formats import *  # noqa: F403
