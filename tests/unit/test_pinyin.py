"""Pinyin of names: members are found by typing initials, so surnames must be read correctly."""

import pytest

from branchdesk.domain.pinyin import matches_pinyin, name_pinyin, split_surname


def test_initials_of_zhang_san() -> None:
    assert name_pinyin("张三") == ("zs", "zhangsan")


@pytest.mark.parametrize(
    ("name", "full"),
    [
        ("单雄信", "shanxiongxin"),
        ("曾国藩", "zengguofan"),
        ("解缙", "xiejin"),
        ("仇英", "qiuying"),
        ("区永强", "ouyongqiang"),
        ("朴槿惠", "piaojinhui"),
        ("查良镛", "zhaliangyong"),
        ("盖聂", "genie"),
        ("覃小平", "qinxiaoping"),
        ("乐毅", "yueyi"),
        ("尉缭", "yuliao"),
        ("种师道", "chongshidao"),
        ("缪斌", "miaobin"),
        ("召忽", "shaohu"),
        ("翟志刚", "zhaizhigang"),
        ("秘军", "bijun"),
        ("繁钦", "poqin"),
        ("华佗", "huatuo"),
        ("任弼时", "renbishi"),
        ("燕青", "yanqing"),
        ("纪昀", "jiyun"),
        ("薄一波", "boyibo"),
        ("卜算", "busuan"),
        ("员半千", "yunbanqian"),
        ("藏天朔", "zangtianshuo"),
        ("曲波", "qubo"),
        ("万里", "wanli"),
        ("那英", "naying"),
        ("隗嚣", "weixiao"),
        ("冼星海", "xianxinghai"),
        ("句龙", "goulong"),
        ("折克行", "shekexing"),
        ("粘罕", "nianhan"),
        ("蕃向", "pixiang"),
        ("眭弘", "suihong"),
        ("阚泽", "kanze"),
        ("沈括", "shenkuo"),
        ("石达开", "shidakai"),
        ("柏杨", "baiyang"),
        ("长明", "changming"),
        ("重光", "chongguang"),
        ("都穆", "dumu"),
        ("朝辉", "chaohui"),
        ("角明", "jueming"),
        ("宿华", "suhua"),
        ("迮明", "zeming"),
        ("贲亨", "benheng"),
    ],
)
def test_polyphonic_single_surnames(name: str, full: str) -> None:
    initials, got = name_pinyin(name)
    assert got == full
    assert initials[0] == full[0]


@pytest.mark.parametrize(
    ("name", "initials", "full"),
    [
        ("欧阳修", "oyx", "ouyangxiu"),
        ("司马光", "smg", "simaguang"),
        ("上官婉儿", "sgwe", "shangguanwaner"),
        ("诸葛亮", "zgl", "zhugeliang"),
        ("东方朔", "dfs", "dongfangshuo"),
        ("皇甫嵩", "hfs", "huangfusong"),
        ("尉迟恭", "ycg", "yuchigong"),
        ("公孙胜", "gss", "gongsunsheng"),
        ("慕容复", "mrf", "murongfu"),
        ("长孙无忌", "zswj", "zhangsunwuji"),
        ("宇文泰", "ywt", "yuwentai"),
        ("司徒雷登", "stld", "situleideng"),
        ("夏侯惇", "xhd", "xiahoudun"),
        ("令狐冲", "lhc", "linghuchong"),
        ("澹台灭明", "ttmm", "tantaimieming"),
        ("万俟卨", "mqx", "moqixie"),
        ("单于夜", "cyy", "chanyuye"),
        ("呼延灼", "hyz", "huyanzhuo"),
        ("端木蕻良", "dmhl", "duanmuhongliang"),
        ("轩辕明", "xym", "xuanyuanming"),
        ("西门庆", "xmq", "ximenqing"),
        ("南宫明", "ngm", "nangongming"),
        ("闻人梦", "wrm", "wenrenmeng"),
        ("独孤信", "dgx", "duguxin"),
        ("钟离春", "zlc", "zhonglichun"),
        ("申屠嘉", "stj", "shentujia"),
        ("太叔仪", "tsy", "taishuyi"),
        ("赫连勃勃", "hlbb", "helianbobo"),
        ("公冶明", "gym", "gongyeming"),
        ("濮阳兴", "pyx", "puyangxing"),
        ("淳于意", "cyy", "chunyuyi"),
        ("宗政明", "zzm", "zongzhengming"),
        ("拓跋宏", "tbh", "tuobahong"),
        ("百里奚", "blx", "bailixi"),
        ("东郭先生", "dgxs", "dongguoxiansheng"),
        ("第五伦", "dwl", "diwulun"),
        ("梁丘据", "lqj", "liangqiuju"),
        ("左丘明", "zqm", "zuoqiuming"),
        ("公良孺", "glr", "gongliangru"),
        ("乐正克", "yzk", "yuezhengke"),
    ],
)
def test_compound_surnames_are_read_as_one(name: str, initials: str, full: str) -> None:
    assert name_pinyin(name) == (initials, full)


def test_compound_surname_needs_a_given_name_after_it() -> None:
    assert split_surname("欧阳修") == ("欧阳", "修")
    assert split_surname("单于") == ("单", "于")
    assert name_pinyin("单于") == ("sy", "shanyu")
    assert name_pinyin("长孙") == ("cs", "changsun")


def test_surname_override_for_a_single_surname_that_looks_compound() -> None:
    assert name_pinyin("单于红") == ("cyh", "chanyuhong")
    assert name_pinyin("单于红", surname="单") == ("syh", "shanyuhong")
    with pytest.raises(ValueError, match="不符"):
        name_pinyin("张三", surname="李")


def test_given_name_uses_phrase_readings_not_surname_readings() -> None:
    # 曾 as a given-name character after another surname keeps pypinyin's reading.
    assert name_pinyin("张曾") == ("zc", "zhangceng")
    # 长 in a given name: surname table does not apply.
    assert name_pinyin("李长江")[1] == "lichangjiang"


def test_u_umlaut_is_written_v() -> None:
    assert name_pinyin("吕布") == ("lb", "lvbu")


def test_minority_names_drop_separators() -> None:
    assert name_pinyin("买买提·艾力") == ("mmtal", "maimaitiaili")
    assert name_pinyin("阿依古丽•吐尔逊") == ("aygltex", "ayigulituerxun")


def test_latin_letters_are_kept_lower_case() -> None:
    assert name_pinyin("李A") == ("la", "lia")
    assert name_pinyin("Ｔｏｍ 李") == ("tl", "tomli")
    assert name_pinyin("") == ("", "")


def test_matches_pinyin_for_search_box() -> None:
    initials, full = name_pinyin("张三")
    assert matches_pinyin("ZS", initials, full)
    assert matches_pinyin("z", initials, full)
    assert matches_pinyin("zhang s", initials, full)
    assert matches_pinyin("zhang'san", initials, full)
    assert not matches_pinyin("zl", initials, full)
    assert not matches_pinyin("", initials, full)
