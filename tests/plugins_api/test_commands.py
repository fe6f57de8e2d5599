"""Typed command arguments: parsing from the handler signature, and what users see when the
arguments are wrong."""

from __future__ import annotations

from typing import Literal

import pytest

from botkit.commands import ArgumentError, CommandSignature, SignatureError, split_args

from .conftest import ChatFactory

GREETER = """
    from typing import Literal
    from botkit.plugin import Plugin, command

    class Greeter(Plugin):
        @command("greet", help="Greet someone", aliases=["hi"])
        async def greet(self, ctx, name: str, times: int = 1, *rest: str) -> str:
            tail = (" " + " ".join(rest)) if rest else ""
            return " ".join([f"Hello, {name}"] * times) + tail

        @command("calc")
        def calc(self, ctx, x: float, loud: bool = False) -> str:
            return f"{x * 2:g}" + ("!" if loud else "")

        @command("mode")
        async def mode(self, ctx, value: Literal["on", "off"], who: str | None = None) -> str:
            return f"mode {value} for {who}"

        @command("raw")
        async def raw(self, ctx, *words: str) -> str:
            return f"args={ctx.args!r} words={list(words)!r}"
"""


def signature(func: object) -> CommandSignature:
    return CommandSignature.from_handler(func, skip=1)  # type: ignore[arg-type]


def test_parse_converts_by_annotation_and_fills_defaults() -> None:
    def handler(ctx: object, name: str, times: int = 3, ratio: float = 0.5, *rest: str) -> None:
        pass

    sig = signature(handler)
    assert sig.parse("bob") == ["bob", 3, 0.5]
    assert sig.parse("bob 2 1.5 a b") == ["bob", 2, 1.5, "a", "b"]
    assert sig.usage() == "NAME [TIMES] [RATIO] [REST...]"


def test_quotes_group_words_and_apostrophes_survive() -> None:
    def handler(ctx: object, *words: str) -> None:
        pass

    sig = signature(handler)
    assert sig.parse("\"Bob Smith\" 'x y' z") == ["Bob Smith", "x y", "z"]
    assert sig.parse("“smart quotes” work") == ["smart quotes", "work"]
    assert sig.parse("I don't know") == ["I", "don't", "know"]
    assert split_args("#not a comment") == ["#not", "a", "comment"]
    with pytest.raises(ArgumentError, match="quote is not closed"):
        sig.parse('"open')


def test_bool_literal_and_optional_types() -> None:
    def handler(ctx: object, flag: bool, level: Literal["low", "high"], note: str | None) -> None:
        pass

    sig = signature(handler)
    assert sig.parse("yes HIGH") == [True, "high", None]
    assert sig.parse("off low hi") == [False, "low", "hi"]
    assert sig.usage() == "FLAG {low|high} [NOTE]"
    with pytest.raises(ArgumentError, match=r"\{low\|high\} must be one of low, high, not 'mid'"):
        sig.parse("yes mid")
    with pytest.raises(ArgumentError, match="FLAG must be yes or no, not 'maybe'"):
        sig.parse("maybe low")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "NAME is missing."),
        ("bob x", "TIMES must be a whole number, not 'x'."),
        ("bob 1 2", "Too many arguments: 2"),
    ],
)
def test_argument_errors_name_the_problem(text: str, problem: str) -> None:
    def handler(ctx: object, name: str, times: int = 1) -> None:
        pass

    with pytest.raises(ArgumentError) as caught:
        signature(handler).parse(text)
    assert str(caught.value) == problem


def test_unparseable_signatures_are_rejected() -> None:
    def listy(ctx: object, items: list[int]) -> None:
        pass

    def keyword(ctx: object, *, name: str) -> None:
        pass

    def required_after_optional(ctx: object, a: str | None, b: str) -> None:
        pass

    def no_ctx() -> None:
        pass

    with pytest.raises(SignatureError, match="unsupported type"):
        signature(listy)
    with pytest.raises(SignatureError, match="keyword-only"):
        signature(keyword)
    with pytest.raises(SignatureError, match="follows an optional"):
        signature(required_after_optional)
    with pytest.raises(SignatureError, match="ctx"):
        signature(no_ctx)


async def test_command_replies_with_parsed_values(chat_factory: ChatFactory) -> None:
    chat = await chat_factory({"greeter.py": GREETER})
    assert await chat.send("!greet bob") == ["Hello, bob"]
    assert await chat.send("!greet bob 2 and friends") == ["Hello, bob Hello, bob and friends"]
    assert await chat.send('!hi "Bob Smith"') == ["Hello, Bob Smith"]
    assert await chat.send("!calc 2.5 yes") == ["5!"]
    assert await chat.send("!MODE On") == ["mode on for None"]
    assert await chat.send("!raw  a 'b c' ") == ["args=\"a 'b c'\" words=['a', 'b c']"]


async def test_wrong_arguments_get_the_problem_and_usage(chat_factory: ChatFactory) -> None:
    chat = await chat_factory({"greeter.py": GREETER})
    assert await chat.send("!greet") == ["NAME is missing.\nUsage: !greet NAME [TIMES] [REST...]"]
    assert await chat.send("!greet bob many") == [
        "TIMES must be a whole number, not 'many'.\nUsage: !greet NAME [TIMES] [REST...]"
    ]
    assert await chat.send("!mode maybe") == [
        "{on|off} must be one of on, off, not 'maybe'.\nUsage: !mode {on|off} [WHO]"
    ]
    assert await chat.send("!calc 1 yes 3") == ["Too many arguments: 3\nUsage: !calc X [LOUD]"]
