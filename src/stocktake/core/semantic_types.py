"""Closed vocabularies of column meaning and asset business domain, defined once.

The semantic classifier, the domain tagger, the labelled evaluation set
(tests/data/semantic_columns.csv), the catalog and the report all spell these
values exactly as written here.
"""

from __future__ import annotations

from enum import StrEnum


class SemanticType(StrEnum):
    """What one column means to an e-commerce business."""

    USER_ID = "user_id"
    ITEM_ID = "item_id"
    SKU = "sku"
    ORDER_ID = "order_id"
    SESSION_ID = "session_id"
    CATEGORY = "category"
    CATEGORY_PATH = "category_path"
    BRAND = "brand"
    PRODUCT_TITLE = "product_title"
    DESCRIPTION = "description"
    PRICE = "price"
    CURRENCY = "currency"
    QUANTITY = "quantity"
    DISCOUNT = "discount"
    RATING = "rating"
    REVIEW_TEXT = "review_text"
    SEARCH_QUERY = "search_query"
    BEHAVIOUR_TYPE = "behaviour_type"
    EVENT_TIME = "event_time"
    DATE = "date"
    COUNTRY = "country"
    PROVINCE = "province"
    CITY = "city"
    ZIP_CODE = "zip_code"
    LATITUDE = "latitude"
    LONGITUDE = "longitude"
    EMAIL = "email"
    PHONE = "phone"
    PERSON_NAME = "person_name"
    ADDRESS = "address"
    ID_CARD = "id_card"
    BANK_CARD = "bank_card"
    IP_ADDRESS = "ip_address"
    URL = "url"
    DEVICE = "device"
    CHANNEL = "channel"
    STATUS = "status"
    BOOLEAN_FLAG = "boolean_flag"
    FREE_TEXT = "free_text"
    NUMERIC_MEASURE = "numeric_measure"
    IDENTIFIER = "identifier"
    UNKNOWN = "unknown"

    @property
    def description(self) -> str:
        return SEMANTIC_TYPE_DESCRIPTIONS[self]


class Domain(StrEnum):
    """Which part of the business an asset records."""

    BEHAVIOUR_LOG = "behaviour_log"
    PRODUCT_CATALOG = "product_catalog"
    ORDERS = "orders"
    PAYMENTS = "payments"
    SEARCH_LOG = "search_log"
    REVIEWS = "reviews"
    USERS = "users"
    OTHER = "other"

    @property
    def description(self) -> str:
        return DOMAIN_DESCRIPTIONS[self]


SEMANTIC_TYPE_DESCRIPTIONS: dict[SemanticType, str] = {
    SemanticType.USER_ID: "Key of a shopper, customer or account (a person who buys or browses).",
    SemanticType.ITEM_ID: "Key of a product, offer or product cluster (not a stock-keeping code).",
    SemanticType.SKU: "Merchant or supplier stock-keeping code or model number of a product.",
    SemanticType.ORDER_ID: "Key of a purchase order.",
    SemanticType.SESSION_ID: "Key of a browsing or app session.",
    SemanticType.CATEGORY: "Class label or id from a taxonomy (product category, query class, type).",
    SemanticType.CATEGORY_PATH: "Several taxonomy levels in one value (a > b > c, a.b.c).",
    SemanticType.BRAND: "Brand or manufacturer name.",
    SemanticType.PRODUCT_TITLE: "Short human-readable name of a product or offer.",
    SemanticType.DESCRIPTION: "Long descriptive text about a product.",
    SemanticType.PRICE: "A money amount: unit price, freight, order total or payment value.",
    SemanticType.CURRENCY: "Currency code or symbol.",
    SemanticType.QUANTITY: "Number of units ordered, carted or in stock.",
    SemanticType.DISCOUNT: "Price reduction, as an amount or a rate.",
    SemanticType.RATING: "Grade given by a person or judge (stars, review score, graded relevance).",
    SemanticType.REVIEW_TEXT: "Text a customer wrote in a review (title or body).",
    SemanticType.SEARCH_QUERY: "Text a user typed into a search box.",
    SemanticType.BEHAVIOUR_TYPE: "Kind of user action in a log (view, click, cart, fav, buy).",
    SemanticType.EVENT_TIME: "Point in time of an event: timestamp, Unix epoch or time of day.",
    SemanticType.DATE: "Calendar date without a meaningful time of day.",
    SemanticType.COUNTRY: "Country name or code.",
    SemanticType.PROVINCE: "State, province, county or other region above city level.",
    SemanticType.CITY: "City or town name.",
    SemanticType.ZIP_CODE: "Postal code or postal code prefix.",
    SemanticType.LATITUDE: "Latitude in degrees.",
    SemanticType.LONGITUDE: "Longitude in degrees.",
    SemanticType.EMAIL: "E-mail address.",
    SemanticType.PHONE: "Telephone number.",
    SemanticType.PERSON_NAME: "Name of a natural person.",
    SemanticType.ADDRESS: "Street address line.",
    SemanticType.ID_CARD: "National identity card or passport number.",
    SemanticType.BANK_CARD: "Bank or payment card number.",
    SemanticType.IP_ADDRESS: "IPv4 or IPv6 address.",
    SemanticType.URL: "Web address.",
    SemanticType.DEVICE: "Device, operating system or user agent.",
    SemanticType.CHANNEL: "Channel or method something went through (web/app, payment method, source).",
    SemanticType.STATUS: "Lifecycle state of a record (delivered, canceled, active).",
    SemanticType.BOOLEAN_FLAG: "Two-valued flag (yes/no, 0/1, true/false).",
    SemanticType.FREE_TEXT: "Other human-written or serialised text.",
    SemanticType.NUMERIC_MEASURE: "Other number: size, weight, count, length, percentage.",
    SemanticType.IDENTIFIER: "Other key or code: sequence numbers, seller and query ids, codes.",
    SemanticType.UNKNOWN: "Meaning cannot be told from the column.",
}

DOMAIN_DESCRIPTIONS: dict[Domain, str] = {
    Domain.BEHAVIOUR_LOG: "Events of users acting on items: views, clicks, carts, purchases.",
    Domain.PRODUCT_CATALOG: "Products or offers with titles, brands, categories, prices, attributes.",
    Domain.ORDERS: "Purchase orders and their lines, statuses and fulfilment times.",
    Domain.PAYMENTS: "Payments against orders: method, amount, installments.",
    Domain.SEARCH_LOG: "Search queries, with clicks or relevance judgments.",
    Domain.REVIEWS: "Customer reviews: scores and review text.",
    Domain.USERS: "Customer or account records: contact details, location, registration.",
    Domain.OTHER: "None of the above (reference tables, geography, unrelated data).",
}
