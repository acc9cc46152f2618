from django.db import models


class Sector(models.TextChoices):
    FREIGHT = "freight", "道路普通货物运输"
    PASSENGER = "passenger", "道路旅客运输"
    DANGEROUS_GOODS = "dangerous_goods", "道路危险货物运输"
    RIDE_HAILING = "ride_hailing", "网络预约出租汽车"
    TAXI = "taxi", "巡游出租汽车"
    MAINTENANCE = "maintenance", "机动车维修"
    CARGO_SOURCE = "cargo_source", "货运源头单位"
    FREIGHT_STATION = "freight_station", "道路货物运输站（场）"
    DRIVING_SCHOOL = "driving_school", "机动车驾驶员培训"
    OTHER = "other", "其他"


class PlateColour(models.TextChoices):
    BLUE = "blue", "蓝色"
    YELLOW = "yellow", "黄色"
    GREEN = "green", "绿色（小型新能源）"
    YELLOW_GREEN = "yellow_green", "黄绿色（大型新能源）"
    WHITE = "white", "白色"
    BLACK = "black", "黑色"


class VehicleKind(models.TextChoices):
    TRUCK = "truck", "货车"
    COMBINATION = "combination", "汽车列车（牵引车+挂车）"
    TRAILER = "trailer", "挂车"
    BUS = "bus", "客车"
    TAXI = "taxi", "出租汽车"
    RIDE_HAILING = "ride_hailing", "网约车"
    OTHER = "other", "其他"


class OverrideKind(models.TextChoices):
    USCC_CHECKSUM = "uscc_checksum", "统一社会信用代码校验不通过但经核实为真实代码"
