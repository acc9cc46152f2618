from django.db import models


class JobStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "进行中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


class CalendarDayKind(models.TextChoices):
    HOLIDAY = "holiday", "休息日（法定节假日或调休）"
    WORKDAY = "workday", "工作日（调休上班）"
