"""The demo program seeded on first start: the plan's pilot schools, people, invites used, some growth logs."""
from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import cache
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from program.clock import local_now
from program.growth_log import ActivityKind
from program.roles import Role
from program.roster import parse_roster, read_table
from storage import invites, logs, plumbing
from storage.models import Account, Person
from storage.roster import apply_roster

if TYPE_CHECKING:
    from bot.emulator import BotApiEmulator
    from handlers.kit import Services

UNIVERSITY = "山西大学"
PILOT_SCHOOLS = ("山西大学附属中学", "山西省实验中学", "太原市第五中学校", "太原师范学院附属中学", "太原市第十二中学校")
SUBJECTS = ("物理学", "数学", "计算机科学与技术")
USER_ID_BASE = 7_100_000_000  # fake Telegram user ids: this + the person's id
INVITE_DAYS = 30

# The same columns the office uses (see `yingcai roster import`): the demo goes through the real importer.
ROSTER_CSV = """姓名,角色,学校,学科,年级,导师,指导教师
周晓梅,管理员,,,,,
郭志强,导师,山西大学,物理学,,,
杨晓燕,导师,山西大学,数学,,,
王海涛,导师,山西大学,计算机科学与技术,,,
张丽萍,指导教师,山西大学附属中学,,,,
陈建军,指导教师,山西省实验中学,,,,
赵敏,指导教师,太原市第五中学校,,,,
孙卫东,指导教师,太原师范学院附属中学,,,,
李文娟,指导教师,太原市第十二中学校,,,,
王子涵,学生,山西大学附属中学,物理学,高一,郭志强,张丽萍
李思远,学生,山西大学附属中学,数学,高二,杨晓燕,张丽萍
刘雨桐,学生,山西省实验中学,计算机科学与技术,高一,王海涛,陈建军
张浩然,学生,山西省实验中学,物理学,高二,郭志强,陈建军
陈佳怡,学生,太原市第五中学校,数学,高一,杨晓燕,赵敏
杨博文,学生,太原师范学院附属中学,计算机科学与技术,高二,王海涛,孙卫东
赵欣然,学生,太原市第十二中学校,物理学,高一,郭志强,李文娟
"""

ROLE_ORDER = (Role.STUDENT, Role.TEACHER, Role.MENTOR, Role.OFFICE)


@dataclass(frozen=True)
class DemoLog:
    kind: ActivityKind
    did: str
    learned: str
    next_steps: str
    hours: float
    photo: int | None = None  # which demo photo is attached


LOGS: dict[str, tuple[DemoLog, ...]] = {
    "物理学": (
        DemoLog(ActivityKind.MENTOR_MEETING, "和郭老师第一次见面，讨论课题方向：用手机传感器测量单摆周期。",
                "了解了系统误差和偶然误差的区别，知道了实验要先做误差估计。", "整理实验方案，准备摆线和小球。", 2),
        DemoLog(ActivityKind.READING, "阅读《费曼物理学讲义》第一卷第 9 章（牛顿动力学定律）。",
                "费曼用很多生活中的例子讲清楚了为什么加速度和力成正比。", "读第 10 章，做书后的两道思考题。", 1.5),
        DemoLog(ActivityKind.RESEARCH, "在山西大学物理实验室测量单摆周期，共记录了 20 组数据。",
                "摆角小于 5° 时周期几乎不变，摆角变大后周期明显变长。", "用 Python 画出周期和摆角的关系图。", 3, 0),
        DemoLog(ActivityKind.LECTURE, "听了物理电子工程学院关于激光冷却原子的学术报告。",
                "激光可以让原子减速到接近绝对零度，这是量子精密测量的基础。", "查资料弄懂多普勒冷却的原理。", 2),
    ),
    "数学": (
        DemoLog(ActivityKind.MENTOR_MEETING, "和杨老师讨论数论入门书单，选定《初等数论》作为主线。",
                "数论里很多问题表述简单，但证明需要很巧妙的构造。", "每周读一章，做完习题再和老师讨论。", 1.5),
        DemoLog(ActivityKind.READING, "读完《初等数论》第二章，做了同余方程的习题。",
                "学会了用欧几里得算法求一次同余方程的解。", "整理错题，准备讨论班上讲一道题。", 2),
        DemoLog(ActivityKind.SEMINAR, "参加数学讨论班，讲解了费马小定理的两种证明。",
                "组合证明比代数证明更直观，同学们提了不少好问题。", "下次试着讲欧拉定理。", 2.5, 1),
    ),
    "计算机科学与技术": (
        DemoLog(ActivityKind.MENTOR_MEETING, "和王老师确定课题：用机器学习识别校园里的鸟类照片。",
                "一个好的课题要先想清楚数据从哪里来、怎样评价结果。", "先收集 300 张照片并做好标注。", 2),
        DemoLog(ActivityKind.RESEARCH, "整理了 300 张鸟类照片并完成标注，写了数据加载的 Python 代码。",
                "数据清洗比想象中花时间，标注标准要先统一。", "试着训练第一个分类模型。", 3, 1),
        DemoLog(ActivityKind.LECTURE, "听了关于大语言模型原理的科普报告。",
                "模型是通过预测下一个词来学习的，训练数据的质量非常重要。", "读报告里推荐的综述文章。", 1.5),
    ),
}
REJECTED_STUDENT = "张浩然"
REJECT_REASON = "请补充实验记录的照片，并写清楚测量了哪些量。"


