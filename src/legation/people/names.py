"""Personal names across scripts: Chinese characters, pinyin, Latin, and their order.

A mission writes to people whose names come in two orders and two scripts. This module holds the
few rules the rest of legation needs to get them right without a database:

- which part of a name is the family name (``split_chinese_name``), so a letter can say
  "Ambassador Qin" and never "Ambassador Gang";
- how a Chinese name is spelled in pinyin (``pinyin``), with the reading a character takes *as a
  surname* (单 is Shàn, not Dān; 曾 is Zēng, not Céng), which pypinyin's dictionary, built for running
  text, does not know;
- which order to print a name in (``infer_name_order``, ``full_name``);
- what a person is found by in search (``search_keys``) and what a query is turned into before it is
  matched (``normalise_query``). Both go through one folding function, so whatever a user can type
  (accents or not, tone marks or not, characters, initials) meets the same spelling in the index.

Nothing here imports Django: it is called from models, importers, letters and the benchmark alike.
"""

from __future__ import annotations

import re
import unicodedata

from pypinyin import Style, lazy_pinyin

NAME_ORDER_WESTERN = "western"
NAME_ORDER_EASTERN = "eastern"
"""Family name first, as in Chinese, Japanese, Korean and Hungarian names."""

# The separators a transliterated foreign name is written with: 吉米·卡特, ジミー・カーター.
MIDDLE_DOTS = "·•・．‧･"
_MIDDLE_DOT_RE = re.compile(f"[{re.escape(MIDDLE_DOTS)}]")
_CANONICAL_DOT = "·"

# Han ideographs (unified, extensions, compatibility), kana and Hangul: the characters that make a
# name "written in CJK". The katakana middle dot is punctuation, not a name character.
_CJK_RANGES = (
    (0x3040, 0x30FA),  # hiragana, katakana (up to U+30FA, before the middle dot U+30FB)
    (0x30FC, 0x30FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0x1100, 0x11FF),  # Hangul jamo
    (0x3130, 0x318F),
    (0xAC00, 0xD7AF),  # Hangul syllables
    (0x20000, 0x3134F),
)
_HAN_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3134F))

# Two-character surnames. A name starting with one of these (and longer than two characters, so
# that the person still has a given name) splits after the second character. Traditional forms
# and the common Korean compound surnames are included so the same rule serves them.
_COMPOUND_SURNAMES_TEXT = """
    欧阳 司马 诸葛 上官 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 令狐 端木 独孤 南宫 西门
    万俟 闻人 轩辕 澹台 公冶 宗政 濮阳 淳于 单于 太叔 申屠 仲孙 钟离 赫连 呼延 百里 东郭 拓跋
    司空 司寇 鲜于 闾丘 亓官 子车 颛孙 壤驷 公良 漆雕 乐正 宰父 谷梁 段干 第五 左丘 东门 梁丘
    羊舌 微生 公羊 公西 巫马 公户 公玉 公仪 呼衍 完颜 爱新觉罗
    歐陽 司馬 諸葛 東方 尉遲 公孫 長孫 獨孤 南宮 西門 萬俟 聞人 軒轅 濮陽 單于 鍾離 鮮于 閭丘
    顓孫 壤駟 樂正 穀梁 東郭 東門
    남궁 황보 제갈 선우 독고 사공 서문
"""
COMPOUND_SURNAMES = frozenset(_COMPOUND_SURNAMES_TEXT.split())

