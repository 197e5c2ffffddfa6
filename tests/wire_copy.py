"""Wire copy for tests: the seed story, small documents written to a folder, an import."""

import json
import shutil

from django.conf import settings

from articles.wire.run import import_paths

SEEDS = settings.BASE_DIR / "seeds"
SEED_TXT = next(iter(sorted(SEEDS.glob("*.txt"))))  # the English story, before its translations
# The seed story and its translations (issue 13): each a document of its own.
SEED_DOCUMENTS = len(list(SEEDS.glob("*.txt")))
SEED_JSON = SEED_TXT.with_suffix(".json")
SEED_SLUG = "two-us-soldiers-die-in-iraqi-security-operation-that-kills-25-isis-members"
SEED_HEADLINE = "Two US soldiers die in Iraqi security operation that kills 25 ISIS members"
SEED_LEAD = (
    "Iraq's Military Communications Center (MCC) announced on Monday that anti-terrorism "
    "forces, backed by the US-led coalition against ISIS, killed 25 members of the terrorist "
    "group in an extended combat operation south of the disputed district of Makhmour in "
    "Nineveh governorate."
)
FINISHED_ONE_IMPORTED = "Import finished: 1 imported, 0 updated, 0 unchanged, 0 failed."


def seed_text():
    return SEED_TXT.read_text(encoding="utf-8")


def wire(
    headline="Peshmerga open a new checkpoint",
    summary="The Peshmerga opened a checkpoint on Sunday.",
    lead="The Peshmerga opened a checkpoint on Sunday.",
    body=("Officials said it would stay open.",),
    dateline="ERBIL (Kurdistan 24) – ",
    editing="Editing by Laurie Mylroie",
):
    """A small, valid wire document; pass None to leave a part out."""
    parts = [headline, summary, f"{dateline}{lead}" if lead is not None else None, *body]
    if editing:
        parts.append(editing)
    return "\n\n".join(p for p in parts if p is not None) + "\n"


def copy_seed(folder, stem=None):
    """Copy the seed story and its sidecar into folder; returns the .txt path."""
    stem = stem or SEED_TXT.stem
    target = folder / f"{stem}.txt"
    shutil.copyfile(SEED_TXT, target)
    shutil.copyfile(SEED_JSON, target.with_suffix(".json"))
    return target


def write_doc(folder, name, text, metadata=None):
    path = folder / f"{name}.txt"
    path.write_text(text, encoding="utf-8")
    if metadata is not None:
        path.with_suffix(".json").write_text(json.dumps(metadata), encoding="utf-8")
    return path


def run_import(*paths):
    """import_paths, also returning every result keyed by file name."""
    results = {}
    summary = import_paths(paths, on_result=lambda r: results.__setitem__(r.path.name, r))
    return summary, results


def slugs(regions):
    return {r.slug for r in regions}
