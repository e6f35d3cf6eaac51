#!/usr/bin/env python3
"""Write surveys/household-2027/{survey,choices,settings,programmes}.csv (version 2027.1).

The questionnaire is regular (each service asked the same way), so it is generated here
rather than typed: run `python3 scripts/household-2027.py` from the top folder after a change,
then `lcmon form check surveys/household-2027`. docs/forms.md describes the result.
"""
import csv
import os

OUT = os.path.join(os.path.dirname(__file__), "..", "surveys", "household-2027")

HEAD = ["type", "name", "label::zh", "label::en", "hint::zh", "hint::en", "required",
        "relevant", "constraint", "constraint_message::zh", "constraint_message::en",
        "calculation", "choice_filter", "appearance", "default", "repeat_count", "read_only",
        "parameters", "lcmon_column", "lcmon_reference", "lcmon_pii"]

# (code, legacy 2026.1 group or "", zh, en): one service per item, as the seed names them.
SERVICES = [
    ("cc_college", "cc", "社区教育学院（县、市、区）", "Community education college (county level)"),
    ("cc_school", "cc", "社区学校（乡镇、街道）", "Community school (township or street)"),
    ("cc_point", "cc", "村（社区）教学站点", "Village or community learning point"),
    ("elder", "eu", "老年大学（老年学校）", "University or school for older adults"),
    ("pc_lib", "pc", "公共图书馆", "Public library"),
    ("pc_cul", "pc", "文化馆（站）", "Cultural centre"),
    ("pc_mus", "pc", "博物馆", "Museum"),
    ("pc_art", "pc", "美术馆", "Art gallery"),
    ("pc_sci", "pc", "科技馆", "Science museum"),
    ("reading", "rd", "全民阅读活动（读书节、阅读日等）", "National reading activities (book festivals, reading days)"),
    ("ol_platform", "ol", "终身学习网络平台", "Online lifelong learning platform"),
    ("ol_cloud", "ol", "社区教育云课堂", "Community education cloud classroom"),
    ("skills", "vt", "职业技能培训", "Vocational skills training"),
    ("cb_bank", "cb", "学分银行", "Credit bank"),
    ("cb_account", "cb", "终身学习账户", "Lifelong learning account"),
    ("st_star", "st", "“百姓学习之星”评选及其分享宣讲活动", "\"Learning stars\" awards and their talks"),
    ("st_brand", "st", "“终身学习品牌”项目", "\"Lifelong learning brand\" projects"),
    ("pe_school", "", "社区家长学校", "Community parents' school"),
    ("pe_guide", "", "家庭教育指导服务", "Family education guidance"),
    ("lc_comm", "", "社区学习共同体", "Community learning circle"),
    ("lc_club", "", "群众性学习社团（读书会、兴趣小组等）", "Learning club (reading circle, interest group)"),
    ("lc_org", "", "学习型组织创建活动（学习型单位、家庭等）", "Learning organisation activities (workplaces, families)"),
    ("week", "", "全民终身学习活动周", "Lifelong learning week"),
    ("sp_park", "", "公园里的学习空间", "Learning space in a park"),
    ("sp_zone", "", "工业或文化创意园区里的学习空间", "Learning space in an industrial or creative park"),
    ("sp_bldg", "", "商务楼宇里的学习空间", "Learning space in an office building"),
    ("sp_mall", "", "商场里的学习空间", "Learning space in a shopping centre"),
    ("sm_smart", "", "智能化学习场景（如AI、虚拟现实学习）", "Smart learning settings (AI, virtual reality)"),
    ("sm_exp", "", "体验式学习场景（如研学、实践基地）", "Hands-on learning settings (study visits, practice bases)"),
    ("un_univ", "", "普通高校向社区开放的课程或资源", "University courses or resources open to the community"),
    ("un_voc", "", "职业院校向社区开放的课程或资源", "Vocational college courses or resources open to the community"),
    ("un_open", "", "开放大学的课程", "Open university courses"),
    ("rp", "", "个人终身学习档案", "Personal lifelong learning record"),
    ("en_center", "", "企业学习中心", "Enterprise learning centre"),
    ("en_rural", "", "送培训下乡", "Training brought to villages"),
    ("gp_disab", "", "面向残障人士的学习服务", "Learning services for people with disabilities"),
    ("gp_migr", "", "面向外来务工人员的学习服务", "Learning services for migrant workers"),
    ("gp_farm", "", "面向农民的学习服务", "Learning services for farmers"),
]
LEGACY = ["cc", "eu", "pc", "rd", "ol", "vt", "cb", "st"]

