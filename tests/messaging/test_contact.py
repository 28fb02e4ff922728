"""The off-platform contact detector against its corpus (tests/messaging/corpus) and a few exact cases."""

import io
import json
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from messaging.contact import detect, luhn_ok, sheba_ok

CORPUS = Path(__file__).parent / "corpus"


def lines(name):
    return [line.rstrip("\n") for line in (CORPUS / name).read_text(encoding="utf-8").splitlines() if line.strip()]


POSITIVE, NEGATIVE = lines("positive.txt"), lines("negative.txt")


def test_corpus_size():
    assert len(POSITIVE) >= 100 and len(NEGATIVE) >= 100


def test_precision_and_recall():
    tp = sum(detect(t).flagged for t in POSITIVE)
    fp = sum(detect(t).flagged for t in NEGATIVE)
    precision, recall = tp / max(1, tp + fp), tp / len(POSITIVE)
    assert precision >= 0.97 and recall >= 0.95, (precision, recall)


@pytest.mark.parametrize("text", POSITIVE)
def test_positive(text):
    assert detect(text).flagged, text


@pytest.mark.parametrize("text", NEGATIVE)
def test_negative(text):
    result = detect(text)
    assert not result.flagged, (text, result.kinds, [text[s:e] for s, e in result.spans])


@pytest.mark.parametrize(("text", "kinds", "match"), [
    ("شماره من ۰۹۱۲ ۱۲۳ ۴۵۶۷ است", ["phone"], "۰۹۱۲ ۱۲۳ ۴۵۶۷"),
    ("ali.rezaei ات جیمیل دات کام", ["email"], "ali.rezaei ات جیمیل دات کام"),
    ("کارت ۶۰۳۷ ۹۹۷۱ ۲۳۴۵ ۶۷۸۳", ["card"], "۶۰۳۷ ۹۹۷۱ ۲۳۴۵ ۶۷۸۳"),
    ("IR062960000000100324200001", ["sheba"], "IR062960000000100324200001"),
    ("t.me/ali_design", ["telegram"], "t.me/ali_design"),
    ("کارت به کارت کنید", ["pay_outside"], "کارت به کارت"),
])
def test_kinds_and_spans(text, kinds, match):
    result = detect(text)
    assert result.kinds == kinds
    assert any(match in text[s:e] for s, e in result.spans), result.spans


def test_checksums_matter():
    assert luhn_ok("6037997123456783") and not luhn_ok("6037997123456786")
    assert sheba_ok("062960000000100324200001") and not sheba_ok("072960000000100324200001")
    assert not detect("کارت ۶۰۳۷ ۹۹۷۱ ۲۳۴۵ ۶۷۸۶").flagged or "card" not in detect("۶۰۳۷ ۹۹۷۱ ۲۳۴۵ ۶۷۸۶").kinds


def test_command_reads_stdin_prints_json_lines(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO("سلام، قیمت ۲۵۰٬۰۰۰ تومان\nشمارم ۰۹۱۲۱۲۳۴۵۶۷\n"))
    call_command("detect_contact")
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert out == [{"flagged": False, "kinds": []}, {"flagged": True, "kinds": ["phone"]}]
