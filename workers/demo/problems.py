"""Synthetic multi-step arithmetic word problems with exact step-by-step solutions, and THE text
format the demo reasoner is trained on and prompted with. Pure Python: no torch, no Django."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

FORMAT_DESCRIPTION = (
    "'Q: <question>\\n' then one solution step per line, each ending in '\\n'; the last step is "
    "'The answer is N'; a training example ends with the tokenizer's EOS token."
)


@dataclass(frozen=True)
class DemoProblem:
    question: str
    steps: tuple[str, ...]  # solution lines, the last one exactly "The answer is N"
    answer: int


def prompt_for(question: str, steps: Sequence[str] = ()) -> str:
    """The prompt the demo model continues: the question line, then any steps taken so far.

    The model writes one step per line, so a product asking for one step stops at "\\n".
    """
    return f"Q: {question}\n" + "".join(step + "\n" for step in steps)


def format_example(problem: DemoProblem) -> str:
    """A full training example, without the EOS token (the tokenizer's to add)."""
    return prompt_for(problem.question, problem.steps)


def answer_line(answer: int) -> str:
    """The final solution line naming the answer."""
    return f"The answer is {answer}"


def generate_problems(n: int, seed: int) -> list[DemoProblem]:
    """`n` problems, the same list for the same seed."""
    rng = random.Random(seed)
    return [generate_problem(rng) for _ in range(n)]


def generate_problem(rng: random.Random) -> DemoProblem:
    """One problem of 2 to 4 operations from a randomly chosen story template."""
    template = rng.choice(_TEMPLATES)
    return template(rng)


# Names with their pronouns, so sentences read naturally.
_PEOPLE: tuple[tuple[str, str, str], ...] = (
    ("Mia", "she", "her"),
    ("Liam", "he", "his"),
    ("Ava", "she", "her"),
    ("Noah", "he", "his"),
    ("Zoe", "she", "her"),
    ("Omar", "he", "his"),
    ("Lena", "she", "her"),
    ("Ravi", "he", "his"),
    ("Sara", "she", "her"),
    ("Tom", "he", "his"),
    ("Nina", "she", "her"),
    ("Ben", "he", "his"),
)
_COLLECTIBLES = ("stickers", "marbles", "cards", "shells", "stamps", "coins", "beads")
_FRUITS = ("apples", "oranges", "pears", "lemons", "plums", "peaches")
_BAKED = ("cookies", "muffins", "cupcakes", "rolls", "brownies")
_SHOP_ITEMS = ("notebooks", "pens", "toys", "books", "cups", "balls", "hats", "socks")


def _person(rng: random.Random) -> tuple[str, str, str]:
    return rng.choice(_PEOPLE)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _finish(question: str, steps: list[str], answer: int) -> DemoProblem:
    return DemoProblem(question=question, steps=(*steps, answer_line(answer)), answer=answer)


def _exact_removal(rng: random.Random, total: int, divisor: int) -> int | None:
    """How many to take away from `total` so the rest divides exactly by `divisor` and leaves at
    least one each; None when no small amount does."""
    candidates = [
        removed
        for removed in range(1, min(total - divisor, 20) + 1)
        if (total - removed) % divisor == 0
    ]
    return rng.choice(candidates[:3]) if candidates else None


def _shopping(rng: random.Random) -> DemoProblem:
    name, she, _ = _person(rng)
    item, item2 = rng.sample(_SHOP_ITEMS, 2)
    a, price = rng.randint(2, 5), rng.randint(2, 9)
    cost = a * price
    steps = [f"{a} * {price} = {cost} dollars for the {item}."]
    question = f"{name} buys {a} {item} for {price} dollars each."
    total = cost
    if rng.random() < 0.6:
        b, price2 = rng.randint(2, 4), rng.randint(2, 5)
        cost2 = b * price2
        total = cost + cost2
        question += f" {_cap(she)} also buys {b} {item2} for {price2} dollars each."
        steps.append(f"{b} * {price2} = {cost2} dollars for the {item2}.")
        steps.append(f"Together that is {cost} + {cost2} = {total} dollars.")
    if len(steps) == 1 or rng.random() < 0.6:
        bill = next(note for note in (20, 50, 100, 200) if note >= total)
        change = bill - total
        question += f" {_cap(she)} pays with a {bill} dollar bill. How much change does {she} get?"
        steps.append(f"The change is {bill} - {total} = {change} dollars.")
        return _finish(question, steps, change)
    question += f" How much does {she} spend in total?"
    return _finish(question, steps, total)


def _eggs(rng: random.Random) -> DemoProblem:
    name, she, her = _person(rng)
    steps: list[str] = []
    if rng.random() < 0.5:
        hens, each = rng.randint(2, 4), rng.randint(2, 4)
        laid = hens * each
        question = f"{name} has {hens} hens. Each hen lays {each} eggs a day."
        steps.append(f"The hens lay {hens} * {each} = {laid} eggs a day.")
    else:
        laid = rng.randint(10, 19)
        question = f"{name}'s hens lay {laid} eggs a day."
    eaten = rng.randint(1, 4)
    left = laid - eaten
    question += f" {_cap(she)} eats {eaten} for breakfast"
    steps.append(f"{name} has {laid} - {eaten} = {left} eggs left.")
    if len(steps) == 1 and rng.random() < 0.7:
        baked = rng.randint(1, min(3, left - 1))
        question += f" and uses {baked} for baking"
        steps.append(f"After baking {left} - {baked} = {left - baked} eggs are left.")
        left -= baked
    price = rng.randint(2, 3)
    money = left * price
    question += (
        f". {_cap(she)} sells the rest for {price} dollars each."
        f" How many dollars does {she} make a day from {her} eggs?"
    )
    steps.append(f"{left} * {price} = {money} dollars.")
    return _finish(question, steps, money)


def _train(rng: random.Random) -> DemoProblem:
    speed, hours = rng.randint(1, 4) * 10, rng.randint(2, 3)
    first = speed * hours
    question = f"A train travels at {speed} km per hour for {hours} hours"
    steps = [f"First it travels {speed} * {hours} = {first} km."]
    if rng.random() < 0.6:
        speed2, hours2 = rng.randint(1, 3) * 10, rng.randint(1, 2)
        second = speed2 * hours2
        total = first + second
        question += f", then at {speed2} km per hour for {hours2} hours."
        steps.append(f"Then it travels {speed2} * {hours2} = {second} km.")
    else:
        extra = rng.randint(1, 9) * 5
        total = first + extra
        question += f", then {extra} km more."
    steps.append(f"In total it travels {first} + {total - first} = {total} km.")
    if rng.random() < 0.5:
        trip = total + rng.randint(1, 5) * 10
        question += f" The whole trip is {trip} km. How many km are left?"
        steps.append(f"There are {trip} - {total} = {trip - total} km left.")
        return _finish(question, steps, trip - total)
    question += " How far does it travel in total?"
    return _finish(question, steps, total)


def _savings(rng: random.Random) -> DemoProblem:
    name, she, _ = _person(rng)
    start, weekly, weeks = rng.randint(5, 20), rng.randint(2, 9), rng.randint(2, 4)
    saved = weekly * weeks
    total = start + saved
    question = (
        f"{name} has {start} dollars."
        f" {_cap(she)} saves {weekly} dollars every week for {weeks} weeks."
    )
    steps = [
        f"{_cap(she)} saves {weekly} * {weeks} = {saved} dollars.",
        f"Now {she} has {start} + {saved} = {total} dollars.",
    ]
    if rng.random() < 0.6:
        jars = rng.choice((2, 3))
        # Choose the share first so the split is exact and the gift costs at least a dollar.
        share = rng.randint(1, (total - 1) // jars)
        spent = total - share * jars
        rest = total - spent
        question += (
            f" Then {she} spends {spent} dollars on a gift and puts the rest"
            f" equally into {jars} jars. How many dollars are in each jar?"
        )
        steps.append(f"After the gift {she} has {total} - {spent} = {rest} dollars.")
        steps.append(f"Each jar gets {rest} / {jars} = {share} dollars.")
        return _finish(question, steps, share)
    question += f" How many dollars does {she} have now?"
    return _finish(question, steps, total)


def _sharing(rng: random.Random) -> DemoProblem:
    name, she, _ = _person(rng)
    food = rng.choice(_BAKED)
    trays, per_tray, friends = rng.randint(2, 4), rng.randint(3, 8), rng.randint(2, 4)
    made = trays * per_tray
    question = f"{name} bakes {trays} trays of {food} with {per_tray} {food} on each tray."
    steps = [f"{name} bakes {trays} * {per_tray} = {made} {food}."]
    rest = made
    eaten = _exact_removal(rng, made, friends) if rng.random() < 0.6 else None
    if eaten is not None:
        rest = made - eaten
        question += f" {_cap(she)} eats {eaten} of them"
        steps.append(f"{_cap(she)} has {made} - {eaten} = {rest} {food} left.")
        question += f" and shares the rest equally among {friends} friends."
    else:
        # Without eating, the total must already share out exactly.
        friends = rng.choice([k for k in range(2, 6) if made % k == 0] or [1])
        question += f" {_cap(she)} shares them equally among {friends} friends."
    each = rest // friends
    question += f" How many {food} does each friend get?"
    steps.append(f"Each friend gets {rest} / {friends} = {each} {food}.")
    return _finish(question, steps, each)


def _collection(rng: random.Random) -> DemoProblem:
    name, she, her = _person(rng)
    other = rng.choice([p for p in _PEOPLE if p[0] != name])[0]
    thing = rng.choice(_COLLECTIBLES)
    count = rng.randint(5, 20)
    question = f"{name} has {count} {thing}."
    steps: list[str] = []
    for _ in range(rng.randint(2, 3)):
        kind = rng.choice(("gain", "lose", "double") if count <= 20 else ("gain", "lose"))
        if kind == "gain":
            n = rng.randint(2, 9)
            question += f" {_cap(she)} gets {n} more {thing} from {other}."
            steps.append(f"{name} has {count} + {n} = {count + n} {thing}.")
            count += n
        elif kind == "lose" and count > 3:
            n = rng.randint(1, min(9, count - 1))
            question += f" {_cap(she)} gives {n} {thing} to {other}."
            steps.append(f"{name} has {count} - {n} = {count - n} {thing} left.")
            count -= n
        else:
            factor = rng.choice((2, 3)) if count <= 10 else 2
            word = "doubles" if factor == 2 else "triples"
            question += f" Then {her} collection {word}."
            steps.append(f"{count} * {factor} = {count * factor} {thing}.")
            count *= factor
    question += f" How many {thing} does {name} have now?"
    return _finish(question, steps, count)


def _farm(rng: random.Random) -> DemoProblem:
    chickens, cows = rng.randint(2, 9), rng.randint(2, 6)
    question = f"A farm has {chickens} chickens and {cows} cows."
    steps: list[str] = []
    if rng.random() < 0.4:
        sold = rng.randint(1, min(3, cows - 1))
        question += f" The farmer sells {sold} cows."
        steps.append(f"There are {cows} - {sold} = {cows - sold} cows left.")
        cows -= sold
    chicken_legs, cow_legs = chickens * 2, cows * 4
    total = chicken_legs + cow_legs
    question += " How many legs do the animals have in total?"
    steps.append(f"The chickens have {chickens} * 2 = {chicken_legs} legs.")
    steps.append(f"The cows have {cows} * 4 = {cow_legs} legs.")
    steps.append(f"Together that is {chicken_legs} + {cow_legs} = {total} legs.")
    return _finish(question, steps, total)


def _school(rng: random.Random) -> DemoProblem:
    buses, per_bus = rng.randint(2, 3), rng.randint(10, 15)
    group = rng.choice((2, 3, 4, 5))
    students = buses * per_bus
    question = f"{buses} buses each carry {per_bus} students to a museum."
    steps = [f"There are {buses} * {per_bus} = {students} students."]
    present = students
    away = _exact_removal(rng, students, group) if rng.random() < 0.6 else None
    if away is not None:
        present = students - away
        question += f" {away} students stay at the entrance."
        steps.append(f"Inside are {students} - {away} = {present} students.")
    else:
        group = rng.choice([g for g in (2, 3, 4, 5) if students % g == 0] or [1])
    groups = present // group
    question += f" The students inside form groups of {group}. How many groups are there?"
    steps.append(f"There are {present} / {group} = {groups} groups.")
    return _finish(question, steps, groups)


def _reading(rng: random.Random) -> DemoProblem:
    name, she, _ = _person(rng)
    per_day, days = rng.randint(3, 9), rng.randint(2, 5)
    read = per_day * days
    question = f"{name} reads {per_day} pages a day for {days} days."
    steps = [f"{_cap(she)} reads {per_day} * {days} = {read} pages."]
    if rng.random() < 0.5:
        more_days = rng.choice((2, 3, 4))
        left = more_days * rng.randint(2, 9)
        pages = read + left
        question += (
            f" The book has {pages} pages. {_cap(she)} reads the rest in {more_days} days,"
            f" the same number of pages each day. How many pages a day is that?"
        )
        steps.append(f"There are {pages} - {read} = {left} pages left.")
        steps.append(f"{left} / {more_days} = {left // more_days} pages a day.")
        return _finish(question, steps, left // more_days)
    pages = read + rng.randint(1, 20)
    question += f" The book has {pages} pages. How many pages are left?"
    steps.append(f"There are {pages} - {read} = {pages - read} pages left.")
    return _finish(question, steps, pages - read)


def _fruit(rng: random.Random) -> DemoProblem:
    name, she, _ = _person(rng)
    fruit = rng.choice(_FRUITS)
    boxes, per_box = rng.randint(2, 5), rng.randint(3, 9)
    total = boxes * per_box
    question = f"{name} picks {boxes} boxes of {fruit} with {per_box} {fruit} in each box."
    steps = [f"{boxes} * {per_box} = {total} {fruit}."]
    rotten = rng.randint(1, min(5, total - 1))
    good = total - rotten
    question += f" {rotten} {fruit} are rotten and thrown away."
    steps.append(f"{name} has {total} - {rotten} = {good} good {fruit}.")
    if rng.random() < 0.5:
        bought = rng.randint(2, 9)
        question += f" Then {she} buys {bought} more {fruit}."
        steps.append(f"{good} + {bought} = {good + bought} {fruit}.")
        good += bought
    question += f" How many good {fruit} does {name} have?"
    return _finish(question, steps, good)


_TEMPLATES: tuple[Callable[[random.Random], DemoProblem], ...] = (
    _shopping,
    _eggs,
    _train,
    _savings,
    _sharing,
    _collection,
    _farm,
    _school,
    _reading,
    _fruit,
)
