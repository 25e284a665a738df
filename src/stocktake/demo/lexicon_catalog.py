"""The synthetic catalogue's vocabulary: leaf categories with brands, product lines, nouns, attributes, prices.

Titles are "<brand> <line> <noun> <attributes...>" in English and in Chinese, e.g.
"Xiaomi Redmi Note 13 Pro 5G Smartphone 8GB+256GB Black" / "小米 红米Note 13 Pro 5G手机 8GB+256GB 曜石黑".
Word lists are written compactly: "English|中文" items separated by ";" (no "|": same in both).
There are enough combinations that 100k-row estates need no filler style codes.
"""

from __future__ import annotations

from dataclasses import dataclass

Pair = tuple[str, str]


def pairs(spec: str) -> tuple[Pair, ...]:
    """'Xiaomi|小米; OPPO' -> (('Xiaomi', '小米'), ('OPPO', 'OPPO'))."""
    out = []
    for item in spec.split(";"):
        en, _, zh = item.strip().partition("|")
        out.append((en.strip(), (zh or en).strip()))
    return tuple(out)


@dataclass(frozen=True)
class Leaf:
    top: str  # top-level category
    name: str  # the leaf category as stored in products.category
    category_id: int  # the numeric id the behaviour log carries (Taobao style)
    brands: tuple[Pair, ...]
    # Product lines per English brand name; "*" serves brands without their own list.
    lines: dict[str, tuple[Pair, ...]]
    nouns: tuple[Pair, ...]
    attrs: tuple[tuple[Pair, ...], ...]
    median_price: float
    price_sigma: float
    weight: float  # share of the catalogue

    @property
    def path(self) -> str:
        return f"{self.top} > {self.name}"

    def lines_for(self, brand_en: str) -> tuple[Pair, ...]:
        return self.lines.get(brand_en, self.lines.get("*", ()))


def _leaf(top: str, name: str, category_id: int, brands: str, lines: dict[str, str], nouns: str,
          attrs: list[str], median: float, sigma: float, weight: float) -> Leaf:  # fmt: skip
    return Leaf(
        top, name, category_id, pairs(brands), {k: pairs(v) for k, v in lines.items()}, pairs(nouns),
        tuple(pairs(a) for a in attrs), median, sigma, weight,
    )  # fmt: skip


PHONE_COLOURS = "Black|曜石黑; White|雪域白; Blue|冰川蓝; Green|松影绿; Purple|星光紫; Gold|流光金"

