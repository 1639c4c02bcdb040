"""click's Command and Group, adjusted to the command line people already use."""

from __future__ import annotations

import re

import click

# What argparse took for a number rather than an option: `show -1` asks for article -1.
_NEGATIVE_NUMBER = re.compile(r"^-\d+$|^-\d*\.\d+$")


class Command(click.Command):
    """A command whose words come after its options, so a word may start with "-".

    The command's own options are kept where click looks for them and every other word goes
    after "--", in its order. A word that starts with "-" is a word when `dash_words` is set
    (`search -pekerja` excludes pekerja) or when it is a negative number; otherwise it stays an
    option and click names it as unknown. A "--" typed by the user leaves everything as it is.
    """

    dash_words = False
    single_dash_words = False  # "-word" is a word, "--word" still an option

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, self._words_last(ctx, args))

    def _words_last(self, ctx: click.Context, args: list[str]) -> list[str]:
        if "--" in args:
            return args
        takes_value: dict[str, bool] = {}
        for param in self.get_params(ctx):
            if isinstance(param, click.Option):
                for name in (*param.opts, *param.secondary_opts):
                    takes_value[name] = not (param.is_flag or param.count)
        options: list[str] = []
        words: list[str] = []
        i = 0
        while i < len(args):
            word = args[i]
            name, has_value = word.split("=", 1)[0], "=" in word
            if name in takes_value:
                size = 2 if takes_value[name] and not has_value else 1
                options.extend(args[i : i + size])
                i += size
                continue
            is_option = len(word) > 1 and word.startswith("-")
            as_word = self.dash_words or (self.single_dash_words and not word.startswith("--"))
            if is_option and not (as_word or _NEGATIVE_NUMBER.match(word)):
                options.append(word)
            else:
                words.append(word)
            i += 1
        return options + (["--", *words] if words else [])


class QueryCommand(Command):
    """A command whose words are a search query: `-word` is an exclusion, never an option."""

    dash_words = True


class FilterCommand(Command):
    """A command whose words are a query that narrows what it works on (`export`, `stats`):
    `-word` is an exclusion, while an unknown `--option` is still named as unknown."""

    single_dash_words = True


class Group(click.Group):
    """A group that lists its commands in the order they were added, as argparse did."""

    command_class = Command

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)