rows = []


def row(type_, name, zh="", en="", **kw):
    r = dict.fromkeys(HEAD, "")
    r.update({"type": type_, "name": name, "label::zh": zh, "label::en": en})
    for k, v in kw.items():
        r[k.replace("__", "::")] = v
    rows.append(r)


def calc(name, expr, **kw):
    row("calculate", name, calculation=expr, **kw)


def any_of(items, test):
    return " or ".join(test(i) for i in items)


# -- location and sample list (as 2026.1, plus the Kish key and the household's weight) --
row("start", "start"); row("end", "end"); row("today", "today")
row("note", "intro",
    "您好！本问卷了解市民对本市终身学习资源和服务的知晓度、参与度和满意度（监测点4.2），答案仅用于统计，不对外公开个人信息。",
    "Hello! This questionnaire asks how far residents know, use and are satisfied with the city's lifelong learning resources and services (monitoring point 4.2). Answers are used for statistics only.")
row("begin group", "location", "住户所在地", "Location of the household")
row("text", "city", "城市代码", "City code", required="yes",
    **{"hint::zh": "4位统计用区划代码，直辖市为省代码加00（如北京1100）",
       "hint::en": "4-digit division code; a municipality is its province code followed by 00 (Beijing 1100)",
       "constraint": "regex(., '^[0-9]{4}$')", "constraint_message::zh": "城市代码应为4位数字",
       "constraint_message::en": "The city code has 4 digits", "lcmon_column": "city",
       "lcmon_reference": "city"})
row("text", "county", "区/县代码", "County/district code", required="yes",
    **{"hint::zh": "6位统计用区划代码", "hint::en": "6-digit division code",
       "constraint": "regex(., '^[0-9]{6}$')", "constraint_message::zh": "区/县代码应为6位数字",
       "constraint_message::en": "The county code has 6 digits", "lcmon_reference": "county"})
row("text", "township", "乡镇/街道代码", "Township/street code", required="yes",
    **{"hint::zh": "9位统计用区划代码，前6位为区/县代码",
       "hint::en": "9-digit division code, starting with the county code",
       "constraint": "regex(., '^[0-9]{9}$') and substr(., 0, 6) = ${county}",
       "constraint_message::zh": "乡镇/街道代码应为9位数字，且以区/县代码开头",
       "constraint_message::en": "The township code has 9 digits and starts with the county code",
       "lcmon_reference": "township"})
row("text", "community", "村/社区代码", "Village/community code", required="yes",
    **{"hint::zh": "12位统计用区划代码，前9位为乡镇/街道代码",
       "hint::en": "12-digit division code, starting with the township code",
       "constraint": "regex(., '^[0-9]{12}$') and substr(., 0, 9) = ${township}",
       "constraint_message::zh": "村/社区代码应为12位数字，且以乡镇/街道代码开头",
       "constraint_message::en": "The community code has 12 digits and starts with the township code",
       "lcmon_column": "psu"})
row("select_one community_type", "community_type", "村/社区类型", "Type of village-level unit", required="yes")
calc("stratum", "concat(${city}, '-', if(${community_type} = 'rc', 'urban', 'rural'))", lcmon_column="stratum")
row("text", "household_no", "住户编号", "Household number", required="yes",
    **{"hint::zh": "调查员抽样名单上的编号", "hint::en": "Number on the interviewer's sample list",
       "constraint": "string-length(.) <= 20", "constraint_message::zh": "住户编号不超过20个字符",
       "constraint_message::en": "At most 20 characters", "lcmon_column": "household_id", "lcmon_pii": "yes"})
