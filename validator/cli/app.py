"""The command-line application and the option types its commands share."""

from __future__ import annotations

from enum import StrEnum

import typer

from validator.output.term import plain_help_under_no_color

plain_help_under_no_color()  # typer's --help and usage errors: no styling under NO_COLOR

# add_completion: `nianbao --install-completion` / `--show-completion` (bash, zsh, fish, PowerShell).
app = typer.Typer(add_completion=True, no_args_is_help=True,
                  help="nianbao：政府信息公开工作年度报告检查工具 / validator for government information-disclosure annual reports.")


class OutFormat(StrEnum):
    text = "text"
    json = "json"
    html = "html"


class Kind(StrEnum):
    government = "government"
    department = "department"


class Lang(StrEnum):
    zh = "zh"
    en = "en"


def package_version() -> str:
    """The installed distribution's version; the package's own string when run from a source tree."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("nianbao")
    except PackageNotFoundError:
        from validator import __version__

        return __version__


def version_line() -> str:
    from validator.rules import rules_version

    return f"nianbao {package_version()} (rules {rules_version()})"


def _show_version(value: bool) -> None:
    if value:
        typer.echo(version_line())
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", "-V", is_eager=True, callback=_show_version,
                                 help="显示版本和规则版本 / show the version and the rules version"),
) -> None:
    pass
