"""The example letter, computed from the record: salutation, figures, personal line."""

from __future__ import annotations

from pathlib import Path

from legation.core.access import SYSTEM
from legation.letters.compose.letter_template import find_template
from legation.letters.merge import production as merge
from tests.letters.conftest import LETTER_DATE, PERSONAL


def render_txt(tmp_path: Path, posting, person, language="en", actor=SYSTEM, personal=PERSONAL):
    out = tmp_path / f"letter-{language}.txt"
    done, _ = merge.render_one(
        actor=actor, template=find_template(f"farewell.{language}"), person=person,
        posting=posting, letter_date=LETTER_DATE, fmt="txt", out=out, personal=personal,
        draft=True,
    )  # fmt: skip
    assert not done.error, done.error
    return out.read_text(encoding="utf-8")


def test_farewell_letter_to_president_carter_cites_the_figures_of_the_record(
    tmp_path, posting, farewell_world
):
    text = render_txt(tmp_path, posting, farewell_world)
    lines = text.splitlines()
    assert lines[0] == "中华人民共和国驻美利坚合众国大使馆"
    assert lines[1] == "Embassy of the People's Republic of China in the United States of America"
    assert "December 30, 2022" in lines
    assert "Dear President Carter," in lines
    assert "500-plus days" in text  # 520 days from 2021-07-28 to 2022-12-30
    assert "I have visited 22 American states." in text  # Washington, D.C. is not a state
    assert "43 years ago" in text  # completed years from 1979-01-01 to 2022-12-30
    assert PERSONAL in text
    assert lines[-2:] == ["Qin Gang", "Ambassador"]


def test_chinese_farewell_letter_is_dated_under_the_signature(tmp_path, posting, farewell_world):
    text = render_txt(tmp_path, posting, farewell_world, language="zh", personal="谢谢您。")
    lines = text.splitlines()
    assert "尊敬的卡特前总统：" in lines
    assert "500多个日日夜夜" in text
    assert "美国22个州" in text
    assert "43年前" in text
    assert lines[-3:] == ["秦刚", "大使", "2022年12月30日"]