row("integer", "kish_key", "抽样名单上本户的随机号（00-99）", "The household's random number on the sample list (00-99)",
    required="yes", constraint=". >= 0 and . <= 99",
    **{"hint::zh": "用于在户内随机选择受访者（基什表）", "hint::en": "Selects the respondent within the household (Kish grid)",
       "constraint_message::zh": "随机号应在0至99之间", "constraint_message::en": "Between 0 and 99"})
row("decimal", "hh_weight", "抽样名单上本户的抽样权数", "The household's sampling weight on the sample list",
    required="yes", constraint=". > 0",
    **{"hint::zh": "住户入样概率的倒数，由抽样方案给出", "hint::en": "One over the household's inclusion probability, from the sample design",
       "constraint_message::zh": "权数应大于0", "constraint_message::en": "The weight is above 0"})
row("text", "interviewer", "调查员姓名", "Interviewer", required="yes",
    constraint="string-length(.) <= 40", lcmon_column="interviewer", lcmon_pii="yes",
    **{"constraint_message::zh": "姓名不超过40个字符", "constraint_message::en": "At most 40 characters"})
row("select_one yesno", "consent", "您是否同意接受本次访问？", "Do you agree to take part in this interview?", required="yes",
    **{"hint::zh": "选“否”则访问结束，本户记为拒访", "hint::en": "No ends the interview; the household is recorded as a refusal"})
row("end group", "")
row("note", "refused", "受访者拒绝接受访问，访问结束。", "The respondent declined; the interview ends here.", relevant="${consent} = 0")
row("begin group", "body", "问卷", "Questionnaire", relevant="${consent} = 1")

# -- roster: adults first, then the Kish grid picks the respondent among them --
row("integer", "hh_size", "家庭常住人口数", "Usual residents of the household", required="yes",
    constraint=". >= 1 and . <= 20",
    **{"constraint_message::zh": "常住人口应在1至20人之间", "constraint_message::en": "Between 1 and 20 residents"})
row("begin repeat", "members", "家庭成员", "Household member", repeat_count="${hh_size}")
row("select_one rel", "m_rel", "与户主关系", "Relation to the head of household", required="yes",
    **{"hint::zh": "先登记16周岁及以上成员（按年龄从大到小），再登记16周岁以下成员",
       "hint::en": "List members 16 or older first (oldest first), then those under 16"})
row("select_one sex", "m_sex", "性别", "Sex", required="yes")
row("integer", "m_age", "年龄（周岁）", "Age (years)", required="yes",
    constraint=". >= 0 and . <= 120 and (position(..) = 1 or . < 16 or "
               "indexed-repeat(${m_age}, ${members}, position(..) - 1) >= 16)",
    **{"constraint_message::zh": "年龄应在0至120岁之间，且16周岁及以上成员登记在前",
       "constraint_message::en": "Age is 0 to 120, and members 16 or older come first"})
row("select_one edu", "m_edu", "最高学历", "Highest education completed", required="yes", relevant="${m_age} >= 6")
row("select_one work", "m_work", "就业状况", "Employment status", required="yes", relevant="${m_age} >= 16")
row("select_one yesno", "m_learned", "过去12个月是否参加过有组织的学习活动（课程、培训、讲座等）",
    "Took part in any organised learning (courses, training, talks) in the last 12 months", required="yes")
calc("m_adult", "if(${m_age} >= 16, 1, 0)")
row("end repeat", "")
calc("adults_n", "sum(${m_adult})")
# Kish grid on a two-digit key: the k-th adult of the roster, k = key mod n + 1; of the 100
# keys, floor((99 - (k - 1)) / n) + 1 select adult k, so that is its probability (x 1/100).
calc("kish_k", "if(${adults_n} > 0, (${kish_key} mod ${adults_n}) + 1, '')")
calc("sel_prob", "if(${adults_n} > 0, (floor((99 - (${kish_k} - 1)) div ${adults_n}) + 1) div 100, '')")
calc("design_wt", "if(${adults_n} > 0, ${hh_weight} div ${sel_prob}, '')", lcmon_column="design_weight")
row("note", "kish_note", "请访问家庭成员名单中的第 ${kish_k} 位成员（共 ${adults_n} 位16周岁及以上成员）。以下问题请该成员本人回答。",
    "Interview member ${kish_k} of the roster (of ${adults_n} members 16 or older). The following questions are for that member.",
    relevant="${adults_n} > 0")
