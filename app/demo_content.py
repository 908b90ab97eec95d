"""The ministry's own page (shared/seed), in English and Korean, as demo content."""

PROJECT = {
    "slug": "north-korean-newcomers",
    "published_at": "2020-03-01 09:00",
    "title_en": "North Korean Newcomers",
    "title_ko": "탈북 새신자 맞이",
    "summary_en": (
        "Many North Korean defectors in South Korea can easily feel like they are forgotten. "
        "Through the NK newcomers project, God shows them that He has not forgotten them."
    ),
    "summary_ko": (
        "남한에 사는 많은 탈북민들은 자신이 잊혔다고 쉽게 느낍니다. 탈북 새신자 맞이 사역을 "
        "통해 하나님께서는 그들을 잊지 않으셨음을 보여 주십니다."
    ),
    "body_en": (
        "Many North Korean defectors in South Korea can easily feel like they are forgotten, "
        "like the world has thrown them away. However, through the NK newcomers project, God "
        "visits the lonely, provides parents to the orphans, and demonstrates his mercy to "
        "those who cry out to Him. Even though some of the NKs we meet have been in South Korea "
        "for a while, through the NK newcomers project God shows them that, although the world "
        "may have forsaken them, He has not forgotten them."
    ),
    "body_ko": (
        "남한에 사는 많은 탈북민들은 자신이 잊혔다고, 세상이 자신을 버렸다고 쉽게 느낍니다. "
        "그러나 탈북 새신자 맞이 사역을 통해 하나님께서는 외로운 이들을 찾아가시고, 고아들에게 "
        "부모를 주시며, 당신께 부르짖는 이들에게 긍휼을 베푸십니다. 우리가 만나는 탈북민 중 "
        "일부는 남한에 온 지 꽤 되었지만, 하나님께서는 탈북 새신자 맞이 사역을 통해 세상은 "
        "그들을 버렸을지라도 당신은 그들을 잊지 않으셨음을 보여 주십니다."
    ),
}

