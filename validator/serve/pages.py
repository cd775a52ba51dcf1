"""The pages of `nianbao serve`, in Chinese or English: the upload form, the summary of several
files, error pages; a single file's result is the page `check --format html` makes, with a bar on
top (back, downloads)."""

from __future__ import annotations

from validator import __version__
from validator.output.render_env import render
from validator.output.vocab import L, verdict

UI = {
    "zh": {
        "title": "政府信息公开工作年度报告检查", "home": "检查另一份", "switch": "English", "again": "返回，重新上传",
        "intro": "上传年度报告（WPS / Word 导出的 PDF、DOCX、网页或文本），立即得到检查结果：缺少的部分、表格中有问题的单元格"
                 "（标出应填的数值）和对不上的数字。文件只在本机检查，不上传到任何其他地方。",
        "drop": "把文件拖到这里，或点击选择文件", "forms": "支持 PDF、DOCX、DOC / WPS、HTML、TXT、Markdown；可一次选多份，或上传 zip 压缩包。",
        "optional": "可选信息（用于核对公布期限和跨年度数据）", "published": "公布日期",
        "published_hint": "不填则按报告落款日期核对", "kind": "单位类型", "kind_auto": "按机关名称判断",
        "department": "政府部门（1月31日前公布）", "government": "人民政府（3月31日前公布）", "previous": "上一年度报告",
        "previous_hint": "核对上年结转、现行有效件数和照搬上年内容", "submit": "开始检查", "busy": "正在检查，请稍候……",
        "privacy": "检查完成后不在磁盘上保留上传的文件（除非启动时指定了 --keep）。",
        "api": "供网站发布系统调用的接口", "api_hint": "POST /api/check，文件放在表单字段 file 中，返回 JSON（字段说明见 json-output.md）：",
        "file": "文件", "organ": "机关", "year": "年度", "verdict": "结论", "errors": "错误", "warnings": "警告",
        "open": "结果", "page": "查看", "all_json": "下载全部结果（JSON）", "skipped": "压缩包中未检查的文件：",
        "summary_title": "检查结果（{n} 份）", "summary": "共 {n} 份：{e} 份有错误，{w} 份只有警告，{ok} 份未发现问题，{u} 份未能检查。",
        "bar_html": "下载本页（HTML）", "bar_json": "下载结果（JSON）", "bar_list": "返回结果列表",
        "no_file": ("没有收到文件", "请选择一份年度报告再点击“开始检查”。"),
        "too_big": ("文件太大", "上传的内容超过 {mb} MB 的限制。请压缩图片或分开上传；如需更大的限制，请在启动时使用 --max-upload-mb。"),
        "not_found": ("找不到这个页面", "结果只保留一段时间；请重新上传文件检查。"),
        "failed": ("检查时出错", "本工具处理这份文件时出现了意外错误（{detail}）。请把文件发给维护人员。"),
        "busy_full": ("检查繁忙", "同时检查的文件太多，请稍后再试。"),
        "bad_form": ("无法读取上传内容", "上传的表单不完整或格式不对（{detail}）。请重新上传。"),
    },
    "en": {
        "title": "Annual report check", "home": "Check another", "switch": "中文", "again": "Back, upload again",
        "intro": "Upload a government information-disclosure annual report (PDF from WPS or Word, DOCX, web page or text) "
                 "and see at once what is missing, which table cells are wrong (with the value to write) and which numbers "
                 "do not add up. Files are checked on this machine only.",
        "drop": "Drop files here, or choose them", "forms": "PDF, DOCX, DOC / WPS, HTML, TXT, Markdown; several at once, or a zip.",
        "optional": "Optional (publication deadline and year-over-year checks)", "published": "Publication date",
        "published_hint": "if empty, the date the report is signed", "kind": "Organ kind", "kind_auto": "from the organ's name",
        "department": "government department (by 31 January)", "government": "people's government (by 31 March)",
        "previous": "Last year's report", "previous_hint": "carry-over, documents in force, copied sections",
        "submit": "Check", "busy": "Checking, please wait…",
        "privacy": "Uploaded files are not kept on disk after the answer (unless the server was started with --keep).",
        "api": "API for publishing systems", "api_hint": "POST /api/check with the file in the form field file; returns JSON (json-output.md):",
        "file": "File", "organ": "Organ", "year": "Year", "verdict": "Verdict", "errors": "Errors", "warnings": "Warnings",
        "open": "Result", "page": "open", "all_json": "Download all results (JSON)", "skipped": "Files in the zip not checked: ",
        "summary_title": "Results ({n} files)", "summary": "{n} files: {e} with errors, {w} with warnings only, {ok} without problems, {u} not checked.",
        "bar_html": "Download this page (HTML)", "bar_json": "Download the result (JSON)", "bar_list": "Back to the list",
        "no_file": ("No file received", "Choose an annual report, then press Check."),
        "too_big": ("File too large", "The upload is over the {mb} MB limit. Compress the pictures or upload the files separately; "
                    "the server's --max-upload-mb raises the limit."),
        "not_found": ("Page not found", "Results are kept for a while only; upload the file again."),
        "failed": ("The check failed", "An unexpected error occurred while checking this file ({detail}). Please send the file to the maintainers."),
        "busy_full": ("Busy", "Too many files are being checked; try again shortly."),
        "bad_form": ("The upload could not be read", "The form was incomplete or malformed ({detail}). Please upload again."),
    },
}