LEAVES: tuple[Leaf, ...] = (
    _leaf("Electronics", "Mobile Phones", 1512422, "Xiaomi|小米; Huawei|华为; Apple|苹果; OPPO; vivo; Honor|荣耀",
          {"Xiaomi": "Redmi Note 13 Pro|红米Note 13 Pro; Xiaomi 14|小米14; Redmi K70|红米K70; Civi 4",
           "Huawei": "Mate 60 Pro; nova 12; Pura 70; Mate X5",
           "Apple": "iPhone 15; iPhone 15 Plus; iPhone 15 Pro Max; iPhone 14",
           "OPPO": "Reno 11; Find X7; A2 Pro", "vivo": "X100; S18; iQOO 12", "Honor": "Magic6; X50; 100 Pro"},
          "5G Smartphone|5G手机", ["8GB+256GB; 12GB+256GB; 12GB+512GB; 16GB+1TB", PHONE_COLOURS], 2999, 0.45, 0.09),
    _leaf("Electronics", "Laptops", 1339120, "Lenovo|联想; Huawei|华为; Apple|苹果; ASUS|华硕; Dell|戴尔; HP|惠普",
          {"Lenovo": "ThinkPad X1 Carbon; Xiaoxin Pro 16|小新Pro 16; Legion Y9000P|拯救者Y9000P; Yoga Air 14",
           "Huawei": "MateBook 14; MateBook X Pro; MateBook D 16",
           "Apple": "MacBook Air 13; MacBook Air 15; MacBook Pro 14",
           "ASUS": "Zenbook 14|灵耀14; ROG Strix G16|ROG枪神8; Vivobook 16|无畏16",
           "Dell": "XPS 13; Inspiron 14|灵越14; Alienware m16|外星人m16",
           "HP": "Pavilion 15|星15; ProBook 14|战66; OMEN 16|暗影精灵10"},
          "Laptop|笔记本电脑", ["8GB 256GB; 16GB 512GB; 16GB 1TB; 32GB 1TB; 32GB 2TB",
                                "Silver|银色; Space Grey|深空灰; Black|黑色"], 5999, 0.35, 0.05),
    _leaf("Electronics", "Headphones", 4756105, "Sony|索尼; Apple|苹果; Huawei|华为; Xiaomi|小米; Bose",
          {"Sony": "WF-1000XM5; WH-1000XM5; LinkBuds S", "Apple": "AirPods Pro 2; AirPods 4; AirPods Max",
           "Huawei": "FreeBuds Pro 3; FreeBuds 5i; FreeClip", "Xiaomi": "Buds 5; Redmi Buds 6|红米Buds 6; Buds 4 Pro",
           "Bose": "QC Ultra; QuietComfort 45; Sport Earbuds"},
          "Bluetooth Headphones|蓝牙耳机", ["Noise Cancelling|主动降噪; Sport|运动款; Standard|标准版", PHONE_COLOURS],
          499, 0.7, 0.05),
    _leaf("Electronics", "Smart Watches", 2520771, "Huawei|华为; Apple|苹果; Xiaomi|小米; Garmin|佳明",
          {"Huawei": "Watch GT 4; Watch 4 Pro; Watch Fit 3", "Apple": "Watch Series 9; Watch Ultra 2; Watch SE",
           "Xiaomi": "Watch S3; Redmi Watch 4|红米Watch 4; Smart Band 8 Pro|手环8 Pro",
           "Garmin": "Forerunner 265; Fenix 7; Venu 3"},
          "Smart Watch|智能手表", ["41mm; 45mm; 46mm", PHONE_COLOURS,
                                  "Silicone Strap|硅胶表带; Leather Strap|皮革表带; Metal Strap|金属表带"], 1299, 0.5, 0.03),
    _leaf("Home Appliances", "Refrigerators", 2885642, "Haier|海尔; Midea|美的; Siemens|西门子; Ronshen|容声",
          {"*": "French Door|法式多门; Side-by-Side|对开门; Cross Door|十字对开门; Three-Door|三门; Slim Built-in|超薄嵌入式"},
          "Refrigerator|冰箱", ["406L; 430L; 470L; 510L; 540L; 610L", "Frost-Free|风冷无霜; Inverter|一级变频; Fresh-Keeping|净味保鲜",
                                 "Silver|银色; Glass Black|玻璃黑; White|白色"], 3499, 0.4, 0.04),
    _leaf("Home Appliances", "Air Conditioners", 2131531, "Gree|格力; Midea|美的; Haier|海尔; AUX|奥克斯; Hisense|海信",
          {"*": "Wall-Mounted|挂机; Floor-Standing|立式柜机; Fresh-Air|新风挂机; Self-Cleaning|自清洁挂机; Quiet|静音挂机; Round Floor|圆柱柜机"},
          "Inverter Air Conditioner|变频空调", ["1HP|大1匹; 1.5HP|1.5匹; 2HP|2匹; 3HP|3匹", "Class 1|新一级能效; Class 3|三级能效",
                                                 "White|白色; Champagne|香槟金"], 2799, 0.3, 0.03),
    _leaf("Home Appliances", "Rice Cookers", 3257186, "Midea|美的; Supor|苏泊尔; Joyoung|九阳; Xiaomi|小米; Panasonic|松下; Zojirushi|象印",
          {"*": "Smart|智能; Mini|迷你; Pro; Low-Sugar|低糖; Pressure|电压力"},
          "IH Rice Cooker|IH电饭煲", ["2L; 3L; 4L; 5L", "White|白色; Black|黑色; Red|中国红"], 299, 0.4, 0.03),
    _leaf("Clothing", "Women's Dresses", 1464116, "UR; Uniqlo|优衣库; ONLY; Vero Moda; Peacebird|太平鸟; Ochirly|欧时力; MO&Co.",
          {"*": "Floral Midi|碎花中长款; Knitted|针织; Shirt|衬衫式; A-Line|A字; Slip|吊带; Sweater|毛衣; Wrap|裹身; Pleated|百褶"},
          "Dress|连衣裙", ["S; M; L; XL", "Black|黑色; Apricot|杏色; Navy|藏青; Floral|碎花"], 259, 0.5, 0.07),
    _leaf("Clothing", "Men's T-Shirts", 4181361, "Uniqlo|优衣库; Heilan Home|海澜之家; Semir|森马; Li-Ning|李宁; GXG; Jack&Jones|杰克琼斯",
          {"*": "Cotton Crew-Neck|纯棉圆领; Oversized|宽松落肩; Polo|Polo领; Quick-Dry|速干; Henley|亨利领; Graphic Print|印花"},
          "T-Shirt|短袖T恤", ["M; L; XL; XXL", "White|白色; Black|黑色; Grey|灰色; Navy|藏青; Khaki|卡其"], 99, 0.45, 0.06),
    _leaf("Clothing", "Down Jackets", 3002561, "Bosideng|波司登; Uniqlo|优衣库; The North Face|北面; Semir|森马; Canada Goose|加拿大鹅; Yaloo|雅鹿",
          {"*": "Hooded|连帽; Lightweight|轻薄; Long|长款; Puffer|面包服; Stand Collar|立领; Short|短款"},
          "Down Jacket|羽绒服", ["M; L; XL; XXL", "Black|黑色; Khaki|卡其; Navy|藏青; White|白色; Olive|橄榄绿"], 899, 0.4, 0.04),
    _leaf("Shoes", "Sneakers", 2465336, "Nike|耐克; Adidas|阿迪达斯; Li-Ning|李宁; Anta|安踏; New Balance|新百伦",
          {"Nike": "Air Zoom Pegasus 41; Air Max 270; Invincible 3",
           "Adidas": "Ultraboost Light; Adizero Boston 12; Supernova",
           "Li-Ning": "Feidian 4|飞电4; Chitu 7|赤兔7; Yueying 3|越影3", "Anta": "C202 GT; Mach 4|马赫4; PG7",
           "New Balance": "Fresh Foam 1080; FuelCell Rebel; 990v6"},
          "Running Shoes|跑步鞋", ["39; 40; 41; 42; 43; 44", "White|白色; Black|黑色; Grey|灰色; Blue|蓝色; Red|红色",
                                  "Men's|男款; Women's|女款"], 599, 0.4, 0.07),
    _leaf("Beauty", "Skincare", 1879194, "L'Oréal|欧莱雅; Estée Lauder|雅诗兰黛; Proya|珀莱雅; Lancôme|兰蔻; Winona|薇诺娜; SK-II; Shiseido|资生堂",
          {"*": "Hydrating|补水保湿; Repair|修护; Brightening|亮肤; Anti-Wrinkle|抗皱紧致; Firming|紧致; Soothing|舒缓"},
          "Serum|精华液; Cream|面霜; Toner|爽肤水; Eye Cream|眼霜; Lotion|乳液",
          ["30ml; 50ml; 75ml", "Single|单瓶; Twin Pack|两瓶装; Gift Set|礼盒装"], 329, 0.6, 0.06),
    _leaf("Beauty", "Makeup", 2735466, "Perfect Diary|完美日记; Florasis|花西子; MAC; YSL|圣罗兰; Maybelline|美宝莲; Dior|迪奥",
          {"*": "Matte|哑光; Velvet|丝绒; Glossy|水光; Satin|缎光"},
          "Lipstick|口红; Lip Glaze|唇釉; Foundation|粉底液; Cushion|气垫", ["#316; #520; #999; #1966; #21"], 159, 0.5, 0.04),
    _leaf("Food & Grocery", "Snacks", 4022701, "Three Squirrels|三只松鼠; Bestore|良品铺子; BE&CHEERY|百草味; Weilong|卫龙; Oishi|上好佳",
          {"*": "Gift Box|礼盒; Family Pack|家庭装; Daily|每日; Snack Box|零食大礼包"},
          "Mixed Nuts|坚果; Beef Jerky|牛肉干; Spicy Strips|辣条; Dried Mango|芒果干; Cashews|腰果",
          ["500g; 750g; 1kg", "Original|原味; Spicy|香辣; Five-Spice|五香"], 69, 0.5, 0.06),
    _leaf("Food & Grocery", "Tea", 1320293, "Bama Tea|八马茶业; Tenfu|天福茗茶; Lipton|立顿; Xiaoguan|小罐茶; Dayi|大益",
          {"*": "West Lake Longjing|西湖龙井; Biluochun|碧螺春; Huangshan Maofeng|黄山毛峰; Tieguanyin|铁观音; Pu'er|普洱; Dahongpao|大红袍; Jasmine|茉莉花"},
          "Tea|茶叶", ["125g; 250g; 500g", "Tin|罐装; Gift Box|礼盒装; Bag|袋装"], 129, 0.6, 0.03),
    _leaf("Food & Grocery", "Dairy", 3607361, "Yili|伊利; Mengniu|蒙牛; Junlebao|君乐宝; Bright Dairy|光明; Sanyuan|三元",
          {"*": "Organic|有机; High-Protein|高蛋白; Classic|经典; Low-Fat|低脂; A2 Protein|A2β-酪蛋白"},
          "Whole Milk|纯牛奶; Yogurt|酸奶; Skimmed Milk|脱脂牛奶",
          ["250ml x 12|250ml×12盒; 250ml x 24|250ml×24盒; 200ml x 10|200ml×10盒; 1L x 6|1L×6盒"], 65, 0.25, 0.04),
    _leaf("Home & Kitchen", "Cookware", 2945933, "Supor|苏泊尔; ZWILLING|双立人; Joyoung|九阳; Cooker King|炊大皇; Tefal|特福",
          {"*": "Titanium|钛; Cast Iron|铸铁; Stainless|不锈钢; Ceramic|陶瓷; Honeycomb|蜂窝"},
          "Non-Stick Wok|不粘炒锅; Frying Pan|平底煎锅; Soup Pot|汤锅; Steamer|蒸锅", ["28cm; 30cm; 32cm"], 199, 0.5, 0.04),
    _leaf("Home & Kitchen", "Bedding", 4789821, "Fuanna|富安娜; Luolai|罗莱; MUJI|无印良品; Mercury|水星家纺; Dohia|多喜爱",
          {"*": "Cotton|纯棉; Washed Silk|水洗真丝; Linen|亚麻; Tencel|天丝; Brushed|磨毛"},
          "Duvet Cover Set|床上四件套; Duvet|羽绒被; Pillow|枕头", ["1.5m|1.5米床; 1.8m|1.8米床",
                                                                  "Grey|灰色; Beige|米色; Blue|蓝色; Pink|粉色; White|白色"], 399, 0.5, 0.04),
    _leaf("Sports & Outdoors", "Fitness", 3381583, "Decathlon|迪卡侬; Keep; Li-Ning|李宁; Lululemon; Reebok|锐步",
          {"*": "TPE; NBR; Natural Rubber|天然橡胶"},
          "Yoga Mat|瑜伽垫; Dumbbell Set|哑铃套装; Resistance Band|弹力带; Jump Rope|跳绳",
          ["Light|轻量款; Pro|专业款; Kids|儿童款", "Black|黑色; Purple|紫色; Blue|蓝色; Green|绿色"], 129, 0.5, 0.03),
    _leaf("Sports & Outdoors", "Cycling", 2090716, "Giant|捷安特; Merida|美利达; Decathlon|迪卡侬; Trek|崔克; Specialized|闪电",
          {"*": "ATX 660; Duke 600|公爵600; Rockrider ST100; Marlin 5; Rockhopper"},
          "Mountain Bike|山地自行车; Road Bike|公路自行车; Folding Bike|折叠自行车",
          ["27.5in|27.5寸; 29in|29寸", "21-Speed|21速; 24-Speed|24速; 27-Speed|27速"], 2499, 0.5, 0.02),
    _leaf("Baby & Kids", "Diapers", 982926, "Pampers|帮宝适; Huggies|好奇; Merries|花王妙而舒; Moony|尤妮佳; Babycare",
          {"*": "Ultra-Thin|超薄; Night|夜用; Premium|铂金装; Pull-Up|拉拉裤"},
          "Diapers|纸尿裤", ["NB|NB码; S|S码; M|M码; L|L码; XL|XL码; XXL|XXL码", "36pcs|36片; 72pcs|72片; 120pcs|120片"],
          139, 0.25, 0.04),
    _leaf("Baby & Kids", "Infant Formula", 1575622, "Feihe|飞鹤; a2; Aptamil|爱他美; Junlebao|君乐宝; Wyeth|惠氏; Friso|美素佳儿",
          {"*": "Classic|经典; Organic|有机; Gold|金装"},
          "Infant Formula|婴幼儿配方奶粉", ["Stage 1|1段; Stage 2|2段; Stage 3|3段; Stage 4|4段", "400g; 800g; 900g",
                                           "Single Can|单罐; 6-Can Box|6罐整箱"], 299, 0.3, 0.03),
    _leaf("Books", "Fiction", 4425125, "CITIC Press|中信出版社; People's Literature|人民文学出版社; Chongqing Press|重庆出版社; Yilin Press|译林出版社; Shanghai Translation|上海译文",
          {"*": "The Three-Body Problem|三体; To Live|活着; Fortress Besieged|围城; Ordinary World|平凡的世界; "
                "One Hundred Years of Solitude|百年孤独; Wolf Totem|狼图腾; Red Sorghum|红高粱家族; White Deer Plain|白鹿原; "
                "Dream of the Red Chamber|红楼梦; Journey to the West|西游记; Norwegian Wood|挪威的森林; The Little Prince|小王子"},
          "Paperback|平装; Hardcover|精装", ["Standard Edition|普通版; Collector's Edition|典藏版; Illustrated Edition|插图版; Anniversary Edition|纪念版"],
          49, 0.4, 0.04),
)  # fmt: skip

# Search modifiers a shopper adds to a query.
QUERY_MODIFIERS: tuple[Pair, ...] = pairs(
    "cheap|便宜; official|官方旗舰店; new|新款; sale|特价; for women|女; for men|男; 2026"
)
