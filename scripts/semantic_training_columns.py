"""Synthetic training columns for the semantic type classifier (used by train_semantic_types.py).

Every semantic type has a few name stems (English, abbreviations, Chinese, pinyin) and a
value maker that draws a realistic column of values. Names are restyled (snake, camel,
Title Case, entity prefixes, headerless `column3`) so the model learns words, not spellings.
Written from general e-commerce knowledge; nothing here is read from the labelled set.
"""

from __future__ import annotations

import json
import math
import string
from collections.abc import Callable
from datetime import datetime, timedelta

import numpy as np
import phonenumbers

from stocktake.semantics.pii import id_check_char

Rng = np.random.Generator
Maker = Callable[[Rng, int], list[object]]


def _w(text: str) -> list[str]:
    return text.split()


WORDS_EN = _w(
    "great good bad fast slow quality product delivery arrived broken love works fine cheap nice "
    "size color perfect recommend return seller package box small large battery screen fit price"
)
WORDS_PT = _w("muito bom produto entrega chegou prazo ótimo recomendo não recebi qualidade loja bem")
ZH_CHARS = list("手机连衣裙跑步鞋女男款新夏季纯棉短袖透气防水蓝牙耳机无线充电宝大容量儿童玩具厨房收纳盒家用")
ZH_REVIEW = [
    "物流很快，包装完好。",
    "质量不错，推荐购买。",
    "颜色有色差，一般。",
    "宝贝收到了，很满意！",
    "客服态度好，下次还来。",
    "尺码偏小，退货了。",
    "性价比高，值得。",
]
CATEGORIES = _w(
    "electronics shoes toys beauty books sports furniture garden health_beauty bed_bath_table "
    "Mobile_Phones Laptops CPUs Fridges Dishwashers cama_mesa_banho esporte_lazer moveis_decoracao "
    "utilidades_domesticas informatica_acessorios 手机 女装 家电 美妆 食品 Exact Substitute Complement"
)
BRANDS = _w(
    "Apple Samsung Huawei Xiaomi Nike Adidas Sony LG Bosch Philips Lenovo Canon 小米 华为 李宁 Uniqlo Dell HP"
)
NOUNS = _w("phone laptop sneakers dress jacket headphones blender kettle camera watch charger backpack")
ADJS = _w("wireless slim portable waterproof classic men's women's smart stainless 4K ultra lightweight")
CITIES = _w(
    "London Paris Berlin Shanghai Beijing Shenzhen Chicago Houston Boston Denver sao_paulo rio_de_janeiro "
    "curitiba campinas belo_horizonte 上海 北京 杭州 广州 成都 Birmingham DOTHAN Phoenix"
)
PROVINCES = _w(
    "SP RJ MG PR RS BA SC AL AK AZ CA TX NY FL IL Zhejiang Guangdong 浙江 广东 江苏 Bavaria Ontario "
    "JEFFERSON MARSHALL Cook Orange Queens"
)
COUNTRIES = _w("US CN BR DE FR GB JP China Brazil Germany France USA 中国 日本 India Canada")
# Chinese geography, from general knowledge: provincial-level divisions, prefecture-level
# cities, the characters county and district names are made of, and country names.
ZH_PROVINCES = _w(
    "北京 天津 河北 山西 内蒙古 辽宁 吉林 黑龙江 上海 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 广东 广西 "
    "海南 重庆 四川 贵州 云南 西藏 陕西 甘肃 青海 宁夏 新疆 台湾 香港 澳门"
)
ZH_PROVINCE_SUFFIX = {
    "北京": "市", "天津": "市", "上海": "市", "重庆": "市", "内蒙古": "自治区", "广西": "壮族自治区",
    "西藏": "自治区", "宁夏": "回族自治区", "新疆": "维吾尔自治区", "香港": "特别行政区", "澳门": "特别行政区",
}  # fmt: skip
ZH_CITIES = _w(
    "石家庄 唐山 保定 邯郸 太原 大同 呼和浩特 包头 沈阳 大连 鞍山 长春 哈尔滨 大庆 南京 苏州 无锡 常州 南通 "
    "徐州 扬州 杭州 宁波 温州 嘉兴 绍兴 金华 台州 合肥 芜湖 福州 厦门 泉州 南昌 赣州 济南 青岛 烟台 潍坊 临沂 "
    "郑州 洛阳 武汉 宜昌 襄阳 长沙 株洲 岳阳 广州 深圳 珠海 汕头 佛山 东莞 中山 惠州 南宁 柳州 桂林 海口 三亚 "
    "成都 绵阳 贵阳 遵义 昆明 大理 拉萨 西安 宝鸡 兰州 西宁 银川 乌鲁木齐 喀什 北京 上海 天津 重庆"
)
ZH_PLACE_CHARS = list(
    "安平宁阳山江河城东西南北新永兴丰昌长清和德化武文龙云金石白黄青乐福庆泰华海湖林源溪宝川水丘陵台"
)
ZH_COUNTRIES = _w(
    "中国 美国 日本 韩国 德国 法国 英国 意大利 西班牙 俄罗斯 巴西 印度 加拿大 澳大利亚 新加坡 泰国 越南 马来西亚 "
    "印度尼西亚 菲律宾 墨西哥 阿根廷 南非 埃及 荷兰 瑞士 瑞典 新西兰 土耳其 沙特阿拉伯"
)
ZH_ROADS = _w("人民 解放 中山 建设 文三 南京 长江 黄河 和平 胜利 新华 朝阳 学院 科技 滨江")


def zh_county(rng: Rng) -> str:
    """A county-level name: two place characters and 区, 县, 市 or 旗 (朝阳区, 安平县)."""
    head = "".join(rng.choice(ZH_PLACE_CHARS, size=int(rng.choice([1, 2, 2, 2, 3]))))
    return head + str(rng.choice(["区", "区", "县", "县", "市", "旗"]))


def zh_province(rng: Rng, full: bool) -> str:
    name = str(rng.choice(ZH_PROVINCES))
    return name + ZH_PROVINCE_SUFFIX.get(name, "省") if full else name


def zh_address(rng: Rng) -> str:
    """省 + 市 + 区 + road + number, as a Chinese shipping address is written."""
    road = f"{rng.choice(ZH_ROADS)}{rng.choice(['路', '街', '大道'])}{rng.integers(1, 999)}号"
    return f"{zh_province(rng, True)}{rng.choice(ZH_CITIES)}市{zh_county(rng)}{road}"


