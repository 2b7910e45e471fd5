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

# Usual Chinese names of U.S. cities, for visits named in a Chinese letter ("第二次到访西雅图");
# engagements record cities in English.
CITY_NAMES_ZH = {
    "纽约": "New York", "洛杉矶": "Los Angeles", "芝加哥": "Chicago", "休斯敦": "Houston",
    "凤凰城": "Phoenix", "费城": "Philadelphia", "圣安东尼奥": "San Antonio",
    "圣地亚哥": "San Diego", "达拉斯": "Dallas", "奥斯汀": "Austin", "旧金山": "San Francisco",
    "西雅图": "Seattle", "丹佛": "Denver", "华盛顿": "Washington", "波士顿": "Boston",
    "底特律": "Detroit", "纳什维尔": "Nashville", "波特兰": "Portland", "拉斯维加斯": "Las Vegas",
    "孟菲斯": "Memphis", "路易斯维尔": "Louisville", "巴尔的摩": "Baltimore",
    "密尔沃基": "Milwaukee", "亚特兰大": "Atlanta", "迈阿密": "Miami", "奥马哈": "Omaha",
    "明尼阿波利斯": "Minneapolis", "新奥尔良": "New Orleans", "匹兹堡": "Pittsburgh",
    "辛辛那提": "Cincinnati", "克利夫兰": "Cleveland", "哥伦布": "Columbus",
    "夏洛特": "Charlotte", "盐湖城": "Salt Lake City", "圣路易斯": "St. Louis",
    "檀香山": "Honolulu", "安克雷奇": "Anchorage", "塔科马": "Tacoma", "得梅因": "Des Moines",
    "埃姆斯": "Ames", "马斯卡廷": "Muscatine", "萨克拉门托": "Sacramento", "圣何塞": "San Jose",
    "奥克兰": "Oakland", "纽瓦克": "Newark", "斯波坎": "Spokane",
}  # fmt: skip
