"""Synthetic Chinese personal names for demo data, and Chinese ordinal numerals (第一 … 第六十).

Surnames are drawn by their approximate share of the population (the 2020 census lists 王, 李, 张, 刘,
陈 as the five commonest, together about 30 %). A few surnames with special readings (单 shan, 解 xie,
曾 zeng …) and compound surnames (欧阳, 司马 …) carry a small weight of their own and can be forced,
so that a demo database always shows pinyin search getting them right. Given names have one or two
characters from lists of common name characters; a short block list keeps well-known people out.
"""

from __future__ import annotations

import random
from itertools import accumulate

__all__ = ["RARE_SURNAMES", "NameGenerator", "chinese_number"]

# (surname, weight per 10,000 people), roughly following published frequency tables.
_SURNAME_WEIGHTS: tuple[tuple[str, float], ...] = (
    ("王", 710), ("李", 700), ("张", 660), ("刘", 540), ("陈", 460), ("杨", 310), ("黄", 220), ("赵", 200),
    ("吴", 200), ("周", 190), ("徐", 150), ("孙", 140), ("马", 130), ("朱", 130), ("胡", 120), ("郭", 110),
    ("何", 110), ("高", 100), ("林", 100), ("罗", 90), ("郑", 80), ("梁", 80), ("谢", 70), ("宋", 70),
    ("唐", 60), ("许", 60), ("韩", 60), ("冯", 60), ("邓", 60), ("曹", 50), ("彭", 50), ("曾", 50),
    ("肖", 50), ("田", 50), ("董", 45), ("袁", 45), ("潘", 45), ("于", 40), ("蒋", 40), ("蔡", 40),
    ("余", 40), ("杜", 40), ("叶", 40), ("程", 40), ("苏", 35), ("魏", 35), ("吕", 35), ("丁", 35),
    ("任", 30), ("沈", 30), ("姚", 30), ("卢", 30), ("姜", 30), ("崔", 30), ("钟", 30), ("谭", 30),
    ("陆", 30), ("汪", 30), ("范", 30), ("金", 30), ("石", 30), ("廖", 30), ("贾", 30), ("夏", 25),
    ("韦", 25), ("付", 25), ("方", 25), ("白", 25), ("邹", 25), ("孟", 25), ("熊", 25), ("秦", 25),
    ("邱", 25), ("江", 25), ("尹", 20), ("薛", 20), ("闫", 20), ("段", 20), ("雷", 20), ("侯", 20),
    ("龙", 20), ("史", 20), ("陶", 15), ("黎", 15), ("贺", 15), ("顾", 15), ("毛", 15), ("郝", 15),
    ("龚", 15), ("邵", 15), ("万", 15), ("钱", 15), ("严", 15), ("覃", 15), ("武", 15), ("戴", 15),
    ("莫", 12), ("孔", 12), ("向", 12), ("汤", 12), ("常", 10), ("温", 10), ("康", 10), ("施", 10),
    ("文", 10), ("牛", 10), ("樊", 10), ("葛", 10), ("邢", 10), ("安", 10), ("齐", 10), ("易", 10),
    ("乔", 10), ("伍", 10), ("庞", 10), ("颜", 10), ("倪", 10), ("庄", 10), ("聂", 10), ("章", 10),
    ("翟", 6), ("缪", 4), ("单", 4), ("解", 4), ("仇", 3), ("查", 3), ("盖", 3), ("区", 2), ("朴", 2),
    ("欧阳", 4), ("司马", 1), ("上官", 1), ("诸葛", 1),
)  # fmt: skip

#: Surnames a demo database should contain so that pinyin search can be shown on them.
RARE_SURNAMES: tuple[str, ...] = ("欧阳", "单", "曾", "解", "司马", "仇", "查", "覃")

_MALE = (
    "伟强磊军勇杰斌超明刚辉鹏华飞鑫波宇浩凯健俊帆旭宁龙林阳峰建志文博成海亮晨锋毅振国兴荣昊然睿哲轩航"
    "铭源彬炜晖鸿宏骏嘉诚楠正卫永春立新良松柏森宸远翔"
)
_FEMALE = (
    "芳娜敏静丽艳娟霞燕玲婷雪慧颖琳洁倩莉萍红梅琴蓉云薇岚璐佳欣悦怡晓雅雯月露瑶菲婧妍涵诗梦彤思雨晴秀兰"
    "凤玉英莹丹蕾婉清馨珊琪芸"
)
_NEUTRAL = "文晓志春海永子一天明宇林华新家立光嘉清安靖思若博雨晨"