STATUSES = _w(
    "delivered shipped canceled processing invoiced approved created pending active inactive refunded 已发货 待付款"
)
CHANNELS = _w(
    "web app app_ios app_android mini_program pc h5 credit_card boleto voucher debit_card alipay wechat_pay "
    "organic paid_search email affiliate aa airtravelcenter flightview orbitz"
)
BEHAVIOURS = [
    _w("pv cart fav buy"),
    _w("view cart purchase remove_from_cart"),
    _w("click impression add_to_cart order"),
    _w("浏览 加购 收藏 购买"),
]
DEVICES = [
    "iPhone 12",
    "Android",
    "iPad",
    "Windows",
    "Mac OS X",
    "ios",
    "android",
    "pc",
    "mobile",
    "tablet",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36",
    "Huawei P30",
]
# Values of generic categorical attributes (ownership, type, class of a thing), often lower-cased.
ATTRIBUTE_LABELS = [
    "government - local", "proprietary", "voluntary non-profit - other", "private", "public",
    "acute care", "critical access", "retail", "wholesale", "outdoor furniture", "wall decor",
    "kitchen storage", "heart failure", "standard", "premium", "economy", "tier 1", "tier 2",
    "Accent Chairs", "Area Rugs", "Bed Frames", "Desk Lamps", "small business", "enterprise",
]  # fmt: skip
FIRST = _w(
    "John Mary Wei Li Ana Pedro James Linda 张伟 王芳 李娜 Maria Carlos Robert Patricia Michael Jennifer "
    "David Elizabeth Ahmed Fatima Yuki Hiroshi Olga Ivan Priya Rahul Sofia Lucas Emma Noah"
)
LAST = _w(
    "Smith Johnson Silva Santos Wang Zhang Brown Garcia Lee Miller Davis Wilson Anderson Taylor Thomas "
    "Moore Martin Jackson Thompson White Harris Clark Lewis Walker Young King Wright Lopez Hill Scott "
    "Green Adams Baker Nelson Carter Mitchell Perez Roberts Turner Phillips Campbell Parker Evans"
)
STREETS = _w("Main Oak Pine Maple Cedar Elm Washington Park Lake Hill")
ORGS = _w("Medical Center Hospital Regional Memorial Community Clinic Health Systems Inc Ltd Group Co")


def _ints(rng: Rng, n: int, lo: int, hi: int, repeat: float) -> list[object]:
    pool = rng.integers(lo, hi, size=max(2, int(n * (1 - repeat)) + 1))
    return list(rng.choice(pool, size=n).tolist())


def _hex(rng: Rng, n: int, width: int, repeat: float = 0.0) -> list[object]:
    pool = [
        "".join(rng.choice(list("0123456789abcdef"), size=width))
        for _ in range(max(2, int(n * (1 - repeat))))
    ]
    return list(rng.choice(pool, size=n))


def _pick(rng: Rng, n: int, vocab: list[str], k: int | None = None) -> list[object]:
    chosen = list(rng.choice(vocab, size=min(k or len(vocab), len(vocab)), replace=False))
    weights = rng.dirichlet(np.ones(len(chosen)) * 0.7)
    return list(rng.choice(chosen, size=n, p=weights))


def _zipf_ints(rng: Rng, n: int, lo: int, hi: int, pool: int) -> list[object]:
    """Keys as an event log repeats them: a few very active users or items, a long tail."""
    values = rng.integers(lo, hi, size=max(2, pool))
    weights = 1.0 / np.arange(1, len(values) + 1) ** rng.uniform(0.5, 1.2)
    return list(rng.choice(values, size=n, p=weights / weights.sum()).tolist())