def user_id_of(person_id: int) -> int:
    return USER_ID_BASE + person_id


async def is_seeded(services: Services) -> bool:
    async with services.sessions() as session:
        return (await session.execute(select(func.count()).select_from(Person))).scalar_one() > 0


async def seed(services: Services, emu: BotApiEmulator) -> int:
    """Imports the demo roster, files some logs, and has everyone open their invite link. Returns people bound."""
    now = services.clock.now()
    today = local_now(services.clock, services.zone).date()
    async with services.sessions() as session, session.begin():
        roster = parse_roster(read_table(ROSTER_CSV.encode("utf-8"), "demo-roster.csv"))
        if roster.errors:
            raise RuntimeError(f"the demo roster does not import: {roster.errors}")
        await apply_roster(session, roster.rows, now)
        people = {p.name: p for p in (await session.execute(select(Person))).unique().scalars()}
        codes = {}
        for person in sorted(people.values(), key=_joining_order):
            codes[person.name] = (person.id, (await invites.issue(session, person.id, now,
                                                                  timedelta(days=INVITE_DAYS))).code)
        await _file_logs(session, people, today, now, services.zone)
    for name, (person_id, code) in codes.items():
        user = emu.user(user_id_of(person_id), first_name=name, language_code="zh-hans")
        await user.send_command("start", code, timeout=20)  # the bot greets them with their role's menu
    return len(codes)


async def reconnect(services: Services, emu: BotApiEmulator) -> list[int]:
    """After a restart: a fresh emulator is a fresh Telegram, so old update ids are forgotten and chats re-made."""
    async with services.sessions() as session, session.begin():
        await plumbing.forget_updates_before(session, datetime(9000, 1, 1, tzinfo=UTC))
        accounts = (await session.execute(select(Account).where(Account.channel == "telegram"))).unique().scalars()
        found = [(a.external_id, a.person.name, a.language_code) for a in accounts]
    for user_id, name, language in found:
        emu.user(user_id, first_name=name, language_code=language or "zh-hans")
    return [user_id for user_id, _, _ in found]


def _joining_order(person: Person) -> tuple[int, str, str]:
    roles = {Role(r.role) for r in person.roles}
    rank = min(ROLE_ORDER.index(r) for r in roles) if roles else len(ROLE_ORDER)
    return (len(ROLE_ORDER) - rank, person.school.name, person.name)  # office and mentors first, students last


def spread(first: date, last: date, count: int) -> list[date]:
    """`count` days from `first` to `last`, evenly apart (all on `last` when the span is empty)."""
    if count <= 0:
        return []
    if count == 1 or last <= first:
        return [last] * count
    step = (last - first).days / (count - 1)
    return [first + timedelta(days=round(i * step)) for i in range(count)]


