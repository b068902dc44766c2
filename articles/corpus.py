"""Synthetic stories for scale tests, built from the seed page's own vocabulary.

A word-level Markov chain over the seed's sentences gives plausible Chinese sentences. On its own
it would repeat one page's topics in every story (反邪教 four times a story), which makes search
costs meaningless, so each story also gets topic words of its own: most of its nouns are swapped
for words drawn, with Zipf weights, from a large vocabulary (pypinyin's phrase list, tagged with
rjieba). Place and person names are kept, so 湖州 stays common while any one topic word is rare,
as in a real archive. Names, districts and tags are drawn with Zipf weights too. Everything is
drawn from one `random.Random(seed)`, so a seed always gives the same corpus. Pure: no database.
"""

import datetime
import random
import re
from dataclasses import dataclass, field
from itertools import accumulate

import rjieba
from pypinyin.phrases_dict import phrases_dict

from .importer import parse_page

SENTENCE_END = "。！？"
START, END = "\x02", "\x03"

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红建文辉力斌宇晨欣怡佳琳凯飞"
    "冬梅婷雪慧颖浩然宁波涵博瑞思远嘉悦梓航"
)

TOPIC_TAGS = [
    "政法",
    "平安建设",
    "安保维稳",
    "疫情防控",
    "数字化改革",
    "共同富裕",
    "乡村振兴",
    "法治建设",
    "排查见底",
    "风险防控",
    "执行难",
    "党史学习教育",
    "反诈",
    "新媒体",
    "反邪教",
    "基层治理",
    "生态文明",
    "交通安全",
    "消防安全",
    "安全生产",
    "矛盾纠纷化解",
    "营商环境",
    "国庆",
    "春节",
    "主题征文",
    "志愿服务",
    "网格管理",
    "城乡融合",
    "绿色发展",
    "文明创建",
    "扫黑除恶",
    "禁毒",
    "防汛",
    "校园安全",
    "食品安全",
    "信访",
    "人才",
    "科技创新",
    "文化惠民",
    "伟大建党精神",
]

# Parts of speech (jieba's tags) whose words a story may swap for topic words of its own:
# nouns, other proper nouns, verbal nouns, idioms. Not place (ns) or person (nr) names.
SWAPPABLE = {"n", "nz", "vn", "i", "l", "nt"}
SWAP_PROBABILITY = 0.85

ROLE_WEIGHTS = {
    "staff_reporter": 50,
    "trainee_reporter": 12,
    "correspondent": 30,
    "special_correspondent": 3,
    "reporter": 4,
    "photographer": 1,
}


def zipf_weights(n, exponent=1.1):
    return list(accumulate(1 / (rank**exponent) for rank in range(1, n + 1)))


def topic_vocabulary():
    """Two- to four-character nouns from pypinyin's phrase list, in a fixed Zipf rank order."""
    words = sorted(
        word
        for word in phrases_dict
        if 2 <= len(word) <= 4
        and all("\u4e00" <= ch <= "\u9fff" for ch in word)
        and len(tagged := rjieba.tag(word)) == 1
        and tagged[0][1] in ("n", "nz", "vn")
    )
    random.Random(0).shuffle(words)
    return words


PAGE_NAMES = ("要闻", "综合", "政法", "民生", "文体", "县区")


def edition_layout(day):
    """The pages of a generated edition: four to six, numbered and named like a daily's."""
    count = 4 + day.toordinal() % 3
    return [(number, PAGE_NAMES[number - 1]) for number in range(1, count + 1)]


@dataclass
class GeneratedStory:
    headline: str
    kicker: str
    body: str
    published_on: datetime.date
    bylines: list[tuple[str, str]]  # (role, reporter name)
    districts: list[str]  # region names
    tags: list[str] = field(default_factory=list)