row("note", "no_adult", "本户没有16周岁及以上成员，访问结束。", "No member is 16 or older; the interview ends here.",
    relevant="${adults_n} = 0")

row("begin group", "respondent", "受访者（户内随机选中的16周岁及以上成员）", "Respondent (the member 16+ selected at random)",
    relevant="${adults_n} > 0")
calc("sex", "indexed-repeat(${m_sex}, ${members}, ${kish_k})")
calc("age", "indexed-repeat(${m_age}, ${members}, ${kish_k})")
calc("age_band", "if(${age} = '', '', if(${age} < 30, '16-29', if(${age} < 45, '30-44', if(${age} < 60, '45-59', '60+'))))")
calc("edu", "indexed-repeat(${m_edu}, ${members}, ${kish_k})")
calc("work", "indexed-repeat(${m_work}, ${members}, ${kish_k})")
# Washington Group short set (WG-SS), asked of the respondent
WG = [("wg_see", "您看东西是否有困难，即使戴着眼镜？", "Do you have difficulty seeing, even if wearing glasses?"),
      ("wg_hear", "您听声音是否有困难，即使戴着助听器？", "Do you have difficulty hearing, even if using a hearing aid?"),
      ("wg_walk", "您走路或上台阶是否有困难？", "Do you have difficulty walking or climbing steps?"),
      ("wg_cog", "您记忆或集中注意力是否有困难？", "Do you have difficulty remembering or concentrating?"),
      ("wg_care", "您自我照顾（如洗澡、穿衣）是否有困难？", "Do you have difficulty with self-care, such as washing all over or dressing?"),
      ("wg_comm", "用您平常的语言，您与人交流（如理解别人或让别人理解您）是否有困难？",
       "Using your usual language, do you have difficulty communicating, for example understanding or being understood?")]
for n, zh, en in WG:
    row("select_one wg", n, zh, en, required="yes")
wg_hi = " or ".join(f"selected(${{{n}}}, '3') or selected(${{{n}}}, '4')" for n, _, _ in WG)
wg_nr = " or ".join(f"selected(${{{n}}}, 'dk') or selected(${{{n}}}, 'rf')" for n, _, _ in WG)
calc("disability", f"if({wg_hi}, 1, if({wg_nr}, '', 0))")
row("end group", "")

row("begin group", "main", "知晓度、参与度和满意度", "Awareness, participation and satisfaction", relevant="${adults_n} > 0")
row("select_multiple services", "aware", "您知道本市以下哪些终身学习资源和服务？（可多选）",
    "Which of these lifelong learning resources and services of the city do you know? (several answers)", required="yes",
    constraint="not((selected(., 'none') or selected(., 'dk') or selected(., 'rf')) and count-selected(.) > 1)",
    **{"hint::zh": "一项都不知道请选“以上都不知道”", "hint::en": "Choose none if you know none of them",
       "constraint_message::zh": "“以上都不知道”“说不好”“拒答”不能与其他选项同选",
       "constraint_message::en": "None, don't know and refused go alone"})
