"""Fictional sample cases, one per scenario (pure).

Used by the tests, the document gallery and the benchmark until the case database exists.
Names, plates and numbers are invented; provision texts are quoted from the statute files in
``/work/shared/legal/texts`` (LawRefBook snapshot) or, for the 网约车 rule, from the 2022
amendment text quoted in FACTS-ADDENDUM §7. Texts not seen verbatim are left empty (the
composer then cites the article without quoting it).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from .context import (
    AgencyInfo,
    Circumstances,
    ClosingInfo,
    CorrectionInfo,
    DecisionInfo,
    DocumentContext,
    EvidenceItem,
    FilingInfo,
    FineRange,
    HearingInfo,
    InquiryRecord,
    NoticeRights,
    Officer,
    PartyInfo,
    PaymentInfo,
    PersonInfo,
    Provision,
    QAPair,
    ServiceInfo,
    SiteRecord,
    Statement,
    TraceStep,
    VehicleInfo,
)

GLAQ = "《公路安全保护条例》"
CXGD = "《超限运输车辆行驶公路管理规定》"
DLYS = "《中华人民共和国道路运输条例》"
XZCF = "《中华人民共和国行政处罚法》"
GLF = "《中华人民共和国公路法》"
WYC = "《网络预约出租汽车经营服务管理暂行办法》"

AGENCY = AgencyInfo(
    name="南召县交通运输综合行政执法大队",
    seal_name="南召县交通运输局",
    address="河南省南阳市南召县城关镇人民路88号",
    phone="0377-66200000",
    region_code="411321",
    region_name="河南省南阳市南召县",
    review_body="南召县人民政府",
    court="南召县人民法院",
    bank_name="中国农业银行南召县支行",
    bank_account="16-123401040000001",
    epay_hint="河南省非税收入电子缴款系统",
)

OFFICERS = (Officer("王建国", "豫交执41130001"), Officer("李明", "豫交执41130002"))

P_GLAQ_33 = Provision(
    GLAQ,
    "第三十三条",
    "超过公路、公路桥梁、公路隧道限载、限高、限宽、限长标准的车辆，不得在公路、公路桥梁或者公路隧道行驶；"
    "超过汽车渡船限载、限高、限宽、限长标准的车辆，不得使用汽车渡船。",
    "2011-07-01",
)
P_GLAQ_64 = Provision(
    GLAQ,
    "第六十四条",
    "违反本条例的规定，在公路上行驶的车辆，车货总体的外廓尺寸、轴荷或者总质量超过公路、公路桥梁、"
    "公路隧道、汽车渡船限定标准的，由公路管理机构责令改正，可以处3万元以下的罚款。",
    "2011-07-01",
)
P_CXGD_43 = Provision(CXGD, "第四十三条第一款第（二）项", "", "2016")
P_DLYS_24 = Provision(DLYS, "第二十四条", "", "2023-07-20")
P_DLYS_63_1 = Provision(
    DLYS,
    "第六十三条第（一）项",
    "未取得道路运输经营许可，擅自从事道路普通货物运输经营，违法所得超过1万元的，没收违法所得，"
    "处违法所得1倍以上5倍以下的罚款；没有违法所得或者违法所得不足1万元的，处3000元以上1万元以下的罚款，"
    "情节严重的，处1万元以上5万元以下的罚款",
    "2023-07-20",
)
P_WYC_34_2 = Provision(
    WYC,
    "第三十四条第一款第（二）项",
    "未取得《网络预约出租汽车运输证》的，对当事人处以3000元以上10000元以下罚款",
    "2022-11-30",
)
P_GLAQ_43 = Provision(
    GLAQ,
    "第四十三条",
    "车辆应当规范装载，装载物不得触地拖行。车辆装载物易掉落、遗洒或者飘散的，应当采取厢式密闭等有效"
    "防护措施方可在公路上行驶。",
    "2011-07-01",
)
P_GLAQ_69 = Provision(
    GLAQ,
    "第六十九条",
    "车辆装载物触地拖行、掉落、遗洒或者飘散，造成公路路面损坏、污染的，由公路管理机构责令改正，处5000元以下的罚款。",
    "2011-07-01",
)
P_XZCF_33 = Provision(
    XZCF,
    "第三十三条第一款",
    "违法行为轻微并及时改正，没有造成危害后果的，不予行政处罚。初次违法且危害后果轻微并及时改正的，可以不予行政处罚。",
    "2021-07-15",
)
P_GLF_44 = Provision(GLF, "第四十四条第一款", "任何单位和个人不得擅自占用、挖掘公路。", "2017-11-04")
P_GLF_76 = Provision(
    GLF,
    "第七十六条第（一）项",
    "违反本法第四十四条第一款规定，擅自占用、挖掘公路的",
    "2017-11-04",
)


def offsite_overload() -> DocumentContext:
    return DocumentContext(
        agency=AGENCY,
        case_number="南召交执罚〔2026〕0001号",
        document_number="南召交执罚决〔2026〕0001号",
        document_type="penalty_decision",
        scenario="offsite_overload",
        party=PartyInfo(
            kind="organisation",
            name="南召县顺达物流有限公司",
            uscc="91350200776049653A",
            legal_representative="赵德胜",
            address="河南省南阳市南召县皇后乡工业园区6号",
            phone="13903770001",
            sector="freight",
        ),
        vehicle=VehicleInfo(
            plate="豫R12345", plate_colour="yellow", axles=6, kind="重型半挂牵引车", transport_cert_no="411321000001"
        ),
        driver=PersonInfo(name="孙大伟", id_number="411321********1234", qualification_no="411321199001011234"),
        filing_date=date(2026, 3, 2),
        violation_date=date(2026, 2, 26),
        violation_time=datetime(2026, 2, 26, 10, 42),
        violation_place="G207线K1120+300处南召县治超检测点",
        notice_date=date(2026, 3, 5),
        decision_date=date(2026, 3, 20),
        service_date=date(2026, 3, 20),
        issue_date=date(2026, 3, 20),
        facts_text=(
            "2026年2月26日10时42分，当事人所属的豫R12345号重型半挂牵引车（6轴）载运砂石，"
            "行驶至G207线K1120+300处南召县治超检测点，车货总质量超过公路限定标准"
        ),
        facts={"gross_weight_kg": 55000, "limit_kg": 49000, "over_kg": 6000, "over_percent": 12.2},
        evidence=(
            EvidenceItem(
                1,
                "电子数据",
                "南召县治超检测点动态称重设备检测记录及车辆照片、视频",
                datetime(2026, 2, 26, 10, 42),
                "王建国",
                "G207线K1120+300处南召县治超检测点",
            ),
            EvidenceItem(2, "书证", "动态称重设备检定证书（有效期内）", date(2026, 3, 2), "李明"),
            EvidenceItem(3, "书证", "车辆行驶证、道路运输证复印件", date(2026, 3, 5), "王建国"),
            EvidenceItem(4, "当事人陈述", "当事人委托代理人的询问笔录", date(2026, 3, 5), "李明"),
        ),
        decision=DecisionInfo(
            outcome="penalty",
            sanctions=("fine",),
            fine_yuan=3000,
            fine_range=FineRange(0, 30000, 3000),
            severity="ordinary",
            trace=(
                TraceStep(
                    provision=P_CXGD_43,
                    tier="超限1000千克以上",
                    condition="车货总质量超过限定标准1000千克以上的，每超过1000千克罚款500元，最高不超过3万元",
                    facts_used={"over_kg": 6000, "over_units": 6},
                    result="按6个计罚单位计算，罚款3000元",
                ),
            ),
            catalog_version="HN-2026.1",
            benchmark_title="《河南省交通运输行政处罚裁量基准》",
            item_code="overload.weight",
            item_name="车辆违法超限运输",
            other_orders=("责令当事人改正违法行为",),
        ),
        violated=(P_GLAQ_33,),
        penalty_provisions=(P_GLAQ_64, P_CXGD_43),
        officers=OFFICERS,
        statements=(
            Statement(
                date(2026, 3, 8),
                "defence",
                "车辆装载由货主安排，驾驶员不清楚实际重量",
                "not_adopted",
                "车辆所有人对车辆装载负有管理责任，货主安排装载不能免除车辆所有人的责任",
            ),
        ),
        circumstances=Circumstances(
            first_offence=True, corrected=True, correction_note="自行卸载超限部分货物", cooperative=True
        ),
        payment=PaymentInfo(due_date=date(2026, 4, 4)),
        service=ServiceInfo(method="直接送达", place="南召县交通运输综合行政执法大队", recipient="赵德胜"),
        related_numbers={"penalty_notice": "南召交执通〔2026〕0001号"},
    )


def onsite_road_transport() -> DocumentContext:
    return DocumentContext(
        agency=AGENCY,
        case_number="南召交执罚〔2026〕0002号",
        document_number="南召交执罚决〔2026〕0002号",
        document_type="penalty_decision",
        scenario="onsite_road_transport",
        party=PartyInfo(
            kind="person",
            name="张保田",
            id_number="411321198507151234",
            address="河南省南阳市南召县白土岗镇西街12号",
            phone="13837700002",
            gender="男",
            age=40,
            occupation="个体货车司机",
            sector="freight",
        ),
        vehicle=VehicleInfo(plate="豫R6Z823", plate_colour="yellow", axles=2, kind="重型厢式货车"),
        driver=PersonInfo(name="张保田", id_number="411321198507151234"),
        filing_date=date(2026, 4, 2),
        violation_date=date(2026, 4, 1),
        violation_time=datetime(2026, 4, 1, 9, 15),
        violation_place="南召县城关镇S231线南召县交通运输执法检查站",
        notice_date=date(2026, 4, 8),
        decision_date=date(2026, 4, 20),
        service_date=date(2026, 4, 21),
        issue_date=date(2026, 4, 20),
        facts_text=(
            "2026年4月1日9时15分，当事人驾驶豫R6Z823号重型厢式货车从事道路普通货物运输经营，"
            "在S231线南召县交通运输执法检查站接受检查时，不能出示道路运输经营许可证件，"
            "经查询，当事人未取得道路运输经营许可"
        ),
        evidence=(
            EvidenceItem(
                1, "现场笔录", "现场检查笔录", datetime(2026, 4, 1, 9, 30), "王建国", "S231线南召县交通运输执法检查站"
            ),
            EvidenceItem(2, "当事人陈述", "当事人询问笔录", datetime(2026, 4, 1, 10, 5), "李明"),
            EvidenceItem(3, "书证", "托运单及运费收据", date(2026, 4, 1), "王建国"),
            EvidenceItem(4, "视听资料", "执法记录仪视频", datetime(2026, 4, 1, 9, 15), "李明"),
        ),
        decision=DecisionInfo(
            outcome="penalty",
            sanctions=("fine",),
            fine_yuan=3000,
            fine_range=FineRange(3000, 10000, 3000),
            severity="minor",
            lists=("lighter",),
            trace=(
                TraceStep(
                    provision=P_DLYS_63_1,
                    tier="无违法所得或者违法所得不足1万元",
                    condition="没有违法所得或者违法所得不足1万元的，处3000元以上1万元以下的罚款",
                    facts_used={"illegal_income_yuan": 200},
                    result="适用3000元至10000元的罚款幅度",
                ),
                TraceStep(
                    tier="首次被查处",
                    condition="首次被查处、主动配合调查且已停止经营的，在幅度内从轻处罚",
                    facts_used={"first_offence": True, "cooperative": True},
                    result="罚款3000元",
                ),
            ),
            catalog_version="HN-2026.1",
            benchmark_title="《河南省交通运输行政处罚裁量基准》",
            item_code="road_transport.unlicensed_freight",
            item_name="未取得道路运输经营许可擅自从事道路普通货物运输经营",
            illegal_income_yuan=200,
            other_orders=("责令当事人停止经营",),
        ),
        violated=(P_DLYS_24,),
        penalty_provisions=(P_DLYS_63_1,),
        officers=OFFICERS,
        statements=(Statement(date(2026, 4, 10), "waived"),),
        circumstances=Circumstances(
            first_offence=True, corrected=True, correction_note="停止了无证经营行为", cooperative=True
        ),
        payment=PaymentInfo(due_date=date(2026, 5, 6)),
        inquiry=InquiryRecord(
            started_at=datetime(2026, 4, 1, 10, 5),
            ended_at=datetime(2026, 4, 1, 10, 40),
            place="南召县交通运输执法检查站询问室",
            interviewee=PersonInfo(
                name="张保田",
                id_number="411321198507151234",
                phone="13837700002",
                gender="男",
                age=40,
                address="河南省南阳市南召县白土岗镇西街12号",
            ),
            inquirers=("王建国", "李明"),
            recorder="李明",
            qa=(
                QAPair(
                    "我们是南召县交通运输综合行政执法大队的执法人员，这是我们的执法证件，请过目。你是否看清楚？",
                    "看清楚了。",
                ),
                QAPair("你是否申请执法人员回避？", "不申请。"),
                QAPair("你驾驶的车辆是否取得道路运输经营许可？", "没有办理。"),
                QAPair("这次运输是否收取运费？", "收了，运费200元。"),
                QAPair("以上笔录是否属实？", "属实。"),
            ),
        ),
        site=SiteRecord(
            started_at=datetime(2026, 4, 1, 9, 15),
            ended_at=datetime(2026, 4, 1, 9, 30),
            place="S231线南召县交通运输执法检查站",
            present="当事人张保田",
            content=(
                "执法人员出示执法证件后对豫R6Z823号重型厢式货车进行检查。车辆装载日用百货，"
                "驾驶人张保田不能出示道路运输经营许可证件，称本次运输收取运费200元。执法人员全程使用执法记录仪记录。"
            ),
        ),
        filing=FilingInfo(
            source="行政检查中发现",
            summary="当事人涉嫌未取得道路运输经营许可擅自从事道路普通货物运输经营",
            approver="陈志强",
        ),
        rights=NoticeRights(statement_days=5, hearing_offered=False),
        related_numbers={"penalty_notice": "南召交执通〔2026〕0002号"},
    )


def ride_hailing() -> DocumentContext:
    return DocumentContext(
        agency=AGENCY,
        case_number="南召交执罚〔2026〕0003号",
        document_number="南召交执罚决〔2026〕0003号",
        document_type="penalty_decision",
        scenario="ride_hailing",
        party=PartyInfo(
            kind="person",
            name="李文华",
            id_number="411321199203041234",
            address="河南省南阳市南召县城关镇新华路3号",
            phone="13937700003",
            gender="女",
            age=34,
            sector="ride_hailing",
        ),
        vehicle=VehicleInfo(plate="豫RD12345", plate_colour="green", kind="小型新能源轿车"),
        filing_date=date(2026, 5, 6),
        violation_date=date(2026, 5, 5),
        violation_time=datetime(2026, 5, 5, 18, 20),
        violation_place="南召县城关镇人民路与新华路交叉口",
        notice_date=date(2026, 5, 12),
        decision_date=date(2026, 5, 25),
        service_date=date(2026, 5, 25),
        issue_date=date(2026, 5, 25),
        facts_text=(
            "2026年5月5日18时20分，当事人驾驶豫RD12345号小型新能源轿车，通过网约车平台接单，"
            "在南召县城关镇人民路与新华路交叉口搭载乘客，该车未取得《网络预约出租汽车运输证》"
        ),
        evidence=(
            EvidenceItem(1, "现场笔录", "现场检查笔录", datetime(2026, 5, 5, 18, 30), "王建国"),
            EvidenceItem(2, "电子数据", "网约车平台订单截图", datetime(2026, 5, 5, 18, 25), "李明"),
            EvidenceItem(3, "证人证言", "乘客询问笔录", datetime(2026, 5, 5, 18, 40), "王建国"),
            EvidenceItem(4, "当事人陈述", "当事人询问笔录", date(2026, 5, 6), "李明"),
        ),
        decision=DecisionInfo(
            outcome="penalty",
            sanctions=("warning", "fine"),
            fine_yuan=3000,
            fine_range=FineRange(3000, 10000, 3000),
            severity="minor",
            trace=(
                TraceStep(
                    provision=P_WYC_34_2,
                    tier="轻微",
                    condition="初次被查处且订单数量较少的，予以警告，处3000元罚款",
                    facts_used={"orders": 1, "first_offence": True},
                    result="予以警告，罚款3000元",
                ),
            ),
            catalog_version="HN-2026.1",
            benchmark_title="《河南省交通运输行政处罚裁量基准》",
            item_code="ride_hailing.no_vehicle_permit",
            item_name="未取得网络预约出租汽车运输证从事网约车经营",
        ),
        violated=(P_WYC_34_2,),
        penalty_provisions=(P_WYC_34_2,),
        officers=OFFICERS,
        statements=(
            Statement(
                date(2026, 5, 14),
                "statement",
                "已在办理运输证，只是偶尔接单补贴家用",
                "partly_adopted",
                "当事人系初次违法、接单数量少，已在裁量时考虑；但未取得运输证从事经营的事实清楚",
            ),
        ),
        circumstances=Circumstances(first_offence=True, corrected=True, correction_note="停止接单并申请办理运输证"),
        payment=PaymentInfo(due_date=date(2026, 6, 9)),
        related_numbers={"penalty_notice": "南召交执通〔2026〕0003号"},
    )


def first_offence_no_penalty() -> DocumentContext:
    return DocumentContext(
        agency=AGENCY,
        case_number="南召交执罚〔2026〕0004号",
        document_number="南召交执不罚〔2026〕0001号",
        document_type="no_penalty_decision",
        scenario="first_offence_no_penalty",
        party=PartyInfo(
            kind="organisation",
            name="南召县宏远建材有限公司",
            uscc="91350500798359476R",
            legal_representative="周宏远",
            address="河南省南阳市南召县云阳镇建材市场8号",
            phone="13703770004",
            sector="freight",
        ),
        vehicle=VehicleInfo(plate="豫R3K862", plate_colour="yellow", axles=3, kind="重型自卸货车"),
        driver=PersonInfo(name="刘振华", id_number="411321********5678"),
        filing_date=date(2026, 4, 16),
        violation_date=date(2026, 4, 15),
        violation_time=datetime(2026, 4, 15, 14, 5),
        violation_place="S231线K35+200处",
        decision_date=date(2026, 4, 28),
        service_date=date(2026, 4, 28),
        issue_date=date(2026, 4, 28),
        facts_text=(
            "2026年4月15日14时5分，当事人所属的豫R3K862号重型自卸货车在S231线K35+200处行驶时，"
            "车辆装载的砂土遗洒，污染路面约12平方米；当事人在执法人员要求的期限内清除了遗洒物"
        ),
        facts={"area_m2": 12, "first_offence": True, "corrected": True},
        evidence=(
            EvidenceItem(1, "现场笔录", "现场勘验笔录及现场照片", datetime(2026, 4, 15, 14, 20), "王建国"),
            EvidenceItem(2, "当事人陈述", "驾驶人询问笔录", datetime(2026, 4, 15, 15, 0), "李明"),
            EvidenceItem(3, "电子数据", "执法信息系统违法记录查询结果", date(2026, 4, 16), "李明"),
        ),
        decision=DecisionInfo(
            outcome="no_penalty",
            severity="minor",
            lists=("first_offence_waiver",),
            trace=(
                TraceStep(
                    provision=P_XZCF_33,
                    tier="首违不罚",
                    condition="初次违法且危害后果轻微并及时改正的，可以不予行政处罚",
                    facts_used={"first_offence": True, "corrected": True, "area_m2": 12},
                    result="不予行政处罚",
                ),
            ),
            catalog_version="HN-2026.1",
            benchmark_title="《河南省交通运输领域轻微违法行为不予处罚清单》",
            item_code="highway.spillage",
            item_name="车辆装载物遗洒污染公路路面",
            other_orders=("责令当事人改正违法行为",),
        ),
        violated=(P_GLAQ_43,),
        penalty_provisions=(P_GLAQ_69, P_XZCF_33),
        officers=OFFICERS,
        circumstances=Circumstances(
            first_offence=True, corrected=True, correction_note="在规定期限内清除了遗洒物", cooperative=True
        ),
        statements=(Statement(date(2026, 4, 20), "waived"),),
        correction=CorrectionInfo(
            requirement="立即清除遗洒物，今后运输砂土时采取厢式密闭等有效防护措施",
            deadline=date(2026, 4, 15),
            basis=P_GLAQ_69,
        ),
    )


def highway_admin() -> DocumentContext:
    return DocumentContext(
        agency=AGENCY,
        case_number="南召交执罚〔2026〕0005号",
        document_number="南召交执罚决〔2026〕0005号",
        document_type="penalty_decision",
        scenario="highway_admin",
        party=PartyInfo(
            kind="organisation",
            name="南召县兴旺农资经营部",
            uscc="91440101MA5CJQ4N59",
            legal_representative="钱兴旺",
            address="河南省南阳市南召县留山镇街道18号",
            phone="13603770005",
            sector="highway_user",
        ),
        filing_date=date(2026, 6, 3),
        violation_date=date(2026, 6, 1),
        violation_place="G207线K1098+450至K1098+520路段",
        notice_date=date(2026, 6, 10),
        decision_date=date(2026, 6, 24),
        service_date=date(2026, 6, 24),
        issue_date=date(2026, 6, 24),
        facts_text=(
            "当事人未经许可，自2026年6月1日起在G207线K1098+450至K1098+520路段的公路路肩上堆放化肥，"
            "占用公路约70平方米；执法人员于2026年6月3日责令其限期清除，当事人逾期未清除"
        ),
        facts={"area_m2": 70},
        evidence=(
            EvidenceItem(1, "勘验笔录", "现场勘验笔录及现场照片", datetime(2026, 6, 3, 9, 0), "王建国"),
            EvidenceItem(2, "书证", "责令改正违法行为通知书及送达回证", date(2026, 6, 3), "李明"),
            EvidenceItem(3, "当事人陈述", "当事人法定代表人询问笔录", date(2026, 6, 8), "李明"),
        ),
        decision=DecisionInfo(
            outcome="penalty",
            sanctions=("fine",),
            fine_yuan=5000,
            fine_range=FineRange(0, 30000, 5000),
            severity="ordinary",
            trace=(
                TraceStep(
                    provision=P_GLF_76,
                    tier="较轻",
                    condition="逾期未整改，未造成危害后果的，处1万元以下罚款",
                    facts_used={"area_m2": 70},
                    result="罚款5000元",
                ),
            ),
            catalog_version="HN-2026.1",
            benchmark_title="《河南省交通运输行政处罚裁量基准》",
            item_code="highway.excavation",
            item_name="擅自占用公路",
            other_orders=("责令当事人停止违法行为，立即清除堆放物",),
        ),
        violated=(P_GLF_44,),
        penalty_provisions=(P_GLF_76,),
        officers=OFFICERS,
        statements=(),
        circumstances=Circumstances(first_offence=True, corrected=False),
        payment=PaymentInfo(due_date=date(2026, 7, 9)),
        correction=CorrectionInfo(
            requirement="立即停止占用公路，清除堆放在公路路肩上的化肥",
            deadline=date(2026, 6, 5),
            basis=P_GLF_76,
        ),
        related_numbers={"correction_order": "南召交执责改〔2026〕0001号"},
    )


SAMPLES = {
    "offsite_overload": offsite_overload,
    "onsite_road_transport": onsite_road_transport,
    "ride_hailing": ride_hailing,
    "first_offence_no_penalty": first_offence_no_penalty,
    "highway_admin": highway_admin,
}


def sample(scenario: str, document_type: str | None = None, **changes: object) -> DocumentContext:
    ctx = SAMPLES[scenario]()
    if document_type:
        ctx = ctx.with_document(document_type, ctx.document_number if document_type == ctx.document_type else "")
    return replace(ctx, **changes) if changes else ctx


def full_case() -> DocumentContext:
    """A case with every optional block filled (for rendering every document type)."""
    ctx = onsite_road_transport()
    return replace(
        ctx,
        hearing=HearingInfo(
            held_at=datetime(2026, 4, 16, 9, 30),
            place="南召县交通运输综合行政执法大队听证室",
            presiding="陈志强",
            clerk="刘洋",
            public=True,
            request_received_on=date(2026, 4, 9),
        ),
        service=ServiceInfo(
            method="直接送达",
            place="南召县交通运输综合行政执法大队",
            recipient="张保田",
            served_on=date(2026, 4, 21),
            documents=("行政处罚决定书 南召交执罚决〔2026〕0002号",),
        ),
        correction=CorrectionInfo(requirement="立即停止未经许可的道路普通货物运输经营", deadline=date(2026, 4, 1)),
        payment=PaymentInfo(due_date=date(2026, 5, 6), paid_on=date(2026, 5, 20), paid_yuan=3000, late_fee_yuan=1260),
        reminder_date=date(2026, 5, 12),
        closing=ClosingInfo(
            closed_on=date(2026, 5, 25),
            execution="当事人于2026年5月20日缴纳罚款3000元、加处罚款1260元，处罚决定已执行完毕",
            approver="陈志强",
        ),
    )


def summary_case() -> DocumentContext:
    """简易程序: a driver without a 网约车驾驶员证, fined 200 yuan on the spot."""
    base = ride_hailing()
    return replace(
        base,
        case_number="南召交执简〔2026〕0001号",
        document_number="南召交执简〔2026〕0001号",
        document_type="summary_penalty_decision",
        party=replace(base.party, name="周海涛", id_number="411321198811201234", gender="男", age=37),
        vehicle=VehicleInfo(plate="豫RD56789", plate_colour="green", kind="小型新能源轿车"),
        facts_text=(
            "2026年5月18日20时10分，当事人驾驶已取得运输证的豫RD56789号小型新能源轿车通过网约车平台接单"
            "并搭载乘客，当事人未取得《网络预约出租汽车驾驶员证》"
        ),
        violation_date=date(2026, 5, 18),
        violation_time=datetime(2026, 5, 18, 20, 10),
        violation_place="南召县城关镇人民路客运站门前",
        filing_date=None,
        notice_date=None,
        decision_date=date(2026, 5, 18),
        service_date=date(2026, 5, 18),
        issue_date=date(2026, 5, 18),
        evidence=(
            EvidenceItem(1, "现场笔录", "现场检查笔录", datetime(2026, 5, 18, 20, 15), "王建国"),
            EvidenceItem(2, "电子数据", "网约车平台订单截图", datetime(2026, 5, 18, 20, 12), "李明"),
        ),
        decision=DecisionInfo(
            outcome="penalty",
            sanctions=("warning", "fine"),
            fine_yuan=200,
            fine_range=FineRange(200, 2000, 200),
            severity="minor",
            procedure="summary",
            trace=(
                TraceStep(
                    provision=P_WYC_34_3,
                    tier="轻微",
                    condition="初次被查处的，予以警告，处200元罚款",
                    facts_used={"first_offence": True},
                    result="予以警告，罚款200元",
                ),
            ),
            catalog_version="HN-2026.1",
            benchmark_title="《河南省交通运输行政处罚裁量基准》",
            item_code="ride_hailing.no_driver_permit",
            item_name="未取得网络预约出租汽车驾驶员证从事网约车经营",
        ),
        violated=(P_WYC_34_3,),
        penalty_provisions=(P_WYC_34_3,),
        statements=(
            Statement(
                date(2026, 5, 18),
                "statement",
                "不知道需要办理驾驶员证",
                "not_adopted",
                "取得驾驶员证是从事网约车经营的法定条件",
            ),
        ),
        circumstances=Circumstances(first_offence=True, cooperative=True),
        payment=PaymentInfo(due_date=date(2026, 6, 2)),
        related_numbers={},
    )


P_WYC_34_3 = Provision(
    WYC,
    "第三十四条第一款第（三）项",
    "未取得《网络预约出租汽车驾驶员证》的，对当事人处以200元以上2000元以下罚款",
    "2022-11-30",
)

# Numbers of the documents of the full sample case (南召交执罚〔2026〕0002号).
FULL_NUMBERS = {
    "penalty_notice": "南召交执通〔2026〕0002号",
    "hearing_notice": "南召交执听〔2026〕0001号",
    "penalty_decision": "南召交执罚决〔2026〕0002号",
    "payment_reminder": "南召交执催〔2026〕0001号",
    "credit_repair_notice": "南召交执信〔2026〕0002号",
    "risk_prevention_notice": "南召交执风〔2026〕0002号",
}


def gallery_context(document_type: str) -> DocumentContext:
    """A complete, consistent context for each document type (gallery, tests, benchmark)."""
    if document_type == "no_penalty_decision":
        return first_offence_no_penalty()
    if document_type == "summary_penalty_decision":
        return summary_case()
    if document_type == "correction_order":
        ctx = highway_admin()
        return ctx.with_document(
            "correction_order", ctx.related_numbers["correction_order"], issue_date=date(2026, 6, 3)
        )
    full = full_case()
    ctx = full.with_document(
        document_type,
        FULL_NUMBERS.get(document_type, ""),
        related_numbers={**full.related_numbers, **FULL_NUMBERS},
    )
    if document_type == "penalty_notice":
        ctx = replace(ctx, issue_date=ctx.notice_date, statements=())
    elif document_type == "hearing_notice":
        assert full.hearing is not None
        ctx = replace(ctx, issue_date=full.hearing.request_received_on)
    elif document_type == "evidence_register":
        ctx = replace(
            ctx,
            evidence=tuple(
                replace(e, preserved=True, storage_place="南召县交通运输综合行政执法大队证据保管室")
                if e.number == 3
                else e
                for e in ctx.evidence
            ),
        )
    return ctx