# The reading a character takes as a surname where it differs from, or is ambiguous in, the
# dictionary pypinyin uses for running text. Tone-marked; the toneless form is derived by folding.
SURNAME_READINGS: dict[str, tuple[str, ...]] = {
    "单": ("shàn",),
    "曾": ("zēng",),
    "解": ("xiè",),
    "仇": ("qiú",),
    "朴": ("piáo",),
    "查": ("zhā",),
    "区": ("ōu",),
    "盖": ("gě",),
    "乐": ("yuè",),
    "召": ("shào",),
    "繁": ("pó",),
    "覃": ("qín",),
    "缪": ("miào",),
    "翟": ("zhái",),
    "种": ("chóng",),
    "重": ("chóng",),
    "秘": ("bì",),
    "句": ("gōu",),
    "员": ("yùn",),
    "相": ("xiàng",),
    "便": ("pián",),
    "蕃": ("pí",),
    "阚": ("kàn",),
    "隗": ("wěi",),
    "宿": ("sù",),
    "燕": ("yān",),
    "纪": ("jǐ",),
    "华": ("huà",),
    "任": ("rén",),
    "薄": ("bó",),
    "费": ("fèi",),
    "沈": ("shěn",),
    "宁": ("nìng",),
    "柏": ("bǎi",),
    "折": ("shé",),
    "过": ("guō",),
    "曲": ("qū",),
    "尉": ("wèi",),
    "车": ("chē",),
    "石": ("shí",),
    "洗": ("xiǎn",),
    "冼": ("xiǎn",),
    "朝": ("cháo",),
    "贲": ("bēn",),
    "卜": ("bǔ",),
    "都": ("dū",),
    "角": ("jué",),
    "莘": ("shēn",),
    "訾": ("zī",),
    "谌": ("chén",),
    "行": ("xíng",),
    "臧": ("zāng",),
    "逄": ("páng",),
    "黑": ("hè",),
    "祭": ("zhài",),
    "乜": ("niè",),
    "那": ("nā",),
    "能": ("nài",),
    "單": ("shàn",),
    "樂": ("yuè",),
    "區": ("ōu",),
    "長孫": ("zhǎng", "sūn"),
    "长孙": ("zhǎng", "sūn"),
    "尉迟": ("yù", "chí"),
    "尉遲": ("yù", "chí"),
    "万俟": ("mò", "qí"),
    "萬俟": ("mò", "qí"),
    "令狐": ("lìng", "hú"),
    "单于": ("chán", "yú"),
    "單于": ("chán", "yú"),
    "澹台": ("tán", "tái"),
    "乐正": ("yuè", "zhèng"),
    "樂正": ("yuè", "zhèng"),
    "亓官": ("qí", "guān"),
}

# Country and language codes (and a few plain names) whose names are written family name first.
# Vietnamese is deliberately absent: the family name comes first in writing, but people are
# addressed by the last part of the given name, so "family first" would give the wrong salutation.
EASTERN_HINTS = frozenset(
    {
        "cn", "tw", "hk", "mo", "jp", "kr", "kp", "hu",  # countries
        "zh", "ja", "ko", "chi", "zho", "jpn", "kor", "hun",  # languages
        "china", "taiwan", "hong kong", "macau", "macao", "japan", "korea", "south korea",
        "north korea", "hungary", "chinese", "japanese", "korean", "hungarian",
    }
)  # fmt: skip

