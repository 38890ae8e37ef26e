"""ZIP packages (a ZIP of CSVs, an XLSX file) are checked before anything is decompressed."""

import struct
import zipfile
from pathlib import Path

import openpyxl.xml
import pytest

from dataio.workbook.read import read_workbook

from .helpers import small_project, write_xlsx

MiB = 1024 * 1024


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def _declare(path: Path, member: str, file_size: int) -> Path:
    """Make the ZIP's central directory lie about one member's uncompressed size."""
    data = bytearray(path.read_bytes())
    start = data.index(b"PK\x01\x02")
    while True:
        name_length = struct.unpack_from("<H", data, start + 28)[0]
        if data[start + 46 : start + 46 + name_length].decode() == member:
            struct.pack_into("<I", data, start + 24, file_size)
            path.write_bytes(bytes(data))
            return path
        start = data.index(b"PK\x01\x02", start + 4)


def _reasons(path: Path, name: str = "") -> list[tuple[str, str]]:
    tables, problems = read_workbook(path, name=name) if name else read_workbook(path)
    assert tables == {}
    return [(p.value, p.reason) for p in problems]


def test_a_member_declared_at_one_gib_is_refused_before_reading(tmp_path):
    path = _zip(tmp_path / "upload.zip", {"populations.csv": b"name\nAdults\n"})
    _declare(path, "populations.csv", 1024 * MiB)
    assert _reasons(path, "bomb.zip") == [
        (
            "bomb.zip",
            "refused: populations.csv in bomb.zip unpacks to 1.00 GiB; the limit for one file "
            "is 256.0 MiB (setting IMPORT_MAX_MEMBER_BYTES)",
        )
    ]


def test_a_member_compressed_a_thousand_to_one_is_refused(tmp_path):
    path = _zip(tmp_path / "b.zip", {"populations.csv": b"name\n" + b"A" * (4 * MiB)})
    ((value, reason),) = _reasons(path)
    assert value == "b.zip"
    assert reason.startswith("refused: populations.csv in b.zip is compressed ")
    assert reason.endswith("the limit is 100 to 1 (setting IMPORT_MAX_COMPRESSION_RATIO)")


def test_the_total_and_the_count_of_members_have_limits(tmp_path, settings):
    settings.IMPORT_MAX_TOTAL_BYTES = 1000
    rows = b"name\n" + b"".join(f"Term {i}\n".encode() for i in range(100))  # 795 bytes
    path = _zip(tmp_path / "t.zip", {"populations.csv": rows, "outcome_domains.csv": rows})
    assert _reasons(path) == [
        (
            "t.zip",
            "refused: t.zip unpacks to 1.6 KiB in all; the limit is 1,000 bytes "
            "(setting IMPORT_MAX_TOTAL_BYTES)",
        )
    ]
    settings.IMPORT_MAX_MEMBERS = 1
    assert _reasons(path) == [
        ("t.zip", "refused: t.zip holds 2 files; at most 1 are read (setting IMPORT_MAX_MEMBERS)")
    ]


def test_a_member_larger_than_its_directory_says_stops_at_the_declared_size(tmp_path):
    rows = b"name\n" + b"".join(f"Term {i}\n".encode() for i in range(500_000))
    path = _declare(_zip(tmp_path / "lie.zip", {"populations.csv": rows}), "populations.csv", 100)
    # zipfile hands out no more than the declared 100 bytes, then the checksum fails.
    assert _reasons(path) == [
        ("lie.zip", "not a readable ZIP: Bad CRC-32 for file 'populations.csv'")
    ]


def test_the_bytes_decompressed_are_counted_against_the_cap(tmp_path):
    from dataio.workbook.archive import ArchiveRefused, Limits, open_member

    path = _zip(tmp_path / "c.zip", {"populations.csv": b"name\n" + b"A" * 5000})
    limits = Limits(member_bytes=1000, total_bytes=MiB, ratio=100, members=10)
    with zipfile.ZipFile(path) as archive:
        stream = open_member(archive, archive.getinfo("populations.csv"), limits, name="c.zip")
        with pytest.raises(ArchiveRefused, match=r"populations.csv in c.zip unpacks to more than"):
            stream.read()


def test_csv_members_are_read_from_the_zip_without_a_temp_folder(tmp_path, monkeypatch):
    import tempfile

    def refuse(*args, **kwargs):
        raise AssertionError("nothing is extracted to a temp folder")

    monkeypatch.setattr(tempfile, "TemporaryDirectory", refuse)
    monkeypatch.setattr(tempfile, "mkdtemp", refuse)
    rows = b"name,position\n" + b"".join(f"Term {i},{i}\n".encode() for i in range(3000))
    path = _zip(
        tmp_path / "ok.zip",
        {"exports/populations.csv": rows, "__MACOSX/exports/._populations.csv": b"\x00\x05"},
    )
    tables, problems = read_workbook(path)
    assert problems == []
    assert [r.values["name"] for r in tables["populations"].rows][-1] == "Term 2999"


def test_an_xlsx_file_has_the_same_limits(tmp_path, settings):
    path = write_xlsx(tmp_path / "p.xlsx", small_project())
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/image1.png", bytes(4 * MiB))
    ((value, reason),) = _reasons(path, "Our workbook.xlsx")
    assert value == "Our workbook.xlsx"
    assert reason.startswith("refused: xl/media/image1.png in Our workbook.xlsx is compressed")

    settings.IMPORT_MAX_MEMBER_BYTES = 2000
    path = write_xlsx(tmp_path / "q.xlsx", small_project())
    ((_, reason),) = _reasons(path, "q.xlsx")
    assert reason.startswith("refused: xl/")  # the first member over 2 KiB
    assert " in q.xlsx unpacks to " in reason
    assert reason.endswith("the limit for one file is 2.0 KiB (setting IMPORT_MAX_MEMBER_BYTES)")


def test_an_xml_entity_bomb_in_an_xlsx_file_is_refused(tmp_path):
    path = write_xlsx(tmp_path / "p.xlsx", {"populations": [["name"], ["Adults"]]})
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol3;</t></is></c></row>'
        "</sheetData></worksheet>"
    )
    bombed = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(bombed, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            target.writestr(info, laughs if info.filename.endswith("sheet1.xml") else data)
    assert openpyxl.xml.DEFUSEDXML  # openpyxl parses through defusedxml (a dependency)
    ((value, reason),) = _reasons(tmp_path / "bomb.xlsx", "Our bomb.xlsx")
    assert value == "Our bomb.xlsx"
    assert reason.startswith(
        "not a readable XLSX file: Unable to read workbook: could not read worksheets from "
        "Our bomb.xlsx."
    )
