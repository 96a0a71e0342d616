"""Pinyin of personal names, for search (stored initials) and sorting.

Surnames are read from a table, because many surname characters have a special reading
(单 shan, 曾 zeng, 解 xie, 仇 qiu, 区 ou …) and compound surnames (欧阳, 尉迟, 万俟 …) are read as one.
The given name is read by pypinyin, whose phrase dictionary picks the usual reading of polyphonic
characters. pypinyin costs about 0.3 s to import, so it is imported on first use.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["COMPOUND_SURNAMES", "SINGLE_SURNAMES", "matches_pinyin", "name_pinyin", "split_surname"]

#: Compound surnames and their readings (syllables separated by spaces).
COMPOUND_SURNAMES: dict[str, str] = {
    "欧阳": "ou yang",
    "司马": "si ma",
    "上官": "shang guan",
    "诸葛": "zhu ge",
    "东方": "dong fang",
    "皇甫": "huang fu",
    "尉迟": "yu chi",
    "公孙": "gong sun",
    "慕容": "mu rong",
    "长孙": "zhang sun",
    "宇文": "yu wen",
    "司徒": "si tu",
    "司空": "si kong",
    "司寇": "si kou",
    "夏侯": "xia hou",
    "令狐": "ling hu",
    "澹台": "tan tai",
    "万俟": "mo qi",
    "单于": "chan yu",
    "呼延": "hu yan",
    "端木": "duan mu",
    "轩辕": "xuan yuan",
    "西门": "xi men",
    "南宫": "nan gong",
    "闻人": "wen ren",
    "独孤": "du gu",
    "钟离": "zhong li",
    "申屠": "shen tu",
    "太叔": "tai shu",
    "太史": "tai shi",
    "赫连": "he lian",
    "公冶": "gong ye",
    "公羊": "gong yang",
    "公西": "gong xi",
    "公良": "gong liang",
    "濮阳": "pu yang",
    "淳于": "chun yu",
    "鲜于": "xian yu",
    "宗政": "zong zheng",
    "拓跋": "tuo ba",
    "百里": "bai li",
    "东郭": "dong guo",
    "第五": "di wu",
    "梁丘": "liang qiu",
    "左丘": "zuo qiu",
    "乐正": "yue zheng",
    "仲孙": "zhong sun",
    "颛孙": "zhuan sun",
    "闾丘": "lv qiu",
    "亓官": "qi guan",
    "巫马": "wu ma",
    "漆雕": "qi diao",
    "壤驷": "rang si",
    "宰父": "zai fu",
    "谷梁": "gu liang",
    "段干": "duan gan",
    "夹谷": "jia gu",
    "子车": "zi ju",
    "羊舌": "yang she",
    "微生": "wei sheng",
    "南门": "nan men",
    "东门": "dong men",
    "即墨": "ji mo",
    "达奚": "da xi",
    "褚师": "chu shi",
}

#: Single surnames whose reading differs from (or is easily confused with) the common reading.
SINGLE_SURNAMES: dict[str, str] = {
    "单": "shan",
    "曾": "zeng",
    "解": "xie",
    "仇": "qiu",
    "区": "ou",
    "朴": "piao",
    "查": "zha",
    "査": "zha",
    "盖": "ge",
    "覃": "qin",
    "乐": "yue",
    "尉": "yu",
    "种": "chong",
    "缪": "miao",
    "召": "shao",
    "翟": "zhai",
    "秘": "bi",
    "繁": "po",
    "华": "hua",
    "任": "ren",
    "燕": "yan",
    "纪": "ji",
    "薄": "bo",
    "卜": "bu",
    "员": "yun",
    "藏": "zang",
    "曲": "qu",
    "万": "wan",
    "那": "na",
    "隗": "wei",
    "冼": "xian",
    "洗": "xian",
    "句": "gou",
    "折": "she",
    "粘": "nian",
    "蕃": "pi",
    "眭": "sui",
    "阚": "kan",
    "沈": "shen",
    "石": "shi",
    "柏": "bai",
    "长": "chang",
    "重": "chong",
    "都": "du",
    "朝": "chao",
    "角": "jue",
    "宿": "su",
    "迮": "ze",
    "贲": "ben",
    "车": "che",
    "贾": "jia",
    "俞": "yu",
    "蔚": "yu",
    "谌": "chen",
    "祭": "zhai",
    "佴": "nai",
    "能": "nai",
    "莘": "shen",
    "黑": "he",
    "逄": "pang",
    "牟": "mou",
    "六": "lu",
    "陆": "lu",
    "相": "xiang",
    "殷": "yin",
    "应": "ying",
    "和": "he",
    "乜": "nie",
    "占": "zhan",
    "过": "guo",
    "颉": "xie",
    "啜": "chuai",
    "郇": "huan",
    "缑": "gou",
    "訾": "zi",
    "禚": "zhuo",
    "宓": "mi",
    "亓": "qi",
    "便": "pian",
    "费": "fei",
    "葛": "ge",
    "叶": "ye",
    "厍": "she",
}

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_TOKENS = re.compile(f"([{_HAN}]+)|([a-z0-9]+)")
_NOT_ASCII_LETTER = re.compile(r"[^a-z]")


def _clean(text: str) -> str:
    """NFKC (full-width → half-width, compatibility ideographs → unified) and lower case."""
    return unicodedata.normalize("NFKC", text or "").strip().lower()


def _ascii_syllable(syllable: str) -> str:
    # pypinyin's NORMAL style may still give "ê" (欸); drop accents and anything else non-ASCII.
    decomposed = unicodedata.normalize("NFKD", syllable.lower())
    return _NOT_ASCII_LETTER.sub("", decomposed)


@lru_cache(maxsize=4096)
def _read(chars: str) -> tuple[str, ...]:
    """pypinyin readings (one per character it knows) without tones, ü written as v.

    Memoised (names share surnames and given-name characters): a 10,000-name import spends a quarter
    of the time. A tuple, so that no caller can change a cached answer.
    """
    from pypinyin import Style, lazy_pinyin

    syllables = lazy_pinyin(chars, style=Style.NORMAL, errors="ignore", strict=True)
    return tuple(s for s in (_ascii_syllable(x) for x in syllables) if s)


def split_surname(name: str) -> tuple[str, str]:
    """Split a Han name into (surname, given name) the way :func:`name_pinyin` does.

    A known compound surname is taken only when at least one character follows it ("欧阳修"),
    otherwise the first character is the surname. Names not starting with a Han character have
    no surname: ("", name).
    """
    text = _clean(name)
    m = _TOKENS.match(text)
    if not m or not m.group(1):
        return "", text
    run = m.group(1)
    size = 2 if len(run) >= 3 and run[:2] in COMPOUND_SURNAMES else 1
    return text[:size], text[size:]


def _surname_syllables(surname: str) -> list[str]:
    if surname in COMPOUND_SURNAMES:
        return COMPOUND_SURNAMES[surname].split()
    if surname in SINGLE_SURNAMES:
        return [SINGLE_SURNAMES[surname]]
    return [s for ch in surname for s in ([SINGLE_SURNAMES[ch]] if ch in SINGLE_SURNAMES else _read(ch))]


def _words(text: str) -> list[str]:
    """Syllables of Han runs and lower-case Latin/digit words; every other character is dropped."""
    words: list[str] = []
    for m in _TOKENS.finditer(text):
        words.extend(_read(m.group(1)) if m.group(1) else [m.group(2)])
    return words


def name_pinyin(name: str, *, surname: str | None = None) -> tuple[str, str]:
    """Return (initials, full pinyin) of a personal name, lower-case ASCII without tones.

    >>> name_pinyin("张三")
    ('zs', 'zhangsan')
    >>> name_pinyin("单雄信")
    ('sxx', 'shanxiongxin')

    ``surname`` forces the split when the default guess is wrong, e.g. ``name_pinyin("单于红",
    surname="单")`` for 单 + 于红 instead of the compound surname 单于; it must be a prefix of the name.
    Latin letters and digits are kept (lower-cased), each word giving one initial; separators such
    as "·" in "买买提·艾力" and spaces are dropped; ü is written "v" (吕 → "lv").
    """
    text = _clean(name)
    if surname is None:
        family, given = split_surname(text)
    else:
        family = _clean(surname)
        if not text.startswith(family):
            raise ValueError(f"姓氏“{surname}”与姓名“{name}”不符")
        given = text[len(family) :]
    words = (_surname_syllables(family) if family else []) + _words(given)
    return "".join(w[0] for w in words), "".join(words)


def matches_pinyin(query: str, initials: str, full: str) -> bool:
    """True when ``query`` (as typed in a search box) is a prefix of the initials or of the full pinyin.

    Case, spaces and apostrophes in the query are ignored: "ZS", "zhang s" and "zhang'san" all match 张三.
    """
    q = re.sub(r"[\s']", "", _clean(query))
    return bool(q) and (initials.startswith(q) or full.startswith(q))