def _key(rng: Rng, n: int, repeat: float) -> list[object]:
    kind = rng.integers(0, 8)
    if kind == 7:  # auto-increment primary keys: a gapless run, repeated where rows refer to them
        start = int(rng.choice([1, 1, int(10 ** rng.uniform(2, 7))]))
        if repeat < 0.05:
            return list(range(start, start + n))
        return [start + int(v) for v in rng.integers(0, max(2, int(n * (1 - repeat))), size=n)]
    if kind == 6:  # 16-19 digit snowflake-style keys
        return long_keys(rng, n, max(2, int(n * (1 - repeat))))
    if kind == 0:
        return _ints(rng, n, 1, int(10 ** rng.uniform(3, 9)), repeat)
    if kind >= 4:  # integer keys of a log: pool from 0.5% to 100% of the rows
        hi = int(10 ** rng.uniform(4, 10))
        return _zipf_ints(rng, n, int(rng.choice([1, hi // 100])), hi, int(n * 10 ** rng.uniform(-2.3, 0)))
    if kind == 1:
        return _hex(rng, n, int(rng.choice([16, 32])), repeat)
    if kind == 2:
        prefix = str(rng.choice(["U", "P", "C", "B0", "ID", "x"]))
        return [f"{prefix}{v}" for v in _ints(rng, n, 10_000, 99_999_999, repeat)]
    return [f"{v[:8]}-{v[8:12]}-{v[12:16]}-{v[16:20]}-{v[20:]}" for v in _hex(rng, n, 32, repeat)]


def _timestamps(rng: Rng, n: int, midnight: bool) -> list[datetime]:
    start = datetime(int(rng.integers(2010, 2026)), 1, 1)
    secs = rng.integers(0, 86400 * 700, size=n)
    out = [start + timedelta(seconds=int(s)) for s in secs]
    return [d.replace(hour=0, minute=0, second=0) for d in out] if midnight else out


def _event_time(rng: Rng, n: int) -> list[object]:
    kind = rng.integers(0, 5)
    stamps = _timestamps(rng, n, midnight=False)
    if kind == 0:
        return [d.strftime("%Y-%m-%d %H:%M:%S") for d in stamps]
    if kind == 1:
        return [int(d.timestamp()) for d in stamps]
    if kind == 2:
        return [int(d.timestamp() * 1000) for d in stamps]
    if kind == 3:
        suffix = {"AM": str(rng.choice(["am", "a.m.", "AM"])), "PM": str(rng.choice(["pm", "p.m.", "PM"]))}
        return [
            d.strftime("%H:%M") if rng.random() < 0.4 else d.strftime("%-I:%M ") + suffix[d.strftime("%p")]
            for d in stamps
        ]
    return [d.strftime("%Y-%m-%dT%H:%M:%SZ") for d in stamps]


def _date(rng: Rng, n: int) -> list[object]:
    fmt = str(rng.choice(["%Y-%m-%d", "%Y-%m-%d 00:00:00", "%d/%m/%Y", "%Y%m%d", "%Y-%m-%d"]))
    return [d.strftime(fmt) for d in _timestamps(rng, n, midnight=True)]


def date_parts(rng: Rng, n: int) -> list[object]:
    """A date kept as one of its parts: a year (1950-2030, a span of one to forty years) or a
    month (1-12, or its English abbreviation), as statistics and panel tables keep them."""
    if rng.random() < 0.6:
        first = int(rng.integers(1950, 2026))
        span = int(rng.integers(1, 41))
        years = rng.integers(first, min(first + span, 2030) + 1, size=n)
        return [int(y) for y in years] if rng.random() < 0.8 else [str(y) for y in years]
    months = [int(m) for m in rng.integers(1, 13, size=n)]
    if rng.random() < 0.25:
        return [MONTH_ABBREVIATIONS[m - 1] for m in months]
    return months


def _price(rng: Rng, n: int) -> list[object]:
    if rng.random() < 0.2:
        # Whole-number money: salaries, house prices, revenues, prices in yen or won.
        values = np.exp(rng.normal(rng.uniform(7, 17), rng.uniform(0.3, 1.2), size=n))
        step = 10 ** int(rng.integers(0, 4))
        return [int(round(v / step) * step) for v in values]
    values = np.exp(rng.normal(rng.uniform(1.5, 6), 1.0, size=n))
    if rng.random() < 0.4:
        return [float(np.floor(v) + 0.9) for v in values]
    return [round(float(v), 2) for v in values]


def _text(rng: Rng, words: list[str], lo: int, hi: int) -> str:
    return " ".join(rng.choice(words, size=int(rng.integers(lo, hi))))


def _zh(rng: Rng, lo: int, hi: int) -> str:
    return "".join(rng.choice(ZH_CHARS, size=int(rng.integers(lo, hi))))


def _title(rng: Rng, n: int) -> list[object]:
    if rng.random() < 0.15:
        return [_zh(rng, 8, 30) for _ in range(n)]
    if rng.random() < 0.25:
        return [zh_title(rng) for _ in range(n)]
    return [
        f"{rng.choice(BRANDS)} {rng.choice(ADJS)} {rng.choice(NOUNS)} {rng.integers(1, 999)}"
        f"{rng.choice(['GB', 'mm', '', ' Black', ' XL'])}"
        for _ in range(n)
    ]


def _review(rng: Rng, n: int) -> list[object]:
    lang = rng.integers(0, 3)
    if lang == 0:
        out = [_text(rng, WORDS_EN, 2, 40).capitalize() + "." for _ in range(n)]
    elif lang == 1:
        out = [_text(rng, WORDS_PT, 1, 25).capitalize() for _ in range(n)]
    else:
        out = ["".join(rng.choice(ZH_REVIEW, size=int(rng.integers(1, 4)))) for _ in range(n)]
    return [None if rng.random() < 0.3 else v for v in out]


def _query(rng: Rng, n: int) -> list[object]:
    if rng.random() < 0.45:
        return [zh_query(rng) for _ in range(n)]
    return [_text(rng, NOUNS + ADJS + BRANDS[:8], 1, 5).lower() for _ in range(n)]


# Chinese shopping words: products, the modifiers sellers stack into titles, what people type.
ZH_PRODUCTS = _w(
    "手机 手机壳 连衣裙 运动鞋 跑步鞋 耳机 蓝牙耳机 充电宝 数据线 笔记本电脑 平板 电视 冰箱 洗衣机 空调 "
    "电饭煲 空气炸锅 口红 面膜 洗面奶 防晒霜 奶粉 纸尿裤 零食 坚果 茶叶 咖啡 T恤 牛仔裤 卫衣 羽绒服 外套 "
    "背包 行李箱 手表 眼镜 床垫 四件套 枕头 台灯 键盘 鼠标 显示器 路由器 猫粮 狗粮 积木 书包 拖鞋 凉席"
)
ZH_MODIFIERS = _w(
    "新款 夏季 冬季 春秋 女 男 儿童 学生 宽松 修身 韩版 纯棉 加厚 防水 透气 无线 便携 大容量 官方 正品 "
    "旗舰店 同款 2023 2024 网红 ins 百搭 显瘦 高端 家用 小型 迷你 智能 静音 快充 超薄 中长款 包邮 爆款"
)
ZH_ASKING = _w(
    "推荐 哪个好 怎么样 便宜 好用 多少钱 价格 评测 平价 学生党 送女友 礼物 官网 二手 性价比高 排行榜"
)
LATIN_MODELS = _w(
    "iPhone13 iphone14 pro p40 mate60 redmi k50 airpods switch ps5 ipad macbook 小米13 华为p60 nova11 "
    "vivo x90 oppo reno9 m2 rtx4060 i7 type-c 5g"
)
ZH_SPECS = _w("500ml 1kg 2件装 3双 XL 128G 256GB 6寸 1.8米 100片 10000毫安 M码 礼盒装")
ZH_BRANDS = _w("小米 华为 苹果 李宁 安踏 美的 格力 海尔 三只松鼠 优衣库 耐克 欧莱雅 vivo OPPO")


def zh_query(rng: Rng) -> str:
    """What people type into a Chinese shop's search box: 2-12 characters, a product, perhaps
    a brand or model name, perhaps a question word."""
    kind = int(rng.integers(0, 5))
    product = str(rng.choice(ZH_PRODUCTS))
    if kind == 0:
        return product
    if kind == 1:
        return f"{rng.choice(ZH_BRANDS + LATIN_MODELS)}{rng.choice(['', ' '])}{product}"
    if kind == 2:
        return f"{product}{rng.choice(['', ' '])}{rng.choice(ZH_ASKING)}"
    if kind == 3:
        return f"{rng.choice(ZH_MODIFIERS)}{product}"
    return str(rng.choice(LATIN_MODELS)) + str(rng.choice(["", " ", "手机", "多少钱", "和", "对比"]))


def zh_title(rng: Rng) -> str:
    """A Chinese listing title: brand, a stack of selling words, the product, a pack size (15-60 chars)."""
    words = [str(rng.choice(ZH_BRANDS))] if rng.random() < 0.7 else []
    words += list(rng.choice(ZH_MODIFIERS, size=int(rng.integers(3, 9)), replace=False))
    words += list(rng.choice(ZH_PRODUCTS, size=int(rng.integers(1, 3)), replace=False))
    if rng.random() < 0.6:
        words.append(str(rng.choice(ZH_SPECS)))
    return str(rng.choice(["", " "])).join(words)


# --- Numbers that validate: cards, resident ids, phones (fourth round) ---------------------
# Issuer prefixes and lengths (Visa, Mastercard, Amex, UnionPay, Discover, JCB, Diners), with
# rough shares of cards in circulation.
CARD_ISSUERS: list[tuple[list[str], list[int], float]] = [
    (["4"], [16, 16, 16, 13, 19], 0.35),
    (["51", "52", "53", "54", "55", "2221", "2300", "2720"], [16], 0.25),
    (["34", "37"], [15], 0.08),
    (["62"], [16, 16, 17, 18, 19], 0.2),
    (["6011", "65", "644"], [16], 0.05),
    (["3528", "3540", "3589"], [16], 0.05),
    (["36", "38"], [14], 0.02),
]
# First two digits of Chinese resident ids: provinces and municipalities (GB/T 2260).
CN_PROVINCE_CODES = _w(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65"
)
# Phone plans: (country code, trunk prefix written nationally, leading digits, national length).
PHONE_PLANS: list[tuple[str, str, str, int]] = [
    ("1", "", "", 10), ("1", "", "", 10), ("86", "", "1", 11), ("86", "", "1", 11),
    ("44", "0", "7", 10), ("49", "0", "15", 11), ("49", "0", "17", 10), ("33", "0", "6", 9),
    ("39", "", "3", 10), ("34", "", "6", 9), ("55", "", "119", 11), ("91", "", "9", 10),
    ("61", "0", "4", 9),
]  # fmt: skip
_CN_MOBILE_HEADS = _w(
    "130 131 132 133 135 136 137 138 139 150 151 152 157 158 159 166 177 180 186 187 188 189 199"
)


def _digits(rng: Rng, k: int) -> str:
    return "".join(str(d) for d in rng.integers(0, 10, size=k))


def _luhn_digit(body: str) -> str:
    """The check digit that makes `body` + digit pass Luhn."""
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch) * 2 if i % 2 == 0 else int(ch)
        total += d - 9 if d > 9 else d
    return str(-total % 10)


def card_number(rng: Rng) -> str:
    weights = np.array([w for _, _, w in CARD_ISSUERS])
    prefixes, lengths, _ = CARD_ISSUERS[int(rng.choice(len(CARD_ISSUERS), p=weights / weights.sum()))]
    prefix, length = str(rng.choice(prefixes)), int(rng.choice(lengths))
    body = prefix + _digits(rng, length - len(prefix) - 1)
    return body + _luhn_digit(body)


def _bank_card(rng: Rng, n: int) -> list[object]:
    """Luhn-valid numbers of real issuers: bare, grouped by four, as integers, or masked."""
    style = int(rng.choice(5, p=[0.35, 0.2, 0.1, 0.2, 0.15]))
    out: list[object] = []
    for _ in range(n):
        number = card_number(rng)
        if style in (1, 2):
            number = " -"[style - 1].join(number[i : i + 4] for i in range(0, len(number), 4))
        elif style == 4:  # a masked copy keeps the shape, not the checksum
            number = number[:6] + "*" * (len(number) - 10) + number[-4:]
        out.append(int(number) if style == 3 else number)
    return out


def cn_resident_id(rng: Rng) -> str:
    """18 characters: region, birth date, sequence, MOD 11-2 check character."""
    region = f"{rng.choice(CN_PROVINCE_CODES)}{int(rng.integers(1, 30)):02d}{int(rng.integers(1, 30)):02d}"
    born = datetime(1950, 1, 1) + timedelta(days=int(rng.integers(0, 365 * 55)))
    first17 = region + born.strftime("%Y%m%d") + _digits(rng, 3)
    return first17 + id_check_char(first17)


def _id_card(rng: Rng, n: int) -> list[object]:
    values = [cn_resident_id(rng) for _ in range(n)]
    if rng.random() < 0.1:  # masked for display
        return [v[:6] + "********" + v[-4:] for v in values]
    if rng.random() < 0.3:  # read as numbers where no id ends in X
        return [int(v) if v.isdigit() else v for v in values]
    return list(values)


def long_keys(rng: Rng, n: int, pool: int) -> list[object]:
    """16-19 digit integer keys, snowflake-style: minted in time order, so they share leading
    digits. One in ten passes Luhn by chance and few start like a card: length is no card."""
    digits = int(rng.integers(16, 20))
    base = int(rng.integers(10**15, 9 * 10**15)) * 10 ** (digits - 16)
    spread = 10 ** int(rng.integers(digits - 7, digits - 2))
    values = [base + int(v) for v in rng.integers(0, spread, size=max(2, pool))]
    weights = 1.0 / np.arange(1, len(values) + 1) ** rng.uniform(0.3, 1.2)
    return [values[i] for i in rng.choice(len(values), size=n, p=weights / weights.sum())]


def _dated_numbers(rng: Rng, n: int) -> list[object]:
    """Order numbers minted as date + sequence: 16-20 digits, an 18-digit one shaped like a
    resident id but never valid (no region starts with 20)."""
    width = int(rng.choice([8, 10, 10, 12]))
    return [int(d.strftime("%Y%m%d") + _digits(rng, width)) for d in _timestamps(rng, n, midnight=False)]


def _national_number(rng: Rng, plan: tuple[str, str, str, int]) -> str:
    """A number its country's plan accepts (area codes and mobile ranges are sparse, so draw
    until `phonenumbers` agrees; a real column's numbers are all in service)."""
    code, _, lead, length = plan
    for _ in range(50):
        if code == "1":  # North American: NXX NXX XXXX
            number = f"{rng.integers(2, 10)}{_digits(rng, 2)}{rng.integers(2, 10)}{_digits(rng, 6)}"
        elif code == "86":
            number = str(rng.choice(_CN_MOBILE_HEADS)) + _digits(rng, 8)
        else:
            number = lead + _digits(rng, length - len(lead))
        if phonenumbers.is_valid_number(phonenumbers.parse(f"+{code}{number}")):
            break
    return number


def _phone(rng: Rng, n: int) -> list[object]:
    """One column keeps one country's habit: bare national digits (with the trunk 0 where the
    country dials one), an integer, the country code glued on, or a formatted number."""
    plan = PHONE_PLANS[int(rng.integers(0, len(PHONE_PLANS)))]
    code, trunk = plan[0], plan[1]
    style = int(rng.choice(6, p=[0.3, 0.15, 0.2, 0.1, 0.1, 0.15]))
    out: list[object] = []
    for _ in range(n):
        number = _national_number(rng, plan)
        if style == 0:
            out.append(trunk + number)
        elif style == 1:
            out.append(int(trunk + number))
        elif style == 2:
            out.append(f"+{code}{number}" if rng.random() < 0.6 else f"{code}{number}")
        elif style == 3 and code == "1":
            out.append(f"({number[:3]}) {number[3:6]}-{number[6:]}")
        elif style == 4:
            cut = 7 if code == "86" else 6  # 138-1234-5678, 212-555-0123
            out.append(f"{trunk}{number[:3]}-{number[3:cut]}-{number[cut:]}")
        else:
            out.append(f"+{code} {number[:3]} {number[3:6]} {number[6:]}")
    return out


def line_numbers(rng: Rng, n: int) -> list[object]:
    """Line k of a parent (order item, payment instalment) exists only where line k-1 does:
    the values run 1, 2, 3, ... with ever fewer rows, most parents having a single line."""
    single = rng.uniform(0.5, 0.97)
    start = int(rng.choice([1, 1, 1, 0]))
    out: list[object] = []
    while len(out) < n:
        lines = int(rng.geometric(single)) if rng.random() < 0.99 else int(rng.integers(3, 30))
        out += range(start, start + lines)
    return out[:n]


def _quantity(rng: Rng, n: int) -> list[object]:
    """Units ordered or held: mostly ones and twos, pack sizes (6, 12, 24, 100), returns as
    negatives, or stock levels with many zeros: unlike line numbers, often with gaps."""
    kind = int(rng.integers(0, 4))
    if kind == 0:
        return [int(v) for v in rng.geometric(rng.uniform(0.3, 0.8), size=n)]
    if kind == 1:
        packs = [1, 2, 3, 4, 5, 6, 8, 10, 12, 20, 24, 25, 36, 48, 50, 100, 200]
        values = _pick(rng, n, [str(v) for v in packs], int(rng.integers(5, len(packs))))
        sign = [-1 if rng.random() < rng.uniform(0, 0.05) else 1 for _ in range(n)]
        return [int(v) * s for v, s in zip(values, sign, strict=True)]
    if kind == 2:  # stock on hand
        return [int(v) for v in rng.negative_binomial(1, rng.uniform(0.005, 0.2), size=n)]
    return [int(v) for v in np.ceil(np.exp(rng.normal(rng.uniform(0, 2), 1.0, size=n)))]


def _measure(rng: Rng, n: int) -> list[object]:
    """Sizes, weights, rates, counts of things: in half the columns one of the newer shapes
    (`physical_measure`), which real tables hold far more often than prices or discounts."""
    if rng.random() < 0.5:
        return physical_measure(rng, n)
    kind = rng.integers(0, 5)
    if kind == 0:
        return [int(v) for v in np.exp(rng.normal(rng.uniform(1, 8), 1.2, size=n))]
    if kind == 1:
        return [round(float(v), 1) for v in rng.gamma(2, rng.uniform(1, 50), size=n)]
    if kind == 2:
        return [f"{v}%" if rng.random() < 0.5 else int(v) for v in rng.integers(0, 101, size=n)]
    if kind == 3:
        if rng.random() < 0.5:
            return menu_counts(rng, n)
        return [int(v) for v in rng.integers(1, int(rng.integers(4, 30)), size=n)]
    return [None if rng.random() < 0.2 else int(v) for v in rng.integers(0, 5000, size=n)]


def physical_measure(rng: Rng, n: int) -> list[object]:
    """A measurement as science, engineering and economics tables hold it: a decimal at any
    scale (0.2-5 carats, 1.6-7 litres, 2-17 percent, -10-35 degrees, millions of people), a
    menu of sizes (4/6/8 cylinders, 14/15/17 inch, 256/512/1024 GB) or a bell of integers."""
    kind = int(rng.integers(0, 4))
    if kind == 0:  # decimals around a centre at any scale, sometimes below zero
        centre = 10 ** rng.uniform(-1.5, 5)
        spread = centre * rng.uniform(0.05, 0.8)
        shift = -centre * rng.uniform(0, 1.5) if rng.random() < 0.15 else 0.0
        values = np.abs(rng.normal(centre, spread, size=n)) + shift
        decimals = int(rng.choice([1, 1, 2, 2, 3, 4]))
        return [round(float(v), decimals) for v in values]
    if kind == 1:  # a menu of sizes or models
        base = float(rng.choice([2, 4, 10, 12, 13, 40, 64, 80, 100, 1000]))
        factors = np.unique(np.round(base * rng.choice([0.5, 0.75, 1, 1.25, 1.5, 2, 3, 4, 8], size=6), 1))
        values = list(rng.choice(factors, size=n, p=rng.dirichlet(np.ones(len(factors)))))
        whole = all(float(v).is_integer() for v in factors)
        return [int(v) if whole else float(v) for v in values]
    if kind == 2:  # a bell of whole numbers (miles per gallon, ages, scores, table widths)
        centre = 10 ** rng.uniform(0.7, 3.5)
        return [max(0, int(np.rint(v))) for v in rng.normal(centre, centre * rng.uniform(0.05, 0.4), size=n)]
    # a skewed total: populations, areas, volumes, with whole or 1-3 decimal values
    values = np.exp(rng.normal(rng.uniform(0, 13), rng.uniform(0.5, 2), size=n))
    decimals = int(rng.choice([0, 0, 1, 2, 3]))
    return [int(v) if decimals == 0 else round(float(v), decimals) for v in values]


def menu_counts(rng: Rng, n: int) -> list[object]:
    """Counts chosen from a menu (instalments, plan months, photos): mostly 1, falling, with
    favourite round choices (6, 10, 12, 24) above their neighbours, now and then a 0."""
    top = int(rng.choice([6, 10, 12, 24, 36]))
    menu = np.arange(0, top + 1)
    weights = 1.0 / np.maximum(menu, 1) ** rng.uniform(1.0, 2.0)
    for favourite in (6, 10, 12, 24):
        if favourite <= top and rng.random() < 0.7:
            weights[favourite] *= rng.uniform(3, 12)
    weights[0] = rng.uniform(0, 0.01)
    return [int(v) for v in rng.choice(menu, size=n, p=weights / weights.sum())]


def _identifier(rng: Rng, n: int) -> list[object]:
    kind = rng.integers(0, 6)
    if kind == 5:
        return _code(rng, n)
    if kind == 0:
        start = int(rng.choice([0, 1, 1, int(10 ** rng.uniform(2, 7))]))
        return list(range(start, start + n))
    if kind == 1:
        return line_numbers(rng, n) if rng.random() < 0.5 else long_keys(rng, n, int(rng.integers(2, n)))
    if kind == 2:
        return _hex(rng, n, 32, rng.uniform(0, 0.9))
    if kind == 3:
        letters = ["".join(rng.choice(list(string.ascii_uppercase), size=3)) for _ in range(12)]
        return [f"{rng.choice(letters)}-{rng.integers(1, 30)}" for _ in range(n)]
    return [
        f"{rng.choice(['AA', 'UA', 'CO', 'DL'])}-{rng.integers(1, 9999)}-{rng.choice(['ORD-DEN', 'IAH-LAX'])}"
        for _ in range(n)
    ]


def _session(rng: Rng, n: int) -> list[object]:
    """Session keys are minted by web servers: UUIDs or random hex, seldom small integers."""
    repeat = rng.uniform(0.5, 0.95)
    if rng.random() < 0.15:
        return _key(rng, n, repeat)
    values = [str(v) for v in _hex(rng, n, 32, repeat)]
    if rng.random() < 0.5:
        return [f"{v[:8]}-{v[8:12]}-{v[12:16]}-{v[16:20]}-{v[20:]}" for v in values]
    return values


def _flag(rng: Rng, n: int) -> list[object]:
    pairs = [["0", "1"], ["yes", "no"], ["Y", "N"], ["true", "false"], ["是", "否"], ["Yes", "No"]]
    pair = pairs[int(rng.choice(6, p=[0.35, 0.13, 0.13, 0.13, 0.13, 0.13]))]
    if rng.random() < 0.12:
        # A flag that never varies in this extract (a judgement file listing positives only),
        # most often written 0/1 there.
        pair = ["0", "1"] if rng.random() < 0.5 else pair
        return [pair[int(rng.integers(0, 2))]] * n
    return _pick(rng, n, pair)


def _code(rng: Rng, n: int) -> list[object]:
    """Codes of reference entities (providers, stations, measures): fixed width, a small pool, repeated."""
    repeat = rng.uniform(0.5, 0.99)
    if rng.random() < 0.5:
        width = int(rng.integers(4, 8))
        start = int(rng.integers(10 ** (width - 1), 9 * 10 ** (width - 1)))
        values = _ints(rng, n, start, start + int(10 ** rng.uniform(1.5, width - 1)), repeat)
        return [str(v) if rng.random() < 0.5 else v for v in values] if rng.random() < 0.3 else values
    upper = rng.random() < 0.5
    heads = [
        "".join(rng.choice(list(string.ascii_lowercase), size=int(rng.integers(2, 4)))) for _ in range(8)
    ]
    if rng.random() < 0.5:  # region codes, as in "CA_HF-2"
        heads = [v.lower() for v in rng.choice(REGION_CODES, size=8, replace=False)]
    tails = [
        "".join(rng.choice(list(string.ascii_lowercase), size=int(rng.integers(2, 5)))) for _ in range(6)
    ]
    if rng.random() < 0.5:  # acronyms of what is measured or filed: initials of a few words
        tails = [acronym(rng) for _ in range(6)]
    sep = str(rng.choice(["_", "-", "."]))
    codes = [f"{h}{sep}{t}-{d}" for h in heads for t in tails for d in range(1, int(rng.integers(2, 7)))]
    values = list(rng.choice(codes, size=n))
    return [v.upper() for v in values] if upper else values


def _zip_code(rng: Rng, n: int) -> list[object]:
    """Postal codes as tables hold them: in half the columns many rows share one code (the
    customers, stores or hospitals of a town), not one code per row."""
    pool = n if rng.random() < 0.5 else int(10 ** rng.uniform(1, math.log10(max(n, 20))))
    codes = _zipf_ints(rng, n, 1000, 99999, pool)
    if rng.random() < 0.3:
        return [f"{v:05d}-{rng.integers(0, 999):03d}" for v in codes]
    as_text = rng.random() < 0.5
    return [f"{v:05d}" if as_text else int(v) for v in codes]


REGION_CODES = _w(
    "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY "
    "NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY SP RJ MG PR RS BA SC GB DE FR CN JP IN BR"
)
ACRONYM_WORDS = _w(
    "quality rate volume service returns orders delivery customer satisfaction stock inventory supplier "
    "vendor time weight margin risk score safety review transfer unit cost net gross average index level "
    "total daily monthly active new repeat conversion traffic"
)


def acronym(rng: Rng) -> str:
    """Initials of two to four words ("customer satisfaction index" -> "csi"), now and then with
    a second part ("csi-rtd")."""
    words = rng.choice(ACRONYM_WORDS, size=int(rng.integers(2, 5)))
    head = "".join(w[0] for w in words)
    if rng.random() < 0.2:
        head += "-" + "".join(w[0] for w in rng.choice(ACRONYM_WORDS, size=3))
    return head


CLASS_SETS = [
    _w("Male Female"), _w("M F"), _w("Low Medium High"), _w("Small Medium Large"), _w("S M L XL"),
    _w("Gold Silver Bronze"), _w("North South East West"), _w("Urban Rural Suburban"),
    _w("Basic Standard Premium"), _w("New Used Refurbished"), _w("Junior Senior Lead Manager"),
    _w("Domestic International"), _w("Online Offline"), _w("Fiction Nonfiction Reference"),
    _w("Democrat Republican Independent"), _w("Manual Automatic"), _w("Single Married Divorced"),
]  # fmt: skip


def short_codes(rng: Rng, n: int) -> list[object]:
    """Classes written as short codes or plain attribute values: grades (`A`, `B2`, `VS1`),
    one-letter kinds (`f`, `r`, `4`), or a common set (Male/Female, Low/Medium/High)."""
    if rng.random() < 0.4:
        vocab = list(CLASS_SETS[int(rng.integers(0, len(CLASS_SETS)))])
        if rng.random() < 0.3:
            vocab = [v.lower() for v in vocab]
        return _pick(rng, n, vocab)
    k = int(rng.integers(2, 10))
    width = int(rng.choice([1, 1, 2, 3]))
    letters = list(string.ascii_uppercase if rng.random() < 0.6 else string.ascii_lowercase)
    codes: set[str] = set()
    while len(codes) < k:
        code = "".join(rng.choice(letters, size=width))
        if rng.random() < 0.3:
            code += str(rng.integers(1, 4))
        codes.add(code if rng.random() > 0.1 else str(rng.integers(1, 10)))
    return _pick(rng, n, sorted(codes))


def _person_name(rng: Rng, n: int) -> list[object]:
    """Full names, and the other ways tables write people: surname only, "Last, First", with
    a middle initial."""
    style = int(rng.choice(4, p=[0.55, 0.15, 0.15, 0.15]))
    out: list[object] = []
    for _ in range(n):
        first, last = str(rng.choice(FIRST)), str(rng.choice(LAST))
        if style == 1:
            out.append(last)
        elif style == 2:
            out.append(f"{last}, {first}")
        elif style == 3:
            out.append(f"{first} {rng.choice(list(string.ascii_uppercase))}. {last}")
        else:
            out.append(f"{first} {last}")
    return out


def _province(rng: Rng, n: int) -> list[object]:
    """Provinces or states: codes and names from many countries, or China's in Chinese, short
    (浙江) or full (浙江省, 广西壮族自治区), one habit per column."""
    if rng.random() < 0.35:
        full = rng.random() < 0.5
        vocab = sorted({zh_province(rng, full) for _ in range(60)})
        return _pick(rng, n, vocab, int(rng.integers(4, len(vocab))))
    return _pick(rng, n, PROVINCES, int(rng.integers(4, 20)))


def _city(rng: Rng, n: int) -> list[object]:
    """Cities: names from many countries, or Chinese prefecture cities (with or without 市) and
    county-level places (朝阳区, 安平县)."""
    if rng.random() < 0.35:
        suffix = "市" if rng.random() < 0.4 else ""  # drawn either way: the draws stay as trained
        if rng.random() < 0.4:
            vocab = sorted({zh_county(rng) for _ in range(200)})
        else:
            vocab = [f"{c}{suffix}" for c in ZH_CITIES]
        return _pick(rng, n, vocab, int(rng.integers(6, min(60, len(vocab)))))
    return [
        v.replace("_", " ") if rng.random() < 0.5 else v
        for v in _pick(rng, n, CITIES, int(rng.integers(6, 22)))
    ]


def _unknown(rng: Rng, n: int) -> list[object]:
    if rng.random() < 0.5:
        # Placeholders only: a column of zeros is a number (a flag or count never set), not a blank.
        return [str(rng.choice(["-", "N/A", "x", "none", "TBD"]))] * n
    return [json.dumps([{"k": int(rng.integers(0, 9)), "v": [int(rng.integers(0, 3))]}]) for _ in range(n)]


def _free_text(rng: Rng, n: int) -> list[object]:
    kind = rng.integers(0, 4)
    if kind == 0:
        return [f"{rng.choice(LAST).upper()} {_text(rng, ORGS, 1, 4).upper()}" for _ in range(n)]
    if kind == 3:  # a whole record serialised into one cell, as entity-matching sets do
        return [
            f"COL title VAL {_title(rng, 1)[0]} COL brand VAL {rng.choice(BRANDS)} COL price VAL {_price(rng, 1)[0]}"
            for _ in range(n)
        ]
    if kind == 1:
        return [json.dumps({"name": str(rng.choice(NOUNS)), "n": int(rng.integers(0, 99))}) for _ in range(n)]
    return [_text(rng, WORDS_EN + ORGS, 3, 15) for _ in range(n)]


MAKERS: dict[str, Maker] = {
    "user_id": lambda r, n: _key(r, n, r.uniform(0.3, 0.95)),
    "item_id": lambda r, n: _key(r, n, r.uniform(0.0, 0.9)),
    "sku": lambda r, n: [
        f"{''.join(r.choice(list('ABCDEFGHJKLMNPRSTWXZ'), size=int(r.integers(2, 4))))}-{r.integers(100, 99999)}"
        for _ in range(n)
    ],
    "order_id": lambda r, n: _dated_numbers(r, n) if r.random() < 0.2 else _key(r, n, r.uniform(0.0, 0.6)),
    "session_id": _session,
    "category": lambda r, n: [
        lambda: _pick(r, n, CATEGORIES, int(r.integers(3, 15))),
        lambda: _ints(r, n, 1, 9999, 0.99),
        lambda: _zipf_ints(r, n, 1, int(10 ** r.uniform(3, 7)), int(r.integers(20, 4000))),
        lambda: _pick(r, n, ATTRIBUTE_LABELS, int(r.integers(2, 10))),
        lambda: long_keys(r, n, int(r.integers(10, 2000))),  # snowflake-style category ids
        lambda: short_codes(r, n),
    ][int(r.choice(6, p=[0.36, 0.1, 0.1, 0.22, 0.1, 0.12]))](),
    "category_path": lambda r, n: [
        None if r.random() < missing else str(sep).join(r.choice(CATEGORIES, size=int(r.integers(2, 4))))
        for sep, missing in [(r.choice([" > ", "/", "."]), r.choice([0.0, 0.0, r.uniform(0.05, 0.5)]))]
        for _ in range(n)
    ],
    "brand": lambda r, n: [None if r.random() < 0.2 else v for v in _pick(r, n, BRANDS)],
    "product_title": _title,
    "description": lambda r, n: [_text(r, WORDS_EN + NOUNS + ADJS, 20, 80) for _ in range(n)],
    "price": _price,
    "currency": lambda r, n: _pick(r, n, _w("USD CNY EUR BRL GBP JPY ¥ $ RMB")),
    "quantity": _quantity,
    "discount": lambda r, n: [
        round(float(v), 2)
        for v in (r.uniform(0, 0.5, size=n) if r.random() < 0.5 else r.gamma(1, 10, size=n))
    ],
    "rating": lambda r, n: [
        int(v) for v in r.choice(np.arange(int(r.choice([0, 1])), int(r.choice([3, 5, 5, 10])) + 1), size=n)
    ],
    "review_text": _review,
    "search_query": _query,
    "behaviour_type": lambda r, n: _pick(r, n, BEHAVIOURS[int(r.integers(0, len(BEHAVIOURS)))]),
    "event_time": _event_time,
    "date": _date,
    "country": lambda r, n: _pick(
        r, n, ZH_COUNTRIES if r.random() < 0.3 else COUNTRIES, int(r.integers(2, 12))
    ),
    "province": _province,
    "city": _city,
    "zip_code": _zip_code,
    "latitude": lambda r, n: [round(float(v), 6) for v in r.uniform(-34, 55, size=n) * r.choice([1.0, -0.5])],
    "longitude": lambda r, n: [
        round(float(v), 6)
        for v in r.uniform(
            *[(-120, 140), (-74, -34), (-10, 30), (73, 135), (-125, -67)][int(r.integers(0, 5))], size=n
        )
    ],
    "email": lambda r, n: [
        f"{r.choice(FIRST[:8]).lower()}.{r.integers(1, 9999)}@{r.choice(['gmail.com', 'qq.com', 'example.org'])}"
        for _ in range(n)
    ],
    "phone": _phone,
    "person_name": _person_name,
    "address": lambda r, n: [
        None
        if r.random() < 0.3
        else zh_address(r)
        if r.random() < 0.3
        else f"{r.integers(1, 9999)} {r.choice(STREETS).upper()} {r.choice(['ST', 'AVE', 'Road', 'BLVD'])}"
        for _ in range(n)
    ],
    "id_card": _id_card,
    "bank_card": _bank_card,
    "ip_address": lambda r, n: [".".join(str(x) for x in r.integers(1, 255, size=4)) for _ in range(n)],
    "url": lambda r, n: [
        f"https://{r.choice(['shop', 'www', 'img'])}.example.com/{r.choice(NOUNS)}/{r.integers(1, 99999)}"
        for _ in range(n)
    ],
    "device": lambda r, n: _pick(r, n, DEVICES, int(r.integers(2, 8))),
    "channel": lambda r, n: _pick(r, n, CHANNELS, int(r.integers(2, 6))),
    "status": lambda r, n: _pick(r, n, STATUSES, int(r.integers(2, 7))),
    "boolean_flag": _flag,
    "free_text": _free_text,
    "numeric_measure": _measure,
    "identifier": _identifier,
    "unknown": _unknown,
}


# Name stems: words joined by spaces; restyled by `style_name`. Chinese and pinyin stems included.
NAMES: dict[str, list[str]] = {
    "user_id": [
        "user id",
        "customer id",
        "buyer id",
        "uid",
        "member id",
        "usr id",
        "cust id",
        "client id",
        "customer unique id",
        "account id",
        "用户ID",
        "用户编号",
        "会员ID",
        "yonghu id",
        "user",
    ],
    "item_id": [
        "item id",
        "product id",
        "goods id",
        "prod id",
        "pid",
        "asin",
        "offer id",
        "cluster id",
        "sku id",
        "doc id",
        "商品ID",
        "商品编号",
        "shangpin id",
        "itm id",
        "clicked item id",
        "product",
    ],
    "sku": [
        "sku",
        "supplier sku",
        "model number",
        "mpn",
        "article number",
        "货号",
        "item code",
        "product code",
        "style no",
    ],
    "order_id": [
        "order id",
        "order no",
        "ord id",
        "order number",
        "订单号",
        "订单ID",
        "dingdan id",
        "purchase id",
        "txn id",
    ],
    "session_id": ["session id", "sess id", "session", "user session", "visit id", "会话ID", "huihua id"],
    "category": [
        "category",
        "category id",
        "cat id",
        "category name",
        "cate",
        "product category name",
        "类目",
        "分类",
        "品类",
        "leimu",
        "type",
        "class",
        "segment",
        "label",
        "group",
        "department",
        "cat",
        "kind",
        "product class",
        "ownership",
        "class name",
        "gender",
        "sex",
        "tier",
        "level",
        "class code",
        "type code",
    ],
    "category_path": [
        "category path",
        "category code",
        "cat path",
        "breadcrumb",
        "taxonomy",
        "类目路径",
        "category tree",
    ],
    "brand": ["brand", "brand name", "manufacturer", "maker", "品牌", "pinpai", "brnd"],
    "product_title": [
        "product title",
        "title",
        "product name",
        "item name",
        "goods name",
        "prod nm",
        "name",
        "商品标题",
        "商品名称",
        "标题",
        "biaoti",
        "shangpin mingcheng",
        "offer title",
        "cluster label",
    ],
    "description": [
        "description",
        "product description",
        "desc",
        "details",
        "商品描述",
        "描述",
        "miaoshu",
        "long description",
    ],
    "price": [
        "price",
        "unit price",
        "amount",
        "amt",
        "list price",
        "sale price",
        "payment value",
        "freight value",
        "total",
        "cost",
        "价格",
        "售价",
        "金额",
        "jiage",
        "jine",
        "order total",
        "shipping fee",
        "prc",
        "value",
        "salary",
        "income",
        "revenue",
        "median price",
        "spend",
        "gmv",
        "turnover",
        "wage",
        "收入",
        "工资",
    ],
    "currency": ["currency", "currency code", "ccy", "货币", "币种", "cur"],
    "quantity": [
        "quantity",
        "qty",
        "units",
        "count",
        "stock",
        "inventory",
        "数量",
        "库存",
        "shuliang",
        "num",
        "items",
    ],
    "discount": [
        "discount",
        "discount rate",
        "coupon amount",
        "promo",
        "折扣",
        "优惠金额",
        "disc",
        "markdown",
    ],
    "rating": [
        "rating",
        "review score",
        "stars",
        "star rating",
        "score",
        "grade",
        "评分",
        "星级",
        "pingfen",
        "relevance",
        "esci label",
    ],
    "review_text": [
        "review text",
        "review",
        "comment",
        "review comment message",
        "review title",
        "feedback",
        "评价内容",
        "评论",
        "pinglun",
        "review body",
        "comment text",
    ],
    "search_query": [
        "query",
        "search query",
        "keyword",
        "search term",
        "query text",
        "q",
        "搜索词",
        "关键词",
        "查询",
        "sousuo ci",
        "kw",
        "queries",
    ],
    "behaviour_type": [
        "behaviour type",
        "behavior type",
        "event type",
        "action",
        "action type",
        "btag",
        "行为类型",
        "行为",
        "xingwei",
        "event",
    ],
    "event_time": [
        "event time",
        "timestamp",
        "ts",
        "created at",
        "updated at",
        "time",
        "event ts",
        "purchase timestamp",
        "approved at",
        "delivered date",
        "shipping limit date",
        "dep time",
        "arr time",
        "时间",
        "下单时间",
        "shijian",
        "click time",
        "log time",
        "datetime",
    ],
    "date": [
        "date",
        "dt",
        "day",
        "order date",
        "birth date",
        "estimated delivery date",
        "creation date",
        "日期",
        "riqi",
        "ds",
        "as of",
        "start",
        "end",
        "start date",
        "end date",
        "begin",
        "valid from",
        "valid to",
        "expiry",
        "开始日期",
        "结束日期",
    ],
    "country": ["country", "country code", "nation", "国家", "guojia", "ctry"],
    "province": [
        "state",
        "province",
        "region",
        "county",
        "省份",
        "省",
        "shengfen",
        "prov",
        "county name",
        "st",
    ],
    "city": [
        "city",
        "town",
        "city name",
        "城市",
        "chengshi",
        "municipality",
        "cty",
        "区县",
        "所在城市",
        "城市名称",
        "district",
    ],
    "zip_code": [
        "zip",
        "zip code",
        "postal code",
        "postcode",
        "zip code prefix",
        "cep",
        "邮编",
        "youbian",
        "plz",
    ],
    "latitude": ["latitude", "lat", "geo lat", "纬度", "weidu", "y coord"],
    "longitude": ["longitude", "lng", "lon", "long", "geo lng", "经度", "jingdu", "x coord"],
    "email": ["email", "e mail", "mail", "email address", "邮箱", "youxiang"],
    "phone": [
        "phone",
        "phone number",
        "mobile",
        "tel",
        "telephone",
        "手机号",
        "电话",
        "shouji",
        "contact number",
    ],
    "person_name": [
        "customer name",
        "full name",
        "first name",
        "last name",
        "receiver",
        "姓名",
        "收货人",
        "xingming",
        "contact name",
    ],
    "address": [
        "address",
        "street",
        "address line1",
        "address 1",
        "addr",
        "shipping address",
        "地址",
        "收货地址",
        "dizhi",
        "street address",
    ],
    "id_card": [
        "id card",
        "id number",
        "national id",
        "passport",
        "身份证",
        "身份证号",
        "shenfenzheng",
        "ssn",
    ],
    "bank_card": ["card number", "bank card", "credit card number", "card no", "银行卡号", "卡号", "pan"],
    "ip_address": ["ip", "ip address", "client ip", "remote addr", "IP地址", "ip addr"],
    "url": ["url", "link", "image url", "page url", "href", "website", "链接", "网址", "img"],
    "device": [
        "device",
        "device type",
        "os",
        "platform",
        "user agent",
        "ua",
        "设备",
        "终端",
        "shebei",
        "browser",
    ],
    "channel": [
        "channel",
        "source",
        "payment type",
        "payment method",
        "src",
        "traffic source",
        "渠道",
        "支付方式",
        "qudao",
        "medium",
        "referrer",
    ],
    "status": ["status", "order status", "state code", "stage", "状态", "订单状态", "zhuangtai", "sts"],
    "boolean_flag": [
        "is active",
        "flag",
        "is deleted",
        "has image",
        "emergency service",
        "is member",
        "是否",
        "是否会员",
        "valid",
        "enabled",
        "is new",
        "label",
        "clicked",
        "on sale",
        "in stock",
        "featured",
        "is promoted",
        "display",
        "returned",
        "has warranty",
    ],
    "free_text": [
        "note",
        "notes",
        "remark",
        "comments",
        "name",
        "hospital name",
        "memo",
        "备注",
        "beizhu",
        "metadata",
        "info",
        "text",
        "measure name",
        "org name",
    ],
    "numeric_measure": [
        "weight",
        "weight g",
        "height cm",
        "length cm",
        "width",
        "size",
        "photos qty",
        "installments",
        "name length",
        "description length",
        "score",
        "sample",
        "pct",
        "percentage",
        "重量",
        "长度",
        "zhongliang",
        "views",
        "duration",
        "distance",
        "age",
        "area",
        "volume",
        "depth",
        "height",
        "diameter",
        "temperature",
        "temp max",
        "temp min",
        "precipitation",
        "wind speed",
        "speed",
        "mileage",
        "horsepower",
        "displacement",
        "cylinders",
        "engine size",
        "ratio",
        "rate",
        "population",
        "density",
        "capacity",
        "memory",
        "screen size",
        "disk size",
        "acceleration",
        "elevation",
        "altitude",
        "savings rate",
        "unemployment rate",
        "mass",
        "面积",
        "温度",
        "人口",
    ],
    "identifier": [
        "id",
        "index",
        "seq",
        "sequence",
        "line no",
        "item seq",
        "seller id",
        "merchant id",
        "store id",
        "query id",
        "tuple id",
        "code",
        "measure code",
        "provider number",
        "license number",
        "registration number",
        "facility id",
        "station code",
        "record number",
        "row id",
        "flight",
        "编号",
        "序号",
        "bianhao",
        "shop id",
        "vendor id",
        "no",
        "review id",
        "payment sequential",
    ],
    "unknown": [
        "misc",
        "extra",
        "tmp",
        "x",
        "field",
        "other",
        "data",
        "attr",
        "blob",
        "ext",
        "sampling",
        "reserved",
    ],
}
PREFIXES = [
    "customer",
    "seller",
    "order",
    "product",
    "geolocation",
    "shipping",
    "billing",
    "user",
    "item",
    "payment",
    "src",
    "dst",
    "buyer",
]


MONTH_ABBREVIATIONS = _w("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec")
DATE_PART_NAMES = [
    "year", "yr", "fiscal year", "model year", "survey year", "month", "mon", "month of year",
    "年份", "年度", "月份", "nianfen", "yuefen",
]  # fmt: skip
# Statistics and science tables name measures by a letter or a short abbreviation.
SHORT_MEASURE_NAMES = _w("x y z w h d l r t v a b wt ht len vol dia alt val avg")

# Names that fit only particular values, drawn together: (share of the type's columns, stems, maker).
LINE_NAMES = [
    "order item id", "item seq", "line no", "line number", "line item", "item no", "payment sequential",
    "payment seq", "seq", "seq no", "sequence number", "line id", "序号", "行号", "明细序号",
]  # fmt: skip
VARIANTS: dict[str, list[tuple[float, list[str], Maker]]] = {
    "identifier": [(0.25, LINE_NAMES, line_numbers)],
    "date": [(0.2, DATE_PART_NAMES, date_parts)],
    "numeric_measure": [(0.12, SHORT_MEASURE_NAMES, physical_measure)],
}


def draw_column(rng: Rng, semantic_type: str, rows: int) -> tuple[str, list[object]]:
    """(name stem, values) of one synthetic column of `semantic_type`."""
    u = rng.random()
    for share, stems, maker in VARIANTS.get(semantic_type, []):
        if u < share:
            return str(rng.choice(stems)), maker(rng, rows)
        u -= share
    return str(rng.choice(NAMES[semantic_type])), MAKERS[semantic_type](rng, rows)


# An entity prefix on a key names another entity ("seller" + "customer id" is no customer key).
KEY_WORDS = {"id", "no", "number", "code", "seq", "sequence", "index", "uid", "pid"}


def style_name(rng: Rng, stem: str, position: int, headerless: float = 0.1) -> str:
    """Spell a stem the way some real table would: snake, camel, Pascal, Title Case or headerless."""
    if rng.random() < headerless:
        return str(
            rng.choice(
                [f"column{position}", f"col_{position}", f"field{position}", f"c{position}", f"_c{position}"]
            )
        )
    words = stem.split()
    if all(w.isascii() for w in words) and words[-1].lower() not in KEY_WORDS and rng.random() < 0.2:
        words = [str(rng.choice(PREFIXES)), *words]
    style = rng.integers(0, 6)
    if not stem.isascii():
        return "".join(words) if style < 4 else "_".join(words)
    if style <= 1:
        return "_".join(w.lower() for w in words)
    if style == 2:
        return words[0].lower() + "".join(w.capitalize() for w in words[1:])
    if style == 3:
        return "".join(w.capitalize() for w in words)
    if style == 4:
        return " ".join(w.capitalize() for w in words)
    return "_".join(w.upper() for w in words)
