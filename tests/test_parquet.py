"""cleaner.parquet: rows as documents, written back with only the text column changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleaner.errors import InputError
from cleaner.parquet import ParquetInput, ParquetOutput, parquet_documents, write_rows

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

TEXTS = ["今天,天气很好。", None, "干净的文本。", "第四行,有逗号。"]


def _table(text_type=None):
    return pa.table(
        {
            "id": pa.array([1, 2, 3, 4], pa.int64()),
            "text": pa.array(TEXTS, text_type or pa.string()),
            "score": pa.array([0.5, float("inf"), None, -0.0]),
            "tags": pa.array([["a"], [], None, ["b", "c"]]),
        }
    ).replace_schema_metadata({b"origin": "测试".encode()})


def _write(path: Path, table, **kw) -> Path:
    pq.write_table(table, path, row_group_size=2, **kw)
    return path


def _rewrite(src: Path, dst: Path, change) -> None:
    docs = parquet_documents([str(src)], "text")
    with open(dst, "wb") as fh:
        out = ParquetOutput(fh, str(dst))
        write_rows([str(src)], "text", ((d.text, change(d.text)) for d in docs), lambda s: out)
        out.close()


def test_rows_are_documents_named_by_row_from_1_and_nulls_are_not(tmp_path):
    path = _write(tmp_path / "t.parquet", _table())
    docs = list(parquet_documents([str(path)], "text"))
    assert [(d.id, d.text) for d in docs] == [(f"{path}:1", TEXTS[0]), (f"{path}:3", TEXTS[2]), (f"{path}:4", TEXTS[3])]
    assert docs[0].nbytes == len(TEXTS[0].encode())


@pytest.mark.parametrize("text_type", [pa.string(), pa.large_string(), pa.dictionary(pa.int32(), pa.string())])
def test_only_the_text_column_changes_and_the_rest_is_kept(tmp_path, text_type):
    src = _write(tmp_path / "t.parquet", _table(text_type), compression={"id": "zstd", "text": "snappy", "score": "gzip", "tags": "none"})
    dst = tmp_path / "out.parquet"
    _rewrite(src, dst, lambda t: t.replace(",", "，"))
    before, after = pq.ParquetFile(src), pq.ParquetFile(dst)
    assert after.schema_arrow.equals(before.schema_arrow, check_metadata=True)
    assert after.metadata.num_row_groups == before.metadata.num_row_groups == 2
    got = after.read()
    assert got.column("text").to_pylist() == ["今天，天气很好。", None, "干净的文本。", "第四行，有逗号。"]
    for name in ("id", "score", "tags"):
        assert got.column(name).equals(before.read().column(name))
    codecs = [after.metadata.row_group(0).column(j).compression for j in range(4)]
    assert codecs == ["ZSTD", "SNAPPY", "GZIP", "UNCOMPRESSED"]


def test_a_row_whose_new_text_is_none_is_left_out(tmp_path):
    src = _write(tmp_path / "t.parquet", _table())
    _rewrite(src, tmp_path / "o.parquet", lambda t: None if t.startswith("干净") else t)
    assert pq.read_table(tmp_path / "o.parquet").column("id").to_pylist() == [1, 2, 4]


def test_a_file_that_changed_between_readings_is_bad_input(tmp_path):
    src = _write(tmp_path / "t.parquet", _table())
    with open(tmp_path / "o.parquet", "wb") as fh:
        out = ParquetOutput(fh, "o.parquet")
        with pytest.raises(InputError, match="changed while cleaner was running"):
            write_rows([str(src)], "text", [("something else", "x")], lambda s: out)
        out.close(ok=False)


@pytest.mark.parametrize(
    "make, field, message",
    [
        (lambda p: p.write_bytes(b'{"text": "x"}\n'), "text", "not a readable Parquet file"),
        (lambda p: _write(p, _table()), "body", r"no column 'body' \(columns: id, text, score, tags\); use --field"),
        (lambda p: _write(p, _table()), "id", "column 'id' holds int64, not strings"),
        (lambda p: _write(p, pa.table({"text": pa.array([b"\xff"], pa.binary())})), "text", "holds binary, not strings"),
    ],
)
def test_what_cannot_be_read_is_named(tmp_path, make, field, message):
    path = tmp_path / "bad.parquet"
    make(path)
    with pytest.raises(InputError, match=rf"bad\.parquet: .*{message}"):
        ParquetInput(str(path), field)


def test_text_that_is_not_utf8_names_its_row(tmp_path):
    data = pa.py_buffer(b"okbad\xff")
    offsets = pa.py_buffer(pa.array([0, 2, 6], pa.int32()).buffers()[1])
    texts = pa.Array.from_buffers(pa.string(), 2, [None, offsets, data])  # written unchecked, as a foreign writer may
    path = tmp_path / "bad.parquet"
    pq.write_table(pa.table({"text": texts}), path)
    with pytest.raises(InputError, match=r"bad\.parquet: row 2: the text is not valid UTF-8"):
        list(parquet_documents([str(path)], "text"))


@pytest.mark.parametrize(
    "ids, expected",
    [
        (pa.array([1, None, 3, 4], pa.int64()), ["1", "3", "4"]),
        (pa.array(["新闻/1", None, "新闻/3", "新闻/4"], pa.large_string()).dictionary_encode(), ["新闻/1", "新闻/3", "新闻/4"]),
        (pa.array([7, 8, 9, 10], pa.uint8()).dictionary_encode(), ["7", "9", "10"]),
    ],
)
def test_id_field_names_rows_by_their_id_and_where_keeps_the_row(tmp_path, ids, expected):
    path = _write(tmp_path / "t.parquet", _table().set_column(0, "id", ids))
    docs = list(parquet_documents([str(path)], "text", id_field="id"))
    # row 2's text is null: not a document, so its null id does not matter
    assert [(d.id, d.where, d.text) for d in docs] == list(zip(expected, [f"{path}:1", f"{path}:3", f"{path}:4"], [TEXTS[0], TEXTS[2], TEXTS[3]]))


@pytest.mark.parametrize(
    "column, message",
    [
        (pa.array([1, 2, None, 4]), r"t\.parquet:3: id field 'id' is null"),
        (pa.array(["a", "b", "c", ""]), r"t\.parquet:4: id field 'id' is an empty string"),
        (pa.array([1.0, 2.0, 3.0, 4.0]), r"t\.parquet: column 'id' holds double, not strings or integers"),
        (pa.array([True, False, True, True]), r"t\.parquet: column 'id' holds bool, not strings or integers"),
    ],
)
def test_a_bad_id_is_named(tmp_path, column, message):
    path = _write(tmp_path / "t.parquet", _table().set_column(0, "id", column))
    with pytest.raises(InputError, match=message):
        list(parquet_documents([str(path)], "text", id_field="id"))
    with pytest.raises(InputError, match=r"no column 'url' \(columns: id, text, score, tags\); --id-field names"):
        ParquetInput(str(path), "text", id_field="url")


def test_different_columns_cannot_share_one_output(tmp_path):
    a = _write(tmp_path / "a.parquet", _table())
    b = _write(tmp_path / "b.parquet", pa.table({"text": ["x"]}))
    with open(tmp_path / "o.parquet", "wb") as fh:
        out = ParquetOutput(fh, "o.parquet")
        out.start(ParquetInput(str(a), "text"))
        with pytest.raises(InputError, match=r"b\.parquet: its columns differ from those of .*a\.parquet"):
            out.start(ParquetInput(str(b), "text"))
        out.close(ok=False)
