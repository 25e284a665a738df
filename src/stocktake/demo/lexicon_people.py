"""Word lists for synthetic shoppers: Chinese names with pinyin, mail domains, mobile prefixes, cities.

Hand-written for the demo; the shapes imitate a Chinese marketplace, no real person is listed.
"""

from __future__ import annotations

# (hanzi, pinyin) — the most common surnames, roughly in frequency order.
SURNAMES: tuple[tuple[str, str], ...] = (
    ("王", "wang"),
    ("李", "li"),
    ("张", "zhang"),
    ("刘", "liu"),
    ("陈", "chen"),
    ("杨", "yang"),
    ("黄", "huang"),
    ("赵", "zhao"),
    ("吴", "wu"),
    ("周", "zhou"),
    ("徐", "xu"),
    ("孙", "sun"),
    ("马", "ma"),
    ("朱", "zhu"),
    ("胡", "hu"),
    ("郭", "guo"),
    ("何", "he"),
    ("高", "gao"),
    ("林", "lin"),
    ("罗", "luo"),
)

GIVEN_NAMES: tuple[tuple[str, str], ...] = (
    ("伟", "wei"),
    ("芳", "fang"),
    ("娜", "na"),
    ("敏", "min"),
    ("静", "jing"),
    ("丽", "li"),
    ("强", "qiang"),
    ("磊", "lei"),
    ("军", "jun"),
    ("洋", "yang"),
    ("勇", "yong"),
    ("艳", "yan"),
    ("杰", "jie"),
    ("娟", "juan"),
    ("涛", "tao"),
    ("明", "ming"),
    ("超", "chao"),
    ("秀英", "xiuying"),
    ("霞", "xia"),
    ("平", "ping"),
    ("刚", "gang"),
    ("桂英", "guiying"),
    ("婷", "ting"),
    ("浩然", "haoran"),
    ("宇轩", "yuxuan"),
    ("欣怡", "xinyi"),
    ("子轩", "zixuan"),
    ("梓涵", "zihan"),
    ("一诺", "yinuo"),
    ("思远", "siyuan"),
)

MAIL_DOMAINS: tuple[tuple[str, float], ...] = (
    ("qq.com", 0.38),
    ("163.com", 0.22),
    ("126.com", 0.08),
    ("sina.com", 0.05),
    ("gmail.com", 0.09),
    ("outlook.com", 0.07),
    ("foxmail.com", 0.06),
    ("icloud.com", 0.05),
)

# Mainland mobile number prefixes (3 digits, followed by 8 more).
MOBILE_PREFIXES: tuple[str, ...] = (
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139",
    "150", "151", "152", "153", "155", "156", "157", "158", "159",
    "166", "173", "177", "180", "181", "182", "183", "185", "186", "187", "188", "189", "199",
)  # fmt: skip

# (city, province, relative weight): big coastal cities dominate online shopping.
CITIES: tuple[tuple[str, str, float], ...] = (
    ("上海", "上海", 9.0),
    ("北京", "北京", 8.0),
    ("深圳", "广东", 7.0),
    ("广州", "广东", 7.0),
    ("杭州", "浙江", 6.0),
    ("成都", "四川", 5.0),
    ("苏州", "江苏", 4.0),
    ("南京", "江苏", 4.0),
    ("武汉", "湖北", 4.0),
    ("重庆", "重庆", 4.0),
    ("西安", "陕西", 3.0),
    ("东莞", "广东", 3.0),
    ("宁波", "浙江", 3.0),
    ("长沙", "湖南", 3.0),
    ("郑州", "河南", 3.0),
    ("天津", "天津", 3.0),
    ("青岛", "山东", 2.5),
    ("济南", "山东", 2.0),
    ("厦门", "福建", 2.0),
    ("福州", "福建", 2.0),
    ("合肥", "安徽", 2.0),
    ("昆明", "云南", 1.5),
    ("沈阳", "辽宁", 1.5),
    ("大连", "辽宁", 1.2),
    ("哈尔滨", "黑龙江", 1.2),
    ("南宁", "广西", 1.0),
    ("贵阳", "贵州", 1.0),
    ("温州", "浙江", 1.5),
)
