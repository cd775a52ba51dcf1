"""The configuration options `check`, `batch` and `config` share (validator/config.py, docs/config.md)."""

from __future__ import annotations

from pathlib import Path

import typer

from validator import config
from validator.output.term import echo


def config_option():
    return typer.Option(None, "--config", metavar="FILE", help="只用这个配置文件（nianbao.toml 或 pyproject.toml）/ use this config file only")


def isolated_option():
    return typer.Option(False, "--isolated", help="不读取任何配置文件 / ignore all config files")


def select_option():
    return typer.Option(None, "--select", metavar="RULES", help="只检查这些规则：编号、类别或前缀，逗号分隔，可重复（如 T,arithmetic）"
                                               " / rules to check: ids, categories or prefixes")


def ignore_option():
    return typer.Option(None, "--ignore", metavar="RULES", help="不检查这些规则：编号、类别或前缀，逗号分隔，可重复 / rules to leave out")


def severity_option():
    return typer.Option(None, "--severity", metavar="RULE=LEVEL", help="改变规则级别 规则=error|warning|info，可重复（如 T8=error）"
                                                 " / RULE=level, repeatable")


def resolve_or_exit(start, lang: str, *, config_file: Path | None, isolated: bool, select, ignore, severity,
                    quiet_notes: bool = False) -> config.Config:
    """The effective configuration for an input, or a clear error and exit status 2."""
    cli = config.cli_options(config_file, isolated, select, ignore, severity)
    try:
        cfg = config.resolve(start, cli)
    except config.ConfigError as e:
        echo(e.text(lang), err=True)
        raise typer.Exit(2) from e
    return cfg


def echo_notes(cfgs, lang: str) -> None:
    """Each note once (several files may share a configuration), on stderr."""
    seen = set()
    for cfg in cfgs:
        for n in config.notes(cfg, lang):
            if n not in seen:
                seen.add(n)
                echo(("nianbao: note: " if lang == "en" else "nianbao：注意：") + n, err=True)


def max_memory_option():
    from validator.limits import DEFAULT_MAX_MEMORY_MB

    return typer.Option(DEFAULT_MAX_MEMORY_MB, "--max-memory", metavar="MB", min=0,
                        help="内存上限（MB；0 为不限）：batch 为每个工作进程，check 为读取一个文件所增加的内存 / memory limit (MB; 0: none): per worker in batch, what reading one file may add in check")
