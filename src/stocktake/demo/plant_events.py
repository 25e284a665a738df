"""Plant problems in the lake: the behaviour log (built here, since its problems shape it), search
queries and reviews."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np

from stocktake.core.vocab import FindingType as T
from stocktake.demo.behaviour import (
    LOG_COLUMNS,
    LOG_START_TS,
    concat,
    crawler_events,
    day_weights,
    drop_key_collisions,
    human_events,
    to_log_table,
)
from stocktake.demo.lexicon_people import GIVEN_NAMES, MAIL_DOMAINS, MOBILE_PREFIXES, SURNAMES
from stocktake.demo.table import DAY, LOG_DAYS, Picker, Table, fmt_day, fmt_ts, planted_count
from stocktake.demo.truth import Problem

SPIKE_FACTOR = 5.0
BOT_SHARE = 0.01  # of the log per crawler account ...
BOT_MIN_ROWS = 500  # ... but always several times the busiest human (~50 events per shopper on average)
BOT_INTERVALS_S = (30, 45, 20)  # three crawlers from 50k rows up, two below
DUPLICATE_SHARE = 0.004


@dataclass
class LogInputs:
    user_ids: np.ndarray
    user_weight: np.ndarray
    item_ids: np.ndarray
    item_category: np.ndarray
    item_weight: np.ndarray


def build_behaviour_log(
    rows: int, inputs: LogInputs, seed: int, rng: np.random.Generator
) -> tuple[Table, list[Problem]]:
    missing_day = int(rng.integers(5, 13))
    spike_day = int(rng.choice([15, 16, 17, 18, 19, 23, 24, 25, 26]))  # clear of Nov 11, a real peak
    intervals = BOT_INTERVALS_S if rows >= 50_000 else BOT_INTERVALS_S[:2]
    per_bot = max(BOT_MIN_ROWS, round(rows * BOT_SHARE))
    bot_rows = per_bot * len(intervals)
    n_dup = planted_count(rows, DUPLICATE_SHARE)

    bot_idx = rng.choice(len(inputs.user_ids), size=len(intervals), replace=False)
    human_weight = inputs.user_weight.copy()
    human_weight[bot_idx] = 0.0  # the crawler accounts do nothing but crawl
    days = day_weights(missing_day, spike_day, SPIKE_FACTOR)
    human = human_events(
        rows - bot_rows - n_dup, inputs.user_ids, human_weight, inputs.item_ids, inputs.item_category,
        inputs.item_weight, days, seed, rng,
    )  # fmt: skip

    per_night = max(120, math.ceil(per_bot / (LOG_DAYS - 2)))
    open_days = [d for d in range(LOG_DAYS) if d != missing_day]
    bots = []
    for b, interval in zip(bot_idx.tolist(), intervals, strict=True):
        n_nights = math.ceil(per_bot / per_night)
        nights = np.sort(rng.choice(open_days, size=n_nights, replace=False)).tolist()
        bot = crawler_events(
            int(inputs.user_ids[b]),
            interval,
            per_night,
            nights,
            inputs.item_ids,
            inputs.item_category,
            seed,
            rng,
        )
        bots.append({c: v[:per_bot] for c, v in bot.items()})
    human = drop_key_collisions(human)

    dup_idx = np.sort(rng.choice(len(human["user_id"]), size=n_dup, replace=False))
    dups = {c: v[dup_idx] for c, v in human.items()}  # at-least-once delivery: the same event twice
    log = to_log_table(concat([human, *bots, dups]))

    bot_users = sorted(int(inputs.user_ids[b]) for b in bot_idx)
    n_bot_rows = sum(len(b["user_id"]) for b in bots)
    spike_start = LOG_START_TS + spike_day * DAY
    spike_rows = sum(1 for t in log.columns["event_time"] if spike_start <= t < spike_start + DAY)
    dup_keys = [[int(u), int(i), fmt_ts(int(t))] for u, i, t in zip(dups["user_id"], dups["item_id"], dups["event_time"], strict=True)]  # fmt: skip
    problems = [
        Problem("behaviour_log", list(LOG_COLUMNS), T.DUPLICATE_RECORD, list(log.key), sorted(dup_keys), n_dup,
                "exact duplicate events (at-least-once delivery); count is the surplus copies"),
        Problem("behaviour_log", ["user_id"], T.BOT_TRAFFIC, ["user_id"], bot_users, n_bot_rows,
                f"{len(bot_users)} accounts crawling the catalogue at night: pv only, one event every "
                f"{'/'.join(map(str, intervals))} s, items in id order; count is their rows"),
        Problem("behaviour_log", ["event_time"], T.MISSING_PARTITION, ["event_time"],
                [fmt_day(LOG_START_TS + missing_day * DAY)], 1, "a whole day with no events (failed ingestion)",
                unit="days"),
        Problem("behaviour_log", ["event_time"], T.VOLUME_ANOMALY, ["event_time"], [fmt_day(spike_start)],
                spike_rows, f"one day with ~{SPIKE_FACTOR:g}x the usual events (tracking SDK retry storm); "
                "count is that day's rows"),
    ]  # fmt: skip
    return log, problems


def plant_search_queries(queries: Table, picker: Picker) -> list[Problem]:
    c = queries.columns
    future = picker.pick(queries, planted_count(len(queries), 0.003))
    for i in future:  # a device clock five years ahead
        moment = datetime.fromtimestamp(c["event_time"][i], UTC).replace(year=2031)
        c["event_time"][i] = int(moment.timestamp())
    return [
        Problem("search_queries", ["event_time"], T.FUTURE_TIMESTAMP, ["query_id"],
                [queries.key_of(i) for i in future], len(future), "event_time in 2031 (device clock wrong)"),
    ]  # fmt: skip


def _phone(rng: np.random.Generator) -> str:
    digits = MOBILE_PREFIXES[int(rng.integers(len(MOBILE_PREFIXES)))] + f"{int(rng.integers(0, 10**8)):08d}"
    return digits if rng.random() < 0.6 else f"{digits[:3]} {digits[3:7]} {digits[7:]}"


def _email(rng: np.random.Generator) -> str:
    sur = SURNAMES[int(rng.integers(len(SURNAMES)))][1]
    given = GIVEN_NAMES[int(rng.integers(len(GIVEN_NAMES)))][1]
    domain = MAIL_DOMAINS[int(rng.integers(len(MAIL_DOMAINS)))][0]
    return f"{given}.{sur}{int(rng.integers(1, 100))}@{domain}"


def leak_contact(text: str, variant: int, rng: np.random.Generator) -> str:
    return (
        f"{text}有问题可以直接打我电话{_phone(rng)}",
        f"{text}想要同款的加微信，手机号 {_phone(rng)}",
        f"发票麻烦发到{_email(rng)}，谢谢。{text}",
        f"{text} Call me on {_phone(rng)} if you want my spare one.",
        f"{text} Please send the invoice to {_email(rng)}",
    )[variant % 5]


def garble(text: str, variant: int, rng: np.random.Generator) -> str:
    mash = "".join(rng.choice(list("asdfghjkl;qwertyuiop"), size=int(rng.integers(12, 30))).tolist())
    zh = text if any(ord(ch) > 0x2E80 for ch in text) else "质量很好，物流也快，好评！"
    return (
        zh.encode("utf-8").decode("gbk", errors="replace"),  # UTF-8 read as GBK
        zh.encode("utf-8").decode("cp1252", errors="ignore"),  # UTF-8 read as Windows-1252: 'è´¨é‡'
        mash,
        f'<div class="rate-content"><p>{text}</p><br/>&nbsp;&nbsp;</div>',
        "锟斤拷锟斤拷烫烫烫烫" * int(rng.integers(1, 3)),
    )[variant % 5]


def plant_reviews(reviews: Table, picker: Picker) -> list[Problem]:
    rng, n, c = picker.rng, len(reviews), reviews.columns
    ratings = picker.pick(reviews, planted_count(n, 0.005))
    for i in ratings:
        c["rating"][i] = int(rng.choice([0, 6, 7, 10]))
    leaks = picker.pick(reviews, planted_count(n, 0.008))
    for j, i in enumerate(leaks):
        c["review_text"][i] = leak_contact(c["review_text"][i], j, rng)
    garbage = picker.pick(reviews, planted_count(n, 0.01))
    for j, i in enumerate(garbage):
        c["review_text"][i] = garble(c["review_text"][i], j, rng)
    # The reviews service exports item_id as text while every other asset stores an integer.
    c["item_id"] = [str(v) for v in c["item_id"]]
    reviews.kinds["item_id"] = "str"
    key = ["review_id"]
    return [
        Problem("reviews", ["rating"], T.OUT_OF_RANGE, key, [reviews.key_of(i) for i in ratings], len(ratings),
                "rating outside 1..5 (0, 6, 7 or 10)"),
        Problem("reviews", ["review_text"], T.PII_EXPOSURE, key, [reviews.key_of(i) for i in leaks], len(leaks),
                "a mobile number or email address inside the review text"),
        Problem("reviews", ["review_text"], T.TEXT_GARBAGE, key, [reviews.key_of(i) for i in garbage],
                len(garbage), "mojibake (UTF-8 read as GBK or cp1252), keyboard mash, HTML markup, '锟斤拷'"),
        Problem("reviews", ["item_id"], T.SCHEMA_DRIFT, [], [], n,
                "item_id is a string here but an integer in products, order_items and behaviour_log "
                "(the column's type drifted between sources); asset-level, so no keys"),
    ]  # fmt: skip