STORY = {
    "slug": "north-korean-bible-distributions",
    "published_at": "2022-06-15 10:00",
    "title_en": "North Korean Bible Distributions",
    "title_ko": "북한 성경 배포",
    "summary_en": (
        "Why VOMK gives free NK Bibles only to leaders of existing NK ministries who disciple "
        "North Korean defectors, and the stipulations that keep the Bibles for their real purpose."
    ),
    "summary_ko": (
        "한국 순교자의 소리가 탈북민을 제자 양육하는 기존 북한 사역의 지도자들에게만 북한 성경을 "
        "무료로 제공하는 이유와, 성경이 본래의 목적대로 쓰이도록 하는 원칙을 소개합니다."
    ),
    "image_caption_en": "Mr. P receives an NK Bible",
    "image_caption_ko": "북한 성경을 받는 P 씨",
    "image_alt_en": "Illustration: two hands holding out a North Korean Bible with a cross on its cover",
    "image_alt_ko": "그림: 표지에 십자가가 있는 북한 성경을 두 손으로 건네는 모습",
    "body_en": """\
In efforts to provide North Korean defectors with access to God's word in a way that is
understandable to them, VOMK will often provide copies of its NK Bibles to North Korean
defectors free of charge. Sometimes, North Korean ministry organizations or local churches
ministering to North Korean defectors will ask us for NK Bibles to distribute to NK defectors.

But we have had some unfavorable experiences with distributing this way, including Bibles that
were never actually given to NK defectors like promised.

Being confronted with these issues, we decided to make some firmer stipulations for the way
that we distribute to NK defectors through organizations or churches. This is to make sure that
the NK Bibles are distributed and used for their real purpose:

1. On occasion, VOMK may provide free copies of its NK Bibles to leaders of existing NK
   ministries who are active in discipling NKs. "Leaders" means that we don't provide free NK
   Bibles to people who want to do personal outreach to NKs or to give a Bible to their NK
   friend, etc. We only give to people who are serving in official leadership positions, either
   at their church's NK congregation or as a missionary appointed to serve NKs or as a leader at
   a Christian NGO. "Existing NK ministries" means that we don't provide free Bibles to people
   who are interested in starting an NK ministry, either at their church or as a missionary or at
   an NGO, nor do we provide Bibles to organizations interested in reaching out to NKs through
   special events, nor to NK-related organizations whose work is not primarily discipleship. For
   example, we would not provide free Bibles to a Christian ministry that teaches NK defectors
   how to use computers, or to leaders of a group doing a political rally or New Year's party
   that want NK defectors to attend and thus they create a gift bag for them and want to put our
   Bible in it as a "free gift".
2. We only consider requests from leaders of NK ministries who already have an ongoing Christian
   discipleship relationship with NKs and who have a plan to use the NK Bible as part of that
   discipleship relationship. So, if a church just wants to give out Bibles as gifts to NKs,
   they should purchase the Bibles from us. When the Bible is given, it should be made clear
   that it was provided as a gift from VOM Korea. In other words, a church or ministry should not
   claim or imply that the Bible is a free gift from their church or ministry. It should be
   stated that the Bible is provided free of charge by VOM Korea.
3. We don't need the contact information of NK recipients. However, (1) NK recipients should be
   given our contact information in case they want to reach out to us. (2) The ministry should
   provide verification that all the Bibles were given out shortly after they were received. A
   photo is an acceptable form of verification. In this way, it is not possible for churches to
   receive Bibles from us only to store them for future use. They should only receive what they
   can give at the present time.
4. The organization requesting the Bibles should produce a basic statement about how the Bibles
   will be used in ongoing discipleship ministry. We give out free Bibles when a qualified group
   (as according to the above) gives us a qualifying plan for how they intend to use the Bibles
   in an ongoing discipleship process. So if a church just wants to give out a New Year's gift to
   NKs, they should buy the Bibles from VOMK and then give them as an actual gift from the church;
   we should not give them free Bibles for this purpose. We provide Bibles as tools to existing
   NK ministries doing discipleship. We do not provide Bibles so that churches or ministries can
   give them as special gifts, or store them and use them later.

We consider NK Bibles as genuine discipleship tools and not souvenirs. We understand that some
such organizations and churches will view our stipulations as strict or rigid. But we tell them
that Christians around the world have donated to provide these Bibles to North Korean defectors
for discipleship and we want to make sure that is what happens.
""",
    "body_ko": """\
탈북민들이 이해할 수 있는 방식으로 하나님의 말씀을 접할 수 있도록, 한국 순교자의 소리(VOMK)는
종종 북한 성경을 탈북민들에게 무료로 제공합니다. 때로는 북한 사역 단체나 탈북민을 섬기는 지역
교회가 탈북민들에게 나누어 줄 북한 성경을 요청하기도 합니다.

그러나 이런 방식으로 배포하면서 좋지 않은 경험들도 있었습니다. 약속과 달리 성경이 실제로
탈북민들에게 전달되지 않은 경우도 있었습니다.

이러한 문제들을 겪으면서, 우리는 단체나 교회를 통해 탈북민들에게 성경을 배포하는 방식에 대해
보다 분명한 원칙을 세우기로 했습니다. 북한 성경이 본래의 목적대로 배포되고 사용되도록 하기
위함입니다.

1. 한국 순교자의 소리는 탈북민 제자 양육에 활발히 참여하고 있는 기존 북한 사역의 지도자들에게
   북한 성경을 무료로 제공할 수 있습니다. '지도자'란, 탈북민에게 개인적으로 전도하려는 사람이나
   탈북민 친구에게 성경을 주려는 사람 등에게는 무료 성경을 제공하지 않는다는 뜻입니다. 우리는
   교회의 탈북민 회중에서, 또는 탈북민을 섬기도록 파송된 선교사로서, 또는 기독교 NGO의
   지도자로서 공식적인 지도자 직분을 맡아 섬기는 사람들에게만 제공합니다. '기존 북한 사역'이란,
   교회나 선교사나 NGO로서 북한 사역을 새로 시작하려는 사람들에게는 무료 성경을 제공하지 않으며,
   특별 행사를 통해 탈북민에게 다가가려는 단체나 주된 사역이 제자 양육이 아닌 북한 관련 단체에도
   제공하지 않는다는 뜻입니다. 예를 들어, 탈북민에게 컴퓨터 사용법을 가르치는 기독교 사역이나,
   탈북민들의 참석을 바라며 선물 꾸러미를 만들어 거기에 우리 성경을 '무료 선물'로 넣으려는 정치
   집회나 신년 모임의 주최자들에게는 무료 성경을 제공하지 않습니다.
2. 우리는 이미 탈북민들과 지속적인 기독교 제자 양육 관계를 맺고 있으며, 그 제자 양육 관계 안에서
   북한 성경을 사용할 계획이 있는 북한 사역 지도자들의 요청만 검토합니다. 따라서 교회가
   탈북민들에게 성경을 선물로 나누어 주려 한다면, 우리에게서 성경을 구입해야 합니다. 성경을
   전할 때에는 한국 순교자의 소리가 선물로 제공한 것임을 분명히 밝혀야 합니다. 다시 말해, 교회나
   사역 단체는 그 성경이 자신들이 주는 무료 선물이라고 주장하거나 암시해서는 안 되며, 한국
   순교자의 소리가 무료로 제공한 성경이라고 말해야 합니다.
3. 우리는 성경을 받는 탈북민들의 연락처가 필요하지 않습니다. 다만 (1) 성경을 받는 탈북민들이
   원할 때 우리에게 연락할 수 있도록 우리의 연락처를 전해 주어야 합니다. (2) 사역 단체는 성경을
   받은 뒤 곧 모든 성경이 전달되었다는 확인 자료를 보내야 합니다. 사진도 확인 자료로 인정됩니다.
   이렇게 하면 교회가 성경을 받아 나중에 쓰려고 보관해 두는 일이 없게 됩니다. 지금 바로 전할 수
   있는 만큼만 받아야 합니다.
4. 성경을 요청하는 단체는 성경이 지속적인 제자 양육 사역에서 어떻게 쓰일지에 대한 간단한 설명을
   작성해야 합니다. 우리는 (위 기준에 따라) 자격을 갖춘 단체가 지속적인 제자 양육 과정에서
   성경을 어떻게 사용할지에 대한 합당한 계획을 제시할 때 무료 성경을 제공합니다. 그러므로
   교회가 탈북민들에게 새해 선물을 주고 싶다면, 한국 순교자의 소리에서 성경을 구입해 교회의 실제
   선물로 주어야 하며, 이런 목적으로는 무료 성경을 드리지 않습니다. 우리는 제자 양육을 하는 기존
   북한 사역에 도구로서 성경을 제공합니다. 교회나 사역 단체가 특별한 선물로 주거나, 보관했다가
   나중에 쓰도록 성경을 제공하지 않습니다.

우리는 북한 성경을 기념품이 아닌 진정한 제자 양육의 도구로 여깁니다. 일부 단체와 교회가 우리의
원칙을 엄격하거나 융통성이 없다고 여길 수 있음을 압니다. 그러나 우리는 전 세계의 그리스도인들이
탈북민의 제자 양육을 위해 이 성경을 헌금으로 마련해 주었으며, 실제로 그렇게 쓰이기를 원한다고
말씀드립니다.
""",
}

