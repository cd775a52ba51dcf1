"""`nianbao serve`: the web page for authors, on this machine by default. The work is done by
validator.serve; this module only parses options, warns and starts the server."""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path

import typer

from validator.cli.app import Lang, app

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def _loopback(host: str) -> bool:
    if host in LOOPBACK:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="监听地址（默认只在本机）/ address to listen on (default: this machine only)"),
    port: int = typer.Option(8765, "--port", help="端口 / port"),
    max_upload_mb: float = typer.Option(50.0, "--max-upload-mb", help="一次上传的大小上限（MB）/ upload size limit"),
    timeout: float = typer.Option(120.0, "--timeout", help="每个文件的检查时限（秒）/ per-file time limit, seconds"),
    workers: int = typer.Option(2, "--workers", help="同时检查的文件数 / checks at once"),
    keep: Path | None = typer.Option(None, "--keep", help="把上传的文件和结果保存到此文件夹（默认不保存）/ keep uploads and results here"),
    lang: Lang = typer.Option(Lang.zh, "--lang", help="提示语言 zh | en / language of the messages here"),
):
    """本机网页：上传年度报告，查看检查结果 / a local web page to check reports."""
    import uvicorn

    from validator.serve.app import make_app
    from validator.serve.checking import Checker

    en = lang == Lang.en
    url = f"http://{'[' + host + ']' if ':' in host else host}:{port}/"
    if not _loopback(host):
        typer.echo(("nianbao serve: WARNING: listening on " + host + ": anyone who can reach this machine can upload "
                    "files and read the results; use it on a trusted office network only.") if en else
                   f"nianbao serve：注意：正在监听 {host}，能访问本机的人都可以上传文件、查看结果；请只在可信的单位内网中使用。",
                   err=True)
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        typer.echo((f"nianbao serve: uploads and results are kept in {keep}") if en else
                   f"nianbao serve：上传的文件和检查结果保存在 {keep}", err=True)
    typer.echo((f"nianbao serve: open {url} in a browser (Ctrl-C stops)") if en else
               f"nianbao serve：请在浏览器中打开 {url}（按 Ctrl-C 停止）", err=True)
    checker = Checker(workers=workers, timeout=timeout, keep=keep)
    application = make_app(checker, int(max_upload_mb * (1 << 20)))
    try:
        uvicorn.run(application, host=host, port=port, log_level=os.environ.get("NIANBAO_SERVE_LOG", "warning"),
                    timeout_graceful_shutdown=5)
    except OSError as e:  # the port is taken, the address is not this machine's
        typer.echo(f"nianbao serve: {host}:{port}: {e.strerror or e}" if en else
                   f"nianbao serve：无法监听 {host}:{port}（{e.strerror or e}）", err=True)
        raise typer.Exit(2) from e
    finally:
        checker.close()
