"""Chinese labels of request fields, for error messages a person reads.

A field's own ``Field(title=...)`` / ``Query(title=...)`` wins; this glossary names every
field of the three services' requests otherwise (shared/tests checks none is missing).
Terms follow ../shared/design/DOMAIN.md.
"""

from __future__ import annotations

FIELD_LABELS: dict[str, str] = {
    "active": "是否启用", "activities": "活动情况", "activity": "活动", "amount_yuan": "金额（元）",
    "approved": "是否通过", "area_id": "片区", "assignee_id": "承办方", "assignee_kind": "承办方类型",
    "assignment_id": "包保",
    "available_only": "仅看可用", "beneficiaries": "受益人数", "building_id": "楼栋", "campaign_id": "考评",
    "capacity": "名额", "channel": "渠道", "claimant_id": "认领方", "caps": "积分上限", "category": "类别", "claim_deadline": "认领截止时间",
    "claim_id": "认领记录", "claim_opens_at": "开始认领时间", "claim_window_days": "认领期（天）",
    "claimant_kinds": "认领方类型", "closes": "结束时间", "closes_at": "截止时间", "commendation_top": "表彰名额",
    "comment": "评语", "commitments": "共建承诺", "community_id": "社区", "content": "内容", "count": "人数",
    "credit_code": "统一社会信用代码", "day": "每日", "decisions": "议定事项", "default_hourly": "默认每小时积分",
    "demand_id": "需求", "description": "说明", "district_id": "区", "dry_run": "试导入", "due_at": "截止时间",
    "duty_date": "值守日期", "effective_from": "生效日期", "entry_id": "积分记录",
    "escalate_after_hours": "逾期上报时限（小时）", "file": "文件", "five_star": "五星标准", "fmt": "格式",
    "format": "格式", "fulfil_within_days": "完成期限（天）", "grade": "等次", "grid_id": "网格",
    "health": "健康度", "held_at": "举行时间", "holder_id": "积分主体", "holder_kind": "积分主体类型",
    "holder_name": "责任人姓名", "home_community_id": "居住社区", "hourly": "每小时积分", "hours": "服务时长（小时）",
    "id": "编号", "Idempotency-Key": "幂等键", "id_number": "身份证号", "include_retired": "含离退休党员", "item": "服务事项", "item_id": "服务事项",
    "job_id": "导入任务", "joint_activity": "联合活动", "kind": "类型", "last": "最近条数",
    "last_event_id": "上次事件编号", "Last-Event-ID": "上次事件编号", "leader": "负责人", "limit": "条数",
    "location": "地址", "max_open_claims": "同时认领上限", "meeting_id": "会议", "member_id": "党员",
    "metric": "指标", "mode": "方式", "month": "月份", "name": "名称", "note": "备注", "offset": "起始位置",
    "on_bad_rows": "错误行处理方式", "opening_hours": "开放时间", "opens": "开始时间", "outcome": "办理结果",
    "owner_id": "责任方", "owner_kind": "责任方类型", "paired_community_id": "结对社区", "parent_id": "上级",
    "participant_ids": "参加人员", "party_org": "党组织名称", "period": "期间", "period_end": "结束时间",
    "period_start": "开始时间", "phone": "手机号", "place": "地区", "place_id": "地区", "position": "职务",
    "rating": "评价", "reason": "原因", "remind_before_hours": "提前提醒（小时）", "report_kind": "报到类型",
    "reported": "是否已报到", "required_specialties": "所需专长", "resource_id": "资源", "reviewed_id": "被评议方",
    "reviewer_id": "评议方", "satisfied": "是否满意", "scope": "范围", "score": "评分", "signed_on": "签订日期",
    "specialties": "专长", "specialty": "专长", "status": "状态", "street_id": "街道", "suggestion_id": "意见建议",
    "summary": "小结", "target_kind": "联系对象类型", "target_name": "联系对象", "task_id": "任务",
    "team_id": "服务队", "title": "标题", "to_community_id": "转入社区", "token": "令牌", "top": "名额",
    "topic": "议题", "types": "事件类型", "unit_id": "单位", "urgency": "紧急程度", "wait": "等待完成",
    "weekdays": "星期", "wish_id": "微心愿", "work_unit_id": "工作单位", "year": "年度", "year_end": "年终",
    "code": "验证码", "days": "有效天数", "id_token": "身份令牌", "ids": "编号列表", "oidc_sub": "统一身份账号", "password": "密码",
    "path": "路径", "person_id": "人员", "places": "管辖地点", "q": "关键词", "resident_id": "居民", "role": "角色",
    "scale": "放大倍数", "service": "服务", "subject_id": "查看对象", "t": "签到令牌", "username": "用户名",
}
