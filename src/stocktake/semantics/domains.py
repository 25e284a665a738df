"""Tag each asset with its business domain (behaviour log, catalog, orders, ...) from its columns.

Every column gives "signals" (user key, order status, review text, ...) from three
places: the words of its name (snake/camel case split, with common Chinese and
pinyin hints), its most frequent values (pv/cart/buy, delivered/canceled,
credit_card/boleto), and its semantic type when a classifier has set one. Each
domain has a weighted rule over those signals; a domain only competes when one of
its anchor signals is present, and the best score must reach MIN_SCORE or the
asset is `other`. The signals behind the winner come back as evidence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from itertools import pairwise
from typing import TYPE_CHECKING, NamedTuple

from stocktake.core.records import NUMERIC_TYPES, TEMPORAL_TYPES
from stocktake.core.semantic_types import Domain, SemanticType

if TYPE_CHECKING:
    from stocktake.core.records import Asset, ColumnProfile, ColumnSchema, Run

MIN_SCORE = 3.0
# The asset's own name is a hint, never enough alone: it adds this much and anchors nothing.
ASSET_NAME_WEIGHT = 1.0
# The first key column usually says what one row is about.
SUBJECT_WEIGHT = 1.0


class DomainTag(NamedTuple):
    domain: Domain
    confidence: float  # 0..1: how strong the winner is and how far ahead of the runner-up
    evidence: tuple[str, ...]  # "column: signal" lines behind the winning domain


def _words(text: str) -> frozenset[str]:
    """A word list written as one space-separated string, so long lists stay on few lines."""
    return frozenset(text.split())


# Words that name an entity; with a key suffix (id, key, no, code) they make a key signal.
ENTITY_WORDS: dict[str, frozenset[str]] = {
    "user": _words(
        "user users customer customers member buyer uid client account yonghu huiyuan 用户 会员 顾客 客户 买家"
    ),
    "item": _words(
        "item items product products goods asin spu sku pid offer cluster doc shangpin 商品 产品 宝贝"
    ),
    "order": frozenset({"order", "orders", "dingdan", "订单"}),
    "session": frozenset({"session", "huihua", "会话"}),
    "payment": frozenset({"payment", "payments", "pay", "zhifu", "支付", "付款"}),
    "review": frozenset({"review", "reviews", "comment", "pingjia", "pinglun", "评价", "评论"}),
    "query": frozenset({"query", "queries", "keyword", "search", "sousuo", "搜索", "查询"}),
}
KEY_SUFFIXES = frozenset({"id", "key", "no", "code", "number", "sk", "编号"})
# The subject of a row (its first key) votes for the domain that keeps such rows.
SUBJECT_DOMAIN: dict[str, Domain] = {
    "user": Domain.USERS,
    "item": Domain.PRODUCT_CATALOG,
    "order": Domain.ORDERS,
    "payment": Domain.PAYMENTS,
    "review": Domain.REVIEWS,
    "query": Domain.SEARCH_LOG,
}

# Name words that give a signal wherever they appear in a column name.
SIGNAL_WORDS: dict[str, frozenset[str]] = {
    "behaviour": frozenset({"behaviour", "behavior", "action", "btag", "xingwei", "行为"}),
    "session": ENTITY_WORDS["session"],
    "context": frozenset({"channel", "device", "platform", "referrer", "ip", "page", "ua", "渠道", "设备"}),
    "title": frozenset({"title", "biaoti", "标题", "名称", "品名"}),
    "brand": frozenset({"brand", "manufacturer", "maker", "pinpai", "品牌"}),
    "category": _words("category categories cat cate taxonomy leimu 类目 分类 品类"),
    "price": frozenset({"price", "prices", "msrp", "cost", "jiage", "价格", "售价"}),
    "currency": frozenset({"currency", "货币", "币种"}),
    "stock": frozenset({"stock", "inventory", "kucun", "库存"}),
    "attributes": _words(
        "weight length lenght height width photos color colour size material description desc spec 描述 规格"
    ),
    "status": frozenset({"status", "zhuangtai", "状态"}),
    "lifecycle": _words(
        "purchase approved shipped shipping carrier delivered delivery estimated fulfilled refunded fahuo 发货 签收"
    ),
    "order_line": frozenset({"line", "freight", "subtotal"}),
    "quantity": frozenset({"quantity", "qty", "数量"}),
    "payment": ENTITY_WORDS["payment"] | {"method", "installments", "installment", "boleto", "voucher"},
    "amount": frozenset({"amount", "value", "total", "jine", "金额"}),
    "query": ENTITY_WORDS["query"] | {"term", "keywords", "guanjianci", "关键词"},
    "click": frozenset({"click", "clicked", "clicks", "position", "rank", "impression", "dianji", "点击"}),
    "review": ENTITY_WORDS["review"] | {"feedback"},
    "rating": frozenset({"rating", "ratings", "stars", "star", "pingfen", "评分"}),
    "text": frozenset({"text", "message", "body", "content", "内容"}),
    "contact": _words("email mail phone mobile tel telephone shouji youxiang 手机 邮箱 电话"),
    "location": _words(
        "city province state zip postcode postal address country region district chengshi shengfen dizhi 城市 省份 地址"
    ),
    "geo": frozenset({"lat", "lng", "lon", "latitude", "longitude", "geolocation"}),
    "registration": _words("registered register registration signup birthday gender age zhuce 注册 性别"),
    "person": frozenset({"nickname", "firstname", "lastname", "fullname", "姓名", "昵称"}),
}

# Frequent values that give away what a text column holds.
SIGNAL_VALUES: dict[str, frozenset[str]] = {
    "behaviour": _words(
        "pv view click cart fav buy purchase add_to_cart remove_from_cart addtocart transaction 浏览 收藏 加购 购买"
    ),
    "status": _words(
        "delivered shipped canceled cancelled invoiced processing unavailable pending paid refunded returned created approved 已发货 已签收"
    ),
    "payment": _words(
        "credit_card debit_card boleto voucher alipay wechat wechat_pay paypal cod cash_on_delivery bank_transfer card 支付宝 微信"
    ),
}
# How many of a column's top values must fall in a value set to count.
MIN_VALUE_HITS = 2

SIGNAL_OF_SEMANTIC_TYPE: dict[SemanticType, str] = {
    SemanticType.USER_ID: "user_key",
    SemanticType.ITEM_ID: "item_key",
    SemanticType.SKU: "item_key",
    SemanticType.ORDER_ID: "order_key",
    SemanticType.SESSION_ID: "session",
    SemanticType.BEHAVIOUR_TYPE: "behaviour",
    SemanticType.EVENT_TIME: "time",
    SemanticType.PRODUCT_TITLE: "title",
    SemanticType.BRAND: "brand",
    SemanticType.CATEGORY: "category",
    SemanticType.CATEGORY_PATH: "category",
    SemanticType.DESCRIPTION: "attributes",
    SemanticType.PRICE: "price",
    SemanticType.CURRENCY: "currency",
    SemanticType.QUANTITY: "quantity",
    SemanticType.SEARCH_QUERY: "query",
    SemanticType.REVIEW_TEXT: "review_text",
    SemanticType.RATING: "rating",
    SemanticType.EMAIL: "contact",
    SemanticType.PHONE: "contact",
    SemanticType.PERSON_NAME: "person",
    SemanticType.ADDRESS: "location",
    SemanticType.CITY: "location",
    SemanticType.PROVINCE: "location",
    SemanticType.ZIP_CODE: "location",
    SemanticType.COUNTRY: "location",
    SemanticType.LATITUDE: "geo",
    SemanticType.LONGITUDE: "geo",
    SemanticType.STATUS: "status",
    SemanticType.DEVICE: "context",
    SemanticType.IP_ADDRESS: "context",
    SemanticType.CHANNEL: "context",
}


class DomainRule(NamedTuple):
    weights: dict[str, float]  # signal -> points, each signal counted once per asset
    anchors: frozenset[str]  # at least one must be present for the domain to compete


RULES: dict[Domain, DomainRule] = {
    Domain.BEHAVIOUR_LOG: DomainRule(
        {
            "behaviour": 3.0,
            "session": 1.5,
            "user_key": 1.5,
            "item_key": 1.0,
            "time": 1.0,
            "context": 1.0,
            "category": 0.5,
        },
        frozenset({"behaviour", "session"}),
    ),
    Domain.PRODUCT_CATALOG: DomainRule(
        {
            "title": 2.5,
            "brand": 2.0,
            "category": 1.5,
            "attributes": 1.5,
            "stock": 1.5,
            "price": 1.0,
            "item_key": 1.0,
            "currency": 0.5,
        },
        frozenset({"title", "brand", "category", "attributes", "stock", "price"}),
    ),
    Domain.ORDERS: DomainRule(
        {
            "order_key": 2.0,
            "status": 1.5,
            "lifecycle": 2.0,
            "order_line": 1.5,
            "quantity": 1.0,
            "amount": 0.5,
            "price": 0.5,
            "user_key": 0.5,
        },
        frozenset({"order_key", "status", "lifecycle", "order_line"}),
    ),
    Domain.PAYMENTS: DomainRule(
        {"payment": 4.0, "amount": 1.0, "order_key": 0.5},
        frozenset({"payment"}),
    ),
    Domain.SEARCH_LOG: DomainRule(
        {"query": 4.0, "click": 1.5, "user_key": 0.5, "time": 0.5},
        frozenset({"query"}),
    ),
    Domain.REVIEWS: DomainRule(
        {"review": 3.0, "rating": 2.0, "review_text": 2.0, "text": 1.0},
        frozenset({"review", "rating", "review_text"}),
    ),
    Domain.USERS: DomainRule(
        {"contact": 2.5, "registration": 2.0, "person": 2.0, "location": 1.5, "user_key": 1.0, "geo": 0.5},
        frozenset({"user_key", "contact", "registration", "person"}),
    ),
}

_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+|[\u4e00-\u9fff]+")


def name_words(name: str) -> list[str]:
    """Lower-cased words of a column or asset name: snake, kebab, space and camel case split.

    Glued keys such as `userid` or `itemId` come apart into the entity and `id`.
    """
    words: list[str] = []
    for word in (w.lower() for w in _CAMEL.findall(name)):
        stem = word.removesuffix("id")
        if stem != word and any(stem in entity for entity in ENTITY_WORDS.values()):
            words += [stem, "id"]
        else:
            words.append(word)
    return words


def _hint_hits(words: Sequence[str], raw_name: str, vocabulary: frozenset[str]) -> bool:
    # Chinese hints are matched inside the raw name: Chinese names are not split into words.
    return any(w in vocabulary for w in words) or any(
        hint in raw_name for hint in vocabulary if not hint.isascii()
    )


def column_signals(column: ColumnSchema, profile: ColumnProfile | None) -> dict[str, str]:
    """Signals one column gives, each with the evidence word that raised it."""
    words = name_words(column.name)
    signals: dict[str, str] = {}
    is_key = bool(words) and (words[-1] in KEY_SUFFIXES or words[-1] in {"sku", "asin", "uid", "pid"})
    for entity, vocabulary in ENTITY_WORDS.items():
        if is_key and _hint_hits(words, column.name, vocabulary):
            signals[f"{entity}_key"] = "key name"
    for signal, vocabulary in SIGNAL_WORDS.items():
        if _hint_hits(words, column.name, vocabulary):
            signals.setdefault(signal, "name")
    # "event_type" and "name" alone are too common to list as words; they need a partner.
    if "event" in words and words[-1] in {"type", "name", "kind"}:
        signals.setdefault("behaviour", "name")
    if words in (["name"], ["username"], ["user", "name"], ["customer", "name"]):
        signals.setdefault("person", "name")
    if any(a in ENTITY_WORDS["item"] and b == "name" for a, b in pairwise(words)):
        signals.setdefault("title", "name")
    if column.logical_type in TEMPORAL_TYPES or {"time", "timestamp", "ts", "datetime"} & set(words):
        signals.setdefault("time", "type" if column.logical_type in TEMPORAL_TYPES else "name")
    if "score" in words and column.logical_type in NUMERIC_TYPES:
        signals.setdefault("rating", "name")
    if profile is not None:
        signals.update({s: reason for s, reason in _profile_signals(profile).items() if s not in signals})
    if "review" in signals and "text" in signals:
        signals["review_text"] = "name"
    return signals


def _profile_signals(profile: ColumnProfile) -> dict[str, str]:
    signals: dict[str, str] = {}
    if profile.semantic_type in SemanticType.__members__.values():
        signal = SIGNAL_OF_SEMANTIC_TYPE.get(SemanticType(profile.semantic_type))
        if signal is not None:
            signals[signal] = f"semantic type {profile.semantic_type}"
    top = {str(v.value).strip().lower() for v in profile.top_values if isinstance(v.value, str)}
    for signal, vocabulary in SIGNAL_VALUES.items():
        hits = sorted(top & vocabulary)
        if len(hits) >= MIN_VALUE_HITS:
            signals.setdefault(signal, "values " + "/".join(hits[:4]))
    return signals


def _asset_name_domains(asset: Asset) -> set[Domain]:
    words = set(name_words(asset.name.rsplit("/", 1)[-1]))
    found: set[Domain] = set()
    for entity, domain in SUBJECT_DOMAIN.items():
        if words & ENTITY_WORDS[entity]:
            found.add(domain)
    if words & {"behaviour", "behavior", "event", "events", "clicks", "clickstream", "log", "logs"}:
        found.add(Domain.BEHAVIOUR_LOG)
    if words & {"catalog", "catalogue", "feed"}:
        found.add(Domain.PRODUCT_CATALOG)
    return found


def tag_domain(asset: Asset, profiles: Iterable[ColumnProfile] = ()) -> DomainTag:
    """Decide `asset`'s business domain from its columns (and their profiles, when given)."""
    by_column = {p.column: p for p in profiles if p.asset == asset.id}
    found: dict[str, list[str]] = {}  # signal -> evidence lines
    subject: str | None = None
    for column in asset.columns:
        for signal, reason in column_signals(column, by_column.get(column.name)).items():
            found.setdefault(signal, []).append(f"{column.name}: {signal} ({reason})")
            if subject is None and signal.endswith("_key"):
                subject = signal.removesuffix("_key")
    named = _asset_name_domains(asset)
    scores: dict[Domain, float] = {}
    for domain, rule in RULES.items():
        if not rule.anchors & found.keys():
            continue
        score = sum(weight for signal, weight in rule.weights.items() if signal in found)
        score += ASSET_NAME_WEIGHT * (domain in named)
        score += SUBJECT_WEIGHT * (subject is not None and SUBJECT_DOMAIN.get(subject) == domain)
        scores[domain] = score
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    if not ranked or ranked[0][1] < MIN_SCORE:
        best = ranked[0][1] if ranked else 0.0
        why = (
            f"best candidate {ranked[0][0]} scored {best:g} < {MIN_SCORE:g}" if ranked else "no anchor signal"
        )
        return DomainTag(Domain.OTHER, round(1.0 - 0.5 * best / MIN_SCORE, 2), (why,))
    winner, best = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
    strength = min(1.0, best / (2 * MIN_SCORE))
    margin = (best - runner_up) / best
    evidence = [line for signal in RULES[winner].weights if signal in found for line in found[signal]]
    if winner in named:
        evidence.append(f"asset name {asset.name}")
    return DomainTag(winner, round(0.5 * strength + 0.5 * margin, 2), tuple(evidence))


def tag_domains(run: Run) -> dict[str, DomainTag]:
    """Set `domain` on every asset of `run` IN PLACE and return each asset id's tag.

    A domain already set (declared in a contract) is kept; its tag is still returned.
    """
    tags: dict[str, DomainTag] = {}
    for asset in run.assets:
        tags[asset.id] = tag_domain(asset, run.profiles)
        if asset.domain is None:
            asset.domain = tags[asset.id].domain.value
    return tags