class CorpusGenerator:
    def __init__(self, seed_text, *, region_names, seed=1, start=None, end=None):
        self.random = random.Random(seed)
        self.region_names = region_names
        self.start = start or datetime.date(2012, 1, 1)
        self.end = end or datetime.date(2021, 9, 29)
        reports = parse_page(seed_text)
        self.chain = self._build_chain(
            block for report in reports for block in report.blocks if not block.startswith("#")
        )
        self.headline_phrases = self._phrases(
            [r.headline for r in reports]
            + [b[4:] for r in reports for b in r.blocks if b[:4] == "### "]
        )
        self.kicker_phrases = [r.kicker for r in reports if r.kicker]
        seed_names = [b.name for r in reports for b in r.bylines]
        self.reporter_names = list(dict.fromkeys(seed_names + self._invent_names(57)))
        self.reporter_weights = zipf_weights(len(self.reporter_names), 0.9)
        self.tag_weights = zipf_weights(len(TOPIC_TAGS), 1.0)
        self.region_weights = list(accumulate([30] + [10] * (len(region_names) - 1)))
        self.vocabulary = topic_vocabulary()
        self.vocabulary_weights = zipf_weights(len(self.vocabulary), 1.0)

    @staticmethod
    def _build_chain(paragraphs):
        chain = {}
        for paragraph in paragraphs:
            for sentence in re.findall(rf"[^{SENTENCE_END}]+[{SENTENCE_END}]”?", paragraph):
                words = [START, *rjieba.cut(sentence), END]
                for previous, word in zip(words, words[1:], strict=False):
                    chain.setdefault(previous, []).append(word)
        return chain

    @staticmethod
    def _phrases(headlines):
        return [p for h in headlines for p in re.split(r"\s+", h) if len(p) >= 4]

    def _invent_names(self, count):
        names = []
        while len(names) < count:
            given = "".join(self.random.choices(GIVEN, k=self.random.choice([1, 2, 2])))
            name = self.random.choice(SURNAMES) + given
            if name not in names:
                names.append(name)
        return names

    def sentence(self, max_words=60):
        words, word = [], START
        while len(words) < max_words:
            word = self.random.choice(self.chain[word])
            if word == END:
                break
            words.append(word)
        text = "".join(words)
        return text if text[-1:] in SENTENCE_END + "”" else text + "。"

    def paragraph(self):
        return "".join(self.sentence() for _ in range(self.random.randint(1, 4)))

    def give_topic(self, texts):
        """The same texts with most nouns swapped, consistently, for this story's own words."""
        swaps = {}

        def swap(text):
            out = []
            for word, flag in rjieba.tag(text):
                if flag in SWAPPABLE and len(word) >= 2:
                    if word not in swaps:
                        keep = self.random.random() >= SWAP_PROBABILITY
                        swaps[word] = (
                            word
                            if keep
                            else self.random.choices(
                                self.vocabulary, cum_weights=self.vocabulary_weights
                            )[0]
                        )
                    word = swaps[word]
                out.append(word)
            return "".join(out)

        return [swap(text) for text in texts]

    def story(self):
        rnd = self.random
        headline = self._headline(rnd.choice([1, 2, 2]))
        paragraphs = [self.paragraph() for _ in range(rnd.randint(2, 6))]
        if rnd.random() < 0.3 and len(paragraphs) > 3:
            paragraphs.insert(rnd.randint(1, len(paragraphs) - 1), "### " + self._headline(2))
        headline, *paragraphs = self.give_topic([headline, *paragraphs])
        days = (self.end - self.start).days
        people = rnd.choices(self.reporter_names, cum_weights=self.reporter_weights, k=3)
        names = list(dict.fromkeys(people))[: rnd.choice([1, 1, 2, 3])]
        roles = rnd.choices(list(ROLE_WEIGHTS), weights=list(ROLE_WEIGHTS.values()), k=len(names))
        bylines = list(zip(roles, names, strict=True))
        return GeneratedStory(
            headline=headline,
            kicker=rnd.choice(self.kicker_phrases) if rnd.random() < 0.2 else "",
            body="\n\n".join(paragraphs),
            published_on=self.start + datetime.timedelta(days=rnd.randrange(days + 1)),
            bylines=bylines,
            districts=sorted(
                set(
                    rnd.choices(
                        self.region_names, cum_weights=self.region_weights, k=rnd.choice([1, 1, 2])
                    )
                )
            ),
            tags=sorted(
                set(rnd.choices(TOPIC_TAGS, cum_weights=self.tag_weights, k=rnd.randint(2, 4)))
            ),
        )

    def _headline(self, parts):
        return " ".join(self.random.sample(self.headline_phrases, parts))