# Use asked of everyone (AES practice), with a check when a service used was not known.
for code, leg, zh, en in SERVICES:
    row("select_one use", f"use_{code}", f"过去12个月，您是否参加或使用过{zh}？",
        f"In the last 12 months, did you take part in or use: {en}?", required="yes")
    row("select_one yesno", f"chk_{code}", f"您刚才没有选择知道“{zh}”，请确认：过去12个月您确实参加或使用过吗？",
        f"You did not say you knew \"{en}\": did you really take part in or use it in the last 12 months?",
        required="yes", relevant=f"${{use_{code}}} = '1' and not(selected(${{aware}}, '{code}'))")
    calc(f"used_{code}",
         f"if(${{use_{code}}} = '1' and coalesce(${{chk_{code}}}, 1) = 1, 1, "
         f"if(${{use_{code}}} = '0' or ${{chk_{code}}} = 0, 0, ''))")
    row("select_one freq", f"freq_{code}", f"您参加或使用{zh}的频率是？", f"How often did you take part in or use: {en}?",
        required="yes", relevant=f"${{used_{code}}} = 1")
    row("select_one sat", f"sat_{code}", f"您对{zh}的满意程度？", f"How satisfied are you with: {en}?",
        required="yes", relevant=f"${{used_{code}}} = 1")
    calc(f"satn_{code}", f"if(${{used_{code}}} = 1 and ${{sat_{code}}} != 'dk' and ${{sat_{code}}} != 'rf', number(${{sat_{code}}}), '')")
calc("used_n", " + ".join(f"coalesce(${{used_{c}}}, 0)" for c, _, _, _ in SERVICES))
row("end group", "")

# -- the city's own named programmes, from programmes.csv --
row("begin group", "programmes", "本市的终身学习服务项目", "The city's lifelong learning programmes", relevant="${adults_n} > 0")
row("select_multiple_from_file programmes.csv", "prog_known", "您听说过本市以下哪些终身学习服务项目？（可多选）",
    "Which of these programmes of the city have you heard of? (several answers)", required="yes",
    choice_filter="city = ${city} or city = 'all'",
    constraint="not(selected(., 'none') and count-selected(.) > 1)",
    **{"constraint_message::zh": "“以上都没听说过”不能与其他选项同选", "constraint_message::en": "None goes alone"})
row("select_one_from_file programmes.csv", "prog_main", "过去12个月，您参加最多的是哪个项目？",
    "Which of them did you take part in most in the last 12 months?", required="yes",
    choice_filter="city = ${city} or city = 'all'", relevant="not(selected(${prog_known}, 'none'))",
    **{"hint::zh": "都没参加过请选“以上都没参加过”", "hint::en": "Choose none if you took part in none"})
row("end group", "")

# -- satisfaction as ACSI measures it (1-10 scales) --
row("begin group", "acsi", "总体评价", "Overall assessment", relevant="${used_n} > 0")
ACSI = [("acsi_exp", "在使用之前，您对本市终身学习资源和服务的质量期望有多高？（1=很低，10=很高）",
         "Before using them, how high were your expectations of the quality of the city's lifelong learning services? (1 very low, 10 very high)"),
        ("acsi_qual", "根据您的经历，本市终身学习资源和服务的质量如何？（1=很差，10=很好）",
         "From your experience, how good is the quality of the city's lifelong learning services? (1 very poor, 10 excellent)"),
        ("acsi_value", "考虑到您付出的时间和费用，这些服务值得吗？（1=很不值得，10=很值得）",
         "Given the time and money you spent, how good a value are these services? (1 very poor, 10 very good)"),
        ("acsi_sat", "总体而言，您对本市终身学习资源和服务满意吗？（1=很不满意，10=很满意）",
         "Overall, how satisfied are you with the city's lifelong learning services? (1 very dissatisfied, 10 very satisfied)"),
        ("acsi_confirm", "与您使用前的期望相比，这些服务做得怎么样？（1=远低于期望，10=远超期望）",
         "Compared with what you expected before, how did the services do? (1 far below expectations, 10 far above)"),
        ("acsi_ideal", "与您心目中理想的终身学习服务相比，本市的服务差距如何？（1=差距很大，10=非常接近）",
         "Compared with ideal lifelong learning services, how close are the city's? (1 far from ideal, 10 very close)"),
        ("acsi_rec", "您向亲友推荐本市终身学习资源和服务的可能性有多大？（1=不可能，10=非常可能）",
         "How likely are you to recommend the city's lifelong learning services to family and friends? (1 not at all, 10 very likely)")]
