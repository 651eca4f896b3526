"""Rule `boilerplate`: a trailing promotional footer, and nothing else."""

from __future__ import annotations

import pytest

from cleaner import clean, explain
from tests.conftest import evaldata

BODY = "市场监管部门召开会议，部署年底前的各项工作。\n\n会议要求各部门加强协调配合，落实责任。\n"


def only(text: str) -> str:
    return clean(text, only=["boilerplate"])


@pytest.mark.parametrize(
    "footer",
    [
        "\n扫描左下方二维码\n\n关注本报官方微信\n",
        "\n长按识别二维码\n订阅我们\n下载客户端\n",
        "\nScan the QR code\nFollow us on Weibo\n",
        "\n更多精彩内容\n\n请关注我们的公众号\n",
    ],
)
def test_drops_a_trailing_footer(footer):
    r = explain(BODY + footer, only=["boilerplate"])
    assert r.text == BODY
    (e,) = r.edits
    assert e.rule == "boilerplate" and e.after == "" and "footer" in e.note


@pytest.mark.parametrize(
    "text",
    [
        BODY,
        BODY + "\n我们用手机扫码支付，非常方便，关注的人也越来越多。\n",  # prose that mentions the phrases
        BODY + "\n扫描二维码\n\n" + "会议最后强调，要切实做好安全生产工作。\n",  # footer-like line not at the end
        "扫描二维码关注我们\n",  # nothing but the footer: nothing to keep it from
        BODY + "\n记者 张三 李四\n",  # a byline is not promotional
    ],
)
def test_leaves_alone(text):
    assert only(text) == text


def test_real_wikipedia_text_is_left_alone():
    text = evaldata("prose/wiki_zh_200.txt").read_text(encoding="utf-8")
    for article in text.split("\n\n"):
        assert only(article) == article


@pytest.mark.parametrize("tail", [1, 7, 40])
def test_reading_the_end_only_finds_what_reading_every_line_finds(monkeypatch, tail):
    # the rule splits only the end of the text into lines, widened until
    # they decide: the same edit as from all the lines, whatever the width
    # read first (a footer, blank lines or the content line before it may
    # begin before it)
    import random

    from cleaner.config import make_config
    from cleaner.rules import boilerplate

    cfg = make_config()
    rng = random.Random(12)
    pieces = ["扫描下方二维码", "关注我们的公众号", "责任编辑：王", "正文第一段，内容完整。", "", "   ", "\u3000", "短句", "Follow us on WeChat"]
    ends = ["\n", "\r\n", "\r", "\n\n", "\x0c", "\u2028"]
    for _ in range(1500):
        text = "".join(rng.choice(pieces) + rng.choice(ends) for _ in range(rng.randint(0, 12)))
        text += rng.choice(["", *pieces])
        monkeypatch.setattr(boilerplate, "_TAIL", 1 << 30)
        whole = list(boilerplate.boilerplate_rule(text, cfg))
        monkeypatch.setattr(boilerplate, "_TAIL", tail)
        assert list(boilerplate.boilerplate_rule(text, cfg)) == whole, repr(text)