def _moment(day: date, hour: int, zone: tzinfo, now: datetime) -> datetime:
    return min(datetime.combine(day, time(hour), zone), now)


async def _file_logs(session, people: dict[str, Person], today: date, now: datetime,
                     zone: tzinfo) -> None:
    """Each student's logs from January to yesterday; older ones confirmed, the newest one waiting."""
    first = date(today.year, 1, 8)
    last = max(date(today.year, 1, 1), today - timedelta(days=1))
    teachers = {}
    for person in people.values():
        if Role.TEACHER.value in {r.role for r in person.roles}:
            teachers[person.school_id] = person
    students = [p for p in people.values() if Role.STUDENT.value in {r.role for r in p.roles}]
    for number, student in enumerate(sorted(students, key=lambda p: p.name)):
        plan = LOGS[student.subject or "物理学"]
        newest = max(date(today.year, 1, 1), last - timedelta(days=number % 4))  # not everyone logged yesterday
        days = spread(min(first, newest), newest, len(plan))
        for index, (demo, day) in enumerate(zip(plan, days, strict=True)):
            files = [demo_photo_ref(demo.photo)] if demo.photo is not None else []
            log = await logs.file_log(session, student_id=student.id, kind=demo.kind, activity_date=day, did=demo.did,
                                      learned=demo.learned, next_steps=demo.next_steps, hours=demo.hours, files=files,
                                      session_id=None, now=_moment(day, 20, zone, now))
            latest = index == len(plan) - 1
            teacher = teachers.get(student.school_id)
            if teacher is None or (latest and student.name != REJECTED_STUDENT):
                continue  # the newest log waits in the teacher's "to confirm" list
            rejected = latest and student.name == REJECTED_STUDENT
            await logs.review(session, log, reviewer_id=teacher.id, version=log.version, confirmed=not rejected,
                              reason=REJECT_REASON if rejected else None,
                              now=_moment(day + timedelta(days=1), 10, zone, now))
    await session.flush()


# ---- demo photos: generated, so the repository ships no binary files -----------------------------

DEMO_PHOTO_IDS = ("AgACAgUAAxk-sandbox-demo-photo-lab", "AgACAgUAAxk-sandbox-demo-photo-board")


def demo_photo_ref(index: int) -> dict:
    data = demo_photo(index)
    return {"kind": "photo", "file_id": DEMO_PHOTO_IDS[index], "file_unique_id": f"sandbox-demo-{index}",
            "size": len(data)}


def register_demo_photos(emu: BotApiEmulator) -> None:
    """The seeded logs' photos exist in every run's emulator, so a teacher can open them after a restart."""
    from bot.emulator import StoredFile

    for index, file_id in enumerate(DEMO_PHOTO_IDS):
        emu.files.add(StoredFile(file_id, f"sandbox-demo-{index}", "photo", demo_photo(index),
                                 f"photos/sandbox_demo_{index}.png", width=320, height=240))


@cache
def demo_photo(index: int) -> bytes:
    """A small PNG: a sky-to-ground gradient with a sun (0) or a blackboard with chalk lines (1)."""
    width, height = 320, 240
    rows = []
    for y in range(height):
        row = bytearray(b"\x00")
        for x in range(width):
            if index == 0:
                r, g, b = (90 + y // 3, 150 + y // 4, 230 - y // 3) if y < 150 else (120, 100 - (y - 150) // 4, 70)
                if (x - 240) ** 2 + (y - 60) ** 2 < 900:
                    r, g, b = 255, 210, 80
            else:
                r, g, b = 40, 80 + (x + y) % 7, 60
                if 30 <= x <= 290 and y in (60, 61, 110, 111, 160, 161) and (x // 12) % 3:
                    r, g, b = 235, 235, 225
            row += bytes((min(r, 255), min(g, 255), min(b, 255)))
        rows.append(bytes(row))
    raw = zlib.compress(b"".join(rows), 9)

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")