for n, zh, en in ACSI:
    row("select_one ten", n, zh, en, required="yes")
row("select_one yesno_nr", "acsi_complaint", "过去12个月，您是否就这些服务提出过投诉或意见？",
    "In the last 12 months, did you complain about these services?", required="yes")
for n, _, _ in ACSI:
    calc(f"{n}_n", f"if(${{{n}}} = '' or ${{{n}}} = 'dk' or ${{{n}}} = 'rf', '', number(${{{n}}}))")
# ACSI satisfaction index: mean of its three items (overall satisfaction, expectations
# confirmed, closeness to the ideal) on 1-10, rescaled to 0-100; lcmon measures its alpha
idx = ["acsi_sat_n", "acsi_confirm_n", "acsi_ideal_n"]
cnt = " + ".join(f"(${{{v}}} != '')" for v in idx)
calc("acsi_index", f"if({cnt} = 0, '', ({' + '.join(f'coalesce(${{{v}}}, 1)' for v in idx)} - ({cnt})) * 100 div (9 * ({cnt})))")
row("end group", "")

# -- barriers and learning --
row("begin group", "learning", "学习情况", "Learning", relevant="${adults_n} > 0")
row("select_multiple barriers or_other", "barriers", "过去12个月，您参加学习遇到过以下哪些困难？（可多选）",
    "In the last 12 months, which of these made learning hard for you? (several answers)", required="yes",
    constraint="not((selected(., 'nobarrier') or selected(., 'dk') or selected(., 'rf')) and count-selected(.) > 1)",
    **{"hint::zh": "没有遇到困难请选“没有困难”", "hint::en": "Choose no difficulty if nothing did",
       "constraint_message::zh": "“没有困难”“说不好”“拒答”不能与其他选项同选",
       "constraint_message::en": "No difficulty, don't know and refused go alone"})
row("integer", "learn_hours", "过去12个月，您用于学习的时间大约多少小时？", "In the last 12 months, about how many hours did you spend learning?",
    required="yes", constraint=". >= 0 and . <= 2000",
    **{"hint::zh": "包括课程、讲座、读书、线上学习等", "hint::en": "Courses, talks, reading, online learning and the like",
       "constraint_message::zh": "请填写0至2000之间的小时数", "constraint_message::en": "Between 0 and 2000 hours"})
row("text", "suggestion", "您对本市建设学习型城市有什么建议？", "What would you suggest for the city's learning-city work?",
    constraint="string-length(.) <= 500",
    **{"hint::zh": "可不填", "hint::en": "Optional", "constraint_message::zh": "建议不超过500字",
       "constraint_message::en": "At most 500 characters"})
row("end group", "")

# -- indicators: the 2027.1 measures, and the 2026.1-comparable ones under their old names --
na = "selected(${aware}, 'dk') or selected(${aware}, 'rf')"
calc("aware_n", f"if({na}, '', {' + '.join(f'if(selected(${{aware}}, {chr(39)}{c}{chr(39)}), 1, 0)' for c, _, _, _ in SERVICES)})")
calc("aware_share_all", f"if(${{aware_n}} = '', '', ${{aware_n}} div {len(SERVICES)})")
calc("participated_all", "if(${used_n} > 0, 1, 0)")
calc("sat_index_all", "if(" + " + ".join(f"(${{satn_{c}}} != '')" for c, _, _, _ in SERVICES) + " = 0, '', ("
     + " + ".join(f"coalesce(${{satn_{c}}}, 1)" for c, _, _, _ in SERVICES) + " - ("
     + " + ".join(f"(${{satn_{c}}} != '')" for c, _, _, _ in SERVICES) + ")) * 25 div ("
     + " + ".join(f"(${{satn_{c}}} != '')" for c, _, _, _ in SERVICES) + "))")