# Latin letters that Unicode does not decompose into a base letter and a mark.
_UNDECOMPOSED = str.maketrans(
    {"ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "ı": "i", "ß": "ss"}
)
_APOSTROPHES_RE = re.compile("['’‘`ʼ]")
_SEPARATORS_RE = re.compile(r"[-‐‑‒–—―.,;:/()\[\]\"“”]")


def has_cjk(text: str) -> bool:
    """Whether ``text`` holds a Chinese, Japanese or Korean name character (not punctuation)."""
    return any(_in_ranges(ch, _CJK_RANGES) for ch in text)


def _has_han(text: str) -> bool:
    return any(_in_ranges(ch, _HAN_RANGES) for ch in text)


def _in_ranges(ch: str, ranges: tuple[tuple[int, int], ...]) -> bool:
    code = ord(ch)
    return any(lo <= code <= hi for lo, hi in ranges)


def clean_chinese_name(name_zh: str) -> str:
    """The name without spaces and with one kind of middle dot, as it is stored and compared."""
    squeezed = "".join(name_zh.split())
    return _MIDDLE_DOT_RE.sub(_CANONICAL_DOT, squeezed).strip(_CANONICAL_DOT)


def is_transliterated(name_zh: str) -> bool:
    """Whether a name in characters is a foreign name spelled out (吉米·卡特), not a Chinese name.

    Chinese convention separates the parts of a transliterated name with a middle dot and writes
    them in the original, usually western, order; a Chinese name never has one.
    """
    return _CANONICAL_DOT in clean_chinese_name(name_zh)


def split_chinese_name(name_zh: str) -> tuple[str, str]:
    """Split a name in characters into (family, given).

    A transliterated foreign name (with a middle dot) is in western order, so its last part is the
    family name: "吉米·卡特" -> ("卡特", "吉米"). A Chinese name starts with the family name: one
    character, or two for a compound surname ("欧阳修" -> ("欧阳", "修")); a two-character name
    whose characters happen to form a compound surname is still read as surname plus given name,
    since everyone has a given name. A four-character name splits two and two: a double-barrelled
    married name (林郑月娥) or a Japanese name (岸田文雄). Text without CJK characters gives ("", "").
    """
    name = clean_chinese_name(name_zh)
    if not has_cjk(name):
        return "", ""
    if _CANONICAL_DOT in name:
        parts = [p for p in name.split(_CANONICAL_DOT) if p]
        return parts[-1], _CANONICAL_DOT.join(parts[:-1])
    if len(name) > 2 and name[:2] in COMPOUND_SURNAMES:
        return name[:2], name[2:]
    if len(name) > 4 and name[:4] in COMPOUND_SURNAMES:  # 爱新觉罗
        return name[:4], name[4:]
    if len(name) == 4 and _has_han(name):
        # Four characters without a compound surname: a double-barrelled married name (林郑月娥)
        # or a Japanese name (岸田文雄); a single surname with a three-character given name is rare.
        return name[:2], name[2:]
    return name[:1], name[1:]


def _syllables(chars: str, *, tones: bool) -> list[str]:
    style = Style.TONE if tones else Style.NORMAL
    return [s for s in lazy_pinyin(chars, style=style, v_to_u=True) if s.strip()]


def _surname_syllables(family: str, *, tones: bool) -> list[str]:
    reading = SURNAME_READINGS.get(family)
    if reading is None and len(family) > 1:
        # An unlisted compound surname: each character may still be a listed single surname.
        reading = tuple(s for ch in family for s in SURNAME_READINGS.get(ch, ()))
        if len(reading) != len(family):
            reading = None
    if reading is None:
        return _syllables(family, tones=tones)
    return list(reading) if tones else [_strip_marks(s) for s in reading]


def _word(syllables: list[str]) -> str:
    """Join syllables into one capitalised word, with the apostrophe pinyin needs (Tian'en)."""
    out = ""
    for s in syllables:
        if out and _strip_marks(s[:1]).casefold() in {"a", "o", "e"}:
            out += "'"
        out += s
    return out[:1].upper() + out[1:]


def pinyin(name_zh: str, *, tones: bool = False) -> str:
    """The name in pinyin as printed in English: "秦刚" -> "Qin Gang", "王小明" -> "Wang Xiaoming".

    The family name comes first and is read with its surname reading (单 -> Shan, 曾 -> Zeng). The
    given name is one capitalised word, with an apostrophe before a syllable starting with a, o or e
    (天恩 -> Tian'en), as the national standard for romanising names (GB/T 28039) asks. ``tones=True``
    gives tone marks ("Qín Gāng"). A transliterated foreign name keeps its parts and their order
    ("吉米·卡特" -> "Jimi Kate"): it says how the characters sound, not how the person spells the
    name. Text without Han characters gives "".
    """
    name = clean_chinese_name(name_zh)
    if not _has_han(name):
        return ""
    if _CANONICAL_DOT in name:
        words = [_word(_syllables(p, tones=tones)) for p in name.split(_CANONICAL_DOT) if p]
        return " ".join(w for w in words if w)
    family, given = split_chinese_name(name)
    words = [_word(_surname_syllables(family, tones=tones)), _word(_syllables(given, tones=tones))]
    return " ".join(w for w in words if w)


def _strip_marks(text: str) -> str:
    """Drop accents and tone marks (combining diacritics only, so kana and Hangul survive)."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not 0x0300 <= ord(ch) <= 0x036F)
    return unicodedata.normalize("NFC", bare)


def _fold(text: str) -> str:
    """The one spelling both the index and queries are reduced to.

    Case-folded; accents and tone marks removed (José -> jose, Qín -> qin, Lǚ -> lu); letters that
    do not decompose mapped by hand (ø -> o); apostrophes dropped (O'Brien -> obrien, Xi'an ->
    xian); hyphens and other punctuation turned into spaces (Ing-wen -> ing wen); middle dots
    unified; whitespace collapsed. CJK characters are kept as they are.
    """
    text = _strip_marks(text.casefold()).translate(_UNDECOMPOSED)
    text = _MIDDLE_DOT_RE.sub(_CANONICAL_DOT, text)
    text = _APOSTROPHES_RE.sub("", text)
    text = _SEPARATORS_RE.sub(" ", text)
    return " ".join(text.split())


def normalise_query(q: str) -> str:
    """Turn a search query into the spelling ``search_keys`` is written in.

    "Qín Gāng" -> "qin gang", "  JOSÉ " -> "jose", "秦刚" -> "秦刚". Match the result as a substring
    of the stored keys (``icontains``/``LIKE``), so no database-side accent folding is needed.
    """
    return _fold(q)


def search_keys(*, family_name: str, given_name: str, name_zh: str) -> str:
    """One folded, space-separated string a person is found by with a substring match.

    It holds, each as a phrase so a whole typed name matches:

    - the Latin name in both orders ("jimmy carter", "carter jimmy"), because users type either and
      a Chinese person's Latin name may be stored in either;
    - the name in characters, and without its middle dot ("吉米·卡特", "吉米卡特");
    - the toneless pinyin of a name in characters, spaced and joined ("qin gang", "qingang"), and
      with ``v`` for ``ü`` ("lv"), the way pinyin keyboards and passports spell it;
    - for a Chinese name, the syllable initials ("qg", "oyx"), the shorthand Chinese users type.

    Everything is folded like ``normalise_query`` (lowercase, no accents or tone marks, "José" ->
    "jose"). A phrase already contained in the string is left out, which keeps the index short
    without losing a match.
    """
    phrases: list[str] = []
    given, family = " ".join(given_name.split()), " ".join(family_name.split())
    phrases += [f"{given} {family}", f"{family} {given}"]
    name = clean_chinese_name(name_zh)
    if has_cjk(name):
        phrases += [name, name.replace(_CANONICAL_DOT, "")]
    spelled = pinyin(name)
    if spelled:
        raw = " ".join(lazy_pinyin(name.replace(_CANONICAL_DOT, " "), style=Style.NORMAL))
        phrases += [spelled, spelled.replace(" ", ""), raw, raw.replace(" ", "")]
        if not is_transliterated(name):
            family_zh, given_zh = split_chinese_name(name)
            syllables = _surname_syllables(family_zh, tones=False)
            syllables += _syllables(given_zh, tones=False)
            phrases.append("".join(_fold(s)[:1] for s in syllables))
    key = ""
    for phrase in (_fold(p) for p in phrases):
        if phrase and phrase not in key:
            key = f"{key} {phrase}" if key else phrase
    return key


#: the longest query word the gram index (``search_grams``) answers; longer words go to the trigram
#: index over ``search_keys``
GRAM_MAX = 2


def gram_token(gram: str) -> str:
    """How a word of one or two characters is written in ``search_grams``: as itself when it is
    ASCII letters and digits or common Han characters (which every full-text tokenizer, SQLite's
    Unicode 6.1 one included, keeps whole as one token), else ``x`` and its UTF-8 in hex (never
    one or two characters long, so never equal to a plain gram)."""
    if all((c.isascii() and c.isalnum()) or "\u4e00" <= c <= "\u9fcb" for c in gram):
        return gram
    return "x" + gram.encode().hex()


def search_grams(keys: str) -> str:
    """Every substring of one or two characters of the words of ``search_keys``, each once, as
    ``gram_token`` writes it, space-separated.

    A trigram index cannot find a word shorter than three characters ("qg", "li", 秦刚); this
    string can be indexed word by word (an FTS5 table on SQLite, a GIN index on PostgreSQL), and a
    query word of one or two characters is contained in the keys exactly when its token is here.
    """
    seen: dict[str, None] = {}
    for word in keys.split():
        for size in range(1, GRAM_MAX + 1):
            for start in range(len(word) - size + 1):
                seen.setdefault(gram_token(word[start : start + size]))
    return " ".join(seen)


def _hint_is_eastern(hint: str) -> bool:
    hint = " ".join(hint.casefold().split())
    if hint in EASTERN_HINTS:
        return True
    # A language tag such as "zh-Hant-TW" or "hu_HU": its first subtag names the language.
    primary = re.split(r"[-_]", hint, maxsplit=1)[0]
    return primary != hint and primary in EASTERN_HINTS


# A word made only of Japanese syllables in Hepburn romanisation ("Fumio", "Shinzo"), so a name in
# kanji with such a given name is not mistaken for a Chinese-American's western given name.
_ROMAJI_RE = re.compile(r"^(?:(?:[kgsztdnhbpmr]y|sh|ch|ts|[kgsztdnhbpmyrwjf])?[aiueo]|n)+$")


def _romanises(latin: str, syllables: list[str]) -> bool:
    """Whether a Latin given name may be a romanisation of the one in characters.

    True when it is the pinyin ("Gang"), is written in syllables the way Wade-Giles and Cantonese
    names are ("Ing-wen", "Hsien Loong"), or reads as Japanese ("Fumio"). Only a name that is none
    of these ("Judy", "Andrew") counts as a western given name.
    """
    folded = _fold(latin)
    if folded.replace(" ", "") == "".join(_fold(s) for s in syllables):
        return True
    if len(folded.split()) > 1:
        return True
    return bool(_ROMAJI_RE.match(folded))


def infer_name_order(*, name_zh: str, family_name: str, given_name: str, hint: str = "") -> str:
    """Guess whether a person's name is printed family name first.

    In order of precedence:

    1. a name in characters with a middle dot is a foreign name written in its own (western) order;
    2. a ``hint`` (country or language code, "CN", "ja", "hu-HU", "Hungary") of a family-first
       culture gives eastern;
    3. a name in characters gives eastern, unless the Latin given name is plainly not a
       romanisation of it: "Judy" for 赵美心 tells us she goes by Judy Chu, not Chu Judy, while
       "Gang" (秦刚), "Ing-wen" (蔡英文) and "Fumio" (岸田文雄) keep eastern order;
    4. otherwise western.
    """
    name = clean_chinese_name(name_zh)
    if _CANONICAL_DOT in name:
        return NAME_ORDER_WESTERN
    if _hint_is_eastern(hint):
        return NAME_ORDER_EASTERN
    if has_cjk(name):
        given_zh = split_chinese_name(name)[1]
        latin_given = given_name.strip()
        if (
            latin_given
            and _has_han(given_zh)
            and not _romanises(latin_given, _syllables(given_zh, tones=False))
        ):
            return NAME_ORDER_WESTERN
        return NAME_ORDER_EASTERN
    return NAME_ORDER_WESTERN


def full_name(*, family_name: str, given_name: str, name_order: str) -> str:
    """The name as printed: "Qin Gang" in eastern order, "Jimmy Carter" in western order.

    Either part may be empty (a mononym); the result never has stray spaces.
    """
    family, given = " ".join(family_name.split()), " ".join(given_name.split())
    parts = (family, given) if name_order == NAME_ORDER_EASTERN else (given, family)
    return " ".join(p for p in parts if p)
