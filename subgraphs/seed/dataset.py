"""Generate the platform's data set: users, courses (modules, lessons, tags), progress.

Everything derives from one ``random.Random(seed)`` and a fixed base date, so two runs
produce identical rows. The first users are fixed roles tests rely on:
``usr_0001`` is an ADMIN, the next ``instructors`` users are INSTRUCTORs, the rest
LEARNERs.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

Row = dict[str, Any]

BASE = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)

FIRST = (  # noqa: SIM905 (a word list reads better as text)
    "Ada Alan Grace Linus Barbara Edsger Donald Margaret Ken Dennis Frances Radia Tim "
    "Guido Yukihiro Sophie Hedy Katherine Niklaus John Annie Lynn Carmen Ravi Mei "
    "Omar Ingrid Tomas Priya Kwame Lucia Hiro Elena Jonas Amara Felix Noor Mateo Sana"
).split()
LAST = (  # noqa: SIM905
    "Lovelace Turing Hopper Torvalds Liskov Dijkstra Knuth Hamilton Thompson Ritchie "
    "Allen Perlman Berners-Lee Rossum Matsumoto Wilson Lamarr Johnson Wirth McCarthy "
    "Easley Conway Silva Patel Chen Haddad Berg Novak Rao Mensah Garcia Sato Petrova "
    "Meyer Okafor Schmidt Khan Rossi Yamada"
).split()
LOCALES = ["en", "en-GB", "fr", "de", "es", "pt-BR", "ja", "nl", "it", "pl"]
TOPICS = [
    "Python",
    "GraphQL",
    "SQL",
    "Statistics",
    "Design",
    "Rust",
    "Kotlin",
    "Swift",
    "Networking",
    "Security",
    "Machine Learning",
    "Algorithms",
    "Cloud",
    "Testing",
    "Product Management",
    "Data Visualization",
    "Linux",
    "Compilers",
    "Go",
    "React",
]
LEVELS = [
    "Introduction to",
    "Practical",
    "Advanced",
    "Hands-on",
    "Foundations of",
    "Mastering",
    "Applied",
    "Modern",
]
TAGS = [
    "beginner",
    "intermediate",
    "advanced",
    "programming",
    "data",
    "web",
    "mobile",
    "backend",
    "frontend",
    "career",
    "math",
    "devops",
]
LESSON_WORDS = [
    "Overview",
    "Setup",
    "Basics",
    "Patterns",
    "Pitfalls",
    "Exercise",
    "Deep dive",
    "Case study",
    "Review",
    "Quiz",
    "Project",
    "Recap",
]


@dataclass
class Dataset:
    users: list[Row] = field(default_factory=list)
    courses: list[Row] = field(default_factory=list)
    course_tags: list[Row] = field(default_factory=list)
    modules: list[Row] = field(default_factory=list)
    lessons: list[Row] = field(default_factory=list)
    enrollments: list[Row] = field(default_factory=list)
    completions: list[Row] = field(default_factory=list)

    def ids(self, table: str, **where: Any) -> list[str]:
        """Ids of rows of ``table`` matching ``where`` (a test convenience)."""
        rows: list[Row] = getattr(self, table)
        return [r["id"] for r in rows if all(r.get(k) == v for k, v in where.items())]


def generate(
    *,
    users: int = 1000,
    courses: int = 200,
    instructors: int = 50,
    enrolled_share: float = 0.7,
    enrollments: tuple[int, int] = (1, 5),
    seed: int = 42,
) -> Dataset:
    """The full data set (``make seed``); smaller numbers give a smaller, similar one.

    A share ``enrolled_share`` of the learners is enrolled, each in between
    ``enrollments[0]`` and ``enrollments[1]`` courses (at most every course)."""
    rng = random.Random(seed)
    data = Dataset()
    _users(data, rng, users, instructors)
    _courses(data, rng, courses, instructors)
    _progress(data, rng, enrolled_share, enrollments)
    return data


def small() -> Dataset:
    """The tests' data set: 60 users (1 admin, 4 instructors), 12 courses."""
    return generate(users=60, courses=12, instructors=4, enrolled_share=0.5, seed=7)


