"""The words that say what a number counts, in English and Chinese, by the figure they name."""

from __future__ import annotations

UNITS_EN = {
    "day": "day",
    "days": "day",
    "week": "week",
    "weeks": "week",
    "month": "month",
    "months": "month",
    "year": "year",
    "years": "year",
    "decade": "decade",
    "decades": "decade",
}
# "个月" is months; "月" alone after a number is a month's name ("三月"), never a duration.
UNITS_ZH = {"天": "day", "日日夜夜": "day", "周": "week", "星期": "week", "个月": "month",
            "年": "year"}  # fmt: skip

# (pattern, key): the key names what `verify` counts for it.
COUNT_NOUNS_EN: list[tuple[str, str]] = [
    (r"states?", "states"),
    (r"regions", "regions"),
    (r"cities|towns", "cities"),
    (r"meetings", "meetings"),
    (r"engagements", "engagements"),
    (r"events", "events"),
    (r"speeches|lectures", "speeches"),
    (r"interviews", "interviews"),
    (r"(?:phone\s+|video\s+)?calls", "calls"),
    (r"site\s+visits", "site_visits"),
    (
        r"members\s+of\s+(?:the\s+)?(?:U\.S\.\s+)?Congress|members\s+of\s+the\s+(?:House|Senate)"
        r"|lawmakers|legislators|congressmen|congresswomen",
        "legislators",
    ),
    (r"business\s+leaders|CEOs|executives|entrepreneurs", "business_leaders"),
    (r"journalists|reporters", "journalists"),
    (r"scholars|academics|experts", "scholars"),
    (r"governors|mayors", "governors"),
    (r"people|persons|individuals|friends|contacts", "people"),
    (r"organi[sz]ations|institutions|companies|businesses", "organisations"),
    (r"factories", "factories"),
    (r"ports", "ports"),
    (r"farms", "farms"),
    (r"schools", "schools"),
    (r"universities|colleges", "universities"),
    (r"enterprises", "enterprises"),
    (r"sectors", "sectors"),
]
COUNT_NOUNS_ZH: list[tuple[str, str]] = [
    (r"州长|市长", "governors"),
    (r"州", "states"),
    (r"城市", "cities"),
    (r"会见|会谈", "meetings"),
    (r"活动", "events"),
    (r"演讲", "speeches"),
    (r"采访|专访", "interviews"),
    (r"通话", "calls"),
    (r"国会议员|议员", "legislators"),
    (r"企业家|工商界人士", "business_leaders"),
    (r"记者", "journalists"),
    (r"学者|专家", "scholars"),
    (r"人士|朋友|人", "people"),
    (r"机构|组织|公司", "organisations"),
    (r"工厂", "factories"),
    (r"港口", "ports"),
    (r"农场", "farms"),
    (r"学校", "schools"),
    (r"大学|高校", "universities"),
    (r"企业", "enterprises"),
    (r"领域", "sectors"),
]
