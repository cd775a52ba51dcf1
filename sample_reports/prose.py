"""Invented prose for the fictional sample reports (no text taken from real reports).

``prose(report)`` returns the intro paragraph and, per section id, a list of ('sub'|'para', text).
Figures quoted in the prose are taken from the clean numbers, so they agree with the tables.
Only figures that no defective variant touches are quoted (so a defect stays one defect).
"""
from model import PERSON_COLS


def _figures(report):
    apps, appeals = report['applications'], report['appeals']['count']
    return {
        'year': report['year'], 'next': report['year'] + 1, 'organ': report['organ'],
        'new': apps['new']['total'], 'new_np': apps['new']['natural_person'],
        'new_legal': sum(apps['new'][c] for c in PERSON_COLS[1:]),
        'co': apps['carried_over']['total'], 'done': apps['total']['total'], 'cf': apps['carried_forward']['total'],
        'granted': apps['granted']['total'] + apps['partial']['total'],
        'suits': appeals['direct_suit_total'] + appeals['suit_after_review_total'],
    }


def _government_2021(f, report):
    nd = report['disclosure']['normative_documents']
    intro = (f'本报告由{f["organ"]}办公室依据《中华人民共和国政府信息公开条例》（以下简称《条例》）和'
             f'《中华人民共和国政府信息公开工作年度报告格式》（国办公开办函〔2021〕30号）编制，'
             f'分为总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、'
             f'存在的主要问题及改进情况、其他需要报告的事项六个部分。所列数据的统计期限为{f["year"]}年1月1日至'
             f'{f["year"]}年12月31日。本报告电子版可在青禾县人民政府门户网站“政府信息公开”专栏查阅，'
             f'如对本报告有疑问，请与{f["organ"]}办公室政务公开股联系。')
    overview = [
        ('para', f'{f["year"]}年，{f["organ"]}把政务公开作为转变政府职能、服务群众的一项基础工作，'
                 f'围绕全县乡村振兴、农村公路建设和民生实事项目，推动决策、执行、管理、服务、结果公开，'
                 f'全县政府信息公开工作总体平稳有序。'),
        ('sub', '（一）主动公开情况'),
        ('para', f'全年通过县政府门户网站、“青禾发布”政务新媒体和县政务服务中心公开查阅点主动公开政府信息2316条。'
                 f'本年制发行政规范性文件{nd["issued"]}件，均在印发后20个工作日内向社会公开；现行有效的'
                 f'{nd["in_force"]}件行政规范性文件已在规范性文件库中集中发布并逐件标注有效性。围绕义务教育招生、'
                 f'农村公路养护、困难群众救助等事项编发政策解读37篇，其中图解和短视频解读19篇。'),
        ('sub', '（二）依申请公开情况'),
        ('para', f'全年共收到政府信息公开申请{f["new"]}件，其中自然人提出{f["new_np"]}件，法人或其他组织提出'
                 f'{f["new_legal"]}件；上年结转{f["co"]}件。本年度办结{f["done"]}件，其中予以公开和部分公开'
                 f'{f["granted"]}件，结转下年度继续办理{f["cf"]}件。拟作出不予公开、无法提供答复的，'
                 f'均经县司法局法律顾问审核后答复。本年度因政府信息公开工作被提起行政诉讼{f["suits"]}件。'),
        ('sub', '（三）政府信息管理情况'),
        ('para', '各单位在公文拟制环节标注公开属性，未标注的文件不予签发。年内对2019年以来印发的文件进行了一次清理，'
                 '对已失效、已废止的文件在网上作出标注，并同步更新政府信息公开指南和公开目录。'),
        ('sub', '（四）政府信息公开平台建设情况'),
        ('para', '优化县政府门户网站栏目设置，新增“乡镇公开”“村务公开”两个专题，统一十一个乡镇的信息发布模板。'
                 '对全县政务新媒体开展季度巡查，关停长期不更新的账号2个，整改错别字、失效链接等问题46处。'),
        ('sub', '（五）监督保障情况'),
        ('para', '县政府成立由分管副县长任组长的政务公开工作领导小组，县政府办公室每季度通报一次各单位公开情况。'
                 '全年举办政务公开业务培训2期，参训人员150余人次。'),
    ]
    problems = [
        ('para', f'上年度报告指出的政策解读不够及时的问题已完成整改，{f["year"]}年重要政策文件均在印发后3个工作日内发布解读。'),
        ('para', '（一）存在的问题。一是部分乡镇和部门的公开栏目更新不够及时，存在重建设、轻维护的现象；'
                 '二是政策解读仍以文字为主，针对性和可读性有待提高；三是依申请公开答复文书的说理还不够充分。'),
        ('para', f'（二）改进措施。{f["next"]}年，县政府将建立栏目更新提醒机制，按月通报更新情况；'
                 '推广图解、问答和短视频等解读形式，由起草科室负责人参与解读；编制依申请公开答复文书参考范本，'
                 '定期组织答复案例研讨，进一步提高答复质量。'),
    ]
    other = [
        ('para', '（一）信息处理费收取情况。本年度未依据《政府信息公开信息处理费管理办法》收取信息处理费。'),
        ('para', f'（二）工作考核、社会评议和责任追究结果情况。{f["year"]}年，县政府将政务公开工作纳入对各乡镇、'
                 '各部门的年度绩效考核，考核结果在全县通报；通过门户网站开展政务公开网上评议，收到有效评价412份，'
                 '总体满意率为93.2%；本年度未发生因政府信息公开工作被追究责任的情况。'),
    ]
    return intro, {'overview': overview, 'problems': problems, 'other': other}