def _common(lang: str, title: str) -> dict:
    lg = L(lang)
    other = "en" if lg == "zh" else "zh"
    return {"lang": lg, "ui": UI[lg], "title": title, "home": f"/?lang={lg}", "switch_href": f"/?lang={other}",
            "switch_lang": other, "version": __version__}


def index_page(lang: str, base: str) -> str:
    return render("serve_page.html.j2", kind="index", base=base.rstrip("/"), **_common(lang, UI[L(lang)]["title"]))


def error_page(lang: str, key: str, **fmt) -> str:
    title, text = UI[L(lang)][key]
    return render("serve_page.html.j2", kind="error", error_title=title, error_text=text.format(**fmt),
                  **_common(lang, UI[L(lang)]["title"]))


def _row(i: int, r, token: str, lang: str) -> dict:
    fs = r.report.get("findings") or []
    level, sentence = verdict(fs, r.exit_code == 2, lang)
    return {"file": r.name, "organ": r.report.get("organ") or "—", "year": r.report.get("year") or "—",
            "level": level, "verdict": sentence, "errors": sum(f.get("severity") == "error" for f in fs),
            "warnings": sum(f.get("severity") == "warning" for f in fs), "page": f"/r/{token}/{i}",
            "json": f"/r/{token}/{i}.json"}


def summary_page(answer, skipped: list[str], lang: str) -> str:
    ui = UI[L(lang)]
    rows = [_row(i, r, answer.token, lang) for i, r in enumerate(answer.results)]
    levels = [r["level"] for r in rows]
    line = ui["summary"].format(n=len(rows), e=levels.count("error"), w=levels.count("warning"), ok=levels.count("ok"),
                                u=levels.count("unchecked"))
    return render("serve_page.html.j2", kind="summary", rows=rows, summary_line=line, skipped=skipped,
                  all_json=f"/r/{answer.token}/all.json", **_common(lang, ui["summary_title"].format(n=len(rows))))


_BAR = ('<nav class="nb-bar" style="font:14px/1.6 sans-serif;padding:8px 16px;background:#1d4e89;color:#fff">'
        '<a style="color:#fff" href="{home}">{again}</a>{list} · <a style="color:#fff" href="{html}" download>{bar_html}</a>'
        ' · <a style="color:#fff" href="{json}" download>{bar_json}</a></nav>')


def result_page(answer, i: int, lang: str) -> str:
    """The file's own result page (validator.output.single_html) with the bar on top."""
    ui = UI[L(lang)]
    r = answer.results[i]
    many = len(answer.results) > 1
    bar = _BAR.format(home=f"/?lang={L(lang)}", again=ui["home"], html=f"/r/{answer.token}/{i}.html",
                      json=f"/r/{answer.token}/{i}.json", bar_html=ui["bar_html"], bar_json=ui["bar_json"],
                      list=f' · <a style="color:#fff" href="/r/{answer.token}">{ui["bar_list"]}</a>' if many else "")
    page = r.html or error_page(lang, "failed", detail=r.report.get("findings", [{}])[0].get("message", ""))
    return page.replace("<body>", "<body>" + bar, 1)