# Well-known people whose names the character lists above could produce.
_BLOCKED = frozenset(
    """李强 王毅 韩正 王勇 贺国强 李鹏 王菲 李娜 刘翔 姚明 马龙 林丹 刘欢 韩红 周迅 赵薇 杨幂 刘涛
    胡歌 李宁 李健 朱婷 王濛 孙杨 刘洋 马云 雷军 张勇 王健林 马超 张飞 赵云 黄忠 李宇春 张杰 王力宏
    张靓颖 刘亦菲 杨紫 王一博 张艺兴 陈伟霆 林俊杰 周冬雨 杨颖 刘诗诗 唐嫣 孙俪 邓超 黄晓明 李晨 范冰冰
    王宝强 徐峥 黄渤 沈腾 贾玲 宋丹丹 赵本山 冯巩 郭德纲 孙红雷 张嘉译 李雪健 陈道明 王志文 江珊 许晴
    王刚 张国立 王丽坤 刘晓庆 巩俐 章子怡 李连杰 成龙 梁朝伟 刘德华 张学友 郭富城 黎明 王杰 林志玲
    李玟 那英 王菲 杨坤 韩磊 屠洪刚 郎平 邓亚萍 王楠 张怡宁 刘国梁 孔令辉 马琳 王皓 张继科 许昕 樊振东
    陈梦 孙颖莎 王楚钦 杨倩 苏炳添 刘诗雯 丁宁 李小鹏 杨威 邹凯 郭晶晶 吴敏霞 陈若琳 全红婵 武大靖
    王蒙 杨扬 申雪 赵宏博 叶诗文 傅园慧 宁泽涛 惠若琪 袁心玥 易建联 王治郅 周琦 朱芳雨 杨利伟 翟志刚
    景海鹏 刘伯明 聂海胜 张晓光 王亚平 陈冬 汤洪波 叶光富 袁隆平 屠呦呦 钱学森 邓稼先 华罗庚 陈景润
    钟南山 李兰娟 张文宏 施一公 王晓东 颜宁 潘建伟 杨振宁 李政道 丁肇中 高锟 周杰 刘强 王凯 李晓""".split()  # noqa: SIM905
)


def chinese_number(n: int) -> str:
    """Chinese numeral for 1 ≤ n ≤ 9999, as in ordinals: 1 → 一, 10 → 十, 21 → 二十一, 105 → 一百零五."""
    if not 1 <= n <= 9999:
        raise ValueError(n)
    digits = "零一二三四五六七八九"
    units = ("", "十", "百", "千")
    parts: list[str] = []
    zero = False
    for power in (3, 2, 1, 0):
        d = n // 10**power % 10
        if d == 0:
            zero = bool(parts)
            continue
        if zero:
            parts.append("零")
            zero = False
        parts.append(digits[d] + units[power])
    text = "".join(parts)
    return text[1:] if 10 <= n < 20 else text  # 十一, not 一十一


class NameGenerator:
    """Draws plausible personal names from a seeded `random.Random`; deterministic for a given state."""

    def __init__(self, rng: random.Random):
        self._rng = rng
        self._surnames = [s for s, _ in _SURNAME_WEIGHTS]
        self._cum = list(accumulate(w for _, w in _SURNAME_WEIGHTS))
        self._male = _MALE + _NEUTRAL
        self._female = _FEMALE + _NEUTRAL

    def surname(self) -> str:
        return self._rng.choices(self._surnames, cum_weights=self._cum)[0]

    def given_name(self, sex: str) -> str:
        rng = self._rng
        chars = self._male if sex == "男" else self._female
        if rng.random() < 0.22:
            return rng.choice(chars)
        first = rng.choice(chars)
        second = rng.choice(chars)
        while second == first and rng.random() < 0.8:  # reduplicated names (婷婷) happen, but rarely
            second = rng.choice(chars)
        return first + second

    def name(self, sex: str, surname: str | None = None) -> str:
        """A full name for a person of the given sex ("男"/"女"), optionally with a fixed surname."""
        family, given = self.name_parts(sex, surname)
        return family + given

    def name_parts(self, sex: str, surname: str | None = None) -> tuple[str, str]:
        """(surname, given name) of a new name; `split_surname` splits the joined name the same way."""
        from branchdesk.domain.pinyin import split_surname

        family = surname or self.surname()
        while True:
            given = self.given_name(sex)
            full = family + given
            # A single surname followed by a character that forms a compound surname would be misread.
            if full not in _BLOCKED and split_surname(full)[0] == family:
                return family, given
