"""Invented demo data: one mission in the United States with its contacts and three years of work.

``generate`` fills the database with the "Republic of Demoland", an invented country, and its
embassy in Washington: the people and organisations it deals with (every one of them invented, with
realistic names in both scripts), its staff and their postings, three years of engagements with
follow-up commitments, and the facts its letters cite. The same seed and the same ``today`` give
the same data, row for row, so screenshots, benchmarks and tests can rely on it.

The large size (100,000 people, 1,000,000 engagements) has to be written in well under two minutes,
so rows are built in memory in chunks and written with one multi-row statement per table and chunk
(``executemany`` on SQLite, ``COPY`` on PostgreSQL), with primary keys assigned here so that the
link tables can point at them without reading anything back. A second thread writes one chunk
while the next is built, and the engagements' full-text index is filled once at the end rather than
row by row. Nothing goes through ``save()``: the history of every record (its "+" version, with its
tags) is written at the end in one ``INSERT … SELECT`` per table (``audit.record_created``), all of
it tied to the batch's one audited operation.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import random
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypedDict

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from legation.core.audit import audit, historical_models, new_operation, record_created
from legation.core.db import bulk, stats, text
from legation.core.db.setaside import SetAside
from legation.core.models import Operation, Region, Sector
from legation.engagements.models import (
    Commitment,
    Engagement,
    EngagementOrganisation,
    EngagementParticipant,
    EngagementStaff,
    Fact,
    Mission,
    Posting,
)
from legation.insight import derived
from legation.insight.models import EngagementSector, PostingActivity
from legation.people import names
from legation.people.models import (
    Affiliation,
    EmailAddress,
    Organisation,
    Person,
    PersonNote,
    PhoneNumber,
    PostalAddress,
    Relationship,
    Tag,
)

DEMO_MISSION_REF = "DEMO-US"
HEAD_POSTING_REF = "DEMO-HOM"  # the head of mission in post, held by the demo login
DEMO_DOMAIN = "demoland-embassy.example"


class DemoSummary(TypedDict):
    people: int
    organisations: int
    engagements: int
    commitments: int
    postings: int
    facts: int


# "tiny" is for tests; the command offers small and large. People include the mission's staff.
_SIZES: dict[str, dict[str, int]] = {
    "tiny": {"people": 200, "organisations": 60, "engagements": 1_500, "commitments": 300},
    "small": {"people": 2_000, "organisations": 600, "engagements": 15_000, "commitments": 3_000},
    "large": {
        "people": 100_000,
        "organisations": 20_000,
        "engagements": 1_000_000,
        "commitments": 200_000,
    },
}
_WINDOW_DAYS = 3 * 365  # engagements cover the three years before `today`
_CHUNK = 50_000  # engagements built and written per round


def demo_sizes() -> dict[str, dict[str, int]]:
    """The counts each size produces (people include the mission's own staff)."""
    staff, facts = len(_STAFF), len(_FACTS)
    return {name: {**counts, "postings": staff, "facts": facts} for name, counts in _SIZES.items()}


# --------------------------------------------------------------------------------------------
# Vocabulary. Every name below is common or generic; the combinations are invented.


def _pairs(text: str) -> list[tuple[str, str]]:
    """ "John:约翰 Mary:玛丽" -> [("John", "约翰"), ("Mary", "玛丽")]; "_" stands for a space."""
    out = []
    for item in text.split():
        en, _, zh = item.partition(":")
        out.append((en.replace("_", " "), zh))
    return out


def _words(text: str) -> list[str]:
    return text.split()


# code | cities (English:Chinese) | area code | first three digits of the ZIP code | population (M)
_STATES_TEXT = """
AL|Montgomery:蒙哥马利,Birmingham:伯明翰,Huntsville:亨茨维尔|205|361|5.1
AK|Juneau:朱诺,Anchorage:安克雷奇|907|995|0.7
AZ|Phoenix:菲尼克斯,Tucson:图森|602|850|7.4
AR|Little_Rock:小石城,Fayetteville:费耶特维尔|501|722|3.1
CA|Sacramento:萨克拉门托,Los_Angeles:洛杉矶,San_Francisco:旧金山,San_Diego:圣迭戈,San_Jose:圣何塞|916|958|39.0
CO|Denver:丹佛,Boulder:博尔德|303|802|5.9
CT|Hartford:哈特福德,New_Haven:纽黑文|860|061|3.6
DE|Dover:多佛,Wilmington:威尔明顿|302|199|1.0
FL|Tallahassee:塔拉哈西,Miami:迈阿密,Orlando:奥兰多,Tampa:坦帕|850|323|22.6
GA|Atlanta:亚特兰大,Savannah:萨凡纳|404|303|11.0
HI|Honolulu:檀香山|808|968|1.4
ID|Boise:博伊西|208|837|1.9
IL|Springfield:斯普林菲尔德,Chicago:芝加哥|217|627|12.5
IN|Indianapolis:印第安纳波利斯,Fort_Wayne:韦恩堡|317|462|6.9
IA|Des_Moines:得梅因,Cedar_Rapids:锡达拉皮兹|515|503|3.2
KS|Topeka:托皮卡,Wichita:威奇托|785|666|2.9
KY|Frankfort:法兰克福,Louisville:路易斯维尔|502|406|4.5
LA|Baton_Rouge:巴吞鲁日,New_Orleans:新奥尔良|225|708|4.6
ME|Augusta:奥古斯塔,Portland:波特兰|207|043|1.4
MD|Annapolis:安纳波利斯,Baltimore:巴尔的摩|410|214|6.2
MA|Boston:波士顿,Worcester:伍斯特|617|021|7.0
MI|Lansing:兰辛,Detroit:底特律,Grand_Rapids:大急流城|517|489|10.0
MN|Saint_Paul:圣保罗,Minneapolis:明尼阿波利斯|651|551|5.7
MS|Jackson:杰克逊,Gulfport:格尔夫波特|601|392|2.9
MO|Jefferson_City:杰斐逊城,St._Louis:圣路易斯,Kansas_City:堪萨斯城|573|651|6.2
MT|Helena:海伦娜,Billings:比灵斯|406|596|1.1
NE|Lincoln:林肯,Omaha:奥马哈|402|685|2.0
NV|Carson_City:卡森城,Las_Vegas:拉斯维加斯,Reno:里诺|775|897|3.2
NH|Concord:康科德,Manchester:曼彻斯特|603|033|1.4
NJ|Trenton:特伦顿,Newark:纽瓦克|609|086|9.3
NM|Santa_Fe:圣菲,Albuquerque:阿尔伯克基|505|875|2.1
NY|Albany:奥尔巴尼,New_York:纽约,Buffalo:布法罗|518|122|19.6
NC|Raleigh:罗利,Charlotte:夏洛特|919|276|10.8
ND|Bismarck:俾斯麦,Fargo:法戈|701|585|0.8
OH|Columbus:哥伦布,Cleveland:克利夫兰,Cincinnati:辛辛那提|614|432|11.8
OK|Oklahoma_City:俄克拉何马城,Tulsa:塔尔萨|405|731|4.1
OR|Salem:塞勒姆,Portland:波特兰|503|973|4.2
PA|Harrisburg:哈里斯堡,Philadelphia:费城,Pittsburgh:匹兹堡|717|171|13.0
RI|Providence:普罗维登斯|401|029|1.1
SC|Columbia:哥伦比亚,Charleston:查尔斯顿|803|292|5.4
SD|Pierre:皮尔,Sioux_Falls:苏福尔斯|605|575|0.9
TN|Nashville:纳什维尔,Memphis:孟菲斯|615|372|7.1
TX|Austin:奥斯汀,Houston:休斯敦,Dallas:达拉斯,San_Antonio:圣安东尼奥|512|787|30.5
UT|Salt_Lake_City:盐湖城|801|841|3.4
VT|Montpelier:蒙彼利埃,Burlington:伯灵顿|802|056|0.6
VA|Richmond:里士满,Norfolk:诺福克,Arlington:阿灵顿|804|232|8.7
WA|Olympia:奥林匹亚,Seattle:西雅图,Spokane:斯波坎|360|985|7.8
WV|Charleston:查尔斯顿,Morgantown:摩根敦|304|253|1.8
WI|Madison:麦迪逊,Milwaukee:密尔沃基|608|537|5.9
WY|Cheyenne:夏延,Casper:卡斯珀|307|820|0.6
DC|Washington:华盛顿|202|200|14.0
PR|San_Juan:圣胡安|787|009|0.4
"""


@dataclass(frozen=True)
class _State:
    code: str  # ISO 3166-2
    cities: tuple[tuple[str, str], ...]
    area: str
    zip3: str
    weight: float


def _states() -> list[_State]:
    out = []
    for line in _STATES_TEXT.strip().splitlines():
        code, cities, area, zip3, weight = line.split("|")
        out.append(
            _State(f"US-{code}", tuple(_pairs(cities.replace(",", " "))), area, zip3, float(weight))
        )
    return out


_GIVEN_MALE = _pairs("""
    James:詹姆斯 John:约翰 Robert:罗伯特 Michael:迈克尔 William:威廉 David:戴维 Richard:理查德
    Joseph:约瑟夫 Thomas:托马斯 Charles:查尔斯 Christopher:克里斯托弗 Daniel:丹尼尔 Matthew:马修
    Anthony:安东尼 Mark:马克 Donald:唐纳德 Steven:史蒂文 Paul:保罗 Andrew:安德鲁 Joshua:约书亚
    Kenneth:肯尼思 Kevin:凯文 Brian:布赖恩 George:乔治 Timothy:蒂莫西 Ronald:罗纳德 Edward:爱德华
    Jason:贾森 Jeffrey:杰弗里 Ryan:瑞安 Jacob:雅各布 Gary:加里 Nicholas:尼古拉斯 Eric:埃里克
    Jonathan:乔纳森 Stephen:斯蒂芬 Larry:拉里 Justin:贾斯廷 Scott:斯科特 Brandon:布兰登
    Benjamin:本杰明 Samuel:塞缪尔 Gregory:格雷戈里 Alexander:亚历山大 Frank:弗兰克 Patrick:帕特里克
    Raymond:雷蒙德 Jack:杰克 Dennis:丹尼斯 Jerry:杰里 Tyler:泰勒 Aaron:阿伦 Henry:亨利 Peter:彼得
    Douglas:道格拉斯 Nathan:内森 Zachary:扎卡里 Kyle:凯尔 Walter:沃尔特 Harold:哈罗德 Carl:卡尔
    Arthur:阿瑟 Roger:罗杰 Keith:基思 Jeremy:杰里米 Terry:特里 Lawrence:劳伦斯 Sean:肖恩
    Christian:克里斯蒂安 Albert:艾伯特 Ethan:伊森 Austin:奥斯汀 Jesse:杰西 Bruce:布鲁斯
    Jordan:乔丹 Ralph:拉尔夫 Roy:罗伊 Noah:诺亚 Dylan:迪伦 Eugene:尤金 Wayne:韦恩 Alan:艾伦
    Juan:胡安 Louis:路易斯 Russell:拉塞尔 Gabriel:加布里埃尔 Philip:菲利普 Vincent:文森特
    Logan:洛根 Jimmy:吉米 Carlos:卡洛斯 Miguel:米格尔 José:何塞 Antonio:安东尼奥
""")
_GIVEN_FEMALE = _pairs("""
    Mary:玛丽 Patricia:帕特里夏 Jennifer:詹妮弗 Linda:琳达 Elizabeth:伊丽莎白 Barbara:芭芭拉
    Susan:苏珊 Jessica:杰西卡 Sarah:萨拉 Karen:卡伦 Lisa:莉萨 Nancy:南希 Betty:贝蒂
    Margaret:玛格丽特 Sandra:桑德拉 Ashley:阿什莉 Kimberly:金伯莉 Emily:埃米莉 Donna:唐娜
    Michelle:米歇尔 Carol:卡罗尔 Amanda:阿曼达 Dorothy:多萝西 Melissa:梅利莎 Deborah:德博拉
    Stephanie:斯蒂芬妮 Rebecca:丽贝卡 Sharon:莎伦 Laura:劳拉 Cynthia:辛西娅 Kathleen:凯瑟琳
    Amy:埃米 Angela:安杰拉 Shirley:雪莉 Anna:安娜 Brenda:布伦达 Pamela:帕梅拉 Emma:埃玛
    Nicole:妮科尔 Helen:海伦 Samantha:萨曼莎 Christine:克里斯汀 Rachel:雷切尔 Carolyn:卡罗琳
    Janet:珍妮特 Maria:玛丽亚 Heather:希瑟 Diane:黛安 Ruth:露丝 Julie:朱莉 Olivia:奥利维娅
    Joyce:乔伊斯 Virginia:弗吉尼娅 Victoria:维多利亚 Kelly:凯莉 Lauren:劳伦 Christina:克里斯蒂娜
    Joan:琼 Evelyn:伊夫琳 Judith:朱迪丝 Megan:梅根 Andrea:安德烈娅 Cheryl:谢丽尔 Hannah:汉娜
    Jacqueline:杰奎琳 Martha:玛莎 Gloria:格洛丽亚 Teresa:特雷莎 Ann:安 Madison:麦迪逊
    Frances:弗朗西丝 Janice:贾妮丝 Abigail:阿比盖尔 Alice:艾丽斯 Judy:朱迪 Sophia:索菲娅
    Grace:格雷丝 Denise:丹妮丝 Amber:安伯 Doris:多丽丝 Marilyn:玛丽莲 Danielle:丹妮尔
    Beverly:贝弗莉 Isabella:伊莎贝拉 Diana:黛安娜 Natalie:娜塔莉 Charlotte:夏洛特 Rosa:罗莎
    Carmen:卡门 Sofía:索菲娅 Lucía:露西娅
""")
_FAMILY = _pairs("""
    Smith:史密斯 Johnson:约翰逊 Williams:威廉斯 Brown:布朗 Jones:琼斯 Garcia:加西亚 Miller:米勒
    Davis:戴维斯 Rodriguez:罗德里格斯 Martinez:马丁内斯 Hernandez:埃尔南德斯 Lopez:洛佩斯
    Gonzalez:冈萨雷斯 Wilson:威尔逊 Anderson:安德森 Thomas:托马斯 Taylor:泰勒 Moore:穆尔
    Jackson:杰克逊 Martin:马丁 Lee:李 Perez:佩雷斯 Thompson:汤普森 White:怀特 Harris:哈里斯
    Sanchez:桑切斯 Clark:克拉克 Ramirez:拉米雷斯 Lewis:刘易斯 Robinson:鲁滨逊 Walker:沃克
    Young:扬 Allen:艾伦 King:金 Wright:赖特 Scott:斯科特 Torres:托雷斯 Hill:希尔 Flores:弗洛雷斯
    Green:格林 Adams:亚当斯 Nelson:纳尔逊 Baker:贝克 Hall:霍尔 Rivera:里维拉 Campbell:坎贝尔
    Mitchell:米切尔 Carter:卡特 Roberts:罗伯茨 Gomez:戈麦斯 Phillips:菲利普斯 Evans:埃文斯
    Turner:特纳 Diaz:迪亚斯 Parker:帕克 Cruz:克鲁兹 Edwards:爱德华兹 Collins:柯林斯
    Reyes:雷耶斯 Stewart:斯图尔特 Morris:莫里斯 Morales:莫拉莱斯 Murphy:墨菲 Cook:库克
    Rogers:罗杰斯 Gutierrez:古铁雷斯 Ortiz:奥尔蒂斯 Morgan:摩根 Cooper:库珀 Peterson:彼得森
    Bailey:贝利 Reed:里德 Kelly:凯利 Howard:霍华德 Ramos:拉莫斯 Kim:金 Cox:考克斯 Ward:沃德
    Richardson:理查森 Watson:沃森 Brooks:布鲁克斯 Chavez:查韦斯 Wood:伍德 James:詹姆斯
    Bennett:贝内特 Gray:格雷 Mendoza:门多萨 Ruiz:鲁伊斯 Hughes:休斯 Price:普赖斯
    Alvarez:阿尔瓦雷斯 Castillo:卡斯蒂略 Sanders:桑德斯 Patel:帕特尔 Myers:迈尔斯 Long:朗
    Ross:罗斯 Foster:福斯特 Jimenez:希门尼斯 Powell:鲍威尔 Jenkins:詹金斯 Perry:佩里
    Russell:拉塞尔 Sullivan:沙利文 Bell:贝尔 Coleman:科尔曼 Butler:巴特勒 Henderson:亨德森
    Barnes:巴恩斯 Fisher:费希尔 Simmons:西蒙斯 Romero:罗梅罗 Jordan:乔丹 Patterson:帕特森
    Hamilton:汉密尔顿 Graham:格雷厄姆 Reynolds:雷诺兹 Griffin:格里芬 Wallace:华莱士
    Moreno:莫雷诺 West:韦斯特 Cole:科尔 Hayes:海斯 Bryant:布赖恩特 Herrera:埃雷拉
    Gibson:吉布森 Ellis:埃利斯 Medina:梅迪纳 Stevens:史蒂文斯 Murray:默里 Ford:福特
    Castro:卡斯特罗 Marshall:马歇尔 Owens:欧文斯 Harrison:哈里森 Fernandez:费尔南德斯
    McDonald:麦克唐纳 Woods:伍兹 Kennedy:肯尼迪 Wells:韦尔斯 Vargas:巴尔加斯 Henry:亨利
    Freeman:弗里曼 Webb:韦布 Tucker:塔克 Burns:伯恩斯 Crawford:克劳福德 Olson:奥尔森
    Simpson:辛普森 Porter:波特 Hunter:亨特 Gordon:戈登 Silva:席尔瓦 Shaw:肖 Snyder:斯奈德
    Mason:梅森 Dixon:狄克逊 Hicks:希克斯 Holmes:霍姆斯 Palmer:帕尔默 Wagner:瓦格纳 Black:布莱克
    Robertson:罗伯逊 Boyd:博伊德 Stone:斯通 Fox:福克斯 Warren:沃伦 Mills:米尔斯 Meyer:迈耶
    Rice:赖斯 Schmidt:施密特 Ferguson:弗格森 Nichols:尼科尔斯 Weaver:韦弗 Gardner:加德纳
    Grant:格兰特 Spencer:斯潘塞 Hawkins:霍金斯 Arnold:阿诺德 Pierce:皮尔斯 Hansen:汉森
    Hart:哈特 Bradley:布拉德利 Knight:奈特 Elliott:埃利奥特 Cunningham:坎宁安 Duncan:邓肯
    Armstrong:阿姆斯特朗 Hudson:赫德森 Riley:赖利 Andrews:安德鲁斯 Berry:贝里 Hoffman:霍夫曼
    Matthews:马修斯 Willis:威利斯 Lawrence:劳伦斯 O'Brien:奥布赖恩 McCarthy:麦卡锡 Quinn:奎因
""")
# Common Chinese surnames, roughly by frequency, and given names that read as male or female.
_ZH_FAMILY = _words(
    "王 李 张 刘 陈 杨 黄 赵 吴 周 徐 孙 马 朱 胡 郭 何 林 高 罗 郑 梁 谢 宋 唐 许 韩 冯 邓 曹 彭 曾 萧 田 "
    "董 潘 袁 蔡 蒋 余 于 杜 叶 程 魏 苏 吕 丁 任 沈 姚 卢 姜 崔 钟 谭 陆 汪 范 金 石 廖 贾 夏 韦 方 白 "
    "邹 孟 熊 秦 邱 江 尹 薛 段 雷 侯 龙 史 陶 黎 贺 顾 毛 郝 龚 邵 万 钱 严 覃 武 戴 孔 汤 欧阳 司马 单"
)
_ZH_GIVEN_MALE = _words(
    "伟 强 磊 军 洋 勇 杰 涛 明 超 刚 平 辉 鹏 华 飞 鑫 波 斌 宇 浩 凯 健 俊 帆 旭 宁 龙 林 建国 建华 "
    "志强 志明 国强 海涛 晓东 文博 子轩 浩然 宇航 天恩 俊杰 明远 立新 振华 晨阳 家豪 博文 思远 永康 德华"
)
_ZH_GIVEN_FEMALE = _words(
    "芳 娜 敏 静 丽 艳 娟 霞 婷 雪 慧 颖 琳 洁 倩 晶 丹 璐 莉 萍 莹 秀英 桂英 秀兰 玉兰 欣怡 雨涵 "
    "梓涵 思雨 晓燕 丽华 海燕 美玲 佳怡 诗涵 婉清 雅琪 文静 晓红 春梅 梦琪 子涵 嘉欣 若兰"
)

# Organisation name parts: (English, Chinese).
_PREFIXES = _pairs("""
    Summit:顶峰 Meridian:子午 Redwood:红杉 Granite:花岗 Prairie:草原 Harbor:港湾 Cascade:瀑布
    Liberty:自由 Pioneer:先锋 Keystone:基石 Lakeshore:湖岸 Evergreen:常青 Ironwood:铁木
    Silverline:银线 Northstar:北极星 Bayview:湾景 Copperfield:铜野 Riverbend:河湾 Clearwater:清水
    Highland:高地 Bluewater:蓝水 Sunrise:日出 Frontier:前沿 Crescent:新月 Oakridge:橡树岭
    Maple:枫叶 Eagle:雄鹰 Falcon:猎鹰 Atlas:阿特拉斯 Beacon:灯塔 Horizon:地平线 Sterling:斯特林
    Vantage:远景 Apex:顶点 Orion:猎户 Willow:柳溪 Cedar:雪松 Magnolia:木兰 Pinnacle:巅峰
    Tidewater:潮水
""")
_FOUNDERS = _pairs("""
    Ashford:阿什福德 Bellmont:贝尔蒙特 Carrington:卡林顿 Dunmore:邓莫尔 Easton:伊斯顿
    Fairhaven:费尔黑文 Glenwood:格伦伍德 Hollister:霍利斯特 Kingsley:金斯利 Langford:兰福德
    Marlowe:马洛 Northfield:诺斯菲尔德 Oakmont:奥克蒙特 Pemberton:彭伯顿 Ravenwood:雷文伍德
    Stanmore:斯坦莫尔 Thornbury:桑伯里 Westbrook:韦斯特布鲁克 Whitmore:惠特莫尔 Yardley:亚德利
    Ellington:埃林顿 Brookhaven:布鲁克黑文 Ridgeway:里奇韦 Lockwood:洛克伍德 Halstead:霍尔斯特德
""")
_INDUSTRIES = _pairs("""
    Logistics:物流 Agritech:农业科技 Semiconductor:半导体 Energy:能源 Pharmaceuticals:制药
    Aerospace:航空航天 Foods:食品 Capital:资本 Motors:汽车 Robotics:机器人 Shipping:航运
    Steel:钢铁 Biosciences:生物科学 Software:软件 Textiles:纺织 Solar:太阳能 Water_Technologies:水务科技
    Health:健康 Financial:金融 Materials:材料 Dairy:乳业 Grain:粮食 Machinery:机械 Networks:网络
    Hospitality:酒店
""")
_COMPANY_SUFFIXES = _pairs(
    "Inc.:公司 Corporation:公司 LLC:有限责任公司 Group:集团 Holdings:控股公司"
)
_TOPICS = _pairs("""
    International_Trade:国际贸易 Asia-Pacific_Affairs:亚太事务 Global_Security:全球安全
    Economic_Policy:经济政策 Energy_Policy:能源政策 Public_Policy:公共政策 Technology_Policy:科技政策
    Agricultural_Policy:农业政策 Maritime_Affairs:海洋事务 Development:发展 Strategic_Studies:战略研究
    Demoland_Studies:德莫兰研究 Climate_and_Environment:气候与环境
""")
_FEDERAL_DEPTS = _pairs("""
    Trade_and_Industry:贸易与工业 Agriculture_and_Food:农业与食品 Science_and_Technology:科学技术
    Ports_and_Maritime_Affairs:港口与海事 Cultural_Exchange:文化交流 Energy_Transition:能源转型
    Education_and_Exchange:教育与交流 Commerce_and_Standards:商务与标准 Public_Health_Cooperation:公共卫生合作
""")
_FEDERAL_UNITS = _pairs("Office:办公室 Bureau:局 Agency:署 Administration:管理局")
_STATE_DEPTS = _pairs("""
    Commerce:商务 Agriculture:农业 Education:教育 Economic_Development:经济发展 Tourism:旅游
""")
_OUTLETS = _pairs("""
    Herald:先驱报 Courier:信使报 Sentinel:哨兵报 Observer:观察家报 Public_Radio:公共电台
    News_Network:新闻网 Business_Review:商业评论 Television:电视台 Wire:通讯社 Weekly:周刊
    Ledger:纪事报 Gazette:公报 Dispatch:快报 Review:评论 Daily:日报 Magazine:杂志 Podcast:播客
""")
_CAUSES = _pairs("""
    Farmers:农民 Teachers:教师 Small_Business:小企业 Veterans:退伍军人 Nurses:护士 Engineers:工程师
    Students:学生 Retirees:退休人员 Exporters:出口商 Women_in_Business:职业女性
""")
_MASCOTS = _pairs("""
    Comets:彗星队 Foxes:狐狸队 Thunderbirds:雷鸟队 Stallions:骏马队 Herons:苍鹭队 Otters:水獭队
    Lynx:猞猁队 Mariners:水手队 Rockets:火箭队 Owls:猫头鹰队
""")
_SPORTS = _pairs("Table_Tennis:乒乓球 Badminton:羽毛球 Martial_Arts:武术 Dragon_Boat:龙舟")
_FIELDS = (
    "Economics", "Political Science", "History", "Chinese Language and Literature",
    "Agricultural Science", "Computer Science", "International Relations", "Public Health",
    "Engineering", "Law",
)  # fmt: skip
_SCHOOLS = ("Public Policy", "Business", "Engineering", "Agriculture", "Law", "Arts and Sciences")

# Subjects of conversation, in letters and notes.
_SUBJECTS = (
    "trade and investment", "agricultural exports", "education exchanges", "student visas",
    "climate cooperation", "tourism", "sister-city ties", "public health", "clean energy",
    "science and technology", "port and shipping links", "cultural exchange", "direct flights",
    "the national day reception", "a visit to Demoland", "semiconductor supply chains",
    "the language programme", "youth exchanges", "film and media cooperation", "sports exchanges",
)  # fmt: skip

# How people are addressed and what they do, by kind of organisation. A role is
# (title rule, role, office format); the first members of an organisation take the ladder in
# order (so each company has one CEO), later members a role from the rest. Title rules:
# "courtesy" is Mr. or Ms. by gender, "dr" Dr., "prof" Professor, "drc" either, "none" nothing;
# anything else is the honorific itself.
_Role = tuple[str, str, str]
_OF_ORG = "{role}, {org}"


@dataclass(frozen=True)
class _OrgKind:
    ladder: tuple[_Role, ...]
    rest: tuple[_Role, ...]


def _kind(ladder: Sequence[_Role], rest: Sequence[_Role]) -> _OrgKind:
    return _OrgKind(tuple(ladder), tuple(rest))


_STAFF_ROLES = (
    ("courtesy", "Chief of Staff", _OF_ORG),
    ("courtesy", "Legislative Director", _OF_ORG),
    ("courtesy", "Senior Foreign Policy Advisor", _OF_ORG),
)
_ORG_KINDS: dict[str, _OrgKind] = {
    "us_senate": _kind(
        [], [("Senator", "Senator", "United States Senator from {state}")] * 4 + list(_STAFF_ROLES)
    ),
    "us_house": _kind(
        [],
        [("Representative", "Representative", "United States Representative from {state}")] * 5
        + list(_STAFF_ROLES),
    ),
    "state_senate": _kind(
        [], [("Senator", "State Senator", "Member of the {org}")] * 4 + list(_STAFF_ROLES[:2])
    ),
    "state_house": _kind(
        [],
        [("Representative", "State Representative", "Member of the {org}")] * 4
        + list(_STAFF_ROLES[:2]),
    ),
    "caucus": _kind([("courtesy", "Executive Director", _OF_ORG)], _STAFF_ROLES[2:]),
    "committee": _kind(
        [("Senator", "Committee Chair", "Chair, {org}")],
        [
            ("Representative", "Committee Member", "Member, {org}"),
            ("courtesy", "Committee Counsel", _OF_ORG),
        ],
    ),
    "county": _kind(
        [("courtesy", "Chair of the Board of Commissioners", _OF_ORG)],
        [
            ("courtesy", "County Administrator", _OF_ORG),
            ("courtesy", "Director of Economic Development", _OF_ORG),
        ],
    ),
    "federal_dept": _kind(
        [
            ("Secretary", "Secretary", "Secretary of {topic}"),
            ("Under Secretary", "Under Secretary", "Under Secretary of {topic}"),
        ],
        [
            ("Assistant Secretary", "Assistant Secretary", "Assistant Secretary of {topic}"),
            ("Director", "Director", "Director for Asian Affairs, {org}"),
            ("courtesy", "Senior Advisor", _OF_ORG),
            ("courtesy", "Desk Officer for Demoland", _OF_ORG),
        ],
    ),
    "federal_office": _kind(
        [("Director", "Director", "Director, {org}")],
        [
            ("courtesy", "Deputy Director", _OF_ORG),
            ("courtesy", "Program Analyst", _OF_ORG),
            ("Director", "Regional Director", _OF_ORG),
        ],
    ),
    "governor": _kind(
        [
            ("Governor", "Governor", "Governor of {state}"),
            ("Lieutenant Governor", "Lieutenant Governor", "Lieutenant Governor of {state}"),
        ],
        [
            ("courtesy", "Chief of Staff to the Governor", "{role}, {state}"),
            ("courtesy", "Senior Advisor for International Affairs", _OF_ORG),
            ("courtesy", "Director of Protocol", _OF_ORG),
        ],
    ),
    "city": _kind(
        [("Mayor", "Mayor", "Mayor of {city}, {state}")],
        [
            ("courtesy", "Deputy Mayor", _OF_ORG),
            ("courtesy", "Director of International Affairs", _OF_ORG),
            ("courtesy", "Chief of Protocol", _OF_ORG),
        ],
    ),
    "state_dept": _kind(
        [("Secretary", "Secretary", "Secretary, {org}")],
        [
            ("Director", "Director of International Trade", _OF_ORG),
            ("courtesy", "Trade Specialist", _OF_ORG),
        ],
    ),
    "port": _kind(
        [("courtesy", "Executive Director", _OF_ORG)],
        [
            ("courtesy", "Director of Trade Development", _OF_ORG),
            ("courtesy", "Commissioner", _OF_ORG),
        ],
    ),
    "company": _kind(
        [("courtesy", "Chief Executive Officer", _OF_ORG), ("courtesy", "President", _OF_ORG)],
        [
            ("courtesy", "Chief Financial Officer", _OF_ORG),
            ("courtesy", "Vice President for International Business", _OF_ORG),
            ("courtesy", "Director of Government Affairs", _OF_ORG),
            ("courtesy", "Managing Director", _OF_ORG),
            ("courtesy", "General Counsel", _OF_ORG),
            ("dr", "Chief Scientist", _OF_ORG),
        ],
    ),
    "think_tank": _kind(
        [("dr", "President", _OF_ORG)],
        [
            ("dr", "Senior Fellow", _OF_ORG),
            ("drc", "Fellow", _OF_ORG),
            ("dr", "Director of the Asia Program", _OF_ORG),
            ("courtesy", "Research Associate", _OF_ORG),
        ],
    ),
    "university": _kind(
        [("dr", "President", _OF_ORG), ("dr", "Provost", _OF_ORG)],
        [
            ("prof", "Professor of {field}", _OF_ORG),
            ("prof", "Associate Professor of {field}", _OF_ORG),
            ("dr", "Dean of the School of {school}", _OF_ORG),
            ("drc", "Director of International Programs", _OF_ORG),
            ("drc", "Director of the Demoland Studies Center", _OF_ORG),
        ],
    ),
    "college": _kind(
        [("dr", "President", _OF_ORG)],
        [("prof", "Professor of {field}", _OF_ORG), ("courtesy", "Dean of Students", _OF_ORG)],
    ),
    "school": _kind(
        [("drc", "Principal", _OF_ORG)],
        [("courtesy", "Teacher of Chinese", _OF_ORG), ("courtesy", "Teacher of History", _OF_ORG)],
    ),
    "media": _kind(
        [("courtesy", "Editor-in-Chief", _OF_ORG)],
        [
            ("courtesy", "Correspondent", _OF_ORG),
            ("courtesy", "Foreign Affairs Reporter", _OF_ORG),
            ("courtesy", "Columnist", _OF_ORG),
            ("courtesy", "Producer", _OF_ORG),
            ("courtesy", "Bureau Chief", _OF_ORG),
        ],
    ),
    "association": _kind(
        [("courtesy", "President", _OF_ORG), ("courtesy", "Executive Director", _OF_ORG)],
        [
            ("courtesy", "Chair of the Board", _OF_ORG),
            ("courtesy", "Program Director", _OF_ORG),
            ("drc", "Board Member", _OF_ORG),
        ],
    ),
    "orchestra": _kind(
        [("courtesy", "Music Director", _OF_ORG), ("courtesy", "Executive Director", _OF_ORG)],
        [("courtesy", "Principal Violinist", _OF_ORG), ("courtesy", "Board Chair", _OF_ORG)],
    ),
    "museum": _kind(
        [("dr", "Director", _OF_ORG)],
        [("drc", "Curator of Asian Art", _OF_ORG), ("courtesy", "Head of Education", _OF_ORG)],
    ),
    "team": _kind(
        [("courtesy", "General Manager", _OF_ORG), ("courtesy", "Head Coach", _OF_ORG)],
        [("courtesy", "Director of Community Relations", _OF_ORG), ("courtesy", "Player", _OF_ORG)],
    ),
    "club": _kind(
        [("courtesy", "President", _OF_ORG)],
        [("none", "Member", ""), ("courtesy", "Member", ""), ("courtesy", "Secretary", _OF_ORG)],
    ),
}

# Kinds with one organisation per state (never in DC), and what to make when the name is taken.
_STATE_ONLY = frozenset({"governor", "state_senate", "state_house"})
_FALLBACK_KIND = {
    "governor": "county", "city": "county", "state_dept": "county", "port": "county",
    "university": "school", "college": "school", "orchestra": "team", "museum": "team",
    "state_senate": "committee", "state_house": "committee", "caucus": "committee",
    "federal_dept": "federal_office",
}  # fmt: skip
_SLUG_SKIP = frozenset({"of", "the", "and", "for", "on", "at", "inc", "llc", "corporation"})
# A commitment's status by how far past due it is: cumulative odds of done, dropped, open (the
# rest is in progress).
_STATUSES = ("done", "dropped", "open", "in_progress")
_STATUS_ODDS = {"long": (0.78, 0.93, 0.97), "recent": (0.45, 0.5, 0.75), "ahead": (0.1, 0.1, 0.65)}

# Sector code -> (share of people, share of organisations, kinds of organisation with weights).
_SECTOR_MIX: dict[str, tuple[float, float, tuple[tuple[str, int], ...]]] = {
    "executive": (9, 3, (("federal_dept", 15), ("federal_office", 85))),
    "legislature": (14, 3, (("state_senate", 45), ("state_house", 45), ("caucus", 10))),
    "business": (20, 34, (("company", 1),)),
    "think_tank": (8, 5, (("think_tank", 1),)),
    "media": (8, 9, (("media", 1),)),
    "subnational": (10, 10, (("governor", 25), ("city", 40), ("state_dept", 25), ("port", 10))),
    "academia": (14, 15, (("university", 40), ("college", 30), ("school", 30))),
    "civil_society": (8, 10, (("association", 1),)),
    "culture_sports": (
        5,
        8,
        (("orchestra", 30), ("museum", 25), ("team", 30), ("association", 15)),
    ),
    "public": (4, 3, (("club", 1),)),
}

_KINDS = (
    ("meeting", 30), ("call", 14), ("email", 18), ("event", 10), ("site_visit", 6), ("speech", 4),
    ("interview", 3), ("letter_sent", 7), ("letter_received", 5), ("other", 3),
)  # fmt: skip
_IN_PERSON = frozenset({"meeting", "site_visit", "event", "speech", "interview"})
_DURATIONS = {
    "meeting": (30, 120), "call": (15, 45), "email": (0, 0), "event": (90, 180),
    "site_visit": (90, 240), "speech": (45, 90), "interview": (30, 60), "letter_sent": (0, 0),
    "letter_received": (0, 0), "other": (30, 60),
}  # fmt: skip
# First and last start (minutes after midnight) and the step, by kind: working hours, evening
# receptions, letters and emails at any minute of the office day.
_HOURS = {
    "meeting": (540, 1020, 30), "call": (510, 1050, 15), "email": (480, 1135, 1),
    "event": (720, 1170, 30), "site_visit": (540, 900, 30), "speech": (600, 1080, 30),
    "interview": (540, 1020, 30), "letter_sent": (540, 1020, 1), "letter_received": (540, 1020, 1),
    "other": (540, 1020, 15),
}  # fmt: skip
_SUBJECT_FORMATS = {
    "meeting": ("Meeting with {who} on {topic}", "Courtesy call on {who}", "Working lunch with {who}"),
    "call": ("Call with {who} about {topic}", "Phone call from {who}"),
    "email": ("Email to {who} on {topic}", "Email from {who} about {topic}"),
    "event": ("Reception on {topic} with {who}", "Dinner hosted by {who}", "{org} annual gala"),
    "site_visit": ("Visit to {org}", "Site visit to {org} with {who}", "Site visit with {who}"),
    "speech": ("Speech at {org} on {topic}", "Remarks on {topic} at {org}",
               "Speech on {topic} at an event of {who}"),
    "interview": ("Interview with {org} on {topic}", "Interview with {who}"),
    "letter_sent": ("Letter to {who} on {topic}", "Letter of thanks to {who}"),
    "letter_received": ("Letter from {who} on {topic}", "Invitation from {who}"),
    "other": ("Follow-up with {who} on {topic}", "Preparation for {topic} with {who}"),
}  # fmt: skip
_SITE_TYPES = {
    "business": ("enterprise", "factory", "port"),
    "academia": ("university", "school"),
    "culture_sports": ("sports_venue", "other"),
    "subnational": ("government_office", "port"),
    "executive": ("government_office",),
    "legislature": ("government_office",),
}
_SUMMARY_OPENINGS = (
    "Discussed {topic} and {topic2}.", "Exchanged views on {topic}.",
    "Briefed on {topic}; {who} asked about {topic2}.", "Reviewed progress on {topic}.",
)  # fmt: skip
_SUMMARY_CLOSINGS = (
    "{who} expressed interest in visiting Demoland.", "Agreed to stay in touch.",
    "Warm and substantive.", "Follow-up needed on the timetable.", "",
)  # fmt: skip
_COMMITMENTS_OURS = (
    "Send briefing materials on {topic}", "Arrange a visit to Demoland for {who}",
    "Invite {who} to the national day reception", "Share the embassy's note on {topic}",
    "Connect {who} with the Demoland chamber of commerce",
)  # fmt: skip
_COMMITMENTS_THEIRS = (
    "{who} to send the proposal on {topic}", "{who} asked for a meeting with the trade office",
    "{who} requested visa information for a delegation", "{who} to confirm the date of the visit",
)  # fmt: skip
_NOTES = (
    "Met at a reception; keen on {topic}.", "Prefers to be addressed as {who}.",
    "Studied in Demoland; speaks some Chinese.", "Good contact for {topic}.",
    "Sends a card at Spring Festival every year.",
)  # fmt: skip
_RESTRICTED_NOTES = (
    "Privately critical of the current line on {topic}; do not quote.",
    "Health may limit travel this year; keep confidential.",
    "Said in confidence that a bill on {topic} is being drafted.",
)  # fmt: skip
_STREETS = ("Main", "Oak", "Maple", "Washington", "Park", "Lake", "Hill", "Pine", "Elm", "Cedar")
_STREET_KINDS = ("Street", "Avenue", "Boulevard", "Road", "Drive")

# The mission's staff: ref, role, title, Chinese title, arrival and departure in days before
# `today` (None: still in post). The head of mission is placed separately (see _staff).
_STAFF: tuple[tuple[str, str, str, str, int, int | None], ...] = (
    ("DEMO-HOM", "head_of_mission", "Ambassador", "大使", 0, None),
    ("DEMO-HOM-PREV", "head_of_mission", "Ambassador", "大使", 0, 0),
    ("DEMO-P01", "deputy", "Minister", "公使", 1250, None),
    ("DEMO-P02", "counsellor", "Political Counsellor", "政治处参赞", 1400, None),
    ("DEMO-P03", "counsellor", "Economic and Commercial Counsellor", "经济商务参赞", 1300, 420),
    ("DEMO-P04", "counsellor", "Economic and Commercial Counsellor", "经济商务参赞", 419, None),
    ("DEMO-P05", "counsellor", "Cultural Counsellor", "文化参赞", 980, None),
    ("DEMO-P06", "officer", "First Secretary (Press)", "新闻处一等秘书", 1150, None),
    ("DEMO-P07", "officer", "First Secretary (Congress)", "国会事务一等秘书", 800, None),
    ("DEMO-P08", "officer", "Second Secretary (Education)", "教育处二等秘书", 1500, 700),
    ("DEMO-P09", "officer", "Second Secretary (Education)", "教育处二等秘书", 699, None),
    ("DEMO-P10", "attache", "Attaché", "随员", 365, None),
)
# How often each role is among "our participants" of an engagement.
_STAFF_WEIGHT = {
    "head_of_mission": 22, "deputy": 14, "counsellor": 12, "officer": 10, "attache": 5,
}  # fmt: skip

_FACTS: tuple[dict[str, Any], ...] = (
    {
        "key": "diplomatic-relations",
        "label_en": "establishment of diplomatic relations",
        "label_zh": "建交",
        "date": dt.date(1980, 1, 1),
        "aliases": ["diplomatic relations", "建交"],
        "citation": "Joint communiqué on the establishment of diplomatic relations (invented)",
    },
    {
        "key": "population-home",
        "label_en": "population of the Republic of Demoland",
        "label_zh": "德莫兰共和国人口",
        "value": Decimal(48_600_000),
        "unit": "people",
        "aliases": ["population", "人口"],
        "citation": "Demoland National Bureau of Statistics, 2023 estimate (invented)",
    },
    {
        "key": "us-investment",
        "label_en": "US direct investment in Demoland",
        "label_zh": "美国对德莫兰直接投资",
        "value": Decimal(1_700_000_000),
        "unit": "USD",
        "aliases": ["American investment", "美国投资"],
        "citation": "Demoland Ministry of Commerce (invented)",
    },
    {
        "key": "bilateral-trade",
        "label_en": "bilateral trade in goods",
        "label_zh": "双边货物贸易额",
        "value": Decimal(17_400_000_000),
        "unit": "USD",
        "aliases": ["trade", "贸易额"],
        "citation": "Demoland Customs, last full year (invented)",
    },
    {
        "key": "students-in-us",
        "label_en": "Demoland students in the United States",
        "label_zh": "在美德莫兰留学生",
        "value": Decimal(12_800),
        "unit": "students",
        "aliases": ["students", "留学生"],
        "citation": "Embassy education section (invented)",
    },
    {
        "key": "sister-cities",
        "label_en": "sister-city and sister-state pairs",
        "label_zh": "友好城市和友好州省",
        "value": Decimal(34),
        "unit": "pairs",
        "aliases": ["sister cities", "友好城市"],
        "citation": "Embassy records (invented)",
    },
    {
        "key": "embassy-opened",
        "label_en": "opening of the embassy in Washington",
        "label_zh": "大使馆在华盛顿开馆",
        "date": dt.date(1980, 6, 18),
        "aliases": ["embassy opened", "开馆"],
        "citation": "Embassy records (invented)",
    },
    {
        "key": "national-day",
        "label_en": "National Day of the Republic of Demoland",
        "label_zh": "德莫兰共和国国庆日",
        "date": dt.date(1956, 9, 20),
        "aliases": ["national day", "国庆"],
        "citation": "Constitution of the Republic of Demoland (invented)",
    },
    {
        "key": "first-direct-flight",
        "label_en": "first direct flight between Demoland and the United States",
        "label_zh": "德美首条直航航线开通",
        "date": dt.date(1998, 5, 12),
        "aliases": ["direct flight", "直航"],
        "citation": "Demoland Civil Aviation Administration (invented)",
    },
)

_TAGS = ("farewell", "vip", "alumni", "christmas-card", "spring-festival", "media-friendly")


# --------------------------------------------------------------------------------------------
# Writing rows.


class _Writer(bulk.Writer):
    """The shared bulk writer (`legation.core.db.bulk`), with what a generation sets aside."""

    def suspend_text_index(self, model: type) -> text.TextIndexSetAside:
        """Set aside the engagements' full-text index while they are bulk-loaded."""
        return text.TextIndexSetAside()

    def resume_text_index(self, suspended: text.TextIndexSetAside, first_id: int) -> None:
        suspended.restore(first_id)

    def resume_activity(self, suspended: SetAside, first_id: int) -> None:
        """The per-posting rows of the new engagements in one statement, triggers back on."""
        derived.resume_activity(suspended, first_id)

    def analyze(self, models: Sequence[type]) -> None:
        # ANALYZE only: the load is one transaction, where PostgreSQL may not VACUUM
        # (`legation demo` runs `refresh_statistics` once it is committed).
        stats.analyze(models)

    def reset_sequences(self, models: Sequence[type]) -> None:
        bulk.reset_sequences(models)


def _next_id(model: type) -> int:
    return (model._base_manager.aggregate(m=Max("pk"))["m"] or 0) + 1


def _ascii(text: str) -> str:
    """Lowercase ASCII letters only, for email addresses and web domains ("O'Brien" -> "obrien")."""
    bare = unicodedata.normalize("NFKD", text.casefold())
    return re.sub(r"[^a-z]", "", bare)


def _weighted_sample(
    rng: random.Random, items: list[str], weights: list[float], k: int
) -> list[str]:
    """k distinct items, each drawn with probability proportional to its weight."""
    pool, w, out = list(items), list(weights), []
    while pool and len(out) < k:
        i = rng.choices(range(len(pool)), weights=w)[0]
        out.append(pool.pop(i))
        w.pop(i)
    return out


# --------------------------------------------------------------------------------------------
# The generator.


@dataclass(slots=True)
class _Org:
    idx: int
    id: int
    name: str
    name_zh: str
    sector: str
    region: str
    kind: str
    city: str
    domain: str
    topic: str
    members: list[int] = field(default_factory=list)


@dataclass(slots=True)
class _Posting:
    id: int
    ref: str
    role: str
    arrival: dt.date
    departure: dt.date | None
    weight: int

    def in_force(self, day: dt.date) -> bool:
        return self.arrival <= day and (self.departure is None or day <= self.departure)


@dataclass(slots=True)
class _Spec:
    """An engagement whose kind, time, place and staff are fixed in advance (a visit, a trip)."""

    day: int
    kind: str
    minute: int
    region: str
    staff: tuple[int, ...]
    pool: list[int]


class _Generator:
    def __init__(
        self,
        *,
        size: str,
        seed: int,
        today: dt.date,
        progress: Callable[[float, str], None],
        operation: Operation | None = None,
    ) -> None:
        self.operation = operation
        self.rng = random.Random(seed)
        self.counts = _SIZES[size]
        self.today = today
        self.progress = progress
        self.tz = timezone.get_default_timezone()
        self.window_start = today - dt.timedelta(days=_WINDOW_DAYS)
        self.w = _Writer(stamp=self._at(self.window_start, 9 * 60))
        self._derived_cache: dict[tuple[str, str, str], tuple[str, str]] = {}
        self._pinyin_cache: dict[str, str] = {}
        self.written: dict[str, int] = {}

    # -- helpers ----------------------------------------------------------------------------

    def _at(self, day: dt.date, minute: int) -> dt.datetime:
        """An aware local datetime (America/New_York by default) on `day` at `minute`."""
        naive = dt.datetime.combine(day, dt.time(minute // 60, minute % 60))
        return naive.replace(tzinfo=self.tz)

    def _stamp(self, days_ago: int, minute: int = 600) -> Any:
        return self.w.datetime(self._at(self.today - dt.timedelta(days=days_ago), minute))

    def _derived(self, family: str, given: str, name_zh: str) -> tuple[str, str]:
        """Pinyin and search keys, as Person.refresh_derived computes them (names repeat: cached)."""
        key = (family, given, name_zh)
        out = self._derived_cache.get(key)
        if out is None:
            out = (
                names.pinyin(name_zh) if name_zh else "",
                names.search_keys(family_name=family, given_name=given, name_zh=name_zh),
            )
            self._derived_cache[key] = out
        return out

    def _chinese_name(self, gender: str) -> tuple[str, str, str]:
        """(family, given, characters): 王小明 -> ("Wang", "Xiaoming", "王小明")."""
        rng = self.rng
        family_zh = rng.choices(_ZH_FAMILY, cum_weights=self._zh_family_cum)[0]
        given_zh = rng.choice(_ZH_GIVEN_MALE if gender == "m" else _ZH_GIVEN_FEMALE)
        name_zh = family_zh + given_zh
        spelled = self._pinyin_cache.get(name_zh)
        if spelled is None:
            spelled = self._pinyin_cache[name_zh] = names.pinyin(name_zh)
        family, _, given = spelled.partition(" ")
        return family, given, name_zh

    def _insert(self, model: type, fields: Sequence[str], rows: list[tuple]) -> None:
        n = self.w.insert(model, fields, rows)
        label = model._meta.label
        self.written[label] = self.written.get(label, 0) + n

    # -- the run ----------------------------------------------------------------------------

    def run(self) -> DemoSummary:
        self._load_vocabulary()
        self.w.tune()
        audited_models = [h.instance_type for h in historical_models()]
        first_ids = {model: _next_id(model) for model in audited_models}
        try:
            self.progress(0.0, "mission")
            self._mission()
            self._organisations()
            self.progress(0.03, "people")
            self._people()
            self.progress(0.12, "staff and facts")
            self._staff()
            self._facts()
            self._engagements()
            self.w.reset_sequences([Organisation, Person, Posting, Engagement])
            self.progress(0.97, "history")
            if self.operation is not None:
                for model in audited_models:
                    record_created(model, first_ids[model], self.operation)
            self.progress(0.99, "statistics")
            self.w.analyze([Person, Organisation, Engagement, EngagementParticipant,
                            EngagementStaff, EngagementOrganisation, Commitment,
                            EngagementSector, PostingActivity])  # fmt: skip
        finally:
            self.w.untune()
        self.progress(1.0, "done")
        return {
            "people": self.written.get(Person._meta.label, 0),
            "organisations": self.written.get(Organisation._meta.label, 0),
            "engagements": self.written.get(Engagement._meta.label, 0),
            "commitments": self.written.get(Commitment._meta.label, 0),
            "postings": self.written.get(Posting._meta.label, 0),
            "facts": self.written.get(Fact._meta.label, 0),
        }

    def _load_vocabulary(self) -> None:
        regions = {r.code: r for r in Region.objects.filter(country="US").order_by("code")}
        self.states = [s for s in _states() if s.code in regions]
        sectors = {s.code: s.pk for s in Sector.objects.order_by("position", "code")}
        missing = [code for code in _SECTOR_MIX if code not in sectors]
        if len(self.states) < 51 or missing:
            raise ValueError("Sectors and US regions are missing: run `legation init` first.")
        self.sector_id = sectors
        self.state = {s.code: s for s in self.states}
        self.region_id = {s.code: regions[s.code].pk for s in self.states}
        self.region_en = {s.code: regions[s.code].name_en for s in self.states}
        self.region_zh = {s.code: regions[s.code].name_zh or regions[s.code].name_en
                          for s in self.states}  # fmt: skip
        self.is_state = {s.code: regions[s.code].is_state for s in self.states}
        self.state_codes = [s.code for s in self.states]
        self.state_cum = list(itertools.accumulate(s.weight for s in self.states))
        self._zh_family_cum = list(
            itertools.accumulate(1 / (rank + 4) for rank in range(len(_ZH_FAMILY)))
        )
        self._family_cum = list(
            itertools.accumulate(1 / (rank + 8) for rank in range(len(_FAMILY)))
        )

    def _weighted_state(self) -> str:
        return self.rng.choices(self.state_codes, cum_weights=self.state_cum)[0]

    def _mission(self) -> None:
        (mission,) = Mission.objects.bulk_create(
            [
                Mission(
                    ref=DEMO_MISSION_REF,
                    name_en="Embassy of the Republic of Demoland in the United States of America",
                    name_zh="德莫兰共和国驻美利坚合众国大使馆",
                    host_country="US",
                    # Demoland is invented: a user-assigned ISO code, and its names on the
                    # mission (letters/titles.py), so no letter calls its envoy Chinese.
                    sending_country="XD",
                    sending_name_en="Demoland",
                    sending_adjective_en="Demolandian",
                    sending_name_zh="德莫兰",
                    sending_state_en="the Republic of Demoland",
                    sending_state_zh="德莫兰共和国",
                    address="1850 Demoland Place NW\nWashington, DC 20008\nUnited States",
                    page_size=Mission.PageSize.LETTER,
                )
            ]
        )
        self.mission_id = mission.pk
        tags = Tag.objects.filter(mission_id=mission.pk, name__in=_TAGS)
        existing = set(tags.values_list("name", flat=True))
        Tag.objects.bulk_create(
            [Tag(mission_id=mission.pk, name=name) for name in _TAGS if name not in existing]
        )
        self.tag_id = dict(tags.values_list("name", "pk"))

    # -- organisations ----------------------------------------------------------------------

    def _org_name(self, kind: str, state: str, city: tuple[str, str]) -> tuple[str, str, str]:
        """(English name, Chinese name, topic its people deal with) for an organisation.

        Each kind draws from a few patterns, so that even the large size (30,000 organisations)
        finds mostly unique names before falling back to adding the city.
        """
        rng = self.rng
        st_en, st_zh = self.region_en[state], self.region_zh[state]
        city_en, city_zh = city
        pre, pre_zh = rng.choice(_PREFIXES)
        fnd, fnd_zh = rng.choice(_FOUNDERS)
        topic, topic_zh = rng.choice(_TOPICS)
        pattern = rng.randrange(4)
        if kind == "us_senate":
            return "United States Senate", "美国参议院", topic
        if kind == "us_house":
            return "United States House of Representatives", "美国众议院", topic
        if kind == "state_senate":
            return f"{st_en} State Senate", f"{st_zh}参议院", topic
        if kind == "state_house":
            return f"{st_en} House of Representatives", f"{st_zh}众议院", topic
        if kind == "committee":
            if state == "US-DC":
                body, body_zh = "Council of the District of Columbia", "哥伦比亚特区议会"
            else:
                body, body_zh = (
                    ((f"{st_en} Legislature", f"{st_zh}议会"), (f"{st_en} Senate", f"{st_zh}参议院"),
                     (f"{st_en} House", f"{st_zh}众议院"))[pattern % 3]
                )  # fmt: skip
            return f"{body} Committee on {topic}", f"{body_zh}{topic_zh}委员会", topic
        if kind == "caucus":
            return f"Congressional {topic} Caucus", f"国会{topic_zh}议员连线", topic
        if kind == "federal_dept":
            dept, dept_zh = rng.choice(_FEDERAL_DEPTS)
            return f"Department of {dept}", f"{dept_zh}部", dept
        if kind == "federal_office":
            unit, unit_zh = rng.choice(_FEDERAL_UNITS)
            name, name_zh = f"{unit} of {topic}", f"{topic_zh}{unit_zh}"
            if state != "US-DC":
                name, name_zh = f"{name}, {city_en} Field Office", f"{name_zh}{city_zh}办事处"
            return name, name_zh, topic
        if kind == "governor":
            return f"Office of the Governor of {st_en}", f"{st_zh}州长办公室", topic
        if kind == "city":
            return f"City of {city_en}", f"{city_zh}市政府", topic
        if kind == "state_dept":
            dept, dept_zh = rng.choice(_STATE_DEPTS)
            return f"{st_en} Department of {dept}", f"{st_zh}{dept_zh}厅", dept
        if kind == "port":
            return f"Port of {city_en}", f"{city_zh}港务局", "port and shipping links"
        if kind == "county":
            # Counties are mostly named after people: invented founders and common surnames.
            name, name_zh = rng.choice(_FOUNDERS) if pattern == 0 else rng.choice(_FAMILY)
            return f"{name} County, {st_en}", f"{st_zh}{name_zh}县", "trade and investment"
        if kind == "company":
            ind, ind_zh = rng.choice(_INDUSTRIES)
            suffix, suffix_zh = rng.choice(_COMPANY_SUFFIXES)
            head, head_zh = ((pre, pre_zh), (city_en, city_zh), (fnd, fnd_zh), (pre, pre_zh))[
                pattern
            ]
            return f"{head} {ind} {suffix}", f"{head_zh}{ind_zh}{suffix_zh}", ind
        if kind == "think_tank":
            if pattern == 0:
                return f"{pre} Institute for {topic}", f"{pre_zh}{topic_zh}研究所", topic
            if pattern == 1:
                return f"{fnd} Center for {topic}", f"{fnd_zh}{topic_zh}中心", topic
            if pattern == 2:
                return f"{city_en} Forum on {topic}", f"{city_zh}{topic_zh}论坛", topic
            return f"{pre} Council on {topic}", f"{pre_zh}{topic_zh}理事会", topic
        if kind == "university":
            return f"{fnd} University", f"{fnd_zh}大学", topic
        if kind == "college":
            if pattern == 0:
                return f"{city_en} Community College", f"{city_zh}社区学院", topic
            return f"{fnd} College", f"{fnd_zh}学院", topic
        if kind == "school":
            if pattern < 2:
                return (f"{fnd} High School, {city_en}", f"{city_zh}{fnd_zh}中学",
                        "education exchanges")  # fmt: skip
            return f"{fnd} Academy, {city_en}", f"{city_zh}{fnd_zh}学校", "education exchanges"
        if kind == "media":
            outlet, outlet_zh = rng.choice(_OUTLETS)
            head, head_zh = ((pre, pre_zh), (city_en, city_zh), (fnd, fnd_zh), (pre, pre_zh))[
                pattern
            ]
            return f"{head} {outlet}", f"{head_zh}{outlet_zh}", topic
        if kind == "association":
            cause, cause_zh = rng.choice(_CAUSES)
            variant = rng.randrange(8)
            if variant == 0:
                return f"{fnd} Foundation", f"{fnd_zh}基金会", topic
            if variant == 1:
                family, family_zh = rng.choice(_FAMILY)
                return f"{family} Family Foundation", f"{family_zh}家族基金会", topic
            if variant == 2:
                return f"{st_en} {cause} Association", f"{st_zh}{cause_zh}协会", topic
            if variant in (3, 4):
                return f"{city_en} {cause} Association", f"{city_zh}{cause_zh}协会", topic
            if variant == 5:
                return f"{city_en} Chamber of Commerce", f"{city_zh}商会", "trade and investment"
            if variant == 6:
                return (f"{city_en}–Demoland Sister City Committee", f"{city_zh}—德莫兰友好城市委员会",
                        "sister-city ties")  # fmt: skip
            return (f"{st_en}–Demoland Friendship Association", f"{st_zh}—德莫兰友好协会",
                    "sister-city ties")  # fmt: skip
        if kind == "orchestra":
            if pattern == 0:
                return f"{city_en} Chamber Players", f"{city_zh}室内乐团", "cultural exchange"
            return f"{pre} Symphony Orchestra", f"{pre_zh}交响乐团", "cultural exchange"
        if kind == "museum":
            if pattern == 0:
                return f"{city_en} Arts Council", f"{city_zh}艺术委员会", "cultural exchange"
            if pattern == 1:
                return (
                    f"{city_en} Museum of Asian Art",
                    f"{city_zh}亚洲艺术博物馆",
                    "cultural exchange",
                )
            if pattern == 2:
                return f"{pre} Arts Center", f"{pre_zh}艺术中心", "cultural exchange"
            return f"{fnd} Museum of Art", f"{fnd_zh}艺术博物馆", "cultural exchange"
        if kind == "team":
            if pattern < 3:
                mascot, mascot_zh = rng.choice(_MASCOTS)
                return f"{city_en} {mascot}", f"{city_zh}{mascot_zh}", "sports exchanges"
            sport, sport_zh = rng.choice(_SPORTS)
            return f"{st_en} {sport} Association", f"{st_zh}{sport_zh}协会", "sports exchanges"
        if pattern == 0:
            return (
                f"{city_en} Friends of Demoland Club",
                f"{city_zh}德莫兰之友俱乐部",
                "cultural exchange",
            )
        return (f"{pre} Neighborhood Association, {city_en}", f"{city_zh}{pre_zh}社区协会",
                "cultural exchange")  # fmt: skip

    def _organisations(self) -> None:
        rng = self.rng
        n = self.counts["organisations"]
        codes = list(_SECTOR_MIX)
        sectors = ["legislature", "legislature", *(c for c in codes if c != "legislature")]
        cum = list(itertools.accumulate(_SECTOR_MIX[c][1] for c in codes))
        sectors += rng.choices(codes, cum_weights=cum, k=max(n - len(sectors), 0))
        sectors = sectors[:n]
        # The first organisations cover every region once; the rest follow the population.
        regions = list(self.state_codes)
        rng.shuffle(regions)
        self.orgs: list[_Org] = []
        self.orgs_in: dict[tuple[str, str], list[int]] = {}
        self.orgs_by_sector: dict[str, list[int]] = {c: [] for c in codes}
        self.orgs_in_region: dict[str, list[int]] = {}
        taken: set[str] = set()
        domains: set[str] = set()
        next_id = _next_id(Organisation)
        rows, tag_rows = [], []
        for i, sector in enumerate(sectors):
            if i < 2:
                kind, state = ("us_senate", "us_house")[i], "US-DC"
            else:
                kinds = _SECTOR_MIX[sector][2]
                kind = rng.choices([k for k, _ in kinds], weights=[w for _, w in kinds])[0]
                state = regions[i - 2] if i - 2 < len(regions) else self._weighted_state()
                if sector == "executive" and rng.random() < 0.8:
                    state = "US-DC"
                if state == "US-DC" and kind in ("governor", "state_senate", "state_house"):
                    kind = "city" if sector == "subnational" else "caucus"
            city = rng.choice(self.state[state].cities)
            # Names are unique: try again, then elsewhere, then a kind that is not one per state.
            for attempt in range(16):
                if 4 <= attempt < 8 and kind not in ("us_senate", "us_house", "federal_dept"):
                    moved = self._weighted_state()
                    if moved != "US-DC" or kind not in _STATE_ONLY:
                        state, city = moved, rng.choice(self.state[moved].cities)
                if attempt == 8:
                    kind = _FALLBACK_KIND.get(kind, kind)
                name, name_zh, topic = self._org_name(kind, state, city)
                if attempt >= 12:  # a branch somewhere else: "…, Tulsa Chapter"
                    where = rng.choice(self.state[self._weighted_state()].cities)
                    if sector in ("civil_society", "culture_sports", "public"):
                        name, name_zh = f"{name}, {where[0]} Chapter", f"{name_zh}{where[1]}分会"
                    else:
                        name, name_zh = f"{name} ({where[0]})", f"{name_zh}（{where[1]}）"
                if attempt >= 15:
                    name = f"{name} {i}"
                if name not in taken:
                    break
            taken.add(name)
            if (
                kind not in ("us_senate", "us_house")
                and rng.random() < 0.35
                and sector
                in ("business", "think_tank", "media", "civil_society", "culture_sports", "public")
            ):
                name_zh = ""  # many organisations have no established Chinese name
            words = [w for w in (_ascii(x) for x in name.split()) if w and w not in _SLUG_SKIP]
            slug = "".join(words[:3]) or "org"
            domain, k = f"{slug}.example", 2
            while domain in domains:
                domain, k = f"{slug}{k}.example", k + 1
            domains.add(domain)
            org = _Org(i, next_id + i, name, name_zh, sector, state, kind, city[0], domain, topic)
            self.orgs.append(org)
            self.orgs_by_sector[sector].append(i)
            self.orgs_in.setdefault((sector, state), []).append(i)
            self.orgs_in_region.setdefault(state, []).append(i)
            rows.append((org.id, self.mission_id, f"DEMO-O{i + 1:05d}", name[:200], name_zh[:200],
                         self.sector_id[sector], self.region_id[state], f"https://www.{domain}/"))  # fmt: skip
            if rng.random() < 0.05:
                tag = rng.choice(("vip", "christmas-card", "spring-festival"))
                tag_rows.append((org.id, self.tag_id[tag]))
        self._insert(Organisation, ("id", "mission", "ref", "name_en", "name_zh", "sector",
                                    "region", "website"), rows)  # fmt: skip
        self._insert(Organisation.tags.through, ("organisation", "tag"), tag_rows)

    # -- people -----------------------------------------------------------------------------

    def _pick_org(self, sector: str, forced: str | None) -> int:
        """The organisation a new person works for (-1: none), near `forced` when given."""
        rng = self.rng
        if sector == "public" and rng.random() < 0.6:
            return -1
        if forced is not None:
            local = self.orgs_in.get((sector, forced))
            if local:
                return rng.choice(local)
            if sector == "legislature":
                return 1  # the House: a Representative (or Delegate) from that state
            if sector == "subnational":
                return -1
        elif sector == "legislature":
            r = rng.random()
            if r < 0.2:
                return 0
            if r < 0.6:
                return 1
        pool = self.orgs_by_sector[sector]
        return rng.choice(pool) if pool else -1

    def _people(self) -> None:
        rng = self.rng
        n = self.counts["people"] - len(_STAFF)
        codes = list(_SECTOR_MIX)
        sector_cum = list(itertools.accumulate(_SECTOR_MIX[c][0] for c in codes))
        forced_regions = list(self.state_codes)
        rng.shuffle(forced_regions)
        next_id = _next_id(Person)
        self.next_person_id = next_id + n
        self.p_id: list[int] = []
        self.p_region: list[str] = []
        self.p_org: list[int] = []
        self.p_label: list[str] = []
        self.p_vip = bytearray(n)
        self.people_in: dict[str, list[int]] = {code: [] for code in self.state_codes}
        self.emails: set[str] = set()
        p_role: list[str] = []
        p_gender: list[str] = []
        senators: dict[str, list[int]] = {}
        weights: list[float] = []
        rows, emails, phones, addresses, notes, affiliations, tags = [], [], [], [], [], [], []
        vip_titles = {"Senator", "Governor", "Lieutenant Governor", "Secretary", "Mayor",
                      "Under Secretary"}  # fmt: skip
        for i in range(n):
            pid = next_id + i
            sector = codes[i] if i < len(codes) else rng.choices(codes, cum_weights=sector_cum)[0]
            forced = forced_regions[i] if i < len(forced_regions) else None
            gender = "m" if rng.random() < 0.5 else "f"
            chinese = rng.random() < 0.15
            if chinese:
                family, given, name_zh = self._chinese_name(gender)
                order = names.NAME_ORDER_EASTERN
            else:
                given, given_zh = rng.choice(_GIVEN_MALE if gender == "m" else _GIVEN_FEMALE)
                family, family_zh = rng.choices(_FAMILY, cum_weights=self._family_cum)[0]
                name_zh = f"{given_zh}·{family_zh}" if rng.random() < 0.45 else ""
                order = names.NAME_ORDER_WESTERN
            o = self._pick_org(sector, forced)
            org = self.orgs[o] if o >= 0 else None
            if org is not None and org.kind in ("us_senate", "us_house"):
                region = forced or self._weighted_state()
                while org.kind == "us_senate" and not self.is_state[region]:
                    region = self._weighted_state()
            elif forced is not None:
                region = forced
            elif org is not None:
                region = org.region
            else:
                region = self._weighted_state()
            # Title, office and role.
            if org is not None:
                okind = _ORG_KINDS[org.kind]
                m = len(org.members)
                rule, role, office_fmt = (
                    okind.ladder[m] if m < len(okind.ladder) else (rng.choice(okind.rest))
                )
                org.members.append(i)
            else:
                rule, role, office_fmt = ("none" if rng.random() < 0.3 else "courtesy", "", "")
            role = role.format(field=rng.choice(_FIELDS), school=rng.choice(_SCHOOLS))
            courtesy = "Mr." if gender == "m" else "Ms."
            if rule == "drc":
                rule = "dr" if rng.random() < 0.4 else "courtesy"
            title = {"courtesy": courtesy, "dr": "Dr.", "prof": "Professor", "none": ""}.get(
                rule, rule
            )
            state_name = self.region_en[region]
            office = office_fmt.format(
                role=role, org=org.name if org else "", state=state_name,
                city=org.city if org else "", topic=org.topic if org else "",
            )[:200]  # fmt: skip
            former = False
            if org is not None and org.kind == "us_senate" and rule == "Senator":
                held = senators.setdefault(region, [])
                held.append(i)
                if len(held) > 2:  # two senators a state: the others served before
                    former, office = True, f"Former {office}"
            if (
                org is not None
                and org.kind == "us_house"
                and title == "Representative"
                and (not self.is_state[region])
            ):
                title = "Delegate"
                office = f"Delegate to the United States House of Representatives from {state_name}"
            pinyin, keys = self._derived(family, given, name_zh)
            created = self._stamp(_WINDOW_DAYS + rng.randint(1, 700))
            rows.append((pid, self.mission_id, f"DEMO-C{i + 1:06d}", family, given, name_zh, pinyin,
                         order, gender, title, office, former, self.sector_id[sector],
                         self.region_id[region], keys, created))  # fmt: skip
            full = names.full_name(family_name=family, given_name=given, name_order=order)
            label = f"{title} {family}" if title else full
            self.p_id.append(pid)
            self.p_region.append(region)
            self.p_org.append(o)
            self.p_label.append(label)
            self.people_in[region].append(i)
            p_role.append(role)
            p_gender.append(gender)
            vip = (title in vip_titles and not former) or (
                role in ("Chief Executive Officer", "President") and rng.random() < 0.2
            )
            self.p_vip[i] = vip
            weight = min(rng.paretovariate(1.3), 300.0) * (4 if vip else 1)
            weights.append(weight * (0.3 if sector == "public" else 1))
            # Contacts.
            domain = org.domain if org else "mail.example"
            if rng.random() < 0.85:
                emails.append((pid, self._email(f"{_ascii(given)}.{_ascii(family)}", domain),
                               "work" if org else "personal", True))  # fmt: skip
                if rng.random() < 0.1:
                    local = f"{_ascii(given)[:1]}{_ascii(family)}{rng.randint(10, 99)}"
                    emails.append((pid, self._email(local, "mail.example"), "personal", False))
            area = self.state[region].area
            if rng.random() < 0.7:
                phones.append((pid, f"+1{area}555{rng.randint(0, 9999):04d}", "office"))
                if rng.random() < 0.25:
                    phones.append((pid, f"+1{area}555{rng.randint(0, 9999):04d}", "mobile"))
            if rng.random() < 0.3:
                st = self.state[region]
                lines = (f"{rng.randint(100, 9899)} {rng.choice(_STREETS)} "
                         f"{rng.choice(_STREET_KINDS)}")  # fmt: skip
                if rng.random() < 0.4:
                    lines += f"\nSuite {rng.randint(100, 999)}"
                city = org.city if org and org.region == region else rng.choice(st.cities)[0]
                addresses.append((pid, "office", lines, city, self.region_id[region],
                                  f"{st.zip3}{rng.randint(1, 99):02d}", "US"))  # fmt: skip
            if rng.random() < 0.12:
                r = rng.random()
                topic = rng.choice(_SUBJECTS)
                if r < 0.25:
                    text, sens = rng.choice(_RESTRICTED_NOTES).format(topic=topic), 2
                else:
                    text = rng.choice(_NOTES).format(topic=topic, who=label)
                    sens = 0 if r > 0.9 else 1
                notes.append((pid, text, sens, self._stamp(rng.randint(1, _WINDOW_DAYS))))
            if org is not None:
                start = self.today - dt.timedelta(days=rng.randint(120, 4000))
                end = self.today - dt.timedelta(days=rng.randint(30, 110)) if former else None
                affiliations.append((pid, org.id, (role or "Member")[:150], start, end))
                others = self.orgs_by_sector[org.sector]
                if rng.random() < 0.1 and len(others) > 1:
                    prev = self.orgs[rng.choice(others)]
                    if prev is not org:
                        until = start - dt.timedelta(days=rng.randint(1, 200))
                        since = until - dt.timedelta(days=rng.randint(200, 3000))
                        affiliations.append((pid, prev.id, "Member", since, until))
            for tag, share in (
                ("vip", 1.0 if vip else 0.0), ("alumni", 0.04), ("christmas-card", 0.1),
                ("spring-festival", 0.35 if chinese else 0.05), ("farewell", 0.03),
                ("media-friendly", 0.3 if sector == "media" else 0.0),
            ):  # fmt: skip
                if share and rng.random() < share:
                    tags.append((pid, self.tag_id[tag]))
        relationships = self._relationships(p_role, p_gender, senators)
        self.p_cum = list(itertools.accumulate(weights))
        self.p_total = self.p_cum[-1]
        self.progress(0.08, "people: writing")
        self._insert(Person, ("id", "mission", "ref", "family_name", "given_name", "name_zh",
                              "pinyin", "name_order", "gender", "title", "office", "former",
                              "sector", "region", "search_keys", "created"), rows)  # fmt: skip
        self._insert(EmailAddress, ("person", "email", "label", "primary"), emails)
        self._insert(PhoneNumber, ("person", "number", "label"), phones)
        self._insert(PostalAddress, ("person", "label", "lines", "city", "region", "postal_code",
                                     "country"), addresses)  # fmt: skip
        self._insert(PersonNote, ("person", "text", "sensitivity", "created"), notes)
        self._insert(Affiliation, ("person", "organisation", "role", "start", "end"), affiliations)
        self._insert(Person.tags.through, ("person", "tag"), tags)
        self._insert(Relationship, ("from_person", "to_person", "kind", "note"), relationships)

    def _email(self, local: str, domain: str) -> str:
        local = local.strip(".") or "contact"
        email, k = f"{local}@{domain}", 2
        while email in self.emails:
            email, k = f"{local}{k}@{domain}", k + 1
        self.emails.add(email)
        return email

    def _relationships(
        self, roles: list[str], genders: list[str], senators: dict[str, list[int]]
    ) -> list[tuple]:
        """A few ties between people: colleagues, spouses, chiefs of staff, successors, friends."""
        rng = self.rng
        n = len(self.p_id)
        teams = [org.members for org in self.orgs if len(org.members) > 1]
        chiefs = [i for i, role in enumerate(roles) if role == "Chief of Staff"]
        # The first two senators of a state hold the seats now; the later ones are former.
        successions = [(held[1], held[2]) for held in senators.values() if len(held) > 2]
        out, seen = [], set()
        for _ in range(max(6, n // 150)):
            kind = rng.choices(
                ("colleague", "spouse", "chief_of_staff", "successor", "friend"),
                weights=(35, 20, 20, 5, 20),
            )[0]
            source = target = -1
            note = ""
            if kind == "colleague" and teams:
                source, target = rng.sample(rng.choice(teams), 2)
            elif kind == "chief_of_staff" and chiefs:
                source = rng.choice(chiefs)
                bosses = [j for j in self.orgs[self.p_org[source]].members
                          if roles[j] in ("Senator", "Representative")]  # fmt: skip
                target = rng.choice(bosses) if bosses else -1
            elif kind == "successor" and successions:
                source, target = successions[rng.randrange(len(successions))]
                note = "in the Senate"
            elif kind == "spouse":
                source = rng.randrange(n)
                target = rng.randrange(n)
                if genders[source] == genders[target]:
                    target = -1
            else:
                kind, source, target = "friend", rng.randrange(n), rng.randrange(n)
            if source < 0 or target < 0 or source == target or (source, target) in seen:
                continue
            seen.add((source, target))
            out.append((self.p_id[source], self.p_id[target], kind, note))
        return out

    # -- staff, postings and facts --------------------------------------------------------------

    def _staff(self) -> None:
        rng = self.rng
        today = self.today
        hom_arrival = today - dt.timedelta(days=rng.randint(521, 579))
        prev_arrival = hom_arrival - dt.timedelta(days=rng.randint(1050, 1250))
        posting_id = _next_id(Posting)
        people, postings, emails, phones = [], [], [], []
        self.postings: list[_Posting] = []
        envoy = "the Republic of Demoland to the United States of America"
        for k, (ref, role, title, title_zh, arrived, left) in enumerate(_STAFF):
            if ref == "DEMO-HOM":
                arrival, departure = hom_arrival, None
            elif ref == "DEMO-HOM-PREV":
                arrival, departure = prev_arrival, hom_arrival - dt.timedelta(days=1)
            else:
                arrival = today - dt.timedelta(days=arrived)
                departure = today - dt.timedelta(days=left) if left is not None else None
            gender = "m" if rng.random() < 0.6 else "f"
            family, given, name_zh = self._chinese_name(gender)
            pid = self.next_person_id + k
            head = role == "head_of_mission"
            former = departure is not None and departure < today
            if head:
                person_title = "Ambassador"
                office = f"{'Former ' if former else ''}Ambassador of {envoy}"
            else:
                person_title = "Mr." if gender == "m" else "Ms."
                office = f"{title}, Embassy of the Republic of Demoland"
            pinyin, keys = self._derived(family, given, name_zh)
            people.append((pid, self.mission_id, f"DEMO-S{k + 1:02d}", family, given, name_zh,
                           pinyin, names.NAME_ORDER_EASTERN, gender, person_title, office, former,
                           self.region_id["US-DC"], keys,
                           self._stamp((today - arrival).days)))  # fmt: skip
            emails.append((pid, self._email(f"{_ascii(given)}.{_ascii(family)}", DEMO_DOMAIN),
                           "work", True))  # fmt: skip
            phones.append((pid, f"+1202555{100 + k:04d}", "office"))
            postings.append((posting_id + k, ref, self.mission_id, pid, role, title, title_zh,
                             arrival, departure))  # fmt: skip
            self.postings.append(
                _Posting(posting_id + k, ref, role, arrival, departure, _STAFF_WEIGHT[role])
            )
        self._insert(Person, ("id", "mission", "ref", "family_name", "given_name", "name_zh",
                              "pinyin", "name_order", "gender", "title", "office", "former",
                              "region", "search_keys", "created"), people)  # fmt: skip
        self._insert(EmailAddress, ("person", "email", "label", "primary"), emails)
        self._insert(PhoneNumber, ("person", "number", "label"), phones)
        self._insert(Posting, ("id", "ref", "mission", "person", "role", "title", "title_zh",
                               "arrival", "departure"), postings)  # fmt: skip

    def _facts(self) -> None:
        facts = [Fact(mission_id=self.mission_id, **spec) for spec in _FACTS]
        Fact.objects.bulk_create(facts)
        self.written[Fact._meta.label] = len(facts)

    # -- engagements ----------------------------------------------------------------------------

    def _visited(self, low: int, high: int) -> list[str]:
        """The states a head of mission travels to: New York and California, and others by size."""
        rng = self.rng
        states = [c for c in self.state_codes if self.is_state[c]]
        must = [c for c in ("US-NY", "US-CA") if c in states]
        rest = [c for c in states if c not in must]
        k = rng.randint(low, high) - len(must)
        return sorted(must + _weighted_sample(rng, rest, [self.state[c].weight for c in rest], k))

    def _planned(self, days: list[dt.date]) -> list[_Spec]:
        """Engagements fixed in advance: each head of mission's trips, and one visit per region.

        A head of mission's in-person engagements happen only in the states of their trips or in
        Washington, which gives the "500-plus days, 22 states" profile the letters quote.
        """
        rng = self.rng
        specs: list[_Spec] = []
        self.allowed: dict[int, tuple[frozenset[str], list[str]]] = {}
        last_day = len(days) - 1
        for pi, posting in enumerate(self.postings):
            if posting.role != "head_of_mission":
                continue
            visited = self._visited(22, 26) if posting.departure is None else self._visited(26, 30)
            self.allowed[pi] = (frozenset([*visited, "US-DC"]), [*visited, "US-DC"])
            lo = max((posting.arrival - self.window_start).days, 0) + 7
            hi = (
                last_day
                if posting.departure is None
                else min((posting.departure - self.window_start).days, last_day)
            )
            if hi < lo:
                continue
            for code in visited:
                d = rng.randint(lo, hi)
                for _ in range(10):
                    if days[d].weekday() < 5:
                        break
                    d = rng.randint(lo, hi)
                others = [j for j, p in enumerate(self.postings) if j != pi and p.in_force(days[d])]
                n = rng.randint(2, 4)
                kinds = [
                    "meeting",
                    *rng.sample(["site_visit", "speech", "event", "interview"], n - 1),
                ]
                for kind, minute in zip(kinds, (540, 660, 840, 990), strict=False):
                    staff = (pi,) if not others or rng.random() < 0.6 else (pi, rng.choice(others))
                    specs.append(_Spec(d, kind, minute, code, staff, self.people_in[code]))
        for code in self.state_codes:
            d = rng.randrange(len(days))
            staff = [j for j, p in enumerate(self.postings)
                     if p.role != "head_of_mission" and p.in_force(days[d])]  # fmt: skip
            if staff:
                kind = rng.choice(("meeting", "site_visit"))
                specs.append(_Spec(d, kind, rng.choice((600, 660, 840)), code,
                                   (rng.choice(staff),), self.people_in[code]))  # fmt: skip
        specs.sort(key=lambda spec: spec.day)
        return specs

    def _day_staff(self, days: list[dt.date]) -> list[tuple[tuple[int, ...], list[int], int]]:
        """For each day, the postings in force and their cumulative weights."""
        shared: dict[tuple[int, ...], tuple[tuple[int, ...], list[int], int]] = {}
        out = []
        for day in days:
            idx = tuple(j for j, p in enumerate(self.postings) if p.in_force(day))
            if not idx:
                raise ValueError(f"No posting in force on {day}.")  # pragma: no cover
            if idx not in shared:
                cum = list(itertools.accumulate(self.postings[j].weight for j in idx))
                shared[idx] = (idx, cum, cum[-1])
            out.append(shared[idx])
        return out

    @staticmethod
    def _schedule(random_days: list[int], specs: list[_Spec]) -> Iterator[tuple[int, _Spec | None]]:
        """Random engagements and planned ones, merged in date order."""
        k = 0
        for d in random_days:
            while k < len(specs) and specs[k].day <= d:
                yield specs[k].day, specs[k]
                k += 1
            yield d, None
        for spec in specs[k:]:
            yield spec.day, spec

    def _resolution(self, raised: dt.date, due: dt.date) -> tuple[str, dt.date | None, str]:
        """Status, closing date and resolution of a commitment, given how far past due it is."""
        rng, today = self.rng, self.today
        r = rng.random()
        late = (today - due).days
        odds = _STATUS_ODDS["long" if late > 30 else "recent" if late >= 0 else "ahead"]
        status = _STATUSES[bisect.bisect_right(odds, r)]
        if status not in ("done", "dropped"):
            return status, None, ""
        latest = min(today, due + dt.timedelta(days=20))
        closed = raised + dt.timedelta(days=rng.randint(1, max((latest - raised).days, 1)))
        closed = min(closed, today)
        if status == "done":
            return status, closed, rng.choice(("Done.", "Sent.", "Arranged; confirmed by email."))
        return status, closed, rng.choice(("No longer needed.", "Overtaken by events."))

    def _engagements(self) -> None:
        rng = self.rng
        total_n = self.counts["engagements"]
        days = [self.window_start + dt.timedelta(days=i) for i in range(_WINDOW_DAYS)]
        day_staff = self._day_staff(days)
        specs = self._planned(days)[:total_n]
        weights = []
        for i, day in enumerate(days):
            w = (10, 10, 10, 10, 10, 2, 1)[day.weekday()]
            w *= 0.7 if day.month == 8 else 0.75 if day.month == 12 else 1.0
            weights.append(w * (1 + 0.25 * i / _WINDOW_DAYS))
        day_cum = list(itertools.accumulate(weights))
        random_days = sorted(
            rng.choices(range(_WINDOW_DAYS), cum_weights=day_cum, k=total_n - len(specs))
        )
        pending = bytearray(total_n)  # commitments raised in each engagement
        for k in rng.choices(range(total_n), k=self.counts["commitments"]):
            pending[k] += 1
        schedule = self._schedule(random_days, specs)

        eid = first_id = _next_id(Engagement)
        suspended = self.w.suspend_text_index(Engagement)
        activity = derived.suspend_activity()
        self.w.begin_background()
        try:
            self._engagement_rounds(schedule, day_staff, days, pending, total_n, eid)
        finally:
            self.w.end_background()
        if suspended:
            self.progress(0.94, "text search index")
            self.w.resume_text_index(suspended, first_id)
        self.progress(0.96, "each posting's activity")
        self.w.resume_activity(activity, first_id)

    def _engagement_rounds(
        self,
        schedule: Iterator[tuple[int, _Spec | None]],
        day_staff: list[tuple[tuple[int, ...], list[int], int]],
        days: list[dt.date],
        pending: bytearray,
        total_n: int,
        eid: int,
    ) -> None:
        """Build and write the engagements chunk by chunk, with their links and commitments."""
        rng = self.rng
        random, choice, bisect_right = rng.random, rng.choice, bisect.bisect_right
        kind_codes = [k for k, _ in _KINDS]
        kind_cum = list(itertools.accumulate(w for _, w in _KINDS))
        people_pop = list(range(len(self.p_id)))
        p_id, p_region, p_org, p_label = self.p_id, self.p_region, self.p_org, self.p_label
        p_cum, p_total, p_vip = self.p_cum, self.p_total, self.p_vip
        people_in, orgs, orgs_in_region = self.people_in, self.orgs, self.orgs_in_region
        postings, allowed_map = self.postings, self.allowed
        region_id, mission_id = self.region_id, self.mission_id
        cities = {code: [c for c, _ in st.cities] for code, st in self.state.items()}
        formats = {
            kind: ([f for f in fs if "{org}" in f], [f for f in fs if "{org}" not in f])
            for kind, fs in _SUBJECT_FORMATS.items()
        }
        remote = {"call", "email", "letter_sent", "letter_received"}
        wants_org = {"site_visit", "speech", "interview"}
        prev = next((j for j, p in enumerate(postings) if p.ref == "DEMO-HOM-PREV"), -1)
        farewell_from = (
            (postings[prev].departure - self.window_start).days - 30
            if prev >= 0 and postings[prev].departure else _WINDOW_DAYS
        )  # fmt: skip
        tag_farewell, tag_vip = self.tag_id["farewell"], self.tag_id["vip"]
        starts: dict[int, Any] = {}
        done = 0
        while done < total_n:
            chunk = list(itertools.islice(schedule, _CHUNK))
            if not chunk:
                break
            n = len(chunk)
            kinds = rng.choices(kind_codes, cum_weights=kind_cum, k=n)
            prims = rng.choices(people_pop, cum_weights=p_cum, k=n)
            e_rows, part_rows, staff_rows, org_rows, tag_rows, c_rows = [], [], [], [], [], []
            for j, (d, spec) in enumerate(chunk):
                if spec is not None:
                    kind, minute, region = spec.kind, spec.minute, spec.region
                    staff = list(spec.staff)
                    pool = spec.pool
                    p = pool[int(random() * len(pool))] if pool else prims[j]
                else:
                    kind, p, pool = kinds[j], prims[j], None
                    lo, hi, step = _HOURS[kind]
                    minute = lo + step * int(random() * ((hi - lo) // step + 1))
                    idx, cum, weight = day_staff[d]
                    s1 = idx[bisect_right(cum, random() * weight)]
                    staff = [s1]
                    if len(idx) > 1 and random() < 0.35:
                        s2 = idx[bisect_right(cum, random() * weight)]
                        if s2 != s1:
                            staff.append(s2)
                    if kind in _IN_PERSON:
                        region = p_region[p] if random() < 0.75 else "US-DC"
                        for s in staff:
                            allowed = allowed_map.get(s)
                            if allowed is not None and region not in allowed[0]:
                                region = "US-DC" if random() < 0.65 else choice(allowed[1])
                    else:
                        region = p_region[p] if random() < 0.3 else None
                # Their participants: colleagues, people from the same place, or anyone.
                parts = [p]
                r = random()
                extra = (r >= 0.85) if kind in remote else (0 if r < 0.55 else 1 if r < 0.85 else 2)
                o = p_org[p]
                for _ in range(extra):
                    if o >= 0 and random() < 0.5:
                        members = orgs[o].members
                        q = members[int(random() * len(members))]
                    elif pool or (region is not None and random() < 0.6):
                        local = pool or people_in[region]
                        q = local[int(random() * len(local))] if local else p
                    else:
                        q = bisect_right(p_cum, random() * p_total)
                    if q not in parts:
                        parts.append(q)
                eorgs = []
                if o >= 0 and (kind in wants_org or random() < 0.65):
                    eorgs.append(o)
                if region is not None and random() < 0.1:
                    local = orgs_in_region.get(region)
                    if local:
                        o2 = local[int(random() * len(local))]
                        if o2 not in eorgs:
                            eorgs.append(o2)
                first = orgs[eorgs[0]] if eorgs else None
                site, city = "", ""
                if kind == "site_visit":
                    options = _SITE_TYPES.get(
                        first.sector if first else "", ("enterprise", "other")
                    )
                    site = options[int(random() * len(options))]
                    if region != "US-DC" and random() < 0.08:
                        site = "farm"
                if region is not None and kind in _IN_PERSON:
                    if first is not None and first.region == region:
                        city = first.city
                    else:
                        names_ = cities[region]
                        city = names_[int(random() * len(names_))]
                who = p_label[p]
                topic = choice(_SUBJECTS)
                with_org, without_org = formats[kind]
                if first is not None and with_org and (random() < 0.7 or not without_org):
                    subject = choice(with_org).format(who=who, org=first.name, topic=topic)
                else:
                    subject = choice(without_org).format(who=who, topic=topic)
                if random() < 0.6:
                    summary = (
                        choice(_SUMMARY_OPENINGS).format(topic=topic, topic2=choice(_SUBJECTS), who=who)
                        + " " + choice(_SUMMARY_CLOSINGS).format(who=who)
                    ).strip()  # fmt: skip
                else:
                    summary = ""
                notes = f"Next step: {choice(_SUBJECTS)}." if random() < 0.1 else ""
                r = random()
                sensitivity = 0 if r < 0.2 else 2 if r >= 0.9 else 1
                dlo, dhi = _DURATIONS[kind]
                minutes = dlo + 15 * int(random() * ((dhi - dlo) // 15 + 1)) if dhi else 0
                key = d * 1440 + minute
                start = starts.get(key)
                if start is None:
                    start = starts[key] = self.w.datetime(self._at(days[d], minute))
                e_rows.append((eid, mission_id, kind, start, self.w.duration(minutes),
                               region_id[region] if region is not None else None, city, site,
                               subject[:300], summary, notes, sensitivity))  # fmt: skip
                for q in parts:
                    part_rows.append((eid, p_id[q]))
                for s in staff:
                    staff_rows.append((eid, postings[s].id))
                for oo in eorgs:
                    org_rows.append((eid, orgs[oo].id))
                if prev in staff and d >= farewell_from:
                    tag_rows.append((eid, tag_farewell))
                if p_vip[p] and kind in _IN_PERSON and random() < 0.5:
                    tag_rows.append((eid, tag_vip))
                for _ in range(pending[done + j]):
                    if random() < 0.65:
                        text = choice(_COMMITMENTS_OURS).format(topic=topic, who=who)
                        direction, asked = "ours", None
                    else:
                        text = choice(_COMMITMENTS_THEIRS).format(topic=topic, who=who)
                        direction, asked = "theirs", p_id[p]
                    owner = postings[staff[int(random() * len(staff))]].id
                    raised = days[d]
                    due = raised + dt.timedelta(days=7 + int(random() * 54))
                    status, closed, resolution = self._resolution(raised, due)
                    c_rows.append((eid, text, direction, asked, owner, due, status, resolution,
                                   closed, sensitivity))  # fmt: skip
                eid += 1
            self._insert(Engagement, ("id", "mission", "kind", "start", "duration", "region",
                                      "city", "site_type", "subject", "summary", "notes",
                                      "sensitivity"), e_rows)  # fmt: skip
            self._insert(EngagementParticipant, ("engagement", "person"), part_rows)
            self._insert(EngagementStaff, ("engagement", "posting"), staff_rows)
            self._insert(EngagementOrganisation, ("engagement", "organisation"), org_rows)
            self._insert(Engagement.tags.through, ("engagement", "tag"), tag_rows)
            self._insert(Commitment, ("engagement", "description", "direction", "requested_by",
                                      "owner", "due", "status", "resolution", "closed_on",
                                      "sensitivity"), c_rows)  # fmt: skip
            done += n
            self.progress(0.13 + 0.8 * done / total_n, f"engagements {done:,} of {total_n:,}")


def _record_operation(ctx: Any, description: str) -> Operation:
    """One audit operation for the whole batch, with its own description even inside a command."""
    with new_operation(ctx):
        outer = ctx.description
        ctx.description = description
        try:
            return ctx.ensure_operation()
        finally:
            ctx.description = outer


def generate(
    *,
    size: str = "small",
    seed: int = 2021,
    progress: Callable[[float, str], None] | None = None,
    today: dt.date | None = None,
) -> DemoSummary:
    """Fill the database with the invented demo mission; the same seed and `today`, the same data.

    Needs `legation init` (sectors, US regions). Raises ValueError when the demo mission exists
    already or the size is unknown. Everything is written in one transaction and recorded as one
    audited operation; `progress` is called with a fraction (0 to 1) and what is being written.
    """
    if size not in _SIZES:
        raise ValueError(f"Unknown demo size {size!r}: use one of {', '.join(_SIZES)}.")
    today = today or timezone.localdate()
    report = progress or (lambda fraction, what: None)
    description = f"demo data generated (size={size}, seed={seed})"
    with (
        audit(source=Operation.Source.SYSTEM, description=description) as ctx,
        transaction.atomic(),
    ):
        if Mission.objects.filter(ref=DEMO_MISSION_REF).exists():
            raise ValueError(f"The demo mission {DEMO_MISSION_REF} exists already.")
        operation = _record_operation(ctx, description)
        return _Generator(
            size=size, seed=seed, today=today, progress=report, operation=operation
        ).run()