for g in LEGACY:
    items = [c for c, leg, _, _ in SERVICES if leg == g]
    calc(f"aware_{g}", f"if({na}, '', if({any_of(items, lambda c: f'selected(${{aware}}, {chr(39)}{c}{chr(39)})')}, 1, 0))")
    # 2026.1 asked use only of those who knew the service
    calc(f"use_{g}", f"if(${{aware_{g}}} = 1, if({any_of(items, lambda c: f'${{used_{c}}} = 1')}, 1, "
                     f"if({any_of(items, lambda c: f'${{used_{c}}} = {chr(39)}{chr(39)}')}, '', 0)), '')")
    k = " + ".join(f"(${{satn_{c}}} != '')" for c in items)
    calc(f"sat_{g}", f"if(${{use_{g}}} = 1 and {k} > 0, round(({' + '.join(f'coalesce(${{satn_{c}}}, 0)' for c in items)}) div ({k}), 0), '')")
calc("aware_share", f"if({na}, '', ({' + '.join(f'${{aware_{g}}}' for g in LEGACY)}) div 8)")
calc("used8_n", " + ".join(f"coalesce(${{use_{g}}}, 0)" for g in LEGACY))
calc("participated", "if(${used8_n} > 0, 1, 0)")
k8 = " + ".join(f"(${{sat_{g}}} != '')" for g in LEGACY)
calc("sat_index", f"if({k8} = 0, '', ({' + '.join(f'coalesce(${{sat_{g}}}, 1)' for g in LEGACY)} - 8) * 25 div ({k8}))")
# overall satisfaction on 2026.1's 1-5 scale: the ACSI 1-10 item in pairs (crosswalk.csv)
calc("sat_overall", "if(${acsi_sat_n} = '', '', ceiling(${acsi_sat_n} div 2))")
calc("sat_top2", "if(${sat_overall} = '', '', if(${sat_overall} >= 4, 1, 0))")
row("end group", "")
row("note", "thanks", "问卷结束，谢谢您的支持！", "That is all, thank you!")

CHOICES = [
    ("community_type", "rc", "居民委员会（社区）", "Residents' committee (urban community)"),
    ("community_type", "vc", "村民委员会（村）", "Village committee (rural)"),
    ("yesno", "1", "是", "Yes"), ("yesno", "0", "否", "No"),
    ("yesno_nr", "1", "是", "Yes"), ("yesno_nr", "0", "否", "No"),
    ("yesno_nr", "dk", "不清楚/记不清", "Don't know"), ("yesno_nr", "rf", "拒答", "Refused"),
    ("use", "1", "是", "Yes"), ("use", "0", "否", "No"),
    ("use", "dk", "不清楚/记不清", "Don't know"), ("use", "rf", "拒答", "Refused"),
    ("sex", "1", "男", "Male"), ("sex", "2", "女", "Female"),
    ("edu", "1", "未上过学", "No schooling"), ("edu", "2", "小学", "Primary school"),
    ("edu", "3", "初中", "Junior secondary"), ("edu", "4", "高中/中专/职高", "Senior secondary or vocational"),
    ("edu", "5", "大专", "Junior college"), ("edu", "6", "本科", "Bachelor's degree"),
    ("edu", "7", "研究生", "Postgraduate"),
    ("work", "1", "在职（含务农、个体经营）", "Working (including farming, self-employed)"),
    ("work", "2", "离退休", "Retired"), ("work", "3", "在校学生", "Student"),
    ("work", "4", "失业或待业", "Unemployed"), ("work", "5", "其他", "Other"),
    ("rel", "1", "户主本人", "Head of household"), ("rel", "2", "配偶", "Spouse"),
    ("rel", "3", "子女", "Child"), ("rel", "4", "父母或配偶父母", "Parent or parent-in-law"),
    ("rel", "5", "其他亲属", "Other relative"), ("rel", "6", "其他人", "Other person"),
    ("wg", "1", "没有困难", "No difficulty"), ("wg", "2", "有些困难", "Some difficulty"),
    ("wg", "3", "很困难", "A lot of difficulty"), ("wg", "4", "完全做不到", "Cannot do at all"),
    ("wg", "dk", "说不好", "Don't know"), ("wg", "rf", "拒答", "Refused"),
]
CHOICES += [("services", c, zh, en) for c, _, zh, en in SERVICES]
CHOICES += [("services", "none", "以上都不知道", "None of these"),
            ("services", "dk", "说不好", "Don't know"), ("services", "rf", "拒答", "Refused")]