def _users(data: Dataset, rng: random.Random, count: int, instructors: int) -> None:
    for n in range(1, count + 1):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        role = "ADMIN" if n == 1 else "INSTRUCTOR" if n <= 1 + instructors else "LEARNER"
        data.users.append(
            {
                "id": f"usr_{n:04d}",
                "name": f"{first} {last}",
                "email": f"{first}.{last}.{n}@example.com".lower(),
                "locale": rng.choice(LOCALES),
                "role": role,
                "created_at": BASE
                - timedelta(days=rng.randint(30, 900), minutes=rng.randint(0, 1439)),
            }
        )


def _courses(data: Dataset, rng: random.Random, count: int, instructors: int) -> None:
    instructor_ids = [f"usr_{n:04d}" for n in range(2, 2 + instructors)]
    for c in range(1, count + 1):
        course_id = f"crs_{c:04d}"
        topic = rng.choice(TOPICS)
        title = f"{rng.choice(LEVELS)} {topic}"
        data.courses.append(
            {
                "id": course_id,
                "title": f"{title} ({c})" if c > len(TOPICS) * len(LEVELS) else title,
                "description": f"A course about {topic.lower()}: "
                f"{rng.randint(3, 12)} hours of video and exercises.",
                "instructor_id": rng.choice(instructor_ids),
                "published_at": BASE - timedelta(days=rng.randint(1, 700)),
            }
        )
        for tag in sorted(rng.sample(TAGS, rng.randint(1, 3))):
            data.course_tags.append({"course_id": course_id, "tag": tag})
        position = 0
        for m in range(1, rng.randint(3, 6) + 1):
            module_id = f"mod_{c:04d}_{m}"
            data.modules.append(
                {
                    "id": module_id,
                    "course_id": course_id,
                    "position": m,
                    "title": f"Module {m}: {rng.choice(LESSON_WORDS)}",
                }
            )
            for _ in range(rng.randint(3, 6)):
                position += 1
                data.lessons.append(
                    {
                        "id": f"les_{c:04d}_{position:03d}",
                        "course_id": course_id,
                        "module_id": module_id,
                        "position": position,
                        "title": f"{rng.choice(LESSON_WORDS)} {position}",
                        "duration_minutes": rng.randint(3, 25),
                    }
                )


def _progress(
    data: Dataset, rng: random.Random, enrolled_share: float, enrollments: tuple[int, int]
) -> None:
    lessons_of: dict[str, list[str]] = {}
    for lesson in data.lessons:
        lessons_of.setdefault(lesson["course_id"], []).append(lesson["id"])
    course_ids = list(lessons_of)
    learners = [u["id"] for u in data.users if u["role"] == "LEARNER"]
    for user_id in learners:
        if rng.random() >= enrolled_share:
            continue
        seq = 0  # the learner's completions in the order they were (notionally) committed
        count = min(len(course_ids), rng.randint(*enrollments))
        for course_id in sorted(rng.sample(course_ids, count)):
            enrolled_at = BASE - timedelta(days=rng.randint(10, 300))
            data.enrollments.append(
                {
                    "id": f"enr_{user_id}_{course_id}",
                    "user_id": user_id,
                    "course_id": course_id,
                    "enrolled_at": enrolled_at,
                }
            )
            lesson_ids = lessons_of[course_id]
            at = enrolled_at
            for lesson_id in lesson_ids[: rng.randint(0, len(lesson_ids))]:
                at += timedelta(hours=rng.randint(1, 72))
                seq += 1
                data.completions.append(
                    {
                        "user_id": user_id,
                        "lesson_id": lesson_id,
                        "course_id": course_id,
                        "completed_at": at,
                        "seq": seq,
                    }
                )
