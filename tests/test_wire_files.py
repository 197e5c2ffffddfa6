"""Listing a delivery's stories and reading them (articles.wire.files)."""

from pathlib import PurePath

from articles.wire.files import is_story_name, iter_wire_files, story_key


def touch(folder, *names):
    for name in names:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("{}", encoding="utf-8")


def test_a_folder_lists_text_ninjs_and_xml_but_never_sidecars_or_ingest_json(tmp_path):
    touch(
        tmp_path,
        "ingest.json",  # the folder's feed
        "2020/erbil.txt", "2020/erbil.json",  # copy and its sidecar
        "2020/afp-3928.json",  # ninjs: no .txt of its name
        "2020/reuters-17.xml",  # NewsML-G2 or NITF
        "2020/photo.jpg", "2020/README", "2020/notes.md",
        "2021/ingest.json",
    )  # fmt: skip
    listed = [key for _, key in iter_wire_files([tmp_path])]
    assert listed == ["2020/afp-3928.json", "2020/erbil", "2020/reuters-17.xml"]


def test_a_json_beside_a_txt_of_its_name_is_a_sidecar_whatever_the_case():
    beside = {"Erbil.TXT", "Erbil.json", "kirkuk.json"}
    assert not is_story_name("Erbil.json", beside)
    assert is_story_name("kirkuk.json", beside)
    assert is_story_name("Erbil.TXT", beside)
    assert not is_story_name("INGEST.JSON", {"INGEST.JSON"})


def test_a_text_storys_key_has_no_suffix_and_another_formats_keeps_it():
    assert story_key(PurePath("2020/erbil.txt")) == "2020/erbil"
    assert story_key(PurePath("2020/erbil.xml")) == "2020/erbil.xml"
    assert story_key(PurePath("2020/erbil.json")) == "2020/erbil.json"


def test_a_file_named_on_the_command_line_is_listed_whatever_its_suffix(tmp_path):
    touch(tmp_path, "story.xml", "story.txt")
    assert list(iter_wire_files([tmp_path / "story.xml", tmp_path / "story.txt"])) == [
        (tmp_path / "story.xml", "story.xml"),
        (tmp_path / "story.txt", "story"),
    ]