CHOICES += [("freq", "1", "每周至少一次（一年52次及以上）", "At least once a week (52 or more times a year)"),
            ("freq", "2", "每月一至三次（一年12至51次）", "One to three times a month (12-51 times a year)"),
            ("freq", "3", "一年4至11次（约每季度一两次）", "4-11 times a year (about once or twice a quarter)"),
            ("freq", "4", "一年1至3次", "1-3 times a year"),
            ("freq", "dk", "说不好", "Don't know"), ("freq", "rf", "拒答", "Refused")]
for v, zh, en in [("1", "很不满意", "Very dissatisfied"), ("2", "不太满意", "Dissatisfied"), ("3", "一般", "Neutral"),
                  ("4", "比较满意", "Satisfied"), ("5", "很满意", "Very satisfied"), ("dk", "说不好", "Don't know"),
                  ("rf", "拒答", "Refused")]:
    CHOICES.append(("sat", v, zh, en))
for v in range(1, 11):
    CHOICES.append(("ten", str(v), str(v), str(v)))
CHOICES += [("ten", "dk", "说不好", "Don't know"), ("ten", "rf", "拒答", "Refused")]
CHOICES += [("barriers", "nobarrier", "没有困难", "No difficulty"),
            ("barriers", "time", "工作忙，没有时间", "No time because of work"),
            ("barriers", "family", "家庭责任（照顾孩子或老人等）", "Family responsibilities (children, older relatives)"),
            ("barriers", "employer", "单位不支持", "No support from the employer"),
            ("barriers", "cost", "费用高", "Too expensive"),
            ("barriers", "distance", "距离远或交通不便", "Too far or hard to get to"),
            ("barriers", "info", "不了解有哪些学习机会", "Do not know what is on offer"),
            ("barriers", "content", "内容不适合", "Content does not suit me"),
            ("barriers", "age", "觉得年龄大了", "Feel too old"),
            ("barriers", "digital", "不会用手机或电脑在线学习", "Cannot use a phone or computer to learn online"),
            ("barriers", "health", "身体原因", "Health"),
            ("barriers", "interest", "没有兴趣", "Not interested"),
            ("barriers", "dk", "说不好", "Don't know"), ("barriers", "rf", "拒答", "Refused")]


def write(name, head, data):
    with open(os.path.join(OUT, name), "w", newline="", encoding="utf-8") as fp:
        w = csv.writer(fp, lineterminator="\n")
        w.writerow(head)
        w.writerows(data)


write("survey.csv", HEAD, [[r[h] for h in HEAD] for r in rows])
write("choices.csv", ["list_name", "name", "label::zh", "label::en"], CHOICES)
write("settings.csv", ["form_id", "version", "form_title", "default_language"],
      [["household", "2027.1", "学习型城市建设市民问卷（知晓度、参与度、满意度）2027版", "zh"]])

# programmes.csv: the named programmes of the cities that registered some (here the
# municipalities, provincial capitals and separately planned cities), two each; `all`
# rows are shown in every city.
ref = os.path.join(os.path.dirname(__file__), "..", "surveys", "reference", "cities.csv")
progs = []
KINDS = [("市民大讲堂", "Citizens' lecture hall"), ("终身学习体验周", "Lifelong learning open week")]
with open(ref, encoding="utf-8") as fp:
    for c in csv.DictReader(fp):
        if c["tier"] == "prefecture":
            continue
        city = c["name"].removesuffix("市")
        for k, (zh, en) in enumerate(KINDS, 1):
            progs.append([f"p{c['code']}_{k}", f"“{city}{zh}”", f"{c['name_en']} {en}", c["code"]])
progs.append(["none", "以上都没听说过（都没参加过）", "None of these", "all"])
write("programmes.csv", ["name", "label::zh", "label::en", "city"], progs)