PRAYER_REQUESTS = [
    {
        "slug": "mr-y-in-france",
        "published_at": "2022-05-20 09:00",
        "title_en": "Pray for Mr. Y, a North Korean defector living in France who is seeking God's word",
        "title_ko": "하나님의 말씀을 찾고 있는, 프랑스에 사는 탈북민 Y 씨를 위해 기도해 주세요",
        "summary_en": "A North Korean defector in France asked us for an NK Bible.",
        "summary_ko": "프랑스에 사는 한 탈북민이 북한 성경을 요청했습니다.",
        "body_en": (
            "We recently received a request for a NK Bible from a North Korean defector living in "
            "France. Please pray that God will reveal Himself to Mr. Y through His word."
        ),
        "body_ko": (
            "최근 프랑스에 사는 한 탈북민으로부터 북한 성경을 보내 달라는 요청을 받았습니다. "
            "하나님께서 당신의 말씀을 통해 Y 씨에게 자신을 드러내 주시도록 기도해 주세요."
        ),
    },
    {
        "slug": "missionary-s",
        "published_at": "2022-05-21 09:00",
        "title_en": "Pray for Missionary S, a South Korean missionary to NK defectors who is burned out",
        "title_ko": "탈진한 탈북민 사역 선교사 S를 위해 기도해 주세요",
        "summary_en": "Discipleship has proved harder than humanitarian aid for Missionary S.",
        "summary_ko": "S 선교사에게 제자 양육은 인도적 지원보다 더 어려운 일이었습니다.",
        "body_en": (
            "Missionary S used to help North Korean defectors defect to South Korea. But she has "
            "found many of them in South Korea using their freedom to pursue sinful lives instead "
            "of lives lived for Christ. She has also found that discipleship is harder than "
            "humanitarian aid and has become burned out. Please pray for the Lord to become her "
            "strength and for her to return to the important work of discipleship."
        ),
        "body_ko": (
            "S 선교사는 예전에 탈북민들이 남한으로 올 수 있도록 돕는 일을 했습니다. 그러나 남한에 "
            "온 많은 탈북민들이 그리스도를 위한 삶 대신 자유를 죄악된 삶을 좇는 데 쓰는 모습을 "
            "보게 되었습니다. 또한 제자 양육이 인도적 지원보다 더 어렵다는 것을 깨닫고 탈진하게 "
            "되었습니다. 주님께서 그녀의 힘이 되어 주시고, 그녀가 제자 양육이라는 중요한 사역으로 "
            "다시 돌아올 수 있도록 기도해 주세요."
        ),
    },
]