def _department_2019(f, report):
    nd = report['disclosure']['normative_documents']
    intro = (f'本报告依据《中华人民共和国政府信息公开条例》和《政府信息公开工作年度报告格式（试行）》'
             f'（国办公开办函〔2019〕60号）的要求，由{f["organ"]}编制。报告中所列数据的统计期限自{f["year"]}年1月1日起'
             f'至{f["year"]}年12月31日止。如对本报告有疑问，请与{f["organ"]}办公室联系。')
    overview = [
        ('para', f'{f["year"]}年，{f["organ"]}按照县政府关于政务公开工作的部署，结合交通运输行业特点，'
                 f'重点做好农村公路建设、道路运输管理、交通运输执法等方面的信息公开，及时回应群众关切。'),
        ('para', f'一是做好主动公开。全年在县政府门户网站本局栏目发布各类信息284条，制发并公开规范性文件'
                 f'{nd["made"]}件，在网上集中公开现行有效的规范性文件{nd["total_published"]}件。'
                 '农村公路建设项目的计划、招标、施工和验收情况按节点逐项公开。'),
        ('para', f'二是规范依申请公开。全年共收到政府信息公开申请{f["new"]}件，上年结转{f["co"]}件，'
                 f'办结{f["done"]}件，结转下年度继续办理{f["cf"]}件。申请主要涉及道路征迁补偿和客运线路调整。'),
        ('para', '三是加强监督保障。明确分管领导和具体承办人员，把政务公开纳入各股室年度考核，'
                 '全年组织内部培训3次。'),
    ]
    problems = [
        ('para', '主要问题是：行业信息公开的及时性还有差距，部分执法信息在网上发布晚于规定时限；'
                 '公开内容以文件转发为主，与群众出行相关的服务信息不够丰富。'),
        ('para', f'改进措施：{f["next"]}年，我局将建立执法信息网上发布台账，明确发布时限和责任人；'
                 '增加客运班线、公路施工路段绕行等便民信息的公开，方便群众出行。'),
    ]
    other = [('para', '本年度无其他需要报告的事项。')]
    return intro, {'overview': overview, 'problems': problems, 'other': other}


def prose(report):
    f = _figures(report)
    if report['kind'] == 'government':
        return _government_2021(f, report)
    return _department_2019(f, report)
