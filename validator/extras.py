"""The optional parts of nianbao (the extras of pyproject.toml) and the one line that says how to
install one when a command needs it. The core install checks reports and serves the page; these add:

- ``parquet`` (pyarrow): Parquet files beside the CSV of ``nianbao export``;
- ``cluster`` (dask.distributed): ``nianbao batch --scheduler tcp://HOST:8786``;
- ``ocr`` (see pyproject.toml and README): reading scans without a text layer.
"""

from __future__ import annotations

import importlib
from types import ModuleType

# extra -> (the module it brings, what needs it in zh and en)
EXTRAS = {
    "parquet": ("pyarrow", "写出 Parquet 文件", "writing Parquet files"),
    "cluster": ("distributed", "在 Dask 集群上运行（--scheduler）", "running on a Dask cluster (--scheduler)"),
}


def install_command(extra: str) -> str:
    return f'pip install "nianbao[{extra}]"'


class MissingExtra(Exception):
    """A command needs an extra that is not installed: said in one line, with the command to install it."""

    def __init__(self, extra: str, detail: str = ""):
        super().__init__(extra, detail)
        self.extra, self.detail = extra, detail
        self.module, self.what_zh, self.what_en = EXTRAS[extra]

    def text(self, lang: str) -> str:
        if lang == "en":
            return (f"{self.what_en} needs the optional part '{self.extra}' ({self.module}), which is not installed; "
                    f"install it with: {install_command(self.extra)}")
        return f"{self.what_zh}需要可选组件 {self.extra}（{self.module}），尚未安装；安装命令：{install_command(self.extra)}"


def need(extra: str, module: str | None = None) -> ModuleType:
    """``module`` (default: the extra's own) imported, or MissingExtra."""
    name = module or EXTRAS[extra][0]
    try:
        return importlib.import_module(name)
    except ImportError as e:
        raise MissingExtra(extra, str(e)) from None


def available(extra: str) -> bool:
    try:
        need(extra)
    except MissingExtra:
        return False
    return True