# The comments under the seed page (shared/seed), oldest first; times are Korea time. Pastor
# Tim is staff, answering Wanita. Miriam's emoji came through as "?" in the seed: they were
# 4-byte characters (the classic utf8-vs-utf8mb4 loss), while the 3-byte "✝️" survived; the
# likely intended praying hands are restored here.
COMMENTS = [
    {
        "name": "Pastor Kent",
        "at": "2020-03-04 18:51",
        "body": "Yes, I will join you in praying this for him as well.",
    },
    {"name": "Hana Kim", "at": "2020-11-18 15:11", "body": "God bless you on this mission!"},
    {
        "name": "Miriam Berríos",
        "at": "2020-12-20 09:21",
        "body": "Praying for KVOM ministry! 🙏✝️🙏",
    },
    {
        "name": "jim_scoales",
        "at": "2021-03-02 19:16",
        "body": "Amen God will keep His own gift of faith through Grace alive in every elect child of His.",
    },
    {
        "name": "Wanita",
        "at": "2022-03-29 00:32",
        "body": "I would like to receive email updates on the ministry to North Korea. Also, I’m wondering, does VOM teach English to North Korean defectors?",  # noqa: RUF001 (the seed's quotation marks)
    },
    {
        "name": "Pastor Tim",
        "at": "2022-04-05 13:24",
        "staff": True,
        "reply_to": "Wanita",
        "body": "I signed you up for our email prayer partner update Wanita! The update is on all of our work, but we always share some important/verifiable NK news links and prayer requests. You should receive the first one later tonight (Korea time). We don’t teach English to NK defectors. Most of our teach is actually done NK defector to NK defector! God Bless ~ Pastor Tim.",  # noqa: RUF001 (the seed's quotation marks)
    },
    {
        "name": "Joe Sanders",
        "at": "2022-05-11 05:22",
        "body": "I’m praying for GSK and other ‘special forces’",  # noqa: RUF001 (the seed's quotation marks)
    },
]
